"""`actions-emulator bench --logs N`: whether workspace size matters. Two temporary workspaces, one
small and one with N logs in the shape journeys write; figures: opening each, and listing the newest
100 logs with each filter the app and CLI offer (type, user, action, trigger, text). Nothing of the
user's is touched."""
from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from . import triggers
from .store import logs, open_workspace, tenants

LIST_TARGET_MS = 50
REPEATS = 15
USERS = 500
ACTIONS = ["deny-blocked-countries", "email-domain-policy", "add-role-claims", "count-logins-cache"]


def _fill(ws, count: int) -> None:
    """`count` login logs straight into SQLite (what `logs.add` writes, without its per-row transaction)."""
    base = 1_764_000_000_000
    rows, actions = [], []
    for i in range(count):
        user = f"user{i % USERS}@example.org"
        kind = "f" if i % 10 == 0 else "s"
        record = {"date": "2026-11-30T12:00:00.000Z", "type": kind,
                  "description": "Wrong email or password." if kind == "f" else "Success Login",
                  "client_id": "FomyoWqzJxZqZ3ThWU43JbwnmjNsqTBK", "client_name": "My Web App",
                  "connection": "Username-Password-Authentication", "ip": "13.33.86.47",
                  "user_id": f"auth0|{i % USERS:024x}", "user_name": user, "tenant_name": "big",
                  "log_id": f"9002{base + i:020d}{i:032d}", "details": {"stats": {"loginsCount": i}}}
        names = ACTIONS if kind == "s" else []
        rows.append((record["log_id"], "big", record["date"], kind, record["user_id"], user, record["client_id"],
                     record["description"], triggers.POST_LOGIN if names else None, ",".join(names), json.dumps(record),
                     logs.search_text(record, names)))
        actions += [("big", name, record["log_id"]) for name in names]
    # Bulk: the index is built once at the end (as the upgrade builds it) rather than row by row.
    trigger = ws.db.execute("SELECT sql FROM sqlite_master WHERE name = 'logs_fts_insert'").fetchone()[0]
    with ws.db.conn:
        ws.db.conn.execute("DROP TRIGGER logs_fts_insert")
        ws.db.conn.executemany("""INSERT INTO logs (log_id, tenant, date, type, user_id, user_name, client_id,
                                  description, trigger_id, action_names, record, search)
                                  VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""", rows)
        ws.db.conn.executemany("INSERT INTO log_actions (tenant, action, log_id) VALUES (?,?,?)", actions)
        ws.db.conn.execute("INSERT INTO logs_fts(logs_fts) VALUES('rebuild')")
        ws.db.conn.execute(trigger)


def _median_ms(fn) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _open_ms(path: Path) -> float:
    def once():
        open_workspace(path).close()
    return _median_ms(once)


def run_store_bench(count: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp) / "small.sqlite", Path(tmp) / "big.sqlite"
        ws = open_workspace(small)
        tenants.create(ws, "big")
        ws.close()
        ws = open_workspace(big)
        tenants.create(ws, "big")
        t0 = time.perf_counter()
        _fill(ws, count)
        fill_s = time.perf_counter() - t0
        filters = {
            "newest 100": {}, "by type (f)": {"type_": "f"}, "by user": {"user": "user42@example.org"},
            "by action": {"action": "add-role-claims"}, "by trigger": {"trigger_id": triggers.POST_LOGIN},
            "text, common ('login')": {"search": "login"}, "text, rare ('user42@')": {"search": "user42@"},
            "text, 2 characters ('42')": {"search": "42"},
        }
        listed = {name: _median_ms(lambda f=f: logs.list_(ws, "big", **f)) for name, f in filters.items()}
        ws.close()
        small_ms, big_ms = _open_ms(small), _open_ms(big)
        size_mb = os.path.getsize(big) / 1e6
    rows = [(f"workspace with {count:,} logs", f"{size_mb:.0f} MB", f"filled in {fill_s:.1f} s"),
            ("open, small workspace", f"{small_ms:.1f} ms", ""),
            ("open, large workspace", f"{big_ms:.1f} ms", f"{big_ms / max(small_ms, 0.001):.1f}x the small one")]
    for name, ms in listed.items():
        rows.append((f"list {name}", f"{ms:.1f} ms", f"target <= {LIST_TARGET_MS} ms"))
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>12}  {note}")
    return 0
