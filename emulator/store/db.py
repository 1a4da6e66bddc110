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

import platformdirs
import sqlite_utils

from ..clock import Clock, Ids
from ..errors import EmulatorError
from .migrations import APPLICATION_ID, LATEST, MIGRATIONS

ENV_VAR = "ACTIONS_EMULATOR_WORKSPACE"


class WorkspaceError(EmulatorError):
    """The workspace file cannot be used; nothing in it was changed."""


def default_path() -> Path:
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return platformdirs.user_data_path("actions-emulator") / "workspace.sqlite"


@dataclass
class Workspace:
    db: sqlite_utils.Database
    path: Path
    clock: Clock = field(default_factory=Clock)
    ids: Ids = field(default_factory=Ids)
    upgraded_from: int | None = None

    def close(self) -> None:
        self.db.close()


def _header_ok(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(16) == b"SQLite format 3\x00"


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
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        version, app_id, tables = _identify(conn, path)
        if exists and app_id != APPLICATION_ID and tables:
            raise WorkspaceError(f"{path}: not an Actions Emulator workspace (an SQLite file of another program)")
        if version > LATEST:
            raise WorkspaceError(f"{path}: made by a newer Actions Emulator (schema {version}, this one knows "
                                 f"up to {LATEST}); upgrade the app to open it")
        conn.execute("PRAGMA foreign_keys = ON")
        if version < LATEST:
            _migrate(conn, version, LATEST)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    except WorkspaceError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise WorkspaceError(f"{path}: the workspace is damaged and cannot be opened ({exc})") from None
    db = sqlite_utils.Database(conn)
    return Workspace(db=db, path=path, clock=clock or Clock(), ids=ids or Ids(),
                     upgraded_from=version if 0 < version < LATEST else None)


def _identify(conn: sqlite3.Connection, path: Path) -> tuple[int, int, list[str]]:
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
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
