"""Building blocks of the default events (spec §1.2): one realistic tenant, client, connection, request
and user, shared by every trigger's sample event so that they describe the same world.

Each function returns a fresh dict; a trigger's default event picks and trims what Auth0 sends it.
"""
from __future__ import annotations

from typing import Any

TENANT = "dev-tenant"
HOSTNAME = f"{TENANT}.us.auth0.com"
USER_ID = "auth0|65f0c1a2b3c4d5e6f7a8b9c0"
CREATED_AT = "2026-01-15T09:30:00.000Z"
UPDATED_AT = "2026-11-20T14:02:11.000Z"


def tenant() -> dict[str, Any]:
    return {"id": TENANT}


def tenant_settings() -> dict[str, Any]:
    """The tenant with the settings the notification triggers (custom providers) also show."""
    return tenant() | {"friendly_name": "Dev Tenant", "home_url": "https://example.com",
                       "logo_url": "https://example.com/logo.png", "support_email": "support@example.com",
                       "support_url": "https://example.com/support"}


def geoip() -> dict[str, Any]:
    return {
        "cityName": "Bellevue", "continentCode": "NA", "countryCode": "US", "countryCode3": "USA",
        "countryName": "United States of America", "latitude": 47.61793, "longitude": -122.19584,
        "subdivisionCode": "WA", "subdivisionName": "Washington", "timeZone": "America/Los_Angeles",
    }


