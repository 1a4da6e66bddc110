"""post-login (v3): after authentication and on refresh-token exchange, before tokens are issued (spec §1.4)."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from .registry import STOP, ApiMethod, Arg, Trigger

_METADATA_KEY = {"type": "string"}
_EPOCH = {"type": "epoch_ms"}
_CLAIM_KEY = {"type": "string", "not_in": ["scope"], "messages": {"not_in": 'The "scope" claim cannot be set.'}}
_MFA_PROVIDER = {"type": "string", "enum": ["any", "duo", "google-authenticator", "guardian", "none"]}
_SAML_NAME = {"type": "string", "max": 1024}
_SAML_VALUE = {"type": "saml_value"}


def _saml() -> tuple[ApiMethod, ...]:
    def cfg(name: str, rule: dict, doc: str) -> ApiMethod:
        return ApiMethod(f"samlResponse.{name}", (Arg("value", rule),), doc=doc)

    bool_rule = {"type": "boolean"}
    s2048 = {"type": "string", "max": 2048}
    s512 = {"type": "string", "max": 512}
    s4096 = {"type": "string", "max": 4096}
    return (
        ApiMethod("samlResponse.setAttribute", (Arg("attribute", _SAML_NAME), Arg("value", _SAML_VALUE, True)),
                  behavior="saml.setAttribute",
                  doc="Set (or with null remove) a SAML assertion attribute; at most 100 changes."),
        cfg("setAudience", s2048, "SAML audience."),
        cfg("setRecipient", s2048, "SAML recipient."),
        cfg("setDestination", s2048, "SAML destination."),
        cfg("setCreateUpnClaim", bool_rule, "Create a UPN claim."),
        cfg("setPassthroughClaimsWithNoMapping", bool_rule, "Pass through claims with no mapping."),
        cfg("setMapUnknownClaimsAsIs", bool_rule, "Map unknown claims as is."),
        cfg("setMapIdentities", bool_rule, "Map identities into the assertion."),
        cfg("setSignResponse", bool_rule, "Sign the whole response, not only the assertion."),
        cfg("setIncludeAttributeNameFormat", bool_rule, "Include the attribute NameFormat."),
        cfg("setTypedAttributes", bool_rule, "Typed attributes."),
        cfg("setLifetimeInSeconds", {"type": "number"}, "Assertion lifetime (default 3600)."),
        cfg("setSignatureAlgorithm", {"type": "string", "enum": ["rsa-sha256", "rsa-sha1"]}, "Signature algorithm."),
        cfg("setDigestAlgorithm", {"type": "string", "enum": ["sha256", "sha1"]}, "Digest algorithm."),
        cfg("setEncryptionAlgorithm", {"type": "string", "enum": ["aes256-gcm", "aes256-cbc"]}, "Encryption algorithm."),
        cfg("setNameIdentifierFormat", s512, "NameID format."),
        cfg("setAuthnContextClassRef", s512, "AuthnContextClassRef."),
        cfg("setIssuer", s512, "Issuer."),
        cfg("setRelayState", s512, "RelayState."),
        cfg("setNameIdentifierProbes", {"type": "string_array", "max": 10, "item_max": 512}, "NameID probes."),
        cfg("setSigningCert", s4096, "Signing certificate."),
        cfg("setEncryptionCert", s4096, "Encryption certificate."),
        cfg("setEncryptionPublicKey", s4096, "Encryption public key."),
        cfg("setCert", s4096, "Certificate."),
        cfg("setKey", s4096, "Key."),
    )


def _session_like(ns: str, what: str, extra: tuple[ApiMethod, ...]) -> tuple[ApiMethod, ...]:
    return extra + (
        ApiMethod(f"{ns}.setExpiresAt", (Arg("absolute", _EPOCH),), "void", behavior=f"{ns}.expiry",
                  doc=f"Absolute expiry of the {what} (epoch ms); the earliest of several calls wins."),
        ApiMethod(f"{ns}.setIdleExpiresAt", (Arg("inactivity", _EPOCH),), "void", behavior=f"{ns}.expiry",
                  doc=f"Idle expiry of the {what} (epoch ms); the earliest of several calls wins."),
        ApiMethod(f"{ns}.setMetadata", (Arg("key", c.ANY), Arg("value", c.ANY)), "void", behavior=f"{ns}.setMetadata",
                  doc=f"Set a string metadata value on the {what} (null deletes); 25 keys, 255 chars each."),
        ApiMethod(f"{ns}.deleteMetadata", (Arg("key", c.ANY),), "void", behavior=f"{ns}.deleteMetadata",
                  doc=f"Delete one metadata key of the {what}."),
        ApiMethod(f"{ns}.evictMetadata", (), "void", behavior=f"{ns}.evictMetadata",
                  doc=f"Delete all metadata of the {what}."),
    )



def _api() -> tuple[ApiMethod, ...]:
    roles_take = {"type": "object"}
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
        ApiMethod("authentication.recordMethod", (Arg("provider_url", c.URL),), guards=("continue_only",),
                  doc="Record a custom authentication method (http(s) URL) in event.authentication.methods. "
                      "Only in onContinuePostLogin."),
        ApiMethod("authentication.setPrimaryUser", (Arg("primary_user_id", {"type": "primary_user_id"}),), "void",
                  guards=("once",),
                  doc="Issue tokens for another user of which this identity is a linked secondary. "
                      "Once per transaction."),
        *c.cache(),
        ApiMethod("multifactor.enable", (Arg("provider", _MFA_PROVIDER), Arg("options", {"type": "object"}, True)),
                  doc="Require MFA with this provider after all actions ran ('none' skips MFA)."),
        c.prompt_render("onContinuePostLogin"),
        *c.redirect(with_can_redirect=True, continue_handler="onContinuePostLogin"),
        *_session_like("refreshToken", "refresh token", (
            ApiMethod("refreshToken.revoke", (Arg("reason", c.STRING),), "void", effect=STOP,
                      doc="Revoke the refresh token being exchanged and deny the exchange (refresh-token "
                          "protocol only)."),)),
        *_session_like("session", "session", (
            ApiMethod("session.revoke", (Arg("reason", c.STRING), Arg("options", {"type": "object"}, True)),
                      "void", effect=STOP, doc="End the session and deny the login."),
            ApiMethod("session.setCookieMode",
                      (Arg("mode", {"type": "string", "enum": ["persistent", "non-persistent"]}),), "void",
                      behavior="session.setCookieMode", doc="Persistent or non-persistent session cookie."),)),
        ApiMethod("transaction.setMetadata", (Arg("key", {"type": "string", "max": 64}),
                                              Arg("value", {"type": "metadata_value"})), "void",
                  behavior="transaction.setMetadata",
                  doc="Set a value shared by all post-login actions of this transaction; visible at once in "
                      "event.transaction.metadata."),
        *c.user_metadata(),
        c.validation_error(),
        *_saml(),
        ApiMethod("rules.wasExecuted", (Arg("ruleId", c.STRING),), "value", behavior="rules.wasExecuted",
                  doc="Whether a Rule with this id ran in this transaction (the emulator runs no Rules)."),
        ApiMethod("roles.getUserEffectiveRoles", (Arg("params", roles_take, True),), "promise",
                  behavior="roles.getUserEffectiveRoles",
                  doc="The user's effective roles `{roles, next?}` (from event.authorization.roles)."),
        ApiMethod("roles.getUserEffectiveRolesByIds", (Arg("ids", {"type": "string_array", "min": 1, "max": 100}),),
                  "promise", behavior="roles.byIds", doc="The user's effective roles among these ids."),
        ApiMethod("roles.getUserEffectiveRolesByNames",
                  (Arg("names", {"type": "string_array", "min": 1, "max": 50}),), "promise",
                  behavior="roles.byNames", doc="The user's effective roles among these names."),
        ApiMethod("groups.getUserGroups", (Arg("params", {"type": "object"}, True),), "promise",
                  behavior="groups.getUserGroups", doc="The user's groups `{groups, next?}`."),
        ApiMethod("groups.hasGroupMembership", (Arg("groups", {"type": "string_array", "min": 1}),), "promise",
                  behavior="groups.hasGroupMembership", doc="Whether the user belongs to these groups."),
    )


def default_event() -> dict[str, Any]:
    transaction = e.transaction_base() | {"id": "nZniEmn3ejOpcV46_ac1CxJCuO_gAuwR", "metadata": {}}
    return {
        "authentication": {"methods": [{"name": "pwd", "timestamp": "2026-11-26T10:00:00.000Z"}]},
        "authorization": {"roles": []},
        "client": e.client(),
        "connection": e.connection(),
        "request": e.request(query=True, body=True, asn=True) | {"method": "GET"},
        "resource_server": {"identifier": "https://api.example.com"},
        "session": {"id": "sess_J0gS4mpl3", "metadata": {}, "cookie": {"mode": "persistent"}},
        "stats": {"logins_count": 12},
        "tenant": e.tenant(),
        "transaction": transaction,
        "user": e.full_user(factors=True),
        "secrets": {},
        "configuration": {},
    }


TRIGGER = Trigger(
    id="post-login", version="v3", handlers=("onExecutePostLogin", "onContinuePostLogin"), blocking=True,
    doc="Runs after a user authenticates (and on refresh-token exchange), before tokens are issued.",
    api=_api(), default_event=default_event,
)
