"""Tenants of a workspace. A new tenant starts as Auth0's do: a "Default App" application and the
"Username-Password-Authentication" database connection."""
from __future__ import annotations

import json
import re

from ..errors import bad_request, conflict, not_found
from . import directory
from .db import Workspace, transaction

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
DEFAULT_CONNECTION = "Username-Password-Authentication"
DEFAULT_CLIENT = "Default App"


def exists(ws: Workspace, name: str) -> bool:
    return bool(ws.db.execute("SELECT 1 FROM tenants WHERE name = ?", [name]).fetchone())


def require(ws: Workspace, name: str) -> None:
    if not exists(ws, name):
        names = [r[0] for r in ws.db.execute("SELECT name FROM tenants ORDER BY name").fetchall()]
        known = f" (tenants: {', '.join(names)})" if names else " (the workspace has no tenant yet)"
        raise not_found(f"The tenant {name!r} does not exist.{known}")


def create(ws: Workspace, name: str) -> dict:
    if not _NAME.match(name or ""):
        raise bad_request(f"Invalid tenant name {name!r}: use 2-63 lowercase letters, digits and hyphens, "
                          f"starting with a letter or digit.")
    with transaction(ws):
        if exists(ws, name):
            raise conflict(f"The tenant {name!r} already exists.")
        ws.db.execute("INSERT INTO tenants (name, created_at) VALUES (?, ?)", [name, ws.clock.iso()])
        directory.create_connection(ws, name, DEFAULT_CONNECTION, "auth0")
        directory.create_client(ws, name, DEFAULT_CLIENT)
    return {"name": name}


def list_all(ws: Workspace) -> list[dict]:
    rows = ws.db.query("""SELECT t.name, t.created_at,
        (SELECT COUNT(*) FROM actions a WHERE a.tenant = t.name) AS actions,
        (SELECT COUNT(*) FROM users u WHERE u.tenant = t.name) AS users
        FROM tenants t ORDER BY t.name""")
    return list(rows)


MFA_POLICIES = ("never", "all-applications")  # Auth0's Guardian policies the emulator honours


def mfa_policy(ws: Workspace, name: str) -> str:
    row = ws.db.execute("SELECT mfa_policy FROM tenants WHERE name = ?", [name]).fetchone()
    if row is None:
        require(ws, name)
    return row[0]


def set_mfa_policy(ws: Workspace, name: str, policy: str) -> None:
    if policy not in MFA_POLICIES:
        raise bad_request(f"Invalid MFA policy {policy!r}: use one of {', '.join(MFA_POLICIES)}.")
    require(ws, name)
    with transaction(ws):
        ws.db.execute("UPDATE tenants SET mfa_policy = ? WHERE name = ?", [policy, name])


# ---- settings and domains (the Management API's tenants/settings; the domains actions call) -------------
def settings(ws: Workspace, name: str) -> dict:
    row = ws.db.execute("SELECT settings FROM tenants WHERE name = ?", [name]).fetchone()
    if row is None:
        require(ws, name)
    return json.loads(row[0])


def update_settings(ws: Workspace, name: str, changes: dict) -> dict:
    """Merge `changes` into the tenant's settings (top-level keys replace, as Auth0's PATCH does)."""
    with transaction(ws):
        merged = {**settings(ws, name), **changes}
        ws.db.execute("UPDATE tenants SET settings = ? WHERE name = ?", [json.dumps(merged), name])
    return merged


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


def domains(ws: Workspace, name: str) -> list[str]:
    """The tenant's domains: `<name>.emulator.local` first, then the aliases the user set (a real
    tenant's `acme.us.auth0.com`, so secrets copied from Auth0 work unchanged)."""
    row = ws.db.execute("SELECT domains FROM tenants WHERE name = ?", [name]).fetchone()
    if row is None:
        require(ws, name)
    return [f"{name}.emulator.local", *json.loads(row[0])]


def set_domains(ws: Workspace, name: str, aliases: list[str]) -> list[str]:
    cleaned = []
    for alias in aliases:
        alias = alias.strip().lower()
        if not _DOMAIN.match(alias):
            raise bad_request(f"Invalid domain {alias!r}: a host name such as acme.us.auth0.com.")
        if alias != f"{name}.emulator.local" and alias not in cleaned:
            cleaned.append(alias)
    require(ws, name)
    with transaction(ws):
        ws.db.execute("UPDATE tenants SET domains = ? WHERE name = ?", [json.dumps(cleaned), name])
    return domains(ws, name)
