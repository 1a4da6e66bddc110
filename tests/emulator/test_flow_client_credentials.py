"""credentials-exchange at the client_credentials grant: the journey (`flow client-credentials`), its
api (deny with an OAuth code, custom claims, target scopes) and the token it ends with."""
from __future__ import annotations

import json
import subprocess
import sys

import jwt
import pytest

from emulator import flows, store, triggers
from emulator.errors import UsageError

CE = triggers.CREDENTIALS_EXCHANGE
ORDERS = "https://api.example.com/orders"


def _bind(core, *bodies: str, prefix: str = "m2m") -> None:
    emu = core.emu
    names = [f"{prefix}-{i + 1}" for i in range(len(bodies))]
    for name, body in zip(names, bodies):
        emu.create_action("sample", name, CE,
                          f"exports.onExecuteCredentialsExchange = async (event, api) => {{\n{body}\n}};")
        emu.deploy("sample", name)
    emu.set_bindings("sample", CE, names)


def _run(core, **inputs):
    run = flows.start(core.emu, "sample", "client_credentials", {"audience": ORDERS, **inputs}, client="My Web App")
    return core.run(flows.run_to_end(core.emu, run))


def test_claims_and_target_scopes_shape_the_access_token(sample):
    _bind(sample,
          "api.accessToken.setCustomClaim('https://example.com/tier', event.client.name);"
          "api.transaction.addTargetScope('audit:orders');",
          "console.log(JSON.stringify(event.transaction.target_scopes), event.accessToken.scope.join(' '));"
          "api.transaction.removeTargetScope('write:orders');")
    run = _run(sample)
    assert run.status == "success", run.error
    claims = jwt.decode(run.result["tokens"]["access_token"], options={"verify_signature": False})
    assert claims["https://example.com/tier"] == "My Web App" and claims["gty"] == "client-credentials"
    assert claims["scope"] == "read:orders audit:orders" and claims["aud"] == ORDERS
    execution = sample.emu.execution(run.executions[0]["id"])
    second = execution["results"][1]["emulator"]["logs"][0]["message"]
    assert second == '["read:orders","write:orders","audit:orders"] read:orders write:orders'
    event = execution["event"]
    assert event["resource_server"] == {"identifier": ORDERS} and event["request"]["body"]["grant_type"] == \
        "client_credentials"
    assert "user" not in event and "agent" not in event and "organization" not in event
    assert [l["type"] for l in sample.emu.logs("sample")][:1] == ["seccft"]


def test_a_deny_answers_with_its_oauth_code_and_reason(sample):
    _bind(sample, "if (!event.transaction.requested_scopes.includes('read:orders'))"
                  " api.access.deny('invalid_scope', 'Ask for read:orders');")
    denied = _run(sample, scope="write:orders")
    assert denied.status == "denied" and denied.error == {"error": "invalid_scope",
                                                         "error_description": "Ask for read:orders"}
    assert sample.emu.logs("sample")[0]["type"] == "feccft"
    assert _run(sample, scope="read:orders").status == "success"


@pytest.mark.parametrize("call, message", [
    ("api.access.deny('nope', 'x')", "code must be equal to one of the allowed values: invalid_scope, "
                                     "invalid_request, server_error"),
    ("api.transaction.addTargetScope(5)", "The value for the scope must be a string."),
    ("api.transaction.addTargetScope('a b')", "The value for the scope must not have whitespace."),
    ("api.transaction.setTargetScopes('read:orders')", "The value for scopes must be an array."),
    ("api.transaction.setTargetScopes(['ok', ''])", "The value for the scope is required."),
])
def test_bad_calls_fail_the_exchange_with_auths_messages(sample, call, message):
    _bind(sample, call + ";")
    run = _run(sample)
    assert run.status == "failed" and run.error["error_description"] == message


def test_set_and_clear_target_scopes(sample):
    _bind(sample, "api.transaction.setTargetScopes([' read:orders ', 'read:orders', 'x:y']);",
          "console.log(event.transaction.target_scopes.join(','));")
    run = _run(sample)
    claims = jwt.decode(run.result["tokens"]["access_token"], options={"verify_signature": False})
    assert claims["scope"] == "read:orders x:y"
    _bind(sample, "api.transaction.clearTargetScopes();", prefix="clear")
    run = _run(sample)
    assert jwt.decode(run.result["tokens"]["access_token"], options={"verify_signature": False})["scope"] == ""


def test_the_audience_must_be_one_of_the_tenants_apis(sample):
    with pytest.raises(UsageError, match="Service not found: https://nope.example"):
        flows.start(sample.emu, "sample", "client_credentials", {"audience": "https://nope.example"})


def test_from_the_command_line(tmp_path):
    ws = str(tmp_path / "w.sqlite")
    cli = lambda *a: subprocess.run([sys.executable, "-m", "emulator.cli", "--workspace", ws, *a],  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    assert cli("import", "fixtures/sample-tenant", "--tenant", "sample").returncode == 0
    action = tmp_path / "m2m.js"
    action.write_text("exports.onExecuteCredentialsExchange = async (event, api) => {"
                      " api.accessToken.setCustomClaim('https://example.com/via', 'cli'); };")
    assert cli("actions", "create", str(action), "--tenant", "sample", "--trigger", CE).returncode == 0
    assert cli("actions", "deploy", "m2m", "--tenant", "sample").returncode == 0
    assert cli("bindings", "set", CE, "m2m", "--tenant", "sample").returncode == 0
    r = cli("flow", "client-credentials", "--tenant", "sample", "--audience", ORDERS)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["status"] == "success" and out["tokens"]["claims"]["access_token"]["https://example.com/via"] == "cli"
    assert "id_token" not in out["tokens"] and out["executions"][CE][0]["actions"][0]["name"] == "m2m"
    bad = cli("flow", "client-credentials", "--tenant", "sample")
    assert bad.returncode == 2 and "--audience" in bad.stderr and "Traceback" not in bad.stderr
