"""APIs (Auth0's resource servers): the audiences a tenant issues access tokens for, with the scopes they
define. Deploy CLI `resourceServers` (tenant.yaml) and `resource-servers/` (directory format)."""
from __future__ import annotations

import json

from ..errors import bad_request, not_found
from .db import Workspace, transaction


def list_(ws: Workspace, tenant: str, *, include_system: bool = False) -> list[dict]:
    """The tenant's APIs by name; the Management API (a system API) only when asked for."""
    out = [{"name": r["name"], "identifier": r["identifier"], **json.loads(r["config"])}
           for r in ws.db.query("SELECT * FROM resource_servers WHERE tenant = ? ORDER BY name", [tenant])]
    return out if include_system else [a for a in out if not a.get("is_system")]


def delete(ws: Workspace, tenant: str, identifier: str) -> None:
    with transaction(ws):
        api = get(ws, tenant, identifier)
        if api.get("is_system"):
            raise bad_request("You cannot delete a system resource server.")
        ws.db.execute("DELETE FROM resource_servers WHERE tenant = ? AND identifier = ?", [tenant, identifier])
        ws.db.execute("DELETE FROM client_grants WHERE tenant = ? AND audience = ?", [tenant, identifier])


def find(ws: Workspace, tenant: str, identifier: str) -> dict | None:
    row = ws.db.execute("SELECT name, identifier, config FROM resource_servers WHERE tenant = ? AND identifier = ?",
                        [tenant, identifier]).fetchone()
    return {"name": row[0], "identifier": row[1], **json.loads(row[2])} if row else None


def get(ws: Workspace, tenant: str, identifier: str) -> dict:
    api = find(ws, tenant, identifier)
    if api is None:
        raise not_found(f"Service not found: {identifier}")
    return api


def upsert(ws: Workspace, tenant: str, name: str, identifier: str, config: dict | None = None) -> dict:
    if not name or not identifier:
        raise bad_request("An API needs a name and an identifier (its audience).")
    config = {k: v for k, v in (config or {}).items() if k not in ("name", "identifier")}
    with transaction(ws):
        ws.db.execute("""INSERT INTO resource_servers (tenant, identifier, name, config) VALUES (?,?,?,?)
                         ON CONFLICT(tenant, identifier) DO UPDATE SET name = excluded.name, config = excluded.config""",
                      [tenant, identifier, name, json.dumps(config)])
    return {"name": name, "identifier": identifier, **config}


def scope_names(api: dict) -> list[str]:
    return [s["value"] for s in api.get("scopes", []) if isinstance(s, dict) and s.get("value")]
