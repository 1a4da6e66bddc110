"""`actions-emulator` as a newcomer runs it: real processes, real files, exit codes and one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ACTIONS = Path(__file__).parent.parent / "actions"


def cli(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "emulator.cli", *args], capture_output=True, text=True,
                          input=stdin, timeout=120, env=full_env)


def test_run_action_chain_prints_one_json_document(tmp_path):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"authorization": {"roles": ["admin"]}, "request": {"geoip": {"countryCode": "NZ"}}}))
    p = cli("run-action", str(ACTIONS / "add_role_claims.js"), str(ACTIONS / "deny_blocked_country.js"),
            "--trigger", "post-login", "--event", str(event), "--secret", "BLOCKED_COUNTRIES=NZ, KP")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["trigger"] == "post-login" and out["trigger_version"] == "v3"
    assert out["node_version"].startswith("v22")  # node22, the default runtime
    assert out["outcome"] == {"status": "denied", "action": "deny_blocked_country",
                              "command": {"name": "access.deny", "args": ["Logins from NZ are not allowed."]}}
    first, second = out["actions"]
    assert first["file"] == str(ACTIONS / "add_role_claims.js") and first["handler"] == "onExecutePostLogin"
    assert first["commands"][0] == {"name": "idToken.setCustomClaim", "args": ["https://example.com/roles", ["admin"]]}
    assert first["logs"][0]["message"] == "adding 1 role(s) for jane.doe@example.com"
    assert set(first["timings"]) == {"load_ms", "run_ms", "total_ms"} and first["error"] is None
    assert second["commands"] == [{"name": "access.deny", "args": ["Logins from NZ are not allowed."]}]


def test_event_from_stdin_and_handler(tmp_path):
    p = cli("run-action", str(ACTIONS / "continue_redirect.js"), "--trigger", "post-login", "--event", "-",
            "--handler", "onContinuePostLogin", "--secret", "SESSION_SECRET=x", stdin='{"request": {"query": {"state": "s"}}}')
    assert p.returncode == 1  # no session_token came back: validateToken throws, the action failed
    out = json.loads(p.stdout)
    assert out["actions"][0]["handler"] == "onContinuePostLogin"
    assert out["actions"][0]["error"]["message"].startswith("There is no parameter called 'session_token'")
    assert out["actions"][0]["error"]["line"] == 6
    assert out["outcome"]["status"] == "failed"


def test_redirect_is_a_normal_outcome(tmp_path):
    p = cli("run-action", str(ACTIONS / "continue_redirect.js"), "--trigger", "post-login")
    assert p.returncode == 0
    assert json.loads(p.stdout)["outcome"]["status"] == "suspended"


def test_a_throwing_action_exits_1_with_its_line(tmp_path):
    p = cli("run-action", str(ACTIONS / "throws.js"), "--trigger", "post-login")
    assert p.returncode == 1
    err = json.loads(p.stdout)["actions"][0]["error"]
    assert err["message"] == "profile service unavailable for auth0|65f0c1a2b3c4d5e6f7a8b9c0"
    assert err["line"] == 7 and err["class"] == "action_error" and "throws.js:2" in err["stack"]


def test_timeout_exits_1():
    p = cli("run-action", str(ACTIONS / "loops_forever.js"), "--trigger", "post-login", "--timeout-ms", "500")
    assert p.returncode == 1
    assert json.loads(p.stdout)["actions"][0]["error"]["class"] == "action_timeout"


def test_dependency_install_and_reuse(tmp_path):
    env = {"ACTIONS_EMULATOR_DEPS_CACHE": str(tmp_path)}
    # node18: the bundled Node, so that this empty cache is asked for the dependency only
    args = ("run-action", str(ACTIONS / "uses_is_number.js"), "--trigger", "post-login", "--dependency", "is-number@7.0.0",
            "--runtime", "node18")
    first = cli(*args, env=env)
    assert first.returncode == 0, first.stderr
    assert "installing is-number@7.0.0" in first.stderr
    assert json.loads(first.stdout)["actions"][0]["commands"][0]["args"] == ["https://example.com/logins_is_number", True]
    second = cli(*args, env=env)
    assert second.returncode == 0 and "installing" not in second.stderr


@pytest.mark.parametrize("args, message", [
    (("run-action", "missing.js", "--trigger", "post-login"), "missing.js: no such file"),
    (("run-action", str(ACTIONS / "throws.js"), "--trigger", "post-logon"), "--trigger: unknown trigger 'post-logon'"),
    (("run-action", str(ACTIONS / "throws.js"), "--trigger", "post-login", "--dependency", "lodash@"),
     "--dependency: 'lodash@' is not NAME@VERSION"),
    (("run-action", str(ACTIONS / "throws.js"), "--trigger", "post-login", "--secret", "NOVALUE"),
     "--secret: 'NOVALUE' is not KEY=VALUE"),
    (("run-action", str(ACTIONS / "throws.js"), "--trigger", "post-login", "--handler", "onContinuePostLogn"),
     "--handler: post-login has no handler 'onContinuePostLogn'"),
    (("run-action", str(ACTIONS / "throws.js"), "--trigger", "post-login", "--node", "/no/such/node"),
     "--node: no Node binary at /no/such/node"),
    (("run-action", str(ACTIONS / "throws.js"), "--trigger", "post-login", "--timeout-ms", "0"),
     "--timeout-ms must be between 1 and"),
    (("run-action", "--trigger", "post-login"), "the following arguments are required: FILE"),
    (("frobnicate",), "invalid choice: 'frobnicate'"),
])
def test_bad_usage_is_one_line_and_exit_2(args, message):
    p = cli(*args)
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "Traceback" not in p.stderr
    assert p.stderr.startswith("actions-emulator: error: ") and message in p.stderr
    assert p.stdout == ""


def test_invalid_event_json_names_file_and_line(tmp_path):
    bad = tmp_path / "event.json"
    bad.write_text('{\n  "user": {\n    "email": "x",\n  }\n}')
    p = cli("run-action", str(ACTIONS / "throws.js"), "--trigger", "post-login", "--event", str(bad))
    assert p.returncode == 2
    assert p.stderr.strip() == f"actions-emulator: error: {bad}: invalid JSON at line 4, column 3: Expecting property name enclosed in double quotes"
    arr = tmp_path / "list.json"
    arr.write_text("[]")
    p = cli("run-action", str(ACTIONS / "throws.js"), "--trigger", "post-login", "--event", str(arr))
    assert "the event must be a JSON object, not list" in p.stderr


def test_node_option_uses_the_named_binary():
    from emulator.runtime.node import bundled_node

    p = cli("run-action", str(ACTIONS / "add_role_claims.js"), "--trigger", "post-login", "--node", str(bundled_node()))
    assert p.returncode == 0 and json.loads(p.stdout)["node_version"] == "v18.4.0"


def test_triggers_listing_comes_from_the_registry():
    from emulator import triggers

    p = cli("triggers", "--json")
    data = json.loads(p.stdout)
    assert [t["id"] for t in data] == triggers.ids()
    post_login = next(t for t in data if t["id"] == triggers.POST_LOGIN)
    assert any(m["method"] == "api.access.deny(reason)" for m in post_login["api"])


def test_bench_quick_prints_its_figures():
    p = cli("bench", "--quick")
    assert p.returncode == 0, p.stderr
    for label in ("host cold start", "warm single action p50", "5-action chain p50", "pipelined invocations/s",
                  "speed-up over naive"):
        assert label in p.stdout


def test_bench_flows_prints_batch_and_event_loop_figures():
    p = cli("bench", "--flows", "3")
    assert p.returncode == 0, p.stderr
    assert "login runs (4 post-login actions)" in p.stdout and "3 success" in p.stdout
    for label in ("runs per second", "event loop late max", "timings data, last 200 runs"):
        assert label in p.stdout
    bad = cli("bench", "--flows", "0")
    assert bad.returncode == 2 and "--flows" in bad.stderr and "Traceback" not in bad.stderr


def test_node_setting_and_version_checks(tmp_path):
    old = tmp_path / "old-node"
    old.write_text("#!/bin/sh\necho v12.22.0\n")
    old.chmod(0o755)
    p = cli("run-action", str(ACTIONS / "throws.js"), "--trigger", "post-login", env={"ACTIONS_EMULATOR_NODE": str(old)})
    assert p.returncode == 2
    assert p.stderr.strip().endswith("is Node v12.22.0; the emulator needs Node 16 or newer")
    p = cli("run-action", str(ACTIONS / "throws.js"), "--trigger", "post-login", "--node", "/bin/true")
    assert p.returncode == 2 and "is not a Node binary" in p.stderr
