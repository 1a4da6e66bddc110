"""Client grants: which machine-to-machine application may get access tokens for which API, with which
scopes (Auth0's /api/v2/client-grants; Deploy CLI `grants/` and `clientGrants`)."""
from __future__ import annotations

import json

from ..errors import ManagementError, bad_request, not_found
from .db import Workspace, transaction
from .db import rows as db_rows
from .directory import _stable_id


def _grant(row: dict) -> dict:
    return {"id": row["id"], "client_id": row["client_id"], "audience": row["audience"],
            "scope": json.loads(row["scope"])}


def list_(ws: Workspace, tenant: str, *, client_id: str | None = None, audience: str | None = None) -> list[dict]:
    sql, params = "SELECT * FROM client_grants WHERE tenant = ?", [tenant]
    if client_id:
        sql += " AND client_id = ?"
        params.append(client_id)
    if audience:
        sql += " AND audience = ?"
        params.append(audience)
    return [_grant(r) for r in db_rows(ws, sql + " ORDER BY rowid", params)]


def get(ws: Workspace, tenant: str, grant_id: str) -> dict:
    rows = db_rows(ws, "SELECT * FROM client_grants WHERE tenant = ? AND id = ?", [tenant, grant_id])
    if not rows:
        raise not_found("The client grant does not exist.")
    return _grant(rows[0])


def find(ws: Workspace, tenant: str, client_id: str, audience: str) -> dict | None:
    found = list_(ws, tenant, client_id=client_id, audience=audience)
    return found[0] if found else None


def _check_scope(scope) -> list[str]:
    if not isinstance(scope, list) or not all(isinstance(s, str) for s in scope):
        raise bad_request("Payload validation error: 'Expected type array but found type "
                          f"{type(scope).__name__}' on property scope.")
    return list(dict.fromkeys(scope))


def create(ws: Workspace, tenant: str, client_id: str, audience: str, scope: list[str],
           grant_id: str | None = None) -> dict:
    scope = _check_scope(scope)
    grant_id = grant_id or "cgr_" + _stable_id(tenant, "grant", client_id, audience, n=16)
    with transaction(ws):
        if ws.db.execute("SELECT 1 FROM clients WHERE tenant = ? AND client_id = ?", [tenant, client_id]).fetchone() is None:
            raise not_found("Client not found")
        if find(ws, tenant, client_id, audience):
            raise ManagementError(409, "conflict", "A resource server grant for this client and audience already exists.")
        ws.db.execute("INSERT INTO client_grants (tenant, id, client_id, audience, scope) VALUES (?,?,?,?,?)",
                      [tenant, grant_id, client_id, audience, json.dumps(scope)])
    return get(ws, tenant, grant_id)


def update(ws: Workspace, tenant: str, grant_id: str, scope: list[str]) -> dict:
    scope = _check_scope(scope)
    with transaction(ws):
        get(ws, tenant, grant_id)
        ws.db.execute("UPDATE client_grants SET scope = ? WHERE tenant = ? AND id = ?", [json.dumps(scope), tenant, grant_id])
    return get(ws, tenant, grant_id)


def delete(ws: Workspace, tenant: str, grant_id: str) -> None:
    with transaction(ws):
        get(ws, tenant, grant_id)
        ws.db.execute("DELETE FROM client_grants WHERE tenant = ? AND id = ?", [tenant, grant_id])
