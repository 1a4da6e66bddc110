"""custom-token-exchange (v1): the token-exchange grant (`urn:ietf:params:oauth:grant-type:token-exchange`)
with a subject_token_type that a Custom Token Exchange profile maps to one action (spec §10). The action
validates the subject token and says whom tokens are issued for (setUserById or setUserByConnection),
or rejects the request. Actions are attached through profiles, not trigger bindings."""
from __future__ import annotations

from typing import Any

from . import api_common as c
from . import events_common as e
from . import schemas
from .registry import STOP, ApiMethod, Arg, Codec, Trigger

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
SAMPLE_TOKEN_TYPE = "urn:acme:legacy-session-token"


def default_event() -> dict[str, Any]:
    """Every field of Auth0's example custom-token-exchange event, in this emulator's sample world."""
    actor = e.full_user(factors=True) | {"last_password_reset": "2026-10-01T08:00:00.000Z"}
    return {
        "client": e.cimd_client() | {"authentication": e.mtls_client_authentication()},
        "custom_domain": e.custom_domain(),
        "organization": e.organization(),
        "request": e.request(body=True) | {"method": "POST", "body": {
            "grant_type": GRANT_TYPE, "subject_token_type": SAMPLE_TOKEN_TYPE, "subject_token": "legacy-9f8e7d6c",
            "audience": "https://api.example.com"}},
        "resource_server": {"identifier": "https://api.example.com"},
        "tenant": e.tenant(),
        "transaction": {
            "subject_token_type": SAMPLE_TOKEN_TYPE, "subject_token": "legacy-9f8e7d6c", "requested_scopes": [],
            "requested_token_type": ACCESS_TOKEN_TYPE, "actor_token": "eyJhbGciOiJSUzI1NiJ9.actor.sig",
            "actor_token_type": "urn:ietf:params:oauth:token-type:id_token", "actor_token_user": actor},
        "secrets": {},
        "configuration": {},
    }


def _codec(schema: dict, fields: tuple[str, ...], method: str) -> Codec:
    return Codec(schema, fields, prefix=f"Invalid {method} arguments")


TRIGGER = Trigger(
    id="custom-token-exchange", version="v1", handlers=("onExecuteCustomTokenExchange",), blocking=True,
    max_bindings=0,  # attached through Custom Token Exchange profiles (by subject_token_type), never bound
    doc="Runs at the token-exchange grant for the subject_token_type of a Custom Token Exchange profile: "
        "validates the subject token, sets the user tokens are issued for, or rejects the request.",
    api=(
        ApiMethod("access.deny", (Arg("code"), Arg("reason")), "void", effect=STOP,
                  codec=_codec(schemas.CTE_DENY, ("code", "reason"), "deny"),
                  doc="Reject the exchange: the token endpoint answers 400 with this error code and reason."),
        ApiMethod("access.rejectInvalidSubjectToken", (Arg("reason"),), "void", effect=STOP,
                  codec=_codec(schemas.CTE_REJECT, ("reason",), "rejectInvalidSubjectToken"),
                  doc="Reject an invalid subject token: 400 invalid_request (and counts for attack protection)."),
        ApiMethod("authentication.setUserById", (Arg("user_id"),), "void",
                  codec=_codec(schemas.CTE_SET_USER_BY_ID, ("user_id",), "setUserById"),
                  doc="Issue tokens for this existing user. Call exactly one of setUserById and setUserByConnection."),
        ApiMethod("authentication.setUserByConnection",
                  (Arg("connection_name"), Arg("user_attributes"), Arg("options")), "void",
                  codec=_codec(schemas.CTE_SET_USER_BY_CONNECTION, ("connection_name", "user_attributes", "options"),
                               "setUserByConnection"),
                  doc="Issue tokens for the user with user_attributes.user_id in this connection, creating or "
                      "replacing it as options say ({creationBehavior, updateBehavior})."),
        ApiMethod("authentication.setOrganization", (Arg("organization_id_or_name"),), "void",
                  codec=_codec(schemas.CTE_SET_ORGANIZATION, ("organization_id_or_name",), "setOrganization"),
                  doc="Issue the tokens for this organization (org_id or org_name claim)."),
        ApiMethod("authentication.setActor", (Arg("actor", {"type": "actor"}),), "void",
                  doc="The party acting for the subject: the access token's `act` claim ({sub, ...}, nested "
                      "`act` up to 5 levels, at most 5 custom string/number/boolean properties)."),
        ApiMethod("user.setAppMetadata", (Arg("key"), Arg("value")), "void",
                  codec=_codec(schemas.CTE_SET_METADATA, ("key", "value"), "setAppMetadata"),
                  doc="Set an app_metadata key of the user tokens are issued for (null deletes it)."),
        ApiMethod("user.setUserMetadata", (Arg("key"), Arg("value")), "void",
                  codec=_codec(schemas.CTE_SET_METADATA, ("key", "value"), "setUserMetadata"),
                  doc="Set a user_metadata key of the user tokens are issued for (null deletes it)."),
        c.flagged("transaction.setMetadata", (Arg("key", c.ANY, True), Arg("value", c.ANY, True)),
                  "Set a value in event.transaction.metadata."),
        *c.cache(),
    ),
    default_event=default_event,
)
