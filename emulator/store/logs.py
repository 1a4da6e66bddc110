"""Tenant logs in Auth0's log shape and type codes (spec §5), with the filters the app and CLI offer.

Every filter is indexed, so a listing costs the same in a small workspace and a large one: type, user
and trigger by their indexes, actions through `log_actions`, and text through FTS5 over a compact search
text with the trigram tokenizer, so any part of a word of three or more characters matches (shorter
text is looked for in that search text directly)."""
from __future__ import annotations

import json
from typing import Any

from .db import Workspace, transaction


def is_failure(type_: str) -> bool:
    """Whether a log type code records a failure, by Auth0's naming: failure codes start with "f" (f, fp,
    fu, fs, fcpr, feccft...), and Guardian's and the limits' name their failure."""
    return (type_.startswith("f") or type_.startswith("limit_") or type_.endswith(("_failed", "_failure"))
            or "rate_limit" in type_)


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
                         trigger_id, action_names, record, search) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
                      [record["log_id"], tenant, record["date"], type_, record.get("user_id"), record.get("user_name"),
                       record.get("client_id"), description, trigger_id, ",".join(action_names or []),
                       json.dumps(record), search_text(record, action_names or [])])
        if action_names:
            ws.db.conn.executemany("INSERT OR IGNORE INTO log_actions (tenant, action, log_id) VALUES (?,?,?)",
                                   [(tenant, name, record["log_id"]) for name in action_names])
    return record


def search_text(record: dict, action_names: list[str]) -> str:
    """What text search looks at (migrations.SEARCH_TEXT_SQL builds the same for older logs)."""
    parts = [record.get(k) or "" for k in ("type", "description", "user_id", "user_name", "client_name",
                                           "connection", "ip")]
    return " ".join([*parts, *action_names, *_detail_texts(record.get("details") or {})]).strip()


def _detail_texts(value, top: bool = True):
    """The text values in a log's details, leaving out its execution ids and counters."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not (top and key in ("actions", "stats")):
                yield from _detail_texts(item, False)
    elif isinstance(value, list):
        for item in value:
            yield from _detail_texts(item, False)
    elif isinstance(value, str) and value:
        yield value


def list_(ws: Workspace, tenant: str, *, type_: str | None = None, user: str | None = None,
          action: str | None = None, trigger_id: str | None = None, search: str | None = None,
          after: str | None = None, limit: int = 100) -> list[dict]:
    """Newest first, or oldest first when following (`after` a log id).

    One filter drives the query through its index, in log order, so the listing stops at `limit`
    however many logs match: text (FTS5), then action, then user; type and trigger have indexes that
    SQLite picks itself. The other filters are checked on the rows the driver yields."""
    where, params = ["l.tenant = ?"], [tenant]
    if type_:
        where.append("l.type = ?")
        params.append(type_)
    if trigger_id:
        where.append("l.trigger_id = ?")
        params.append(trigger_id)
    if after:
        where.append("l.log_id > ?")
        params.append(after)
    fts = bool(search) and len(search) >= MIN_FTS
    if search and not fts:
        where.append("l.search LIKE ?")
        params.append(f"%{search}%")
    if action and (fts or user):
        where.append("l.log_id IN (SELECT log_id FROM log_actions WHERE tenant = ? AND action = ?)")
        params += [tenant, action]
    order = "ASC" if after else "DESC"
    if fts:
        if user:
            where.append("(l.user_id = ? OR l.user_name = ?)")
            params += [user, user]
        # Logs are stored as they happen, so their row order is their date order (a deterministic run's
        # fixed clock aside).
        # CROSS JOIN: SQLite keeps this join order (the driver first) whatever its statistics say.
        sql = (f"SELECT l.record FROM logs_fts CROSS JOIN logs l ON l.rowid = logs_fts.rowid WHERE logs_fts MATCH ? AND "
               f"{' AND '.join(where)} ORDER BY logs_fts.rowid {order} LIMIT ?")
        params = [_phrase(search), *params, limit]
    elif user:
        # Two index walks (by id, by name), each stopping at the limit, then merged.
        branch = (f"SELECT * FROM (SELECT l.log_id, l.record FROM logs l WHERE {{}} AND {' AND '.join(where)} "
                  f"ORDER BY l.log_id {order} LIMIT ?)")
        sql = (f"SELECT record FROM ({branch.format('l.user_id = ?')} UNION {branch.format('l.user_name = ?')}) "
               f"ORDER BY log_id {order} LIMIT ?")
        params = [user, *params, limit, user, *params, limit, limit]
    elif action:
        sql = (f"SELECT l.record FROM log_actions a CROSS JOIN logs l ON l.log_id = a.log_id WHERE a.tenant = ? AND "
               f"a.action = ? AND {' AND '.join(where)} ORDER BY a.log_id {order} LIMIT ?")
        params = [tenant, action, *params, limit]
    else:
        sql = f"SELECT l.record FROM logs l WHERE {' AND '.join(where)} ORDER BY l.log_id {order} LIMIT ?"
        params = [*params, limit]
    return [json.loads(r[0]) for r in ws.db.execute(sql, params).fetchall()]


MIN_FTS = 3  # the trigram tokenizer matches text of three characters or more


def _phrase(text: str) -> str:
    """The text as one FTS5 phrase: matched as it is, whatever characters it holds."""
    return '"' + text.replace('"', '""') + '"'


def get_many(ws: Workspace, tenant: str, log_ids: list[str]) -> list[dict]:
    """These records, in the order asked for (ids that no longer exist are skipped)."""
    if not log_ids:
        return []
    rows = ws.db.execute(f"SELECT log_id, record FROM logs WHERE tenant = ? AND log_id IN "
                         f"({','.join('?' * len(log_ids))})", [tenant, *log_ids]).fetchall()
    found = {log_id: json.loads(record) for log_id, record in rows}
    return [found[i] for i in log_ids if i in found]


def all_oldest_first(ws: Workspace, tenant: str) -> list[dict]:
    """Every log of the tenant in log-id order (the Management API filters them with its own query language)."""
    return [json.loads(r[0]) for r in ws.db.execute("SELECT record FROM logs WHERE tenant = ? ORDER BY log_id",
                                                    [tenant]).fetchall()]