def request(*, query: bool = False, body: bool = False, asn: bool = False) -> dict[str, Any]:
    req: dict[str, Any] = {
        "ip": "13.33.86.47", "method": "POST" if body else "GET", "geoip": geoip(), "hostname": HOSTNAME,
        "language": "en", "user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    }
    if asn:
        req["asn"] = "AS13335"
    if query:
        req["query"] = {
            "client_id": "wq3Yc1Bz8VnJ9sKx2LmP4TdR6hFg0AeU", "response_type": "code", "scope": "openid profile email",
            "redirect_uri": "https://app.example.com/callback", "state": "dGVzdC1zdGF0ZQ", "prompt": "login",
            "protocol": "oauth2", "connection": "Username-Password-Authentication",
        }
    if body:
        req["body"] = {}
    return req


def client() -> dict[str, Any]:
    return {"client_id": "wq3Yc1Bz8VnJ9sKx2LmP4TdR6hFg0AeU", "name": "My Web App", "metadata": {}}


def cimd_client() -> dict[str, Any]:
    """The client as a CIMD (client ID metadata document) application shows it."""
    return client() | {"external_client_id": "https://app.example.com/oauth-client.json",
                       "external_metadata_type": "cimd"}


def mtls_client_authentication(host: str = "app.example.com") -> dict[str, Any]:
    """How a client authenticated with mutual TLS (a self-signed certificate), as Auth0's examples show it."""
    return {"type": "self_signed_tls_client_auth", "certificate": {
        "raw": "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----",
        "subject": f"CN={host}", "subjectAltName": f"DNS:{host}",
        "thumbprint256": "qrvM3e7_ABEiM0RVZneImaq7zN3u_wARIjNEVWZ3iJk"}}


def connection() -> dict[str, Any]:
    return {"id": "con_fpe5kj482KO1eOzQ", "name": "Username-Password-Authentication", "strategy": "auth0",
            "metadata": {}}


def transaction_base() -> dict[str, Any]:
    return {
        "acr_values": [], "locale": "en", "login_hint": "jane.doe@example.com", "prompt": ["login"],
        "protocol": "oidc-basic-profile", "redirect_uri": "https://app.example.com/callback",
        "requested_scopes": ["openid", "profile", "email"], "response_mode": "query", "response_type": ["code"],
        "state": "dGVzdC1zdGF0ZQ", "ui_locales": ["en"], "correlation_id": "c0rr3l4t10n-1d",
    }


# The identity provider's access token Auth0's example identities carry (a journey's real database users
# have none: flows/events.py builds their identities from the directory).
IDP_ACCESS_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI1ZjdjOGVjN2MzM2M2YzAwNGJiYWZlODIifQ.c2FtcGxlLWlkcC10b2tlbg"


def identity() -> dict[str, Any]:
    return {"connection": "Username-Password-Authentication", "isSocial": False, "provider": "auth0",
            "user_id": USER_ID.split("|", 1)[1], "userId": USER_ID.split("|", 1)[1], "profileData": {},
            "accessToken": IDP_ACCESS_TOKEN}


def full_user(*, factors: bool = False) -> dict[str, Any]:
    user: dict[str, Any] = {
        "user_id": USER_ID, "email": "jane.doe@example.com", "email_verified": True, "username": "janedoe",
        "name": "Jane Doe", "nickname": "jane.doe", "given_name": "Jane", "family_name": "Doe",
        "picture": "https://s.gravatar.com/avatar/0?s=480&d=identicon", "phone_number": "+14255550123",
        "phone_verified": False, "created_at": CREATED_AT, "updated_at": UPDATED_AT,
        "app_metadata": {}, "user_metadata": {}, "identities": [identity()],
    }
    if factors:
        user["multifactor"] = []
        user["enrolledFactors"] = []
    return user


def proposed_user() -> dict[str, Any]:
    """The profile a pre-user-registration action sees: no user_id, created_at or email_verified."""
    return {"email": "jane.doe@example.com", "username": "janedoe", "name": "Jane Doe", "nickname": "jane.doe",
            "given_name": "Jane", "family_name": "Doe", "app_metadata": {}, "user_metadata": {}}


# ---- parts of Auth0's example events that only some transactions carry (journeys drop or fill them) ----
NOW = "2026-11-26T10:00:00.000Z"


def akamai() -> dict[str, Any]:
    """Akamai's bot and user-risk signals (present when the tenant uses Akamai's integration)."""
    return {
        "akamaiBot": {"type": "Akamai-Categorized Bot", "botnetId": "googlebot", "action": "Monitor",
                      "botCategory": ["Web Search Engine Bots", "Search Engine Bots"], "botScore": 0,
                      "botScoreResponseSegment": "test"},
        "akamaiUserRisk": {
            "uuid": "86b37525-8047-4a3c-8d7a-23e99901da05", "username": "jane.doe@example.com",
            "emailDomain": "example.com", "ouid": "m534264", "requestid": "19e22e", "status": 4, "score": 0,
            "general": {"aci": "0", "db": "Chrome 131", "di": "0fc91b5ec42f5a471c16a85e3e388ca57697c1a9",
                        "do": "Linux"},
            "risk": {"ugp": "ie/M", "unp": "432/H"},
            "trust": {"udbp": "Chrome131", "udfp": "25ba44ec3b391ba4ce5fbbd2979635e254775e7d", "udop": "Linux",
                      "ugp": "US", "unp": "12322", "utp": "weekday_3"},
            "allow": 0, "action": "monitor",
        },
    }


def risk_assessment(full: bool = True) -> dict[str, Any]:
    """Adaptive MFA's assessment (post-login), or only the supplemental signals (other triggers)."""
    if not full:
        return {"supplemental": {"akamai": akamai()}}
    return {
        "confidence": "high", "version": "1",
        "assessments": {
            "UntrustedIP": {"confidence": "high", "code": "not_found_on_deny_list"},
            "NewDevice": {"confidence": "high", "code": "match", "details": {"device": "known", "useragent": "known"}},
            "ImpossibleTravel": {"confidence": "high", "code": "minimal_travel_from_last_login"},
            "AgentDetection": {"confidence": "neutral", "code": "verified_agent", "details": {"provider": "openai"}},
        },
        "supplemental": {"akamai": akamai()},
    }


def custom_domain() -> dict[str, Any]:
    return {"domain": "login.example.com", "domain_metadata": {"environment": "production"}}


def experiment() -> dict[str, Any]:
    return {"experiment_id": "exp_7Hc2Lq", "variation_id": "var_9Tz4Rk", "variation_name": "Treatment",
            "variation_description": "New login experience", "config": {"theme": {"value": "dark"}},
            "is_control": False}


def organization() -> dict[str, Any]:
    return {"id": "org_juG7cAQ0CymOcVpV", "name": "acme", "display_name": "Acme Inc.", "metadata": {}}


def anonymous_session() -> dict[str, Any]:
    return {"user_id": "anon@5bdbd57d-cb7a-4cbb-b938-c0499a31ad52",
            "session_id": "anon_sess@f727e268-46da-4c7d-ad57-b8c80318c295",
            "created_at": "2026-11-26T09:58:00.000Z", "expires_at": "2026-11-26T10:58:00.000Z",
            "metadata": {"source": "web"}}


def security_context() -> dict[str, Any]:
    """TLS fingerprints of the client connection."""
    return {"ja3": "c13a3e168d43e62e0ad96fae6347e2e4", "ja4": "t13d1516h2_8daaf6152771_02713d6af862"}


def device(req: dict[str, Any]) -> dict[str, Any]:
    return {"initial_ip": req["ip"], "last_ip": req["ip"], "initial_user_agent": req["user_agent"],
            "last_user_agent": req["user_agent"], "initial_asn": req.get("asn", "AS13335"),
            "last_asn": req.get("asn", "AS13335")}


def session(req: dict[str, Any], client_id: str) -> dict[str, Any]:
    return {
        "id": "sess_J0gS4mpl3", "user_id": USER_ID, "created_at": NOW, "updated_at": NOW, "authenticated_at": NOW,
        "last_interacted_at": NOW, "idle_expires_at": "2026-11-29T10:00:00.000Z",
        "expires_at": "2026-12-26T10:00:00.000Z", "device": device(req), "clients": [{"client_id": client_id}],
        "cookie": {"mode": "persistent"}, "metadata": {},
    }


def refresh_token(req: dict[str, Any], client_id: str) -> dict[str, Any]:
    """The refresh token being exchanged (only in a refresh-token exchange)."""
    return {
        "id": "rt_8Jx2Qw4Lm", "user_id": USER_ID, "client_id": client_id, "session_id": "sess_J0gS4mpl3",
        "created_at": "2026-11-20T10:00:00.000Z", "expires_at": "2026-12-20T10:00:00.000Z",
        "idle_expires_at": "2026-12-11T10:00:00.000Z", "last_exchanged_at": NOW, "rotating": True,
        "resource_servers": [{"audience": "https://api.example.com", "scopes": "openid profile offline_access"}],
        "device": device(req), "metadata": {}, "access": "offline",
    }


def session_transfer_token(req: dict[str, Any], client_id: str) -> dict[str, Any]:
    return {"client_id": client_id, "scope": ["openid"],
            "request": {"ip": req["ip"], "asn": req.get("asn", "AS13335"), "user_agent": req["user_agent"],
                        "geoip": geoip()}}


def agent() -> dict[str, Any]:
    return {"agent_id": "agt_4Fq8Zr", "name": "Support Assistant", "agent_metadata": {"env": "production"}}


# Top-level fields only some transactions have: a journey keeps them only when it fills them for real.
SITUATIONAL = ("agent", "anonymous_session", "custom_domain", "experiment", "initial_organization", "organization",
               "prompt",
               "refresh_token", "security_context", "session_transfer_token")
# Fields inside objects that only some transactions have (token exchange, RAR, mTLS, CIMD, Adaptive MFA).
SITUATIONAL_PARTS = {
    "transaction": ("actor", "actor_token_type", "subject_token_type", "requested_authorization_details",
                    "linking_id"),
    "client": ("authentication", "external_client_id", "external_metadata_type", "refresh_token"),
    "session": ("actor", "session_transfer"),
    "authentication": ("riskAssessment",),
}
