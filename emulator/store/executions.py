"""Executions: every run of a trigger's chain (or of one action under test), kept with per-action detail
(version, event given, commands, console output, error, timings). The shape follows GET
/actions/executions/{id} (spec §4.2) plus the emulator's detail under `results[].emulator`."""
from __future__ import annotations

import json

from ..errors import not_found
from ..runtime.results import ChainResult, FAILED, SUSPENDED
from .db import Workspace, transaction


def record(ws: Workspace, tenant: str, result: ChainResult, *, event: dict, versions: list[int | None],
           action_ids: list[str], kind: str = "trigger") -> dict:
    execution_id = ws.ids.uuid()
    now = ws.clock.iso()
    status = {FAILED: "final", SUSPENDED: "suspended"}.get(result.outcome.status, "final")
    results = []
    for action, version, action_id in zip(result.actions, versions, action_ids):
        results.append({
            "action_name": action.name,
            "error": {"id": action.error.error_class, "msg": action.error.message, "url": ""} if action.error else None,
            "started_at": now, "ended_at": now,
            "emulator": {"action_id": action_id, "version": version, "handler": action.handler,
                         "commands": action.commands, "logs": action.logs, "http": action.http,
                         "timings": action.timings,
                         "error": action.error.to_json() if action.error else None},
        })
    doc = {"id": execution_id, "trigger_id": result.trigger, "status": status, "kind": kind, "results": results,
           "outcome": result.outcome.to_json(), "event": event, "node_version": result.node_version,
           "total_ms": round(result.total_ms, 3), "created_at": now, "updated_at": now}
    with transaction(ws):
        ws.db.execute("""INSERT INTO executions (id, tenant, trigger_id, status, created_at, updated_at, result)
                         VALUES (?,?,?,?,?,?,?)""", [execution_id, tenant, result.trigger, status, now, now, json.dumps(doc)])
    return doc


def get(ws: Workspace, execution_id: str) -> dict:
    row = ws.db.execute("SELECT result FROM executions WHERE id = ?", [execution_id]).fetchone()
    if row is None:
        raise not_found(f"The execution {execution_id!r} does not exist.")
    return json.loads(row[0])


def list_(ws: Workspace, tenant: str, limit: int = 50) -> list[dict]:
    rows = ws.db.query("SELECT result FROM executions WHERE tenant = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
                       [tenant, limit])
    return [json.loads(r["result"]) for r in rows]


def get_for_tenant(ws: Workspace, tenant: str, execution_id: str) -> dict:
    """An execution of this tenant (another tenant's id is not found)."""
    if ws.db.execute("SELECT 1 FROM executions WHERE tenant = ? AND id = ?", [tenant, execution_id]).fetchone() is None:
        raise not_found("That execution does not exist.")
    return get(ws, execution_id)
