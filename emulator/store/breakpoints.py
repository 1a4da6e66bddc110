"""The debugger's breakpoints, kept per action so they survive a restart (line, optional condition or
logpoint message). Lines are the draft's; a run of any version binds them by the action's script names."""
from __future__ import annotations

from ..errors import bad_request
from .actions import get as get_action
from .db import Workspace, transaction


def list_(ws: Workspace, tenant: str, action: str) -> list[dict]:
    action_id = get_action(ws, tenant, action)["id"]
    rows = ws.db.execute("SELECT line, condition, log FROM breakpoints WHERE action_id = ? ORDER BY line", [action_id])
    return [{"line": line, "condition": condition, "log": log} for line, condition, log in rows]


def for_tenant(ws: Workspace, tenant: str) -> dict[str, list[dict]]:
    rows = ws.db.execute("""SELECT a.name, b.line, b.condition, b.log FROM breakpoints b
                            JOIN actions a ON a.id = b.action_id WHERE a.tenant = ? ORDER BY a.name, b.line""",
                         [tenant])
    out: dict[str, list[dict]] = {}
    for name, line, condition, log in rows:
        out.setdefault(name, []).append({"line": line, "condition": condition, "log": log})
    return out


def replace(ws: Workspace, tenant: str, action: str, items: list[dict]) -> None:
    action_id = get_action(ws, tenant, action)["id"]
    for item in items:
        if not isinstance(item.get("line"), int) or item["line"] < 1:
            raise bad_request(f"A breakpoint needs a line number of 1 or more (got {item.get('line')!r}).")
    with transaction(ws):
        ws.db.execute("DELETE FROM breakpoints WHERE action_id = ?", [action_id])
        for i in items:
            ws.db.execute("INSERT OR REPLACE INTO breakpoints (action_id, line, condition, log) VALUES (?,?,?,?)",
                          [action_id, i["line"], i.get("condition") or None, i.get("log") or None])
