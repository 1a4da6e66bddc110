"""`--inspect`, `--inspect-brk` and `--snapshot` on the command line, with a plain WebSocket script as the
outside DevTools client (any CDP client can do what it does)."""
from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import websockets

from .test_cli_flow import sample_ws  # noqa: F401  (fixture)
from .test_cli_workspace import cli, ok

ACTION = Path(__file__).parent.parent / "actions" / "debug_me.js"


def test_snapshots_are_recorded_per_action_and_the_run_goes_on(tmp_path):
    p = subprocess.run([sys.executable, "-m", "emulator.cli", "run-action", str(ACTION), "--trigger", "post-login",
                        "--snapshot", f"{ACTION}:13", "--snapshot", f"{ACTION}:11:{{ i, total }}"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["outcome"]["status"] == "completed"
    snaps = out["actions"][0]["snapshots"]
    assert [s["value"] for s in snaps if s["line"] == 11] == [{"i": 0, "total": 0}, {"i": 1, "total": 0},
                                                               {"i": 2, "total": 2}]
    at13 = next(s for s in snaps if s["line"] == 13)
    assert at13["file"] == str(ACTION) and at13["locals"]["total"] == 6
    assert out["debug"]["breakpoints"][0]["file"] == str(ACTION)


def test_a_snapshot_on_a_stored_action_in_a_journey(sample_ws):  # noqa: F811
    out = json.loads(ok(cli(sample_ws, "flow", "login", "--tenant", "sample", "--email", "jane.doe@example.com",
                            "--password", "Correct-Horse-9", "--auto", "--snapshot", "add-role-claims:8:roles")))
    assert out["status"] == "success"
    action = next(a for e in out["executions"]["post-login"] for a in e["actions"] if a["name"] == "add-role-claims")
    assert [s["value"] for s in action["snapshots"]] == [["admin"]]
    assert action["snapshots"][0]["file"].startswith("actions/sample/add-role-claims/v")


async def _devtools_client(proc: asyncio.subprocess.Process) -> dict:
    """What DevTools does on attach: enable, run-if-waiting; then a breakpoint, a local read and resume."""
    url = None
    while url is None:
        line = (await asyncio.wait_for(proc.stderr.readline(), 30)).decode()
        assert line, "the CLI ended without printing the inspector URL"
        m = re.match(r"Debugger listening on (ws://127\.0\.0\.1:\d+/\S+)", line)
        url = m.group(1) if m else None
    seen: dict = {}
    async with websockets.connect(url, max_size=None) as ws:
        ids = iter(range(1, 1000))
        scripts: dict[str, str] = {}

        async def call(method, params=None):
            cid = next(ids)
            await ws.send(json.dumps({"id": cid, "method": method, "params": params or {}}))
            while True:
                msg = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if msg.get("method") == "Debugger.scriptParsed":
                    scripts[msg["params"]["scriptId"]] = msg["params"]["url"]
                if msg.get("id") == cid:
                    return msg["result"]
                if msg.get("method") == "Debugger.paused":
                    seen.setdefault("pauses", []).append(msg["params"])

        async def next_pause():
            while not seen.get("pauses"):
                msg = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if msg.get("method") == "Debugger.scriptParsed":
                    scripts[msg["params"]["scriptId"]] = msg["params"]["url"]
                if msg.get("method") == "Debugger.paused":
                    seen.setdefault("pauses", []).append(msg["params"])
            return seen["pauses"].pop(0)

        await call("Debugger.enable")
        await call("Runtime.runIfWaitingForDebugger")
        first = await next_pause()
        top = first["callFrames"][0]
        seen["first"] = (scripts.get(top["location"]["scriptId"]), top["location"]["lineNumber"])
        await call("Debugger.setBreakpointByUrl", {"lineNumber": 12, "url": ACTION.as_uri()})
        await call("Debugger.resume")
        second = await next_pause()
        local = second["callFrames"][0]["scopeChain"][0]["object"]["objectId"]
        props = await call("Runtime.getProperties", {"objectId": local, "ownProperties": True})
        seen["total"] = next(p["value"]["value"] for p in props["result"] if p["name"] == "total")
        seen["second_line"] = second["callFrames"][0]["location"]["lineNumber"]
        await call("Debugger.resume")
    return seen


@pytest.mark.parametrize("runtime", ["node18", "node22"])
def test_inspect_brk_stops_once_at_the_handlers_first_statement(runtime):
    """Not in the helper defined above the handler, not twice: the first statement of the handler, once
    (the client's next stop is its own breakpoint)."""
    async def main():
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "emulator.cli", "run-action", str(ACTION), "--trigger", "post-login",
            "--runtime", runtime, "--inspect-brk", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            seen = await _devtools_client(proc)
            out = await asyncio.wait_for(proc.stdout.read(), 30)
            code = await proc.wait()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        return seen, json.loads(out), code

    seen, out, code = asyncio.run(main())
    assert code == 0
    url, line = seen["first"]
    assert url == ACTION.as_uri() and line == 7  # `const email = event.user.email;`, 0-based
    assert seen["second_line"] == 12 and seen["total"] == 6
    assert out["outcome"]["status"] == "completed"


def test_a_port_that_cannot_be_opened_is_one_line():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        p = subprocess.run([sys.executable, "-m", "emulator.cli", "run-action", str(ACTION), "--trigger",
                            "post-login", f"--inspect={port}"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("actions-emulator: error: --inspect:") and str(port) in lines[0]


def test_inspect_without_a_port_does_not_swallow_the_file():
    p = subprocess.run([sys.executable, "-m", "emulator.cli", "run-action", "--inspect", str(ACTION), "--trigger",
                        "post-login"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert re.search(r"^Debugger listening on ws://127\.0\.0\.1:\d+/", p.stderr, re.M)
    assert "devtools://devtools/bundled/js_app.html" in p.stderr
    assert json.loads(p.stdout)["outcome"]["status"] == "completed"


def _greeting_tenant(tmp_path) -> tuple[Path, dict]:
    """A tenant whose one post-login action sets a greeting claim (line 3 of greet.js), a user, and the
    Default App's credentials."""
    ws = tmp_path / "ws.sqlite"
    ok(cli(ws, "tenants", "create", "acme"))
    action = tmp_path / "greet.js"
    action.write_text("exports.onExecutePostLogin = async (event, api) => {\n"
                      "  const greeting = 'hello ' + event.user.email;\n"
                      "  api.idToken.setCustomClaim('https://acme.example/greeting', greeting);\n};\n")
    ok(cli(ws, "actions", "create", str(action), "--tenant", "acme", "--trigger", "post-login", "--deploy"))
    ok(cli(ws, "bindings", "set", "post-login", "greet", "--tenant", "acme"))
    ok(cli(ws, "users", "create", "--tenant", "acme", "--email", "ann@acme.example", "--password", "Str0ng-Passw0rd!"))
    client = next(c for c in json.loads(ok(cli(ws, "clients", "list", "--tenant", "acme", "--json")))
                  if c["name"] == "Default App")
    return ws, client


def _login(issuer: str, client: dict):
    import requests

    return requests.post(issuer + "oauth/token", timeout=60, data={
        "grant_type": "password", "client_id": client["client_id"], "client_secret": client["client_secret"],
        "username": "ann@acme.example", "password": "Str0ng-Passw0rd!", "scope": "openid"})


async def _serve_inspect(ws: Path, *extra: str):
    """`serve --inspect` on a free port: the process, its inspector URL and its issuer."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "emulator.cli", "--workspace", str(ws), "serve", "--tenant", "acme", "--port", "0",
        "--inspect", *extra, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    inspector = None
    while inspector is None:
        line = (await asyncio.wait_for(proc.stderr.readline(), 60)).decode()
        assert line, "serve ended before its inspector opened"
        m = re.match(r"Debugger listening on (ws://\S+)", line)
        inspector = m.group(1) if m else None
    issuer = re.search(r"issuer (http://\S+/),", (await proc.stdout.readline()).decode()).group(1)
    return proc, inspector, issuer


def _call(cdp):
    async def call(cid, method, params=None):
        await cdp.send(json.dumps({"id": cid, "method": method, "params": params or {}}))
    return call


async def _held_login(cdp, issuer: str, client: dict):
    """A DevTools-like client's breakpoint on greet.js line 3, and a real login held there: the login's
    thread, where its response will be, and the Debugger.paused message."""
    import threading

    call = _call(cdp)
    await call(1, "Debugger.enable")
    await call(2, "Debugger.setBreakpointByUrl", {"lineNumber": 2, "urlRegex": r"^actions/acme/greet/"})
    result: dict = {}
    login = threading.Thread(target=lambda: result.update(r=_login(issuer, client)))
    login.start()
    while True:
        msg = json.loads(await asyncio.wait_for(cdp.recv(), 60))
        if msg.get("method") == "Debugger.paused":
            return login, result, msg


def test_serve_inspect_holds_a_real_login_at_a_devtools_breakpoint(tmp_path):
    """`serve --inspect`: a DevTools client sets a breakpoint in a stored action; a real /oauth/token login
    stops there and finishes when the client resumes."""
    ws, client = _greeting_tenant(tmp_path)

    async def main():
        proc, inspector, issuer = await _serve_inspect(ws)
        try:
            async with websockets.connect(inspector, max_size=None) as cdp:
                call = _call(cdp)
                login, result, msg = await _held_login(cdp, issuer, client)
                frame = msg["params"]["callFrames"][0]
                await call(3, "Debugger.evaluateOnCallFrame", {"callFrameId": frame["callFrameId"],
                                                               "expression": "greeting", "returnByValue": True})
                while True:
                    msg = json.loads(await asyncio.wait_for(cdp.recv(), 30))
                    if msg.get("id") == 3:
                        greeting = msg["result"]["result"]["value"]
                        break
                assert login.is_alive()  # the HTTP request waits while paused
                await call(4, "Debugger.resume")
                await asyncio.get_running_loop().run_in_executor(None, login.join, 60)
            return frame["location"]["lineNumber"], greeting, result["r"]
        finally:
            proc.terminate()
            await proc.wait()

    line, greeting, response = asyncio.run(main())
    assert line == 2 and greeting == "hello ann@acme.example"
    assert response.status_code == 200 and response.json()["id_token"]


def test_a_client_that_leaves_mid_pause_lets_the_held_login_finish(tmp_path):
    """chrome-remote-interface (npm) finds `serve --inspect`'s target on /json, stops a real login at its
    breakpoint and disconnects without resuming: the run goes on, as Node resumes when its last debugger
    leaves, and the login answers. The next login does not stop (the client's breakpoint left with it)."""
    import threading

    from .mgmt_support import CLIENTS, node22, npm_package

    modules = npm_package("chrome-remote-interface", "0.33.3")
    ws, client = _greeting_tenant(tmp_path)

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]

    async def main():
        proc, inspector, issuer = await _serve_inspect(ws, str(port))  # a named port: found on /json
        try:
            cri = await asyncio.create_subprocess_exec(
                node22(), str(CLIENTS / "cri_pause_and_leave.js"), stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, env={**os.environ, "NODE_PATH": str(modules), "PORT": str(port),
                                                     "URL_REGEX": r"^actions/acme/greet/", "LINE": "2"})
            ready = json.loads(await asyncio.wait_for(cri.stdout.readline(), 60) or b"{}")
            assert ready == {"ready": True}, ready
            result = {}
            login = threading.Thread(target=lambda: result.update(r=_login(issuer, client)))
            login.start()
            paused = json.loads(await asyncio.wait_for(cri.stdout.readline(), 60) or b"{}")
            assert paused == {"paused": 2}, (paused, (await cri.stderr.read()).decode())
            assert await asyncio.wait_for(cri.wait(), 30) == 0
            left = time.monotonic()
            await asyncio.get_running_loop().run_in_executor(None, login.join, 30)
            assert not login.is_alive(), "the login stayed paused after its debugger left"
            waited = time.monotonic() - left
            second = await asyncio.get_running_loop().run_in_executor(None, _login, issuer, client)
            return result["r"], second, waited
        finally:
            proc.terminate()
            await proc.wait()

    first, second, waited = asyncio.run(main())
    assert first.status_code == 200 and first.json()["id_token"]
    assert second.status_code == 200
    assert waited < 5
    print(f"held login answered {waited * 1000:.0f} ms after its debugger left")


def test_sigterm_ends_a_paused_serve_at_once_and_answers_the_held_login(tmp_path):
    ws, client = _greeting_tenant(tmp_path)

    async def main():
        proc, inspector, issuer = await _serve_inspect(ws)
        try:
            async with websockets.connect(inspector, max_size=None) as cdp:
                login, result, _ = await _held_login(cdp, issuer, client)
                # On a free port the target is not published: the printed URL is the only way in.
                import requests

                listing = requests.get(inspector.replace("ws://", "http://").rsplit("/", 1)[0] + "/json/list", timeout=10)
                assert listing.status_code == 404
                sent = time.monotonic()
                proc.terminate()
                code = await asyncio.wait_for(proc.wait(), 10)
                exited = time.monotonic() - sent
                await asyncio.get_running_loop().run_in_executor(None, login.join, 10)
                stderr = (await proc.stderr.read()).decode()
            return code, exited, result.get("r"), stderr
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()

    code, exited, response, stderr = asyncio.run(main())
    assert code == 0 and exited < 1.5, (code, exited, stderr)
    assert response is not None and response.status_code == 403
    assert response.json()["error"] == "access_denied", response.text
    assert "stopping the debugged run" in stderr
    print(f"paused serve exited {exited * 1000:.0f} ms after SIGTERM")


def test_two_snapshots_on_one_line_both_record():
    """The locals and an expression on the same line (V8 keeps one breakpoint per location)."""
    p = subprocess.run([sys.executable, "-m", "emulator.cli", "run-action", str(ACTION), "--trigger", "post-login",
                        "--snapshot", f"{ACTION}:13", "--snapshot", f"{ACTION}:13:total * 2",
                        "--snapshot", f"{ACTION}:11:i"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    snaps = json.loads(p.stdout)["actions"][0]["snapshots"]
    at13 = [s for s in snaps if s["line"] == 13]
    assert len(at13) == 2
    assert next(s for s in at13 if "locals" in s)["locals"]["total"] == 6
    assert next(s for s in at13 if "expression" in s)["value"] == 12
    assert [s["value"] for s in snaps if s["line"] == 11] == [0, 1, 2]


def test_the_help_examples_for_inspect_and_event_work():
    """`--inspect 9229` (a port as its own word, as the help shows) and an inline `--event '{...}'`."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = subprocess.run([sys.executable, "-m", "emulator.cli", "run-action", "--inspect", str(port), str(ACTION),
                        "--trigger", "post-login", "--event", '{"user": {"app_metadata": {"explode": true}}}'],
                       capture_output=True, text=True, timeout=60)
    assert f"Debugger listening on ws://127.0.0.1:{port}/" in p.stderr
    out = json.loads(p.stdout)
    assert p.returncode == 1 and out["actions"][0]["error"]["message"].startswith("exploded for ")  # the event's flag
