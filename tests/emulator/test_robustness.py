"""The workspace and the CLI under contention and hostile input (issue: 45 breaks of 143 probes): three
writers at once, a kill -9 in the middle of a batch, a read-only workspace, and bad input that must be one
line and exit 2 with nothing written: deep or huge JSON, invalid UTF-8, absurd timeouts, binary and
YAML-bomb files, imports reaching outside their folder, dependency specs that are not registry
packages, and FIFOs."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from emulator.emulator import SAMPLE_TENANT_DIR
from emulator.store import open_workspace

from .test_cli_workspace import cli

ACTION = Path(__file__).parent.parent / "actions" / "add_role_claims.js"
WRITER = textwrap.dedent("""
    import asyncio, json, sys, time
    from emulator.emulator import Emulator
    from emulator import flows
    kind, path, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    emu = Emulator.open(path)
    ORIGINAL = emu.action("sample", "add-role-claims")["code"]
    ops = failures = 0
    errors = []
    async def main():
        global ops, failures
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end:
            n += 1
            try:
                if kind == "journeys":
                    run = flows.start(emu, "sample", "login", {"email": "sam.lee@example.org", "password": "Battery-Staple-7"})
                    run = await flows.run_to_end(emu, run)
                    assert run.status == "redirected", (run.status, run.error)
                elif kind == "deploys":
                    emu.update_draft("sample", "add-role-claims", code=f"// deploy {n}\\n" + ORIGINAL)
                    emu.deploy("sample", "add-role-claims")
                    # A person's pace, roughly (a tighter loop prunes a journey's version, 50 kept, mid-journey).
                    await asyncio.sleep(0.05)
                else:
                    emu.import_tenant(sys.argv[4], f"imported-{n % 3}")
                ops += 1
            except Exception as exc:
                failures += 1
                errors.append(f"{type(exc).__name__}: {exc}")
        await emu.close()
    asyncio.run(main())
    print(json.dumps({"ops": ops, "failures": failures, "errors": errors[:5]}))
