"""Auth0's brute-force protection: consecutive failed logins counted per user and IP address; at the
tenant's `max_attempts` (Auth0's default 10) the pair is blocked until a password reset, the user's
unblock link or an admin lifts it (Management API `user-blocks`). The tenant's setting has the shape of
Auth0's `attack-protection/brute-force-protection`; `enabled: false` turns it off (for tests)."""
from __future__ import annotations

import json

from .db import Workspace, transaction

DEFAULTS = {"enabled": True, "shields": ["block", "user_notification"], "mode": "count_per_identifier_and_ip",
            "allowlist": [], "max_attempts": 10}


def settings(ws: Workspace, tenant: str) -> dict:
    row = ws.db.execute("SELECT brute_force FROM tenants WHERE name = ?", [tenant]).fetchone()
    return {**DEFAULTS, **json.loads(row[0] if row else "{}")}


def update(ws: Workspace, tenant: str, changes: dict) -> dict:
    with transaction(ws):
        row = ws.db.execute("SELECT brute_force FROM tenants WHERE name = ?", [tenant]).fetchone()
        stored = {**json.loads(row[0] if row else "{}"), **changes}
        ws.db.execute("UPDATE tenants SET brute_force = ? WHERE name = ?", [json.dumps(stored), tenant])
    return settings(ws, tenant)


def applies(ws: Workspace, tenant: str, ip: str) -> dict | None:
    """The tenant's setting if it protects logins from `ip` (enabled, blocking, not allow-listed)."""
    conf = settings(ws, tenant)
    if not conf["enabled"] or "block" not in conf["shields"] or ip in conf["allowlist"]:
        return None
    return conf


def is_blocked(ws: Workspace, tenant: str, user_id: str, ip: str) -> bool:
    if applies(ws, tenant, ip) is None:
        return False
    row = ws.db.execute("SELECT blocked_at FROM login_failures WHERE tenant = ? AND user_id = ? AND ip = ?",
                        [tenant, user_id, ip]).fetchone()
    return bool(row and row[0])


def failed(ws: Workspace, tenant: str, user_id: str, ip: str) -> bool:
    """Count a failed login; True if this one blocks the pair (the caller logs it and notifies)."""
    conf = applies(ws, tenant, ip)
    if conf is None:
        return False
    with transaction(ws):
        ws.db.execute("""INSERT INTO login_failures (tenant, user_id, ip, failures) VALUES (?,?,?,1)
                         ON CONFLICT (tenant, user_id, ip) DO UPDATE SET failures = failures + 1""",
                      [tenant, user_id, ip])
        failures, blocked_at = ws.db.execute(
            "SELECT failures, blocked_at FROM login_failures WHERE tenant = ? AND user_id = ? AND ip = ?",
            [tenant, user_id, ip]).fetchone()
        if blocked_at is None and failures >= conf["max_attempts"]:
            ws.db.execute("UPDATE login_failures SET blocked_at = ? WHERE tenant = ? AND user_id = ? AND ip = ?",
                          [ws.clock.iso(), tenant, user_id, ip])
            return True
    return False


def succeeded(ws: Workspace, tenant: str, user_id: str, ip: str) -> None:
    """A successful login resets the count ("consecutive" failures)."""
    ws.db.execute("DELETE FROM login_failures WHERE tenant = ? AND user_id = ? AND ip = ? AND blocked_at IS NULL",
                  [tenant, user_id, ip])


def blocks(ws: Workspace, tenant: str, user_id: str) -> list[dict]:
    """The user's blocks as the Management API lists them (`blocked_for`)."""
    rows = ws.db.execute("SELECT ip, blocked_at FROM login_failures WHERE tenant = ? AND user_id = ? AND "
                         "blocked_at IS NOT NULL ORDER BY blocked_at", [tenant, user_id]).fetchall()
    return [{"ip": ip, "blocked_at": at} for ip, at in rows]


def lift(ws: Workspace, tenant: str, user_id: str) -> int:
    """Every block (and count) of the user gone: a password reset, the unblock link, an admin."""
    with transaction(ws):
        return ws.db.execute("DELETE FROM login_failures WHERE tenant = ? AND user_id = ?", [tenant, user_id]).rowcount
