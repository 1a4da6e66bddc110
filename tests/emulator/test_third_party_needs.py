"""What real third-party actions need from the emulator: stubbed replies with no body and with a status
text, request bodies captured as what they hold, stubs that match more than method and url (query,
headers, JSON body fields, call order; through fetch and through a real axios), secrets given in an
--event, api calls made after the handler returned, and a clear answer for non-HTTP clients."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

from emulator.runtime import ActionSource, DependencyCache, build_event, run_chain

PL = "post-login"
AXIOS = [("axios", "1.7.7")]


@pytest.fixture(scope="module")
def deps(tmp_path_factory):
    cache = DependencyCache(tmp_path_factory.mktemp("npm"))
    asyncio.run(cache.ensure(AXIOS))
    return cache


def _run(emu, body: str, stubs: list[dict], *, deps=None, mode: str = "stub", secrets=None):
    code = f"exports.onExecutePostLogin = async (event, api) => {{\n{body}\n}};\n"
    src = ActionSource("caller", code, "/actions/caller.js", secrets=secrets or {},
                       dependencies=AXIOS if deps else [])
    result = emu.run(run_chain(emu.host(), PL, [src], build_event(PL, None), http={"mode": mode, "stubs": stubs},
                               dependency_cache=deps))
    return result.actions[0]


@pytest.mark.parametrize("status", [204, 205, 304])
def test_a_stubbed_reply_without_a_body_works(emu, status):
    """auth0@4's ManagementClient deletes answer 204: a Response with no body, not a TypeError."""
    a = _run(emu, """
      const res = await fetch('https://tenant.example/api/v2/users/u1', {method: 'DELETE'});
      console.log(res.status, JSON.stringify(await res.text()), res.ok);
    """, [{"method": "DELETE", "url": "https://tenant.example/api/v2/users/*", "status": status}])
    assert a.error is None, a.error
    assert a.logs[0]["message"] == f'{status} "" {str(status < 300).lower()}'
    assert a.http[0]["status"] == status and a.http[0]["stubbed"]


def test_a_stubbed_reply_carries_its_status_text(emu):
    a = _run(emu, """
      const down = await fetch('https://api.example/a');
      const custom = await fetch('https://api.example/b');
      console.log(down.status, down.statusText, '|', custom.statusText);
    """, [{"url": "https://api.example/a", "status": 503},
          {"url": "https://api.example/b", "status": 429, "status_text": "Slow Down"}])
    assert a.error is None, a.error
    assert a.logs[0]["message"] == "503 Service Unavailable | Slow Down"


def test_request_bodies_are_captured_as_what_they_hold(emu):
    a = _run(emu, """
      const form = new FormData();
      form.append('grant_type', 'client_credentials');
      await fetch('https://api.example/form', {method: 'POST', body: form});
      await fetch('https://api.example/params', {method: 'POST', body: new URLSearchParams({a: '1', b: 'two'})});
      await fetch('https://api.example/blob', {method: 'POST', body: new Blob(['blob text'])});
    """, [{"url": "https://api.example/*", "json": {}}])
    assert a.error is None, a.error
    form, params, blob = (c["request_body"] for c in a.http)
    assert 'name="grant_type"' in form and "client_credentials" in form and "[object" not in form
    assert params == "a=1&b=two"
    assert blob == "blob text"


STUBS = [
    {"method": "POST", "url": "https://idp.example/oauth/token", "match": {"json": {"grant_type": "client_credentials"}},
     "json": {"access_token": "machine"}},
    {"method": "POST", "url": "https://idp.example/oauth/token", "match": {"json": {"grant_type": "refresh_token"}},
     "json": {"access_token": "refreshed"}},
    {"url": "https://api.example/users*", "match": {"query": {"page": "2"}}, "json": {"users": ["c"], "next": None}},
    {"url": "https://api.example/users*", "match": {"headers": {"authorization": "Bearer *"}, "call": 1},
     "json": {"users": ["a", "b"], "next": 2}},
    {"url": "https://api.example/users*", "status": 401, "json": {"error": "no token"}},
]


def test_stubs_match_json_body_fields_query_headers_and_call_order_with_fetch(emu):
    a = _run(emu, """
      const post = (grant) => fetch('https://idp.example/oauth/token', {method: 'POST',
        headers: {'content-type': 'application/json'}, body: JSON.stringify({grant_type: grant, client_id: 'x'})});
      const m = await (await post('client_credentials')).json();
      const r = await (await post('refresh_token')).json();
      const auth = {headers: {authorization: 'Bearer ' + m.access_token}};
      const p1 = await (await fetch('https://api.example/users', auth)).json();
      const p2 = await (await fetch('https://api.example/users?page=2', auth)).json();
      const again = await fetch('https://api.example/users', auth);
      console.log(m.access_token, r.access_token, p1.users.join(), p2.users.join(), again.status);
    """, STUBS)
    assert a.error is None, a.error
    assert a.logs[0]["message"] == "machine refreshed a,b c 401"


