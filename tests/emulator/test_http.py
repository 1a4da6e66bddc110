"""Outbound HTTP from actions: global fetch and a real axios (npm), each in every mode, against a local
HTTP server started here on 127.0.0.1; secrets masked; unmatched calls; deadlines; stub files; the
tenant's mode and stubs in the workspace."""
from __future__ import annotations

import asyncio
import http.server
import json
import threading

import pytest

from emulator.errors import UsageError
from emulator.runtime import ActionSource, DependencyCache, build_event, http_stubs, run_chain

PL = "post-login"
SECRET = "s3cret-api-key-42"
AXIOS = [("axios", "1.7.7")]


class Service(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[dict] = []

    def _answer(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode() if length else None
        Service.seen.append({"method": self.command, "path": self.path, "body": body})
        payload = json.dumps({"live": True, "path": self.path, "got": body}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def service():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Service)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def deps(tmp_path_factory):
    cache = DependencyCache(tmp_path_factory.mktemp("npm"))
    asyncio.run(cache.ensure(AXIOS))  # a real package from the npm registry, once
    return cache


def _code(client: str, base: str) -> str:
    if client == "fetch":
        call = (f"const res = await fetch('{base}/users?key=' + event.secrets.API_KEY, {{ method: 'POST', "
                f"headers: {{ authorization: 'Bearer ' + event.secrets.API_KEY, 'content-type': 'application/json' }}, "
                f"body: JSON.stringify({{ email: event.user.email }}) }});\n  const data = await res.json();\n"
                f"  const status = res.status;")
    else:
        call = (f"const axios = require('axios');\n  const res = await axios.post('{base}/users?key=' + event.secrets.API_KEY,"
                f" {{ email: event.user.email }}, {{ headers: {{ authorization: 'Bearer ' + event.secrets.API_KEY }} }});\n"
                f"  const data = res.data;\n  const status = res.status;")
    return (f"exports.onExecutePostLogin = async (event, api) => {{\n  {call}\n"
            f"  console.log(status, JSON.stringify(data));\n}};\n")


def _run(emu, deps, client, base, http, deadline_ms=10_000):
    src = ActionSource("caller", _code(client, base), "/actions/caller.js", secrets={"API_KEY": SECRET},
                       dependencies=AXIOS if client == "axios" else [])
    return emu.run(run_chain(emu.host(), PL, [src], build_event(PL, None), http=http, deadline_ms=deadline_ms,
                             dependency_cache=deps))


CLIENTS = ["fetch", "axios"]


@pytest.mark.parametrize("client", CLIENTS)
def test_live_calls_go_out_and_are_captured_with_secrets_masked(emu, deps, service, client):
    Service.seen.clear()
    r = _run(emu, deps, client, service, {"mode": "live"})
    action = r.actions[0]
    assert action.error is None, action.error
    assert Service.seen and Service.seen[-1]["path"] == f"/users?key={SECRET}"
    assert action.logs[0]["message"].startswith("200 ")
    [call] = action.http
    assert call["method"] == "POST" and call["status"] == 200 and not call["stubbed"]
    assert call["url"] == f"{service}/users?key=[secret:API_KEY]"
    assert call["request_headers"]["authorization"] == "Bearer [secret:API_KEY]"
    assert json.loads(call["request_body"]) == {"email": "jane.doe@example.com"}
    assert json.loads(call["response_body"])["path"] == "/users?key=[secret:API_KEY]"
    assert call["duration_ms"] > 0
    assert SECRET not in json.dumps(action.http)


@pytest.mark.parametrize("client", CLIENTS)
def test_stub_mode_answers_without_going_out(emu, deps, service, client):
    Service.seen.clear()
    stubs = [{"method": "POST", "url": f"{service}/users*", "status": 201, "json": {"id": "u_1", "stubbed": True}}]
    r = _run(emu, deps, client, service, {"mode": "stub", "stubs": stubs})
    action = r.actions[0]
    assert action.error is None, action.error
    assert Service.seen == []
    assert action.logs[0]["message"] == '201 {"id":"u_1","stubbed":true}'
    assert action.http[0]["stubbed"] and action.http[0]["status"] == 201


@pytest.mark.parametrize("client", CLIENTS)
def test_record_then_replay(emu, deps, service, client):
    Service.seen.clear()
    recorded = _run(emu, deps, client, service, {"mode": "record"})
    stubs = http_stubs.from_calls(recorded.actions[0].http)
    assert stubs == [{"method": "POST", "url": f"{service}/users?key=*", "status": 200,
                      "json": {"live": True, "path": "/users?key=[secret:API_KEY]", "got": '{"email":"jane.doe@example.com"}'}}]
    assert len(Service.seen) == 1
    replayed = _run(emu, deps, client, service, {"mode": "replay", "stubs": stubs})
    assert replayed.actions[0].error is None and len(Service.seen) == 1  # nothing went out
    assert replayed.actions[0].logs[0]["message"].startswith('200 {"live":true')


@pytest.mark.parametrize("client", CLIENTS)
def test_an_unmatched_call_fails_naming_the_request(emu, deps, service, client):
    r = _run(emu, deps, client, "http://api.example.invalid", {"mode": "stub", "stubs": [{"url": f"{service}/*"}]})
    error = r.actions[0].error
    assert "No HTTP stub matches POST http://api.example.invalid/users?key=[secret:API_KEY] (HTTP mode stub)" \
        in error.message
    assert SECRET not in error.message


def test_a_stub_slower_than_the_deadline_times_out(emu, deps, service):
    stubs = [{"url": "*", "json": {}, "delay_ms": 5000}]
    r = _run(emu, deps, "fetch", service, {"mode": "stub", "stubs": stubs}, deadline_ms=500)
    assert r.actions[0].error.error_class == "action_timeout"


def test_stub_files(tmp_path):
    good = tmp_path / "stubs.yaml"
    http_stubs.save(good, [{"method": "GET", "url": "https://x/*", "status": 404, "body": "nope"}])
    assert http_stubs.load(good) == [{"method": "GET", "url": "https://x/*", "status": 404, "body": "nope"}]
    bad = tmp_path / "bad.json"
    bad.write_text('{"stubs": [{"url": "https://x", "status": 42}]}')
    with pytest.raises(UsageError, match=r"bad.json: stubs\[0\].status: must be a number from 100 to 599"):
        http_stubs.load(bad)
    bad.write_text('[{"status": 200}]')
    with pytest.raises(UsageError, match=r"stubs\[0\].url: required"):
        http_stubs.load(bad)


def test_tenant_mode_and_recording_into_the_workspace(core, service):
    from .conftest import act

    emu = core.emu
    emu.create_tenant("acme")
    emu.create_action("acme", "caller", PL, act(PL, f"const r = await fetch('{service}/ping'); console.log(r.status);"))
    emu.set_http_mode("acme", "record")
    core.run(emu.run_action("acme", "caller"))
    assert emu.http_config("acme") == {"mode": "record", "stubs": [
        {"method": "GET", "url": f"{service}/ping", "status": 200,
         "json": {"live": True, "path": "/ping", "got": None}}]}
    emu.set_http_mode("acme", "replay")
    Service.seen.clear()
    result, record, _ = core.run(emu.run_action("acme", "caller"))
    assert Service.seen == [] and result.actions[0].logs[0]["message"] == "200"
    assert core.emu.execution(record["id"])["results"][0]["emulator"]["http"][0]["stubbed"] is True
    with pytest.raises(UsageError, match="not a mode"):
        emu.set_http_mode("acme", "offline")


def test_secrets_are_masked_in_every_form_they_travel_in(emu, service):
    """URL-encoded in a query, base64 in a Basic header, escaped inside a JSON body: none reaches the capture."""
    secret = 'p@ss/w0rd+"key"=&42'
    code = """exports.onExecutePostLogin = async (event, api) => {
      const s = event.secrets.KEY;
      const basic = Buffer.from('svc:' + s).toString('base64');
      await fetch(`%s/q?key=${encodeURIComponent(s)}&b=${Buffer.from(s).toString('base64')}`, {
        method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
        body: JSON.stringify({ password: s, note: 'hi' }) });
    };""" % service
    result = emu.run(run_chain(emu.host(), PL, [ActionSource("a", code, "/a.js", secrets={"KEY": secret})],
                               build_event(PL, None)))
    call = result.actions[0].http[0]
    captured = json.dumps(call)
    import base64
    import urllib.parse

    for form in (secret, urllib.parse.quote(secret, safe=""), json.dumps(secret)[1:-1],
                 base64.b64encode(secret.encode()).decode().rstrip("=")):
        assert form not in captured, form
    assert "[secret:KEY]" in call["url"] and "[secret:KEY]" in call["request_body"]
    assert call["request_headers"]["authorization"] == "Basic [base64 of svc:[secret:KEY]]"
