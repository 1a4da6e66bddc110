"""Opening a workspace file: where it lives, checking it is ours, upgrading it, and transactions.

One SQLite file through sqlite-utils, in WAL mode with foreign keys on. Opening an older workspace
upgrades it in one transaction; a newer or foreign file, or a corrupt one, is refused with a one-line
reason and left exactly as it was.

Writes go through `transaction(ws)`: one BEGIN IMMEDIATE ... COMMIT around a whole operation, so a
failure anywhere leaves nothing half-written. Inside it, writes use plain SQL (`ws.db.execute`), not
sqlite-utils' insert/update helpers, because those wrap themselves in `with conn:` which would commit the
surrounding transaction early.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import sqlite_utils

from ..clock import Clock, Ids
from ..errors import EmulatorError
from ..locations import ENV_VAR, default_path
from .migrations import APPLICATION_ID, LATEST, MIGRATIONS

__all__ = ["ENV_VAR", "default_path", "Workspace", "WorkspaceError", "open_workspace", "transaction", "rows"]


class WorkspaceError(EmulatorError):
    """The workspace file cannot be used; nothing in it was changed."""


@dataclass
class Workspace:
    db: sqlite_utils.Database
    path: Path
    clock: Clock = field(default_factory=Clock)
    ids: Ids = field(default_factory=Ids)
    upgraded_from: int | None = None
    read_only: bool = False

    def close(self) -> None:
        self.db.close()


def _header_ok(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(16) == b"SQLite format 3\x00"


BUSY_TIMEOUT_S = 30  # the app and CLI commands share a workspace: wait for the other writer
FULL_CHECK_MAX_BYTES = 64 * 1024 * 1024  # past this, opening does not read the whole file


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def open_workspace(path: str | os.PathLike | None = None, *, clock: Clock | None = None,
                   ids: Ids | None = None, create: bool = True) -> Workspace:
    path = Path(path) if path else default_path()
    exists = path.exists() and path.stat().st_size > 0
    if path.exists() and path.is_dir():
        raise WorkspaceError(f"{path}: is a directory, not a workspace file")
    if exists and not _header_ok(path):
        raise WorkspaceError(f"{path}: not an Actions Emulator workspace (not an SQLite database)")
    if not exists and not create:
        raise WorkspaceError(f"{path}: no such workspace")
    read_only = exists and not _writable(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    target = f"file:{path}?mode=ro" if read_only else str(path)
    conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S,
                           uri=read_only)
    try:
        version, app_id, tables = _identify(conn, path)
        if exists and app_id != APPLICATION_ID and tables:
            raise WorkspaceError(f"{path}: not an Actions Emulator workspace (an SQLite file of another program)")
        if version > LATEST:
            raise WorkspaceError(f"{path}: made by a newer Actions Emulator (schema {version}, this one knows "
                                 f"up to {LATEST}); upgrade the app to open it")
        conn.execute("PRAGMA foreign_keys = ON")
        if read_only:
            if version < LATEST:
                raise WorkspaceError(f"{path}: the workspace is read-only and needs an upgrade to schema {LATEST}; "
                                     f"make it writable once")
        else:
            if version < LATEST:
                _migrate(conn, version, LATEST)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            _mark_interrupted(conn)
    except WorkspaceError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise WorkspaceError(f"{path}: the workspace is damaged and cannot be opened ({exc})") from None
    db = sqlite_utils.Database(conn)
    return Workspace(db=db, path=path, clock=clock or Clock(), ids=ids or Ids(),
                     upgraded_from=version if 0 < version < LATEST else None, read_only=read_only)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _mark_interrupted(conn: sqlite3.Connection) -> None:
    """A journey left mid-step by a process that is gone (a crash, kill -9) is `interrupted`, never
    `running` forever. Runs of a live process (the app, while a CLI command opens the file) are left alone."""
    rows = conn.execute("SELECT id, owner_pid FROM flow_runs WHERE status = 'running'").fetchall()
    dead = [run_id for run_id, pid in rows if not pid or not _pid_alive(pid)]
    if dead:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("UPDATE flow_runs SET status = 'interrupted' WHERE id = ? AND status = 'running'",
                             [[d] for d in dead])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _identify(conn: sqlite3.Connection, path: Path) -> tuple[int, int, list[str]]:
    # A full check reads the whole file (1 s at 800 MB): only small workspaces get it at every open;
    # damage in a large one is reported when the damaged page is read.
    if path.stat().st_size <= FULL_CHECK_MAX_BYTES:
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise WorkspaceError(f"{path}: the workspace is damaged ({check}); it was left as it was")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return version, app_id, tables


def _migrate(conn: sqlite3.Connection, current: int, target: int) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        for number, _title, statements in MIGRATIONS:
            if current < number <= target:
                for sql in statements:
                    conn.execute(sql)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {target}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def migrate_to(path: str | os.PathLike, target: int) -> None:
    """Create or upgrade a workspace file to an older schema version exactly (for upgrade tests)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn, conn.execute("PRAGMA user_version").fetchone()[0], target)
    finally:
        conn.close()


@contextmanager
def transaction(ws: Workspace) -> Iterator[None]:
    """All writes of one operation, or none. Nested use joins the outer transaction."""
    conn = ws.db.conn
    if conn.in_transaction:
        yield
        return
    if ws.read_only:
        raise WorkspaceError(f"{ws.path}: the workspace is read-only; this needs to write to it")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise _busy(ws, exc) from None
    try:
        yield
    except sqlite3.OperationalError as exc:  # a full disk, a lock that outlasted the wait: one line
        _rollback(conn)
        raise _busy(ws, exc) from None
    except BaseException:
        _rollback(conn)
        raise
    else:
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            _rollback(conn)
            raise _busy(ws, exc) from None


def rows(ws: Workspace, sql: str, params: list | tuple = ()) -> list[dict]:
    """A query's rows as dicts, straight from sqlite3: for the paths every journey step takes, where
    sqlite_utils' per-call parsing of the statement cost more than the query."""
    cur = ws.db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite ends the transaction itself on some errors (a full disk): there may be nothing to undo.
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _busy(ws: Workspace, exc: sqlite3.OperationalError) -> WorkspaceError:
    if "locked" in str(exc) or "busy" in str(exc):
        return WorkspaceError(f"{ws.path}: the workspace stayed busy for {BUSY_TIMEOUT_S} s (another emulator is "
                              f"writing to it); nothing was changed, try again")
    if "readonly" in str(exc):
        return WorkspaceError(f"{ws.path}: the workspace is read-only; nothing was changed")
    if "full" in str(exc):
        return WorkspaceError(f"{ws.path}: the disk is full; nothing was changed")
    return WorkspaceError(f"{ws.path}: {exc}")