def test_stubs_match_json_body_fields_with_a_real_axios(emu, deps):
    a = _run(emu, """
      const axios = require('axios');
      const r = await axios.post('https://idp.example/oauth/token', {grant_type: 'refresh_token'});
      const m = await axios.post('https://idp.example/oauth/token', {grant_type: 'client_credentials'});
      console.log(r.data.access_token, m.data.access_token);
    """, STUBS, deps=deps)
    assert a.error is None, a.error
    assert a.logs[0]["message"] == "refreshed machine"


def test_a_json_body_no_stub_matches_is_named(emu, deps):
    a = _run(emu, """
      const axios = require('axios');
      try { await axios.post('https://idp.example/oauth/token', {grant_type: 'password'}); }
      catch (e) { console.log(e.response.status, e.response.data); }
    """, STUBS[:2], deps=deps)
    assert a.error is None, a.error
    assert a.logs[0]["message"].startswith("500 No HTTP stub matches POST https://idp.example/oauth/token")
    assert "No HTTP stub matches" in a.http[0]["error"]


def test_an_api_call_after_the_handler_returned_is_reported_in_that_actions_log(emu):
    late = ActionSource("forgetful", """exports.onExecutePostLogin = async (event, api) => {
      setTimeout(() => api.access.deny('too late'), 20);  // not awaited: Auth0 ignores the deny
    };""", "/actions/forgetful.js")
    slow = ActionSource("slow", """exports.onExecutePostLogin = async (event, api) => {
      await new Promise((r) => setTimeout(r, 300));
    };""", "/actions/slow.js")
    r = emu.run(run_chain(emu.host(), PL, [late, slow], build_event(PL, None)))
    assert r.outcome.status != "denied"
    [entry] = [line for line in r.actions[0].logs if "ignores" in line["message"]]
    assert entry["level"] == "warn"
    assert entry["message"] == "api.access.deny() was called after the action ended; Auth0 ignores it."
    assert not any("ignores" in line["message"] for line in r.actions[1].logs)


@pytest.mark.parametrize("mode", ["stub", "replay"])
def test_a_non_http_client_fails_saying_what_can_be_stubbed(emu, mode):
    """A Redis (or SQL, SMTP) client talks TCP: nothing goes out, and the error says why."""
    a = _run(emu, """
      const net = require('net');
      const err = await new Promise((resolve) => {
        const socket = net.connect(6379, 'redis.internal.example');
        socket.on('error', resolve);
        socket.on('connect', () => resolve(new Error('connected')));
      });
      console.log(err.code, '|', err.message);
    """, [], mode=mode)
    assert a.error is None, a.error
    code, message = a.logs[0]["message"].split(" | ")
    assert code == "EMULATOR_NOT_HTTP"
    assert message.startswith("The emulator can stub HTTP calls only: this action opened a TCP connection to "
                              f"redis.internal.example:6379 (HTTP mode {mode})")
    assert a.http[-1]["via"] == "tcp"


def _cli(*args, input_text=None):
    return subprocess.run([sys.executable, "-m", "emulator.cli", *args], capture_output=True, text=True,
                          input=input_text, timeout=60)


def test_secrets_in_an_event_file_fill_event_secrets(tmp_path):
    action = tmp_path / "a.js"
    action.write_text("exports.onExecutePostLogin = async (event) => { console.log(JSON.stringify(event.secrets)); };")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"secrets": {"API_KEY": "from-event", "OTHER": "x"}}))
    r = _cli("run-action", str(action), "--trigger", PL, "--event", str(event), "--secret", "OTHER=flag")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["actions"][0]["logs"][0]["message"] == '{"API_KEY":"from-event","OTHER":"flag"}'
    event.write_text(json.dumps({"secrets": ["not", "an", "object"]}))
    bad = _cli("run-action", str(action), "--trigger", PL, "--event", str(event))
    assert bad.returncode == 2 and bad.stderr.strip().endswith(
        "secrets: must be an object of text values (KEY: value)") and "Traceback" not in bad.stderr


def test_secrets_in_an_event_for_stored_actions_are_refused_not_dropped(tmp_path):
    ws = tmp_path / "w.sqlite"
    assert _cli("--workspace", str(ws), "tenants", "create", "acme").returncode == 0
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"secrets": {"API_KEY": "x"}}))
    r = _cli("--workspace", str(ws), "run-trigger", PL, "--tenant", "acme", "--event", str(event))
    assert r.returncode == 2 and "an event cannot set secrets here" in r.stderr and "Traceback" not in r.stderr
