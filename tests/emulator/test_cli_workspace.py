"""The workspace CLI as a script would use it: real processes over a real workspace file."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from emulator.emulator import SAMPLE_TENANT_DIR

ACTIONS = Path(__file__).parent.parent / "actions"


@pytest.fixture
def ws(tmp_path):
    return tmp_path / "cli.sqlite"


def cli(ws, *args: str, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "emulator.cli", "--workspace", str(ws), *args], capture_output=True,
                          text=True, timeout=120, input=stdin, env={**os.environ, **(env or {})})


def ok(p: subprocess.CompletedProcess) -> str:
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.fixture
def sample_ws(ws):
    out = ok(cli(ws, "import", str(SAMPLE_TENANT_DIR), "--tenant", "sample", "--keywords",
                 str(SAMPLE_TENANT_DIR / "keywords.json")))
    assert out.strip() == "imported into sample: 14 action(s), 10 trigger binding list(s), 3 user(s)"
    return ws


def test_tenants(ws):
    assert ok(cli(ws, "tenants", "list")).strip() == "(no tenants)"
    assert ok(cli(ws, "tenants", "create", "acme")).strip() == "created tenant acme"
    rows = json.loads(ok(cli(ws, "tenants", "list", "--json")))
    assert [(r["name"], r["actions"], r["users"]) for r in rows] == [("acme", 0, 0)]
    p = cli(ws, "tenants", "create", "acme")
    assert p.returncode == 2 and p.stderr.strip() == "actions-emulator: error: The tenant 'acme' already exists."


def test_action_lifecycle_from_the_command_line(ws, tmp_path):
    ok(cli(ws, "tenants", "create", "acme"))
    out = ok(cli(ws, "actions", "create", str(ACTIONS / "add_role_claims.js"), "--tenant", "acme",
                 "--trigger", "post-login", "--deploy"))
    assert out.strip() == "add_role_claims: deployed as version 1"
    edited = tmp_path / "edited.js"
    edited.write_text((ACTIONS / "add_role_claims.js").read_text().replace("adding", "now adding"))
    assert ok(cli(ws, "actions", "update", str(edited), "--tenant", "acme", "--name", "add_role_claims")).strip() == \
        "add_role_claims: draft saved"
    diff = ok(cli(ws, "actions", "diff", "add_role_claims", "--tenant", "acme"))
    assert "--- add_role_claims (v1)" in diff and "+  console.log(`now adding" in diff
    assert ok(cli(ws, "actions", "deploy", "add_role_claims", "--tenant", "acme")).strip() == \
        "add_role_claims: deployed version 2"
    assert ok(cli(ws, "actions", "rollback", "add_role_claims", "1", "--tenant", "acme")).strip() == \
        "add_role_claims: version 1 deployed again as version 3"
    versions = json.loads(ok(cli(ws, "actions", "versions", "add_role_claims", "--tenant", "acme", "--json")))
    assert [(v["number"], v["deployed"]) for v in versions] == [(3, True), (2, False), (1, False)]
    table = ok(cli(ws, "actions", "list", "--tenant", "acme"))
    assert table.splitlines()[0].split() == ["ACTION", "TRIGGER", "DEPLOYED", "UP", "TO", "DATE", "UPDATED"]
    assert "add_role_claims  post-login  3" in table
    show = ok(cli(ws, "actions", "show", "add_role_claims", "--tenant", "acme"))
    assert "deployed version: 3  (the draft has undeployed changes)" in show
    assert ok(cli(ws, "actions", "diff", "add_role_claims", "1", "3", "--tenant", "acme")).strip() == \
        "no differences between 1 and 3"


def test_bindings_and_runs(ws):
    ok(cli(ws, "tenants", "create", "acme"))
    for f in ("add_role_claims", "deny_blocked_country"):
        ok(cli(ws, "actions", "create", str(ACTIONS / f"{f}.js"), "--tenant", "acme", "--trigger", "post-login",
               "--deploy", "--secret", "BLOCKED_COUNTRIES=US"))
    assert ok(cli(ws, "bindings", "set", "post-login", "add_role_claims", "deny_blocked_country", "--tenant", "acme")
              ).strip() == "post-login: add_role_claims, deny_blocked_country"
    shown = ok(cli(ws, "bindings", "show", "--tenant", "acme"))
    assert "post-login: 1. add_role_claims (v1)  2. deny_blocked_country (v1)" in shown
    run = json.loads(ok(cli(ws, "run-trigger", "post-login", "--tenant", "acme")))
    assert run["outcome"]["status"] == "denied" and run["outcome"]["action"] == "deny_blocked_country"
    execution = json.loads(ok(cli(ws, "executions", "show", run["execution_id"])))
    assert [r["action_name"] for r in execution["results"]] == ["add_role_claims", "deny_blocked_country"]
    stored = json.loads(ok(cli(ws, "run-action", "--tenant", "acme", "--action", "add_role_claims",
                               "--event", "-", stdin='{"authorization": {"roles": ["ops"]}}')))
    assert stored["actions"][0]["commands"][0]["args"][1] == ["ops"] and stored["execution_id"]
    assert stored["actions"][0]["file"].endswith("/add_role_claims/draft.js")
    listing = ok(cli(ws, "executions", "list", "--tenant", "acme"))
    assert "post-login  test" in listing and "post-login  trigger  denied" in listing
    p = cli(ws, "bindings", "set", "pre-user-registration", "add_role_claims", "--tenant", "acme")
    assert p.returncode == 2 and "incompatible action and trigger" in p.stderr


def test_users(ws):
    ok(cli(ws, "tenants", "create", "acme"))
    out = ok(cli(ws, "users", "create", "--tenant", "acme", "--email", "ann@example.com", "--password", "Pw-12345",
                 "--role", "admin", "--json"))
    user = json.loads(out)
    assert user["roles"] == ["admin"] and "password" not in json.dumps(user)
    assert "ann@example.com" in ok(cli(ws, "users", "list", "--tenant", "acme"))
    p = cli(ws, "users", "create", "--tenant", "acme", "--email", "bob@example.com", stdin="")
    assert p.returncode == 2 and "--password is required" in p.stderr


def test_logs_filters_and_follow(sample_ws):
    run = cli(sample_ws, "run-trigger", "post-user-registration", "--tenant", "sample")
    assert run.returncode == 1 and json.loads(run.stdout)["outcome"]["status"] == "failed"  # notify-crm throws
    failed = json.loads(ok(cli(sample_ws, "logs", "list", "--tenant", "sample", "--type", "actions_execution_failed",
                               "--json")))
    assert len(failed) == 1 and failed[0]["details"]["action_name"] == "notify-crm"
    assert json.loads(ok(cli(sample_ws, "logs", "list", "--tenant", "sample", "--action", "notify-crm", "--json")))
    assert json.loads(ok(cli(sample_ws, "logs", "list", "--tenant", "sample", "--search", "nothing-like-this",
                             "--json"))) == []
    follower = subprocess.Popen([sys.executable, "-m", "emulator.cli", "--workspace", str(sample_ws), "logs", "follow",
                                 "--tenant", "sample", "--json", "--interval", "0.1", "--max-seconds", "6"],
                                stdout=subprocess.PIPE, text=True)
    try:
        import time

        time.sleep(1.0)  # let the follower take its starting point (it shows only newer records)
        cli(sample_ws, "run-trigger", "post-user-registration", "--tenant", "sample")
        line = follower.stdout.readline()
    finally:
        follower.kill()
        follower.wait()
    assert json.loads(line)["type"] == "actions_execution_failed"


def test_export_and_import_errors(sample_ws, tmp_path):
    out = ok(cli(sample_ws, "export", str(tmp_path / "out"), "--tenant", "sample", "--format", "yaml"))
    assert out.strip() == f"exported sample to {tmp_path / 'out'}"
    assert (tmp_path / "out" / "tenant.yaml").exists()
    bad = tmp_path / "bad"
    (bad / "actions").mkdir(parents=True)
    (bad / "actions" / "x.json").write_text('{"name": "x"}')
    p = cli(sample_ws, "import", str(bad), "--tenant", "other")
    assert p.returncode == 2
    assert p.stderr.splitlines() == [
        "actions-emulator: error: import refused, nothing was imported (2 problems):",
        "  - actions/x.json: supported_triggers: required: exactly one {id, version}",
        "  - actions/x.json: code: required (a path to the action's code.js)"]
    assert [t["name"] for t in json.loads(ok(cli(sample_ws, "tenants", "list", "--json")))] == ["sample"]


def test_workspace_from_the_environment(tmp_path):
    import os

    env = {**os.environ, "ACTIONS_EMULATOR_WORKSPACE": str(tmp_path / "env.sqlite")}
    p = subprocess.run([sys.executable, "-m", "emulator.cli", "tenants", "create", "envy"], capture_output=True,
                       text=True, env=env)
    assert p.returncode == 0 and (tmp_path / "env.sqlite").exists()


def test_refusals_and_bad_workspaces_exit_2(ws, tmp_path):
    p = cli(ws, "actions", "list", "--tenant", "nobody")
    assert p.returncode == 2 and p.stderr.strip().startswith("actions-emulator: error: The tenant 'nobody' does "
                                                            "not exist. (")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    p = cli(notes, "tenants", "list")
    assert p.returncode == 2 and "not an Actions Emulator workspace" in p.stderr and "Traceback" not in p.stderr
    p = cli(ws, "run-action", "--tenant", "acme", "--action", "x", str(ACTIONS / "throws.js"))
    assert p.returncode == 2 and "with --action, give no FILE" in p.stderr
