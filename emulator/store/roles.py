"""Roles (Auth0's RBAC) and permissions: a role has a name, a description and permissions (scopes of the
tenant's APIs); a user holds roles, and permissions of its own. Users' roles stay a list of role names on
the user (what `event.authorization.roles` shows), so renaming or deleting a role rewrites those lists."""
from __future__ import annotations

import json

from ..errors import ManagementError, bad_request, conflict, not_found
from . import apis
from .db import Workspace, transaction
from .db import rows as db_rows
from .directory import _stable_id

ROLE, USER = "role:", "user:"


def _role(row: dict) -> dict:
    return {"id": row["id"], "name": row["name"], "description": row["description"]}


def list_(ws: Workspace, tenant: str, name_filter: str | None = None) -> list[dict]:
    sql, params = "SELECT * FROM roles WHERE tenant = ?", [tenant]
    if name_filter:
        sql += " AND instr(lower(name), lower(?)) > 0"
        params.append(name_filter)
    return [_role(r) for r in db_rows(ws, sql + " ORDER BY name", params)]


def get(ws: Workspace, tenant: str, role_id: str) -> dict:
    rows = db_rows(ws, "SELECT * FROM roles WHERE tenant = ? AND id = ?", [tenant, role_id])
    if not rows:
        raise not_found("The role does not exist.")
    return _role(rows[0])


def by_name(ws: Workspace, tenant: str, name: str) -> dict | None:
    rows = db_rows(ws, "SELECT * FROM roles WHERE tenant = ? AND name = ?", [tenant, name])
    return _role(rows[0]) if rows else None


def create(ws: Workspace, tenant: str, name: str, description: str = "", role_id: str | None = None) -> dict:
    if not isinstance(name, str) or not name.strip():
        raise bad_request("A role needs a name.")
    role_id = role_id or "rol_" + _stable_id(tenant, "role", name, n=16)
    with transaction(ws):
        if by_name(ws, tenant, name):
            raise conflict("Role name already exists")
        ws.db.execute("INSERT INTO roles (tenant, id, name, description) VALUES (?,?,?,?)",
                      [tenant, role_id, name, description or ""])
    return get(ws, tenant, role_id)


def ensure(ws: Workspace, tenant: str, names: list[str]) -> None:
    """Make the roles these names refer to (a user given roles by name, an import)."""
    for name in names:
        if by_name(ws, tenant, name) is None:
            create(ws, tenant, name)


def _rewrite_user_roles(ws: Workspace, tenant: str, old: str, new: str | None) -> None:
    for user_id, roles in ws.db.execute("SELECT user_id, roles FROM users WHERE tenant = ? AND roles LIKE ?",
                                        [tenant, f"%{json.dumps(old)[1:-1]}%"]).fetchall():
        names = json.loads(roles)
        if old in names:
            names = [n for n in (new if n == old else n for n in names) if n is not None]
            ws.db.execute("UPDATE users SET roles = ?, updated_at = ? WHERE tenant = ? AND user_id = ?",
                          [json.dumps(list(dict.fromkeys(names))), ws.clock.iso(), tenant, user_id])


def update(ws: Workspace, tenant: str, role_id: str, *, name: str | None = None,
           description: str | None = None) -> dict:
    with transaction(ws):
        role = get(ws, tenant, role_id)
        if name is not None and name != role["name"]:
            if not name.strip():
                raise bad_request("A role needs a name.")
            if by_name(ws, tenant, name):
                raise conflict("Role name already exists")
            ws.db.execute("UPDATE roles SET name = ? WHERE tenant = ? AND id = ?", [name, tenant, role_id])
            _rewrite_user_roles(ws, tenant, role["name"], name)
        if description is not None:
            ws.db.execute("UPDATE roles SET description = ? WHERE tenant = ? AND id = ?", [description, tenant, role_id])
    return get(ws, tenant, role_id)


def delete(ws: Workspace, tenant: str, role_id: str) -> None:
    with transaction(ws):
        role = get(ws, tenant, role_id)
        _rewrite_user_roles(ws, tenant, role["name"], None)
        ws.db.execute("DELETE FROM permissions WHERE tenant = ? AND holder = ?", [tenant, ROLE + role_id])
        ws.db.execute("DELETE FROM roles WHERE tenant = ? AND id = ?", [tenant, role_id])


# ---- who holds a role ----------------------------------------------------------------------------------
def user_ids(ws: Workspace, tenant: str, role_id: str) -> list[str]:
    name = get(ws, tenant, role_id)["name"]
    return [r[0] for r in ws.db.execute(
        "SELECT u.user_id FROM users u, json_each(u.roles) r WHERE u.tenant = ? AND r.value = ? ORDER BY u.created_at",
        [tenant, name]).fetchall()]


