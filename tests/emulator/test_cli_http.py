"""The HTTP options from the command line: run-action with stub files and recording, the tenant's mode
and stubs, and a flow run with its own stubs."""
from __future__ import annotations

import json

import yaml

from .test_cli_workspace import cli, ok


def test_run_action_with_a_stub_file(tmp_path):
    action = tmp_path / "crm.js"
    action.write_text("exports.onExecutePostLogin = async (event, api) => {\n"
                      "  const r = await fetch('https://crm.example.com/tier?k=' + event.secrets.K);\n"
                      "  api.idToken.setCustomClaim('https://e/tier', (await r.json()).tier);\n};\n")
    stubs = tmp_path / "stubs.yaml"
    stubs.write_text("stubs:\n  - url: https://crm.example.com/tier*\n    json: {tier: gold}\n")
    out = json.loads(ok(cli(tmp_path / "w.sqlite", "run-action", str(action), "--trigger", "post-login",
                            "--secret", "K=key-0123456", "--http", "stub", "--http-stubs", str(stubs))))
    assert out["actions"][0]["commands"][0]["args"] == ["https://e/tier", "gold"]
    assert out["actions"][0]["http"][0]["url"] == "https://crm.example.com/tier?k=[secret:K]"
    p = cli(tmp_path / "w.sqlite", "run-action", str(action), "--trigger", "post-login", "--http", "offline")
    assert p.returncode == 2 and "'offline' is not a mode" in p.stderr


def test_tenant_http_commands(tmp_path):
    ws = tmp_path / "w.sqlite"
    ok(cli(ws, "tenants", "create", "acme"))
    assert ok(cli(ws, "http", "mode", "--tenant", "acme")).strip() == "live"
    assert ok(cli(ws, "http", "mode", "replay", "--tenant", "acme")).strip() == "replay"
    stubs = tmp_path / "s.json"
    stubs.write_text(json.dumps({"stubs": [{"method": "GET", "url": "https://*", "status": 204}]}))
    assert json.loads(ok(cli(ws, "http", "stubs", "--tenant", "acme", "--import", str(stubs)))) == \
        [{"method": "GET", "url": "https://*", "status": 204}]
    out = tmp_path / "out.yaml"
    assert ok(cli(ws, "http", "stubs", "--tenant", "acme", "--export", str(out))).strip() == f"wrote 1 stub(s) to {out}"
    assert yaml.safe_load(out.read_text()) == {"stubs": [{"method": "GET", "url": "https://*", "status": 204}]}


def test_a_flow_with_its_own_stubs(tmp_path):
    ws = tmp_path / "w.sqlite"
    ok(cli(ws, "tenants", "create", "acme"))
    action = tmp_path / "crm.js"
    action.write_text("exports.onExecutePostLogin = async (event, api) => {\n"
                      "  const r = await fetch('https://crm.example.com/users/' + encodeURIComponent(event.user.email));\n"
                      "  api.idToken.setCustomClaim('https://e/tier', (await r.json()).tier);\n};\n")
    ok(cli(ws, "actions", "create", str(action), "--tenant", "acme", "--trigger", "post-login", "--deploy"))
    ok(cli(ws, "bindings", "set", "post-login", "crm", "--tenant", "acme"))
    ok(cli(ws, "users", "create", "--tenant", "acme", "--email", "ann@example.com", "--password", "Str0ng-Passw0rd!"))
    stubs = tmp_path / "crm.yaml"
    stubs.write_text("stubs:\n  - url: https://crm.example.com/users/*\n    json: {tier: platinum}\n")
    run = json.loads(ok(cli(ws, "flow", "login", "--tenant", "acme", "--email", "ann@example.com",
                            "--password", "Str0ng-Passw0rd!", "--http", "stub", "--http-stubs", str(stubs))))
    assert run["status"] == "success"
    assert run["tokens"]["claims"]["id_token"]["https://e/tier"] == "platinum"
    call = run["executions"]["post-login"][0]["actions"][0]["http"][0]
    assert call["url"] == "https://crm.example.com/users/ann%40example.com" and call["stubbed"]
    failed = json.loads(cli(ws, "flow", "login", "--tenant", "acme", "--email", "ann@example.com",
                            "--password", "Str0ng-Passw0rd!", "--http", "stub").stdout)
    assert failed["status"] == "failed" and "No HTTP stub matches GET https://crm.example.com/users/" in \
        failed["error"]["error_description"]
