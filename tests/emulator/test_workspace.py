"""Opening workspace files: where they live, upgrades from an older schema, and files that must be
refused and left exactly as they were."""
from __future__ import annotations

import sqlite3

import pytest

from emulator.store import open_workspace, tenants
from emulator.store.db import ENV_VAR, WorkspaceError, default_path, migrate_to
from emulator.store.migrations import LATEST


def test_new_workspace_uses_wal_and_foreign_keys(tmp_path):
    ws = open_workspace(tmp_path / "w.sqlite")
    assert ws.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert ws.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert ws.db.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert ws.upgraded_from is None
    ws.close()


def test_default_location_and_environment_override(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert default_path().name == "workspace.sqlite" and "actions-emulator" in str(default_path())
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "elsewhere.sqlite"))
    assert default_path() == tmp_path / "elsewhere.sqlite"


def test_an_older_workspace_is_upgraded_with_its_data(tmp_path):
    path = tmp_path / "old.sqlite"
    migrate_to(path, 1)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO tenants (name, created_at) VALUES ('legacy', '2025-01-01T00:00:00.000Z')")
    conn.commit()
    conn.close()
    ws = open_workspace(path)
    assert ws.upgraded_from == 1
    assert ws.db.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert tenants.exists(ws, "legacy")
    assert "logs" in ws.db.table_names() and "outbox" in ws.db.table_names()
    ws.close()


def _unchanged(path, opener):
    before = path.read_bytes()
    with pytest.raises(WorkspaceError) as err:
        opener(path)
    assert path.read_bytes() == before
    return str(err.value)


def test_a_newer_workspace_is_refused_untouched(tmp_path):
    path = tmp_path / "new.sqlite"
    open_workspace(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    conn.commit()
    conn.close()
    message = _unchanged(path, open_workspace)
    assert f"made by a newer Actions Emulator (schema {LATEST + 5}" in message


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    assert "an SQLite file of another program" in _unchanged(path, open_workspace)


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database")
    assert "not an SQLite database" in _unchanged(path, open_workspace)


def test_a_corrupt_workspace_is_refused_untouched(tmp_path):
    path = tmp_path / "broken.sqlite"
    ws = open_workspace(path)
    tenants.create(ws, "acme")
    ws.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ws.close()
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # smash the second page
    path.write_bytes(bytes(data))
    message = _unchanged(path, open_workspace)
    assert "damaged" in message


def test_a_directory_is_not_a_workspace(tmp_path):
    with pytest.raises(WorkspaceError, match="is a directory"):
        open_workspace(tmp_path)