""")


@pytest.fixture
def sample_ws(tmp_path):
    ws = tmp_path / "ws.sqlite"
    p = cli(ws, "import", str(SAMPLE_TENANT_DIR), "--tenant", "sample", "--keywords",
            str(SAMPLE_TENANT_DIR / "keywords.json"))
    assert p.returncode == 0, p.stderr
    return ws


def test_three_writers_for_30_seconds(sample_ws, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    procs = {kind: subprocess.Popen([sys.executable, str(script), kind, str(sample_ws), "30", str(SAMPLE_TENANT_DIR)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for kind in ("journeys", "deploys", "imports")}
    results = {}
    for kind, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results[kind] = json.loads(out.strip().splitlines()[-1])
    print("contention:", {k: (v["ops"], v["failures"]) for k, v in results.items()})
    for kind, result in results.items():
        assert result["failures"] == 0, (kind, result["errors"])
        assert result["ops"] > 0, kind
    ws = open_workspace(sample_ws)
    assert ws.db.execute("SELECT count(*) FROM flow_runs WHERE status = 'running'").fetchone()[0] == 0
    ws.close()


def test_a_batch_killed_with_sigkill_leaves_no_run_running(sample_ws, tmp_path):
    script = tmp_path / "batch.py"
    script.write_text(WRITER)
    proc = subprocess.Popen([sys.executable, str(script), "journeys", str(sample_ws), "60", ""],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    conn = sqlite3.connect(str(sample_ws), timeout=30)
    deadline = time.monotonic() + 60
    while conn.execute("SELECT count(*) FROM flow_runs").fetchone()[0] < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    conn.close()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    ws = open_workspace(sample_ws)
    statuses = dict(ws.db.execute("SELECT status, count(*) FROM flow_runs GROUP BY status").fetchall())
    ws.close()
    assert "running" not in statuses and statuses.get("redirected", 0) >= 2


def test_a_run_of_a_dead_process_is_marked_interrupted(sample_ws):
    dead = subprocess.Popen(["true"])
    dead.wait()
    ws = open_workspace(sample_ws)
    ws.db.execute("""INSERT INTO flow_runs (id, tenant, kind, status, snapshot, created_at, updated_at, owner_pid)
                     VALUES ('r-dead', 'sample', 'login', 'running', '{}', '2026', '2026', ?),
                            ('r-live', 'sample', 'login', 'running', '{}', '2026', '2026', ?)""", [dead.pid, os.getpid()])
    ws.close()
    ws = open_workspace(sample_ws)
    statuses = dict(ws.db.execute("SELECT id, status FROM flow_runs WHERE id LIKE 'r-%'").fetchall())
    ws.close()
    assert statuses == {"r-dead": "interrupted", "r-live": "running"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to any file: a read-only file needs another user")
def test_a_read_only_workspace_is_read_only_not_damaged(sample_ws):
    os.chmod(sample_ws, stat.S_IRUSR)
    try:
        assert "add-role-claims" in cli(sample_ws, "actions", "list", "--tenant", "sample").stdout
        p = cli(sample_ws, "tenants", "create", "other")
        assert p.returncode == 2 and "read-only" in p.stderr and "damaged" not in p.stderr
    finally:
        os.chmod(sample_ws, stat.S_IRUSR | stat.S_IWUSR)


def test_a_read_only_open_reads_and_refuses_writes(sample_ws):
    """The same through the read-only path itself (root can write anyway, so the mode is forced)."""
    from emulator import store
    from emulator.store import db

    original = db._writable
    db._writable = lambda path: False
    try:
        ws = open_workspace(sample_ws)
        assert ws.read_only and store.tenants.list_all(ws)
        with pytest.raises(db.WorkspaceError, match="read-only"):
            store.tenants.create(ws, "other")
        ws.close()
    finally:
        db._writable = original


def _bad(ws, *args, stdin=None) -> str:
    """Exit 2 with one line on stderr (an import lists each of its problems under its one line)."""
    p = cli(ws, *args, stdin=stdin)
    assert p.returncode == 2, (p.returncode, p.stdout[-300:], p.stderr)
    lines = p.stderr.strip().splitlines()
    assert lines[0].startswith("actions-emulator: error:"), p.stderr
    assert len(lines) == 1 or (args[0] == "import" and all(l.startswith("  - ") for l in lines[1:])), p.stderr
    return " ".join(lines)


def test_bad_input_is_one_line_and_exit_2(sample_ws, tmp_path):
    run = ["run-action", str(ACTION), "--trigger", "post-login"]
    assert "nested more than" in _bad(sample_ws, *run, "--event", "-", stdin='{"a":' * 900 + "1" + "}" * 900)
    assert "4300 digits" in _bad(sample_ws, *run, "--event", "-", stdin='{"a": ' + "9" * 5001 + "}")
    p = subprocess.run([sys.executable, "-m", "emulator.cli", *run, "--event", "-"], input=b'{"a": "\xff\xfe"}',
                       capture_output=True, timeout=60)
    assert p.returncode == 2 and b"not UTF-8" in p.stderr
    assert "--timeout-ms must be between" in _bad(sample_ws, *run, "--timeout-ms", "99999999999999")
    binary = tmp_path / "keywords.json"
    binary.write_bytes(os.urandom(2000) + b"\xff")
    before = cli(sample_ws, "tenants", "list").stdout
    assert "not UTF-8" in _bad(sample_ws, "import", str(SAMPLE_TENANT_DIR), "--tenant", "x", "--keywords", str(binary))
    deep = tmp_path / "tenant.yaml"
    deep.write_text("actions:\n  - " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested more than" in _bad(sample_ws, "import", str(deep), "--tenant", "x")
    assert cli(sample_ws, "tenants", "list").stdout == before  # nothing was written


def test_yaml_alias_bombs_are_refused_at_once(sample_ws, tmp_path):
    bomb = tmp_path / "stubs.yaml"
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    lines.append("stubs: [*i]")
    bomb.write_text("\n".join(lines) + "\n")
    assert len(bomb.read_bytes()) < 700
    t0 = time.perf_counter()
    assert "through its aliases" in _bad(sample_ws, "run-action", str(ACTION), "--trigger", "post-login", "--http", "stub",
                             "--http-stubs", str(bomb))
    assert time.perf_counter() - t0 < 10
    tenant = tmp_path / "bomb" / "tenant.yaml"
    tenant.parent.mkdir()
    tenant.write_text(bomb.read_text().replace("stubs:", "actions:"))
    assert "through its aliases" in _bad(sample_ws, "import", str(tenant), "--tenant", "bomb")


def test_an_import_never_reads_outside_its_folder(sample_ws, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("exports.x = 'the contents of a file outside the folder';")
    folder = tmp_path / "tenant"
    folder.mkdir()
    (folder / "tenant.yaml").write_text(
        "actions:\n  - name: sneaky\n    code: ../secret.txt\n    supported_triggers:\n"
        "      - id: post-login\n        version: v3\n    deployed: false\n")
    line = _bad(sample_ws, "import", str(folder / "tenant.yaml"), "--tenant", "sneaky")
    assert "outside the imported folder" in line
    assert "sneaky" not in cli(sample_ws, "tenants", "list").stdout


@pytest.mark.parametrize("spec", ["x@file:../evil", "lodash@git+https://example.com/l.git", "l@https://example.com/l.tgz",
                                  "l@github:user/repo", "l@npm:other"])
def test_only_registry_dependencies(sample_ws, spec):
    assert "only npm registry packages" in _bad(sample_ws, "run-action", str(ACTION), "--trigger", "post-login",
                                                "--dependency", spec)


def test_a_fifo_is_refused_not_waited_on(sample_ws, tmp_path):
    fifo = tmp_path / "action.js"
    os.mkfifo(fifo)
    assert "not a regular file" in _bad(sample_ws, "run-action", str(fifo), "--trigger", "post-login")


def test_retention_prunes_old_records_and_vacuum_reclaims_space(sample_ws):
    for password in ("Battery-Staple-7", "wrong", "Battery-Staple-7"):  # the wrong one is logged (fp)
        p = cli(sample_ws, "flow", "login", "--tenant", "sample", "--email", "sam.lee@example.org",
                "--password", password)
        assert p.returncode in (0, 4), p.stderr
    ws = open_workspace(sample_ws)
    counts = lambda: [ws.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: E731
                      for t in ("logs", "executions", "flow_runs")]
    before = counts()
    assert all(before)
    ws.close()
    kept = cli(sample_ws, "workspace", "prune")  # everything is younger than 10 days
    assert kept.returncode == 0 and kept.stdout.startswith("Deleted 0 ")
    pruned = cli(sample_ws, "workspace", "prune", "--days", "0")
    assert pruned.returncode == 0 and f"Deleted {sum(before)} " in pruned.stdout
    ws = open_workspace(sample_ws)
    assert counts() == [0, 0, 0]
    ws.close()
    vacuumed = cli(sample_ws, "workspace", "vacuum")
    assert vacuumed.returncode == 0 and "MB ->" in vacuumed.stdout


def test_a_full_disk_is_one_line_and_nothing_half_written(sample_ws):
    """SQLite's own limit stands in for a full disk: a write that cannot fit is refused whole."""
    from emulator import store
    from emulator.store import db

    ws = open_workspace(sample_ws)
    pages = ws.db.execute("PRAGMA page_count").fetchone()[0]
    ws.db.execute(f"PRAGMA max_page_count = {pages}")
    before = len(store.tenants.list_all(ws))
    with pytest.raises(db.WorkspaceError, match="disk is full"):
        with db.transaction(ws):
            store.tenants.create(ws, "big")
            ws.db.execute("INSERT INTO logs (log_id, tenant, date, type, record) VALUES ('x', 'big', 'd', 't', ?)",
                          ["x" * 5_000_000])
    assert len(store.tenants.list_all(ws)) == before
    ws.close()
