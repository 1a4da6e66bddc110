"""The outbox: every e-mail and SMS the emulator "sent". Nothing leaves the machine; users and tests
read messages here."""
from __future__ import annotations

import json

from .db import Workspace, transaction


def add(ws: Workspace, tenant: str, channel: str, recipient: str, body: str, *, subject: str | None = None,
        meta: dict | None = None) -> dict:
    message = {"id": ws.ids.uuid(), "channel": channel, "recipient": recipient, "subject": subject, "body": body,
               "meta": meta or {}, "created_at": ws.clock.iso()}
    with transaction(ws):
        ws.db.execute("""INSERT INTO outbox (id, tenant, channel, recipient, subject, body, meta, created_at)
                         VALUES (?,?,?,?,?,?,?,?)""",
                      [message["id"], tenant, channel, recipient, subject, body, json.dumps(message["meta"]),
                       message["created_at"]])
    return message


def list_(ws: Workspace, tenant: str, recipient: str | None = None, limit: int = 50) -> list[dict]:
    sql, params = "SELECT * FROM outbox WHERE tenant = ?", [tenant]
    if recipient:
        sql, params = sql + " AND recipient = ?", params + [recipient]
    rows = ws.db.query(sql + " ORDER BY created_at DESC, rowid DESC LIMIT ?", params + [limit])
    return [{**{k: r[k] for k in ("id", "channel", "recipient", "subject", "body", "created_at")},
             "meta": json.loads(r["meta"])} for r in rows]


def count_since(ws: Workspace, tenant: str, recipient: str, since_iso: str, kind: str) -> int:
    return ws.db.execute("""SELECT COUNT(*) FROM outbox WHERE tenant = ? AND recipient = ? AND created_at >= ?
                            AND json_extract(meta, '$.kind') = ?""", [tenant, recipient, since_iso, kind]).fetchone()[0]


def by_ticket(ws: Workspace, tenant: str, kind: str, ticket: str) -> dict | None:
    """The meta of the message that carried this ticket (a link's one-time token), if any."""
    row = ws.db.execute("""SELECT meta FROM outbox WHERE tenant = ? AND json_extract(meta, '$.kind') = ?
                           AND json_extract(meta, '$.ticket') = ?""", [tenant, kind, ticket]).fetchone()
    return json.loads(row[0]) if row else None
