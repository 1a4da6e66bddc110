"""Tenant logs in Auth0's log shape and type codes (spec §5), with the filters the app and CLI offer."""
from __future__ import annotations

import json
from typing import Any

from .db import Workspace, transaction


def add(ws: Workspace, tenant: str, type_: str, description: str, *, user: dict | None = None,
        client: dict | None = None, connection: dict | None = None, details: dict | None = None,
        trigger_id: str | None = None, action_names: list[str] | None = None, request: dict | None = None) -> dict:
    now = ws.clock.now_ms()
    record: dict[str, Any] = {
        "date": ws.clock.iso(now), "type": type_, "description": description,
        "client_id": client.get("client_id") if client else None, "client_name": client.get("name") if client else None,
        "connection": connection.get("name") if connection else None,
        "connection_id": connection.get("id") if connection else None,
        "strategy": connection.get("strategy") if connection else None,
        "strategy_type": "database" if connection and connection.get("strategy") == "auth0" else None,
        "ip": (request or {}).get("ip"), "user_agent": (request or {}).get("user_agent"),
        "hostname": (request or {}).get("hostname"),
        "user_id": user.get("user_id") if user else None,
        "user_name": (user.get("email") or user.get("username")) if user else None,
        "tenant_name": tenant, "log_id": ws.ids.log_id(now), "details": details or {},
    }
    record = {k: v for k, v in record.items() if v is not None}
    with transaction(ws):
        ws.db.execute("""INSERT INTO logs (log_id, tenant, date, type, user_id, user_name, client_id, description,
                         trigger_id, action_names, record) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
                      [record["log_id"], tenant, record["date"], type_, record.get("user_id"), record.get("user_name"),
                       record.get("client_id"), description, trigger_id, ",".join(action_names or []),
                       json.dumps(record)])
    return record


def list_(ws: Workspace, tenant: str, *, type_: str | None = None, user: str | None = None,
          action: str | None = None, trigger_id: str | None = None, search: str | None = None,
          after: str | None = None, limit: int = 100) -> list[dict]:
    """Newest first, or oldest first when following (`after` a log id)."""
    where, params = ["tenant = ?"], [tenant]
    if type_:
        where.append("type = ?")
        params.append(type_)
    if user:
        where.append("(user_id = ? OR user_name = ?)")
        params += [user, user]
    if action:
        where.append("(',' || action_names || ',') LIKE ?")
        params.append(f"%,{action},%")
    if trigger_id:
        where.append("trigger_id = ?")
        params.append(trigger_id)
    if search:
        where.append("record LIKE ?")
        params.append(f"%{search}%")
    if after:
        where.append("log_id > ?")
        params.append(after)
    order = "ASC" if after else "DESC"
    rows = ws.db.query(f"SELECT record FROM logs WHERE {' AND '.join(where)} ORDER BY log_id {order} LIMIT ?",
                       params + [limit])
    return [json.loads(r["record"]) for r in rows]


def get_many(ws: Workspace, tenant: str, log_ids: list[str]) -> list[dict]:
    """These records, in the order asked for (ids that no longer exist are skipped)."""
    if not log_ids:
        return []
    rows = ws.db.execute(f"SELECT log_id, record FROM logs WHERE tenant = ? AND log_id IN "
                         f"({','.join('?' * len(log_ids))})", [tenant, *log_ids]).fetchall()
    found = {log_id: json.loads(record) for log_id, record in rows}
    return [found[i] for i in log_ids if i in found]
