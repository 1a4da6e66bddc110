"""Keeping the workspace from growing without end (about 18 KB per login): tenant logs, executions and
journey runs older than the retention period are deleted in short batches, each its own transaction, so
another writer (the app, a CLI command) waits at most one batch. Auth0 keeps execution logs 10 days."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .db import Workspace, transaction

DEFAULT_DAYS = 10
BATCH = 500
TABLES = (("logs", "date"), ("executions", "created_at"), ("flow_runs", "updated_at"))


def cutoff(ws: Workspace, days: float) -> str:
    # Millisecond precision, as records are dated: a whole-second cutoff kept the last second's records.
    then = datetime.fromtimestamp(ws.clock.now_ms() / 1000, timezone.utc) - timedelta(days=days)
    return then.strftime("%Y-%m-%dT%H:%M:%S.") + f"{then.microsecond // 1000:03d}Z"


def prune_batch(ws: Workspace, days: float) -> int:
    """Delete one batch of what is older than `days`; returns how many rows went (0: nothing left)."""
    limit = cutoff(ws, days)
    removed = 0
    with transaction(ws):
        for table, column in TABLES:
            cur = ws.db.execute(f"DELETE FROM {table} WHERE rowid IN "
                                f"(SELECT rowid FROM {table} WHERE {column} < ? LIMIT ?)", [limit, BATCH])
            removed += cur.rowcount
    return removed


def prune(ws: Workspace, days: float = DEFAULT_DAYS) -> int:
    total = 0
    while removed := prune_batch(ws, days):
        total += removed
    return total


def vacuum(ws: Workspace) -> tuple[int, int]:
    """Give the space of deleted rows back to the file system. Returns the file's size before and after."""
    before = ws.path.stat().st_size
    ws.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ws.db.execute("VACUUM")
    ws.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return before, ws.path.stat().st_size
