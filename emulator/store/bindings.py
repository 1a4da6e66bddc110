"""Ordered bindings of deployed actions to a trigger (spec §2.1): the order is the execution order; a set
replaces the whole list, as PATCH /actions/triggers/{id}/bindings does."""
from __future__ import annotations

from .. import triggers
from ..errors import bad_request, not_found
from .db import Workspace, transaction
from .db import rows as db_rows

INCOMPATIBLE = "Trying to create a binding between an incompatible action and trigger."


def get(ws: Workspace, tenant: str, trigger_id: str) -> list[dict]:
    trigger = triggers.get(trigger_id)
    rows = db_rows(ws, """SELECT b.id, b.position, b.display_name, b.created_at, a.id AS action_id, a.name,
                                 a.deployed_version
                          FROM bindings b JOIN actions a ON a.id = b.action_id
                          WHERE b.tenant = ? AND b.trigger_id = ? ORDER BY b.position""", [tenant, trigger.id])
    return [{"id": r["id"], "trigger_id": trigger.id, "display_name": r["display_name"], "created_at": r["created_at"],
             "action": {"id": r["action_id"], "name": r["name"], "deployed_version": r["deployed_version"]}}
            for r in rows]


def set_(ws: Workspace, tenant: str, trigger_id: str, refs: list[str | dict]) -> list[dict]:
    """Replace the trigger's bindings with these actions, in order. `refs` are action names or
    `{"action_name", "display_name"}` dicts (Deploy CLI's triggers.json shape)."""
    trigger = triggers.get(trigger_id)
    if len(refs) > trigger.max_bindings:
        if trigger.max_bindings == 0:  # custom-token-exchange: attached through profiles instead
            raise bad_request(f"{trigger.id} actions are not bound to the trigger: a Custom Token Exchange profile "
                              "attaches one to a subject_token_type (token-exchange-profiles set).")
        raise bad_request(f"At most {trigger.max_bindings} actions can be bound to {trigger.id} ({len(refs)} given).")
    with transaction(ws):
        existing = {b["action"]["name"]: b for b in get(ws, tenant, trigger.id)}
        ws.db.execute("DELETE FROM bindings WHERE tenant = ? AND trigger_id = ?", [tenant, trigger.id])
        seen: set[str] = set()
        for position, ref in enumerate(refs):
            name = ref if isinstance(ref, str) else ref["action_name"]
            display = name if isinstance(ref, str) else ref.get("display_name") or name
            if name in seen:
                raise bad_request(f"The action {name!r} is bound to {trigger.id} twice.")
            seen.add(name)
            row = ws.db.execute("SELECT id, trigger_id, deployed_version FROM actions WHERE tenant = ? AND name = ?",
                                [tenant, name]).fetchone()
            if row is None:
                raise not_found(f"The action {name!r} does not exist.")
            if row[1] != trigger.id:
                raise bad_request(f"{INCOMPATIBLE} ({name!r} supports {row[1]}, not {trigger.id})")
            if row[2] is None:
                raise bad_request(f"The action {name!r} has not been deployed; deploy it before binding it.")
            keep = existing.get(name)
            ws.db.execute("""INSERT INTO bindings (tenant, trigger_id, position, id, action_id, display_name, created_at)
                             VALUES (?,?,?,?,?,?,?)""",
                          [tenant, trigger.id, position, keep["id"] if keep else ws.ids.uuid(), row[0], display,
                           keep["created_at"] if keep else ws.clock.iso()])
    return get(ws, tenant, trigger.id)


def all_(ws: Workspace, tenant: str) -> dict[str, list[dict]]:
    return {t.id: get(ws, tenant, t.id) for t in triggers.all_triggers()}
