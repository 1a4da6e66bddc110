"""credentials-exchange (v2): at the client_credentials grant (POST /oauth/token), before the access
token is issued to a machine-to-machine client (spec §10). Actions can deny the exchange, add claims to
the access token and change the scopes it carries."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from .registry import STOP, ApiMethod, Arg, Trigger

# The OAuth error codes the token endpoint answers a deny with (Auth0 documents these three).
DENY_CODES = ["invalid_scope", "invalid_request", "server_error"]
_CODE = {"type": "string", "enum": DENY_CODES}
AUDIENCE = "https://api.example.com"


def default_event() -> dict[str, Any]:
    """Every field of Auth0's example credentials-exchange event, in this emulator's sample world."""
    client = e.client() | {"authentication": e.mtls_client_authentication("worker.example.com")}
    request = e.request(body=True) | {"method": "POST", "body": {
        "client_id": client["client_id"], "client_secret": "********", "audience": AUDIENCE,
        "grant_type": "client_credentials"}}
    return {
        "accessToken": {"scope": ["read:orders"], "customClaims": {}},
        "agent": e.agent(),
        "client": client,
        "custom_domain": e.custom_domain(),
        "organization": e.organization(),
        "request": request,
        "resource_server": {"identifier": AUDIENCE},
        "tenant": e.tenant(),
        "transaction": {"requested_scopes": ["read:orders"]},
        "secrets": {},
        "configuration": {},
    }


def _target_scopes() -> tuple[ApiMethod, ...]:
    # Auth0 checks target scopes as accessToken.addScope checks a scope (TypeError, trimmed, 1-280, no space).
    scope = Arg("scope", c._scope_rule())
    scopes = Arg("scopes", {"type": "list", "message": "The value for scopes must be an array.",
                            "item": c._scope_rule()})
    return (
        ApiMethod("transaction.addTargetScope", (scope,), "void", behavior="targetScopes.add",
                  doc="Add a scope to the access token about to be issued (visible at once in "
                      "event.transaction.target_scopes)."),
        ApiMethod("transaction.removeTargetScope", (scope,), "void", behavior="targetScopes.remove",
                  doc="Remove a scope from the access token about to be issued."),
        ApiMethod("transaction.setTargetScopes", (scopes,), "void", behavior="targetScopes.set",
                  doc="Replace the access token's scopes (an empty list clears them); at most 1000."),
        ApiMethod("transaction.clearTargetScopes", (), "void", behavior="targetScopes.clear",
                  doc="Issue the access token with no scope."),
    )


TRIGGER = Trigger(
    id="credentials-exchange", version="v2", handlers=("onExecuteCredentialsExchange",), blocking=True,
    doc="Runs at the client_credentials grant, before an access token is issued to a machine-to-machine "
        "application; can deny it, add claims and change its scopes.",
    api=(
        ApiMethod("access.deny", (Arg("code", _CODE), Arg("reason", c.ANY, True)), effect=STOP,
                  doc=f"Deny the exchange: the token endpoint answers 403 with this OAuth error code "
                      f"({', '.join(DENY_CODES)}) and the reason as its description."),
        ApiMethod("accessToken.setCustomClaim", (Arg("name"), Arg("value")),
                  doc="Add a custom claim to the access token (restricted names are dropped when minted)."),
        *_target_scopes(),
        *c.cache(),
    ),
    default_event=default_event,
)
