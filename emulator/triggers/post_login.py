"""post-login (v3): after authentication and on refresh-token exchange, before tokens are issued (spec §1.4)."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from . import schemas
from .registry import STOP, ApiMethod, Arg, Codec, Trigger

_CLAIM_KEY = {"type": "not_in", "values": ["scope"], "message": "The {} claim cannot be set."}
_MFA_PROVIDER = {"type": "string", "enum": ["any", "duo", "google-authenticator", "guardian", "none"]}
_EXPIRY_REQUIRED = {"type": "truthy", "message": "Either inactivity or absolute expiration time must be provided"}
_DEFAULT_NAME_ID_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"

# setter -> (the configuration key Auth0 sends, doc)
_SAML_SETTERS = {
    "setAudience": ("audience", "SAML audience."),
    "setRecipient": ("recipient", "SAML recipient."),
    "setDestination": ("destination", "SAML destination."),
    "setCreateUpnClaim": ("createUpnClaim", "Create a UPN claim."),
    "setPassthroughClaimsWithNoMapping": ("passthroughClaimsWithNoMapping", "Pass through claims with no mapping."),
    "setMapUnknownClaimsAsIs": ("mapUnknownClaimsAsIs", "Map unknown claims as is."),
    "setMapIdentities": ("mapIdentities", "Map identities into the assertion."),
    "setSignResponse": ("signResponse", "Sign the whole response, not only the assertion."),
    "setIncludeAttributeNameFormat": ("includeAttributeNameFormat", "Include the attribute NameFormat."),
    "setTypedAttributes": ("typedAttributes", "Typed attributes."),
    "setLifetimeInSeconds": ("lifetimeInSeconds", "Assertion lifetime (default 3600)."),
    "setSignatureAlgorithm": ("signatureAlgorithm", "Signature algorithm: rsa-sha256 or rsa-sha1."),
    "setDigestAlgorithm": ("digestAlgorithm", "Digest algorithm: sha256 or sha1."),
    "setEncryptionAlgorithm": ("encryptionAlgorithm", "Encryption algorithm: aes256-gcm or aes256-cbc."),
    "setNameIdentifierFormat": ("nameIdentifierFormat", "NameID format (without an argument: unspecified)."),
    "setAuthnContextClassRef": ("authnContextClassRef", "AuthnContextClassRef."),
    "setIssuer": ("issuer", "Issuer."),
    "setRelayState": ("RelayState", "RelayState."),
    "setNameIdentifierProbes": ("nameIdentifierProbes", "NameID probes (at most 10)."),
    "setSigningCert": ("signingCert", "Signing certificate."),
    "setEncryptionCert": ("encryptionCert", "Encryption certificate."),
    "setEncryptionPublicKey": ("encryptionPublicKey", "Encryption public key."),
    "setCert": ("cert", "Certificate."),
    "setKey": ("key", "Key."),
}


def _saml() -> tuple[ApiMethod, ...]:
    def setter(name: str, key: str, doc: str) -> ApiMethod:
        default = _DEFAULT_NAME_ID_FORMAT if name == "setNameIdentifierFormat" else None
        return ApiMethod(f"samlResponse.{name}", (Arg(key, c.ANY, True, default=default),),
                         codec=schemas.saml_config(key), doc=doc)

    return (
        ApiMethod("samlResponse.setAttribute", (Arg("attribute"), Arg("value", c.ANY, True)),
                  behavior="saml.setAttribute", codec=Codec(schemas.SAML_ATTRIBUTE, ("attribute", "value")),
                  doc="Set (or with null remove) a SAML assertion attribute; at most 100 changes."),
        *(setter(name, key, doc) for name, (key, doc) in _SAML_SETTERS.items()),
    )


def _session_like(ns: str, what: str, extra: tuple[ApiMethod, ...]) -> tuple[ApiMethod, ...]:
    guards = ("refresh_token_offline",) if ns == "refreshToken" else ()
    return extra + (
        ApiMethod(f"{ns}.setExpiresAt", (Arg("absolute", _EXPIRY_REQUIRED),), "void", guards=guards,
                  codec=Codec(schemas.EXPIRATION, ("absolute",)),
                  doc=f"Absolute expiry of the {what} (epoch ms); the earliest of several calls wins."),
        ApiMethod(f"{ns}.setIdleExpiresAt", (Arg("inactivity", _EXPIRY_REQUIRED),), "void", guards=guards,
                  codec=Codec(schemas.EXPIRATION, ("inactivity",)),
                  doc=f"Idle expiry of the {what} (epoch ms); the earliest of several calls wins."),
        ApiMethod(f"{ns}.setMetadata", (Arg("key", c.ANY), Arg("value", c.ANY)), "void", behavior=f"{ns}.setMetadata",
                  doc=f"Set a string metadata value on the {what} (null deletes); 25 keys, 255 chars each."),
        ApiMethod(f"{ns}.deleteMetadata", (Arg("key", c.ANY),), "void", behavior=f"{ns}.deleteMetadata",
                  doc=f"Delete one metadata key of the {what}."),
        ApiMethod(f"{ns}.evictMetadata", (), "void", behavior=f"{ns}.evictMetadata",
                  doc=f"Delete all metadata of the {what}."),
    )



def _api() -> tuple[ApiMethod, ...]:
    return (
        c.access_deny(),
        ApiMethod("accessToken.setCustomClaim", (Arg("name", _CLAIM_KEY), Arg("value", c.ANY))
                  , doc="Add a custom claim to the access token (restricted names are dropped when minted)."),
        ApiMethod("accessToken.addScope", (Arg("scope", c._scope_rule()),), "void", behavior="scope.count",
                  doc="Add a scope to the access token (no whitespace, at most 280 characters)."),
        ApiMethod("accessToken.removeScope", (Arg("scope", c._scope_rule()),), "void",
                  doc="Remove a scope from the access token."),
        ApiMethod("idToken.setCustomClaim", (Arg("name", _CLAIM_KEY), Arg("value", c.ANY)),
                  doc="Add a custom claim to the ID token (restricted names are dropped when minted)."),
        *c.authentication_challenge(with_enroll=True),
        ApiMethod("authentication.recordMethod", (Arg("provider_url", c.HTTP_URL),), guards=("continue_only",),
                  doc="Record a custom authentication method (http(s) URL) in event.authentication.methods. "
                      "Only in onContinuePostLogin."),
        ApiMethod("authentication.setPrimaryUser", (Arg("primary_user_id", {"type": "primary_user_id"}),), "void",
                  guards=("once",),
                  doc="Issue tokens for another user of which this identity is a linked secondary. "
                      "Once per transaction."),
        *c.cache(),
        ApiMethod("multifactor.enable", (Arg("provider", _MFA_PROVIDER), Arg("options", c.ANY, True)),
                  doc="Require MFA with this provider after all actions ran ('none' skips MFA)."),
        c.prompt_render("onContinuePostLogin"),
        *c.redirect(with_can_redirect=True, continue_handler="onContinuePostLogin"),
        *_session_like("refreshToken", "refresh token", (
            ApiMethod("refreshToken.revoke", (Arg("reason", c.ANY, True),), "void", effect=STOP,
                      codec=Codec(schemas.REVOKE_REFRESH_TOKEN, ("message",)),
                      doc="Revoke the refresh token being exchanged and deny the exchange (refresh-token "
                          "protocol only)."),)),
        *_session_like("session", "session", (
            ApiMethod("session.revoke", (Arg("reason", c.ANY, True), Arg("options", c.ANY, True)),
                      "void", effect=STOP, codec=Codec(schemas.REVOKE_SESSION, ("message", "options")),
                      doc="End the session and deny the login (`options.preserveRefreshTokens` keeps the "
                          "session's refresh tokens)."),
            ApiMethod("session.setCookieMode", (Arg("mode", {"type": "cookie_mode"}),), "void",
                      behavior="session.setCookieMode", doc="Persistent or non-persistent session cookie."),)),
        ApiMethod("transaction.setMetadata", (Arg("key", {"type": "string", "max": 64}),
                                              Arg("value", {"type": "metadata_value"})), "void",
                  behavior="transaction.setMetadata",
                  doc="Set a value shared by all post-login actions of this transaction; visible at once in "
                      "event.transaction.metadata."),
        c.flagged("transaction.addTargetScope", (Arg("scope", c.ANY, True),), "Add a scope to the access token."),
        c.flagged("transaction.removeTargetScope", (Arg("scope", c.ANY, True),), "Remove a scope from the access token."),
        c.flagged("transaction.setTargetScopes", (Arg("scopes", c.ANY, True),), "Replace the access token's scopes."),
        c.flagged("transaction.clearTargetScopes", (), "Issue the access token with no scope."),
        *c.user_metadata(),
        c.validation_error(),
        *_saml(),
        ApiMethod("rules.wasExecuted", (Arg("ruleId"),), "value", behavior="rules.wasExecuted",
                  doc="Whether a Rule with this id ran in this transaction (the emulator runs no Rules)."),
        ApiMethod("roles.getUserEffectiveRoles", (Arg("params", c.ANY, True),), "promise",
                  behavior="roles.getUserEffectiveRoles",
                  doc="The user's effective roles `{roles, next?}` (from event.authorization.roles)."),
        ApiMethod("roles.getUserEffectiveRolesByIds", (Arg("ids"),),
                  "promise", behavior="roles.byIds", doc="The user's effective roles among these ids."),
        ApiMethod("roles.getUserEffectiveRolesByNames", (Arg("names"),), "promise",
                  behavior="roles.byNames", doc="The user's effective roles among these names."),
        ApiMethod("groups.getUserGroups", (Arg("params", c.ANY, True),), "promise",
                  behavior="groups.getUserGroups", doc="The user's groups `{groups, next?}`."),
        ApiMethod("groups.hasGroupMembership", (Arg("groups"),), "promise",
                  behavior="groups.hasGroupMembership", doc="Whether the user belongs to these groups."),
    )


def default_event() -> dict[str, Any]:
    """Every field of Auth0's example post-login event, in this emulator's sample world."""
    request = e.request(query=True, body=True, asn=True) | {"method": "GET"}
    client = e.client()
    transaction = e.transaction_base() | {
        "id": "nZniEmn3ejOpcV46_ac1CxJCuO_gAuwR", "metadata": {},
        "requested_authorization_details": [{"type": "payment_initiation"}],
        "linking_id": "lnk_5Qw8Er2Ty", "subject_token_type": "urn:example:subject-token",
        "actor": {"sub": "auth0|actor", "act": {"sub": "auth0|actor-of-actor"}},
        "actor_token_type": "urn:ietf:params:oauth:token-type:id_token",
    }
    user = e.full_user(factors=True)
    user["last_password_reset"] = "2026-10-01T08:00:00.000Z"
    return {
        "agent": e.agent(),
        "anonymous_session": e.anonymous_session(),
        "authentication": {"methods": [{"name": "pwd", "timestamp": e.NOW},
                                       {"name": "mfa", "timestamp": e.NOW, "type": "otp"}],
                           "riskAssessment": e.risk_assessment()},
        "authorization": {"roles": []},
        "client": client | {
            "authentication": e.mtls_client_authentication(),
            "external_client_id": "https://app.example.com/oauth-client.json", "external_metadata_type": "cimd",
            "refresh_token": {"policies": [{"audience": "https://api.example.com", "scope": ["read:orders"]}]},
        },
        "connection": e.connection(),
        "custom_domain": e.custom_domain(),
        "experiment": e.experiment(),
        "organization": e.organization(),
        "prompt": {"id": "form_1234567890", "vars": {}, "fields": {}},
        "request": request,
        "resource_server": {"identifier": "https://api.example.com"},
        "refresh_token": e.refresh_token(request, client["client_id"]) | {
            "session_transfer": {"parent_refresh_token": {"id": "rt_2Pk7Wn"}}},
        "security_context": e.security_context(),
        "session": e.session(request, client["client_id"]) | {
            "session_transfer": {"parent_refresh_token": {"id": "rt_2Pk7Wn", "metadata": {}}},
            "actor": {"sub": "auth0|actor"}},
        "session_transfer_token": e.session_transfer_token(request, client["client_id"]),
        "stats": {"logins_count": 12},
        "tenant": e.tenant(),
        "transaction": transaction,
        "user": user,
        "secrets": {},
        "configuration": {},
    }


TRIGGER = Trigger(
    id="post-login", version="v3", handlers=("onExecutePostLogin", "onContinuePostLogin"), blocking=True,
    doc="Runs after a user authenticates (and on refresh-token exchange), before tokens are issued.",
    api=_api(), default_event=default_event,
)
