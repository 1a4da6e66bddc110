"""Custom Token Exchange profiles (spec §10; the Deploy CLI's `tokenExchangeProfiles`): each maps one
`subject_token_type` to the custom-token-exchange action that handles it. A token-exchange request whose
subject_token_type no profile names is refused. Auth0 reserves the token types of the OAuth and Auth0
namespaces; a profile must use a type of its own."""
from __future__ import annotations

from .. import triggers
from ..errors import bad_request, conflict, not_found
from .db import Workspace, transaction
from .db import rows as db_rows

MAX_PROFILES = 100
TYPE = "custom_authentication"
# Token types Auth0 keeps for itself (RFC 8693's, and its own).
RESERVED = ("urn:ietf:", "urn:auth0:", "http://auth0.com/", "https://auth0.com/", "urn:okta:", "http://okta.com/",
            "https://okta.com/")


def _check_type(subject_token_type: str) -> None:
    if not subject_token_type or len(subject_token_type) > 100 or ":" not in subject_token_type:
        raise bad_request(f"Invalid subject_token_type {subject_token_type!r}: a URI of at most 100 characters, "
                          "e.g. urn:acme:legacy-token.")
    if subject_token_type.lower().startswith(RESERVED):
        raise bad_request(f"Invalid subject_token_type {subject_token_type!r}: the urn:ietf, Auth0 and Okta "
                          "namespaces are reserved.")


def _check_action(ws: Workspace, tenant: str, action: str) -> None:
    from . import actions

    found = actions.get(ws, tenant, action)
    trigger = found["supported_triggers"][0]["id"]
    if trigger != triggers.CUSTOM_TOKEN_EXCHANGE:
        raise bad_request(f"The action {action!r} is a {trigger} action; a profile needs a "
                          f"{triggers.CUSTOM_TOKEN_EXCHANGE} action.")


def upsert(ws: Workspace, tenant: str, name: str, subject_token_type: str, action: str) -> dict:
    """Create the profile `name`, or change its subject_token_type and action."""
    if not name or len(name) > 128:
        raise bad_request(f"Invalid profile name {name!r}.")
    _check_type(subject_token_type)
    with transaction(ws):
        _check_action(ws, tenant, action)
        taken = db_rows(ws, "SELECT name FROM token_exchange_profiles WHERE tenant = ? AND subject_token_type = ?",
                        [tenant, subject_token_type])
        if taken and taken[0]["name"] != name:
            raise conflict(f"The profile {taken[0]['name']!r} already handles {subject_token_type}.")
        now = ws.clock.iso()
        if db_rows(ws, "SELECT 1 FROM token_exchange_profiles WHERE tenant = ? AND name = ?", [tenant, name]):
            ws.db.execute("""UPDATE token_exchange_profiles SET subject_token_type = ?, action = ?, updated_at = ?
                             WHERE tenant = ? AND name = ?""", [subject_token_type, action, now, tenant, name])
        else:
            count = ws.db.execute("SELECT COUNT(*) FROM token_exchange_profiles WHERE tenant = ?", [tenant]).fetchone()[0]
            if count >= MAX_PROFILES:
                raise bad_request(f"The tenant already has {MAX_PROFILES} Custom Token Exchange profiles.")
            ws.db.execute("""INSERT INTO token_exchange_profiles (id, tenant, name, subject_token_type, action, type,
                             created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)""",
                          [f"tep_{ws.ids.token(16)}", tenant, name, subject_token_type, action, TYPE, now, now])
    return get(ws, tenant, name)


def get(ws: Workspace, tenant: str, name: str) -> dict:
    rows = db_rows(ws, "SELECT * FROM token_exchange_profiles WHERE tenant = ? AND name = ?", [tenant, name])
    if not rows:
        raise not_found(f"The Custom Token Exchange profile {name!r} does not exist.")
    return _json(rows[0])


def _json(row: dict) -> dict:
    return {k: row[k] for k in ("id", "name", "subject_token_type", "action", "type", "created_at", "updated_at")}


def list_(ws: Workspace, tenant: str) -> list[dict]:
    return [_json(r) for r in db_rows(ws, "SELECT * FROM token_exchange_profiles WHERE tenant = ? ORDER BY name",
                                      [tenant])]


def for_type(ws: Workspace, tenant: str, subject_token_type: str) -> dict | None:
    rows = db_rows(ws, "SELECT * FROM token_exchange_profiles WHERE tenant = ? AND subject_token_type = ?",
                   [tenant, subject_token_type])
    return _json(rows[0]) if rows else None


def delete(ws: Workspace, tenant: str, name: str) -> None:
    with transaction(ws):
        get(ws, tenant, name)
        ws.db.execute("DELETE FROM token_exchange_profiles WHERE tenant = ? AND name = ?", [tenant, name])