def user_role_names(ws: Workspace, tenant: str, user_id: str) -> list[str]:
    row = ws.db.execute("SELECT roles FROM users WHERE tenant = ? AND user_id = ?", [tenant, user_id]).fetchone()
    if row is None:
        raise not_found("The user does not exist.")
    return json.loads(row[0])


def set_user_roles(ws: Workspace, tenant: str, user_id: str, names: list[str]) -> None:
    with transaction(ws):
        ws.db.execute("UPDATE users SET roles = ?, updated_at = ? WHERE tenant = ? AND user_id = ?",
                      [json.dumps(list(dict.fromkeys(names))), ws.clock.iso(), tenant, user_id])


def assign(ws: Workspace, tenant: str, user_id: str, role_ids: list[str]) -> None:
    """Give a user these roles (by id); roles it has already stay once."""
    with transaction(ws):
        names = user_role_names(ws, tenant, user_id)
        set_user_roles(ws, tenant, user_id, names + [get(ws, tenant, r)["name"] for r in role_ids])


def unassign(ws: Workspace, tenant: str, user_id: str, role_ids: list[str]) -> None:
    with transaction(ws):
        gone = {get(ws, tenant, r)["name"] for r in role_ids}
        set_user_roles(ws, tenant, user_id, [n for n in user_role_names(ws, tenant, user_id) if n not in gone])


def roles_of(ws: Workspace, tenant: str, user_id: str) -> list[dict]:
    ensure(ws, tenant, user_role_names(ws, tenant, user_id))
    return [by_name(ws, tenant, n) for n in user_role_names(ws, tenant, user_id)]


# ---- permissions ---------------------------------------------------------------------------------------
def permissions(ws: Workspace, tenant: str, holder: str) -> list[dict]:
    out = []
    for r in db_rows(ws, """SELECT resource_server_identifier, permission_name FROM permissions
                            WHERE tenant = ? AND holder = ? ORDER BY resource_server_identifier, permission_name""",
                     [tenant, holder]):
        api = apis.find(ws, tenant, r["resource_server_identifier"]) or {}
        description = next((s.get("description", "") for s in api.get("scopes", [])
                            if isinstance(s, dict) and s.get("value") == r["permission_name"]), "")
        out.append({**r, "resource_server_name": api.get("name", ""), "description": description})
    return out


def _check_permission(ws: Workspace, tenant: str, perm: dict) -> tuple[str, str]:
    identifier, name = perm.get("resource_server_identifier"), perm.get("permission_name")
    if not isinstance(identifier, str) or not isinstance(name, str):
        raise bad_request("Payload validation error: 'Missing required property: resource_server_identifier' "
                          "on property permissions[0].")
    api = apis.find(ws, tenant, identifier)
    if api is None:
        raise not_found(f"Resource server not found: {identifier}")
    if name not in apis.scope_names(api):
        raise ManagementError(400, "invalid_body", f"Permission {name} does not exist on resource server {identifier}")
    return identifier, name


def add_permissions(ws: Workspace, tenant: str, holder: str, perms: list[dict]) -> None:
    with transaction(ws):
        for perm in perms:
            identifier, name = _check_permission(ws, tenant, perm)
            ws.db.execute("INSERT OR IGNORE INTO permissions (tenant, holder, resource_server_identifier, "
                          "permission_name) VALUES (?,?,?,?)", [tenant, holder, identifier, name])


def remove_permissions(ws: Workspace, tenant: str, holder: str, perms: list[dict]) -> None:
    with transaction(ws):
        for perm in perms:
            ws.db.execute("DELETE FROM permissions WHERE tenant = ? AND holder = ? AND resource_server_identifier = ? "
                          "AND permission_name = ?", [tenant, holder, perm.get("resource_server_identifier"),
                                                      perm.get("permission_name")])


def set_permissions(ws: Workspace, tenant: str, holder: str, perms: list[dict]) -> None:
    with transaction(ws):
        ws.db.execute("DELETE FROM permissions WHERE tenant = ? AND holder = ?", [tenant, holder])
        add_permissions(ws, tenant, holder, perms)


def effective_permissions(ws: Workspace, tenant: str, user_id: str) -> list[dict]:
    """A user's own permissions and those of its roles, each with where it comes from (`sources`)."""
    out: dict[tuple[str, str], dict] = {}
    for perm in permissions(ws, tenant, USER + user_id):
        out[(perm["resource_server_identifier"], perm["permission_name"])] = {**perm, "sources": [
            {"source_id": "", "source_name": "", "source_type": "DIRECT"}]}
    for role in roles_of(ws, tenant, user_id):
        for perm in permissions(ws, tenant, ROLE + role["id"]):
            entry = out.setdefault((perm["resource_server_identifier"], perm["permission_name"]), {**perm, "sources": []})
            entry["sources"].append({"source_id": role["id"], "source_name": role["name"], "source_type": "ROLE"})
    return list(out.values())
