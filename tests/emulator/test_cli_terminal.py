"""The CLI for a person at a terminal (a real pseudo-terminal, 80 columns): short summaries instead of
JSON, tables no wider than the terminal, "did you mean", a default tenant, and exit codes that say what
happened; piped, the same commands print exactly the JSON scripts read."""
from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def terminal(*args, env=None, columns: int = 80) -> tuple[int, str]:
    """Run the CLI with its stdout and stderr on a pseudo-terminal; returns (exit code, what it showed)."""
    leader, follower = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "emulator.cli", *args], stdout=follower, stderr=follower,
                            stdin=subprocess.DEVNULL, cwd=ROOT,
                            env={k: v for k, v in {**os.environ, **(env or {})}.items() if k != "COLUMNS"})
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    code = proc.wait(60)
    return code, ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r\n", "\n")


def piped(*args, env=None):
    return subprocess.run([sys.executable, "-m", "emulator.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("tty") / "w.sqlite")
    assert piped("--workspace", path, "import", "fixtures/sample-tenant", "--tenant", "sample").returncode == 0
    return path


def test_run_action_at_a_terminal_is_a_short_summary_and_piped_it_is_the_json(tmp_path):
    action = tmp_path / "claims.js"
    action.write_text("exports.onExecutePostLogin = async (event, api) => {\n"
                      "  api.idToken.setCustomClaim('https://x/roles', ['admin']);\n  console.log('hi');\n"
                      "  api.access.deny('not today');\n};\n")
    code, shown = terminal("run-action", str(action), "--trigger", "post-login")
    assert code == 0
    lines = shown.strip().splitlines()
    assert lines[0].startswith("post-login · denied · ") and "Node v" in lines[0]
    assert 'idToken.setCustomClaim("https://x/roles", ["admin"])' in shown and "log: hi" in shown
    assert 'outcome: denied by claims: access.deny("not today")' in shown
    assert "{" not in lines[0] and len(lines) < 15
    out = json.loads(piped("run-action", str(action), "--trigger", "post-login").stdout)
    assert set(out) == {"trigger", "trigger_version", "node_version", "outcome", "actions", "carried", "timings"}
    code, shown = terminal("run-action", str(action), "--trigger", "post-login", "--json")
    assert json.loads(shown)["outcome"]["status"] == "denied"


def test_an_action_error_shows_as_file_and_line(tmp_path):
    action = tmp_path / "broken.js"
    action.write_text("exports.onExecutePostLogin = async (event, api) => {\n  undefinedThing();\n};\n")
    code, shown = terminal("run-action", str(action), "--trigger", "post-login")
    assert code == 1
    assert f"ReferenceError: undefinedThing is not defined  at {action}:2:3 [action_error]" in shown


def test_a_flow_at_a_terminal_and_its_exit_codes(ws):
    code, shown = terminal("--workspace", ws, "flow", "login", "--email", "jane.doe@example.com",
                           "--password", "Correct-Horse-9", "--auto")
    assert code == 0 and shown.startswith("login · success · run ")
    assert 'https://example.com/roles=["admin"]' in shown and "post-login:" in shown
    wrong = piped("--workspace", ws, "flow", "login", "--email", "jane.doe@example.com", "--password", "nope")
    assert wrong.returncode == 4 and json.loads(wrong.stdout)["error"]["error"] == "invalid_user_password"
    code, shown = terminal("--workspace", ws, "flow", "login", "--email", "jane.doe@example.com", "--password", "nope")
    assert code == 4 and "error: invalid_user_password: Wrong email or password." in shown


def test_tables_fit_the_terminal_and_wide_shows_everything(ws):
    piped("--workspace", ws, "flow", "login", "--email", "jane.doe@example.com", "--password", "nope")
    code, shown = terminal("--workspace", ws, "logs", "list")
    assert code == 0
    lines = [l for l in shown.splitlines() if l.strip()]
    assert len(lines) > 2 and max(len(l) for l in lines) <= 80, max(lines, key=len)
    assert any("…" in l for l in lines)
    code, wide = terminal("--workspace", ws, "--wide", "logs", "list")
    assert max(len(l) for l in wide.splitlines()) > 80 and "…" not in wide


def test_did_you_mean(ws):
    code, shown = terminal("--workspace", ws, "run-actoin")
    assert code == 2 and shown.strip().endswith("did you mean 'run-action'?")
    r = piped("--workspace", ws, "actions", "list", "--tenat", "sample")
    assert r.returncode == 2 and r.stderr.strip().endswith("did you mean '--tenant'?")
    r = piped("--workspace", ws, "logs", "list", "--tenant", "sampel")
    assert r.returncode == 2 and r.stderr.strip().endswith("does not exist. (tenants: sample)")


def test_the_default_tenant(ws, tmp_path):
    r = piped("--workspace", ws, "actions", "list", "--json")
    assert r.returncode == 0 and len(json.loads(r.stdout)) == 14  # the workspace's only tenant
    assert piped("--workspace", ws, "tenants", "create", "second").returncode == 0
    r = piped("--workspace", ws, "actions", "list")
    assert r.returncode == 2 and "--tenant is required (tenants: sample, second;" in r.stderr
    r = piped("--workspace", ws, "actions", "list", "--json", env={"ACTIONS_EMULATOR_TENANT": "second"})
    assert r.returncode == 0 and json.loads(r.stdout) == []


def test_summaries_show_console_lines_whole_name_where_a_stored_action_failed_and_mask_secrets():
    from emulator.cli import summary

    long_line = "x" * 150
    out = {"flow": "login", "status": "failed", "run_id": "r1", "executions": {"post-login": [{
        "outcome": {"status": "failed"},
        "actions": [{"name": "redirecting", "version": 3, "handler": "onExecutePostLogin", "timings": {"total_ms": 1.0},
                     "commands": [{"name": "redirect.encodeToken",
                                   "args": [{"secret": "s3cr3t-value", "payload": {"a": 1}}]}],
                     "logs": [{"level": "log", "message": long_line}], "http": [],
                     "error": {"name": "Error", "message": "boom", "line": 11, "column": 9, "class": "action_error"}}]}]}}
    text = summary.flow(out)
    assert long_line in text  # not elided at 60 characters
    assert "at redirecting v3:11:9" in text and "?:" not in text
    assert "s3cr3t-value" not in text and '"secret":"••••••"' in text


def test_ids_are_shown_by_their_start_and_any_unique_start_is_taken(ws):
    for _ in range(2):
        piped("--workspace", ws, "flow", "login", "--email", "jane.doe@example.com", "--password", "nope", "--tenant", "sample")
    runs = json.loads(piped("--workspace", ws, "flow", "list", "--tenant", "sample", "--json").stdout)
    executions = json.loads(piped("--workspace", ws, "executions", "list", "--tenant", "sample", "--json").stdout)
    code, shown = terminal("--workspace", ws, "executions", "list", "--tenant", "sample")
    assert code == 0 and max(len(line) for line in shown.splitlines()) <= 80
    rows = [line for line in shown.splitlines() if line.strip()][2:]
    cut = rows[0].split()[-1]  # the EXECUTION ID column
    assert cut.endswith("…") and "…" not in cut[:-1]
    assert rows[0].split()[0].count(":") == 2  # a time cut to fit reads as one, not "2026-1…1.114Z"
    full = next(e["id"] for e in executions if e["id"].startswith(cut[:-1]))  # the start, as git shows hashes
    shown_execution = json.loads(piped("--workspace", ws, "executions", "show", cut[:-1]).stdout)
    assert shown_execution["id"] == full
    run = runs[0]["id"]
    assert json.loads(piped("--workspace", ws, "flow", "show", run[:6], "--json").stdout)["run_id"] == run
    # A start that is no id's, or several ids', is refused with one line.
    none = piped("--workspace", ws, "flow", "show", "zz_not_an_id")
    assert none.returncode == 2 and none.stderr.strip().count("\n") == 0 and "does not exist" in none.stderr
    assert "Traceback" not in none.stderr
    ambiguous = piped("--workspace", ws, "executions", "show", "")
    assert ambiguous.returncode == 2 and "Traceback" not in ambiguous.stderr
    firsts = {}
    for e in executions:
        firsts.setdefault(e["id"][0], []).append(e["id"])
    shared = next((ids for ids in firsts.values() if len(ids) > 1), None)
    if shared:  # ids are random: two of these runs' executions almost always share a first character
        several = piped("--workspace", ws, "executions", "show", shared[0][0])
        assert several.returncode == 2 and "several execution ids" in several.stderr


def test_bindings_and_the_outbox_fit_80_columns(ws):
    code, shown = terminal("--workspace", ws, "bindings", "show", "--tenant", "sample")
    assert code == 0 and max(len(line) for line in shown.splitlines()) <= 80, shown
    assert "  1. " in shown
    piped("--workspace", ws, "flow", "reset-password", "--email", "jane.doe@example.com", "--tenant", "sample")
    code, shown = terminal("--workspace", ws, "outbox", "--tenant", "sample")
    lines = shown.splitlines()
    links = [w for line in lines for w in line.split() if w.startswith("http")]
    assert code == 0 and links, shown
    # Wrapped at word breaks; only a word longer than the terminal (a link) may run past it, and whole.
    assert all(len(line) <= 80 or any(link in line for link in links) for line in lines), shown
    assert piped("--workspace", ws, "outbox", "--tenant", "sample").stdout.count("\n") < shown.count("\n") or all(len(l) <= 80 for l in lines)
