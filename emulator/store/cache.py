"""The `api.cache` records of each trigger of a tenant, kept between executions (spec §1.3)."""
from __future__ import annotations

from .db import Workspace, transaction


def load(ws: Workspace, tenant: str, trigger_id: str) -> dict[str, dict]:
    rows = ws.db.execute("SELECT key, value, expires_at FROM cache_entries WHERE tenant = ? AND trigger_id = ? "
                         "AND expires_at >= ?", [tenant, trigger_id, ws.clock.now_ms()])
    return {k: {"value": v, "expires_at": e} for k, v, e in rows}


def save(ws: Workspace, tenant: str, trigger_id: str, entries: dict[str, dict]) -> None:
    with transaction(ws):
        ws.db.execute("DELETE FROM cache_entries WHERE tenant = ? AND trigger_id = ?", [tenant, trigger_id])
        for key, rec in entries.items():
            ws.db.execute("INSERT INTO cache_entries (tenant, trigger_id, key, value, expires_at) VALUES (?,?,?,?,?)",
                          [tenant, trigger_id, key, rec["value"], rec["expires_at"]])
