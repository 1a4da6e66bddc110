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
        }
    if body:
        req["body"] = {}
    return req


def client() -> dict[str, Any]:
    return {"client_id": "wq3Yc1Bz8VnJ9sKx2LmP4TdR6hFg0AeU", "name": "My Web App", "metadata": {}}


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


def identity() -> dict[str, Any]:
    return {"connection": "Username-Password-Authentication", "isSocial": False, "provider": "auth0",
            "user_id": USER_ID.split("|", 1)[1], "profileData": {}}


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
