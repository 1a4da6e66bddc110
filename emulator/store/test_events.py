"""Saved test events per action (the Test panel's named payloads, as in Auth0's dashboard)."""
from __future__ import annotations

import json

from ..errors import bad_request
from .actions import get as get_action
from .db import Workspace, transaction


def save(ws: Workspace, tenant: str, action: str, name: str, event: dict) -> None:
    if not name.strip():
        raise bad_request("A saved test event needs a name.")
    action_id = get_action(ws, tenant, action)["id"]
    with transaction(ws):
        ws.db.execute("""INSERT INTO test_events (action_id, name, event, updated_at) VALUES (?,?,?,?)
                         ON CONFLICT(action_id, name) DO UPDATE SET event = excluded.event, updated_at = excluded.updated_at""",
                      [action_id, name.strip(), json.dumps(event), ws.clock.iso()])


def list_(ws: Workspace, tenant: str, action: str) -> dict[str, dict]:
    action_id = get_action(ws, tenant, action)["id"]
    rows = ws.db.execute("SELECT name, event FROM test_events WHERE action_id = ? ORDER BY name", [action_id])
    return {name: json.loads(event) for name, event in rows}


def delete(ws: Workspace, tenant: str, action: str, name: str) -> None:
    action_id = get_action(ws, tenant, action)["id"]
    with transaction(ws):
        ws.db.execute("DELETE FROM test_events WHERE action_id = ? AND name = ?", [action_id, name])
