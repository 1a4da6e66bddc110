"""Auth0's input schemas for `api` methods (facts read from Auth0's `@auth0/actions` package), as data.

harness/schema.js checks them the way Auth0's runtime does (ajv, every error collected) and words the
failure the way Auth0 does, e.g. `errorCode must NOT have more than 100 characters` or
` must have required property 'errorMessage'`. Property order matters: it is the order errors are found.
"""
from __future__ import annotations

from typing import Any

from .registry import Codec


def string(max_length: int | None = None, min_length: int | None = None, pattern: str | None = None) -> dict:
    s: dict[str, Any] = {"type": "string"}
    if max_length is not None:
        s["maxLength"] = max_length
    if min_length is not None:
        s["minLength"] = min_length
    if pattern is not None:
        s["pattern"] = pattern
    return s


def obj(properties: dict[str, dict], required: tuple[str, ...] = (), **extra: Any) -> dict:
    return {"type": "object", "required": list(required), "additionalProperties": False,
            "properties": properties, **extra}


NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}

# PostLoginValidationErrorInput / PreUserRegistrationValidationErrorInput
VALIDATION_ERROR = obj({"errorCode": string(100), "errorMessage": string(100)}, ("errorCode", "errorMessage"))

# PostLoginRenderPromptInput / PasswordResetPostChallengeRenderPromptInput
FIELD_NAME = "^[a-zA-Z_][a-zA-Z0-9_]{0,49}$"
RENDER_PROMPT = obj({
    "promptId": string(48),
    "promptOptions": obj({
        "fields": {"type": "object", "maxProperties": 24, "additionalProperties": False,
                   "patternProperties": {FIELD_NAME: {}}},
        "vars": {"type": "object", "maxProperties": 24},
    }),
}, ("promptId",))

# PostLoginRevokeRefreshTokenInput, PostLoginRevokeSessionInput
REVOKE_REFRESH_TOKEN = obj({"message": string(1024)})
REVOKE_SESSION = obj({"message": string(), "options": obj({"preserveRefreshTokens": BOOLEAN})})

# PostLoginSetSessionExpirationInput / PostLoginSetRefreshTokenExpirationInput
EXPIRATION = obj({"absolute": NUMBER, "inactivity": NUMBER})

# PostLoginSetSAMLAttributeInput
SAML_SCALAR = ["string", "number", "boolean"]
SAML_ATTRIBUTE = obj({
    "attribute": string(1024),
    "value": {"type": [*SAML_SCALAR, "null", "array"], "maxLength": 2048,
              "items": {"type": SAML_SCALAR, "maxLength": 2048}},
}, ("attribute", "value"))

# PostLoginSetSAMLConfigurationInput: one property per setter, in Auth0's schema order.
SAML_CONFIGURATION: dict[str, dict] = {
    "RelayState": string(512), "audience": string(2048), "authnContextClassRef": string(512),
    "cert": string(4096), "createUpnClaim": BOOLEAN, "destination": string(2048),
    "digestAlgorithm": {"enum": ["sha256", "sha1"]}, "encryptionAlgorithm": {"enum": ["aes256-gcm", "aes256-cbc"]},
    "encryptionCert": string(4096), "encryptionPublicKey": string(4096), "includeAttributeNameFormat": BOOLEAN,
    "issuer": string(512), "key": string(4096), "lifetimeInSeconds": NUMBER, "mapIdentities": BOOLEAN,
    "mapUnknownClaimsAsIs": BOOLEAN, "nameIdentifierFormat": string(512),
    "nameIdentifierProbes": {"type": "array", "maxItems": 10, "items": string(512)},
    "passthroughClaimsWithNoMapping": BOOLEAN, "recipient": string(2048), "signResponse": BOOLEAN,
    "signatureAlgorithm": {"enum": ["rsa-sha256", "rsa-sha1"]}, "signingCert": string(4096),
    "typedAttributes": BOOLEAN,
}

# PreUserRegistrationSetUserIdInput
SET_USER_ID = obj({"user_id": string(255, 1, "^[a-zA-Z0-9@._+-]{1,255}$")}, ("user_id",))

# custom-token-exchange v1
CTE_DENY = obj({"code": string(1024, 1), "reason": string(4096, 1)}, ("code", "reason"))
CTE_REJECT = obj({"reason": string(4096, 1)}, ("reason",))
CTE_SET_USER_BY_ID = obj({"user_id": string(512, 1)}, ("user_id",))
CTE_SET_ORGANIZATION = obj({"organization_id_or_name": string(50, 1)}, ("organization_id_or_name",))
CTE_SET_USER_BY_CONNECTION = obj({
    "connection_name": string(512, 1),
    "options": obj({"creationBehavior": {"enum": ["create_if_not_exists", "none"]},
                    "updateBehavior": {"enum": ["replace", "none"]}}, ("creationBehavior", "updateBehavior")),
    "user_attributes": {"type": "object", "required": ["user_id"], "properties": {"user_id": string(512, 1)}},
}, ("connection_name", "user_attributes", "options"))
CTE_SET_METADATA = obj({"key": {"type": "string"}}, ("key",)) | {"properties": {"key": {"type": "string"},
                                                                               "value": {}}}


def saml_config(key: str) -> Codec:
    return Codec(obj({key: SAML_CONFIGURATION[key]}), (key,))


__all__ = ["VALIDATION_ERROR", "RENDER_PROMPT", "REVOKE_REFRESH_TOKEN", "REVOKE_SESSION", "EXPIRATION",
           "SAML_ATTRIBUTE", "SAML_CONFIGURATION", "SET_USER_ID", "saml_config", "Codec", "CTE_DENY", "CTE_REJECT",
           "CTE_SET_USER_BY_ID", "CTE_SET_ORGANIZATION", "CTE_SET_USER_BY_CONNECTION", "CTE_SET_METADATA"]
