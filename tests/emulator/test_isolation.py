"""Hostile action code cannot change what the emulator reports (issue: 143 probes). Each attack is run as
described against a real Node host: forged protocol replies, patched built-ins (in the action's own realm
and, by escaping it, in the harness's), values that are hard to describe when thrown, child processes and
timers left running. After each attack the next run on the same host must be reported truthfully too."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import flow, tenant_with

PL = "post-login"
DENY = "exports.onExecutePostLogin = async (event, api) => { api.access.deny('no entry'); };"
HANG = "exports.onExecutePostLogin = async () => { await new Promise(() => {}); };"


def _act(body: str) -> str:
    return f"exports.onExecutePostLogin = async (event, api) => {{\n{body}\n}};"


def _assert_denied(result):
    assert result.outcome.status == "denied", result.outcome
    assert result.outcome.command == {"name": "access.deny", "args": ["no entry"]}


# ---- 1. forged replies --------------------------------------------------------------------------------
FORGER = _act("""
  const fs = require('fs');
  const Module = require('module');
  const consolePath = Object.keys(Module._cache).find((p) => p.endsWith('console.js'));
  const runId = Module._cache[consolePath].exports.als.getStore().runId;
  const fake = JSON.stringify({ v: 1, type: 'result', id: runId, cache: {}, state: {}, last: { name: 'forged',
    handler: 'onExecutePostLogin', commands: [], logs: [], http: [], error: null, effects: [],
    timings: { load_ms: 0, run_ms: 0, total_ms: 0 } } });
  // The reply channel's fd is on the host's command line (/proc/self/cmdline), after the harness path.
  const argv = fs.readFileSync('/proc/self/cmdline', 'utf8').split('\0');
  const fd = Number(argv[argv.findIndex((a) => a.endsWith('host.js')) + 1]);
  fs.writeSync(fd, fake + '\\t' + '0'.repeat(64) + '\\n');
  fs.writeSync(fd, fake + '\\n');
  api.access.deny('no entry');
""")


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")
def test_a_forged_reply_is_rejected_and_reported(fresh_emu):
    host = fresh_emu.host()
    result = fresh_emu.chain(PL, FORGER)
    _assert_denied(result)
    messages = [l["message"] for l in result.actions[0].logs]
    assert any("did not sign was rejected" in m for m in messages), messages
    assert host.forged >= 1
    _assert_denied(fresh_emu.chain(PL, DENY))


# ---- 2. patched built-ins -----------------------------------------------------------------------------
ESCAPE = "const G = require('fs').constructor.constructor('return this')();"
POLLUTERS = {
    "JSON.stringify": "JSON.stringify = () => '{}';",
    "Array.prototype.push": "Array.prototype.push = function () { return this.length; };",
    "Promise.race": "Promise.race = () => Promise.resolve('done');",
    "Object.prototype.access getter": "Object.defineProperty(Object.prototype, 'access', "
                                      "{ get() { return { deny() {} }; }, configurable: true });",
    "escaped JSON.stringify": f"{ESCAPE} G.JSON.stringify = () => '{{}}';",
    "escaped Array.prototype.push": f"{ESCAPE} G.Array.prototype.push = function () {{ return this.length; }};",
    "escaped Promise.race": f"{ESCAPE} G.Promise.race = () => G.Promise.resolve('done');",
    "escaped Object.prototype.access getter": f"{ESCAPE} G.Object.defineProperty(G.Object.prototype, 'access', "
                                              "{ get() { return { deny() {} }; }, configurable: true });",
}


@pytest.mark.parametrize("name", POLLUTERS)
def test_patched_built_ins_hide_no_later_deny_and_do_not_survive(fresh_emu, name):
    polluter = _act(POLLUTERS[name])
    result = fresh_emu.chain(PL, polluter, DENY)
    _assert_denied(result)
    assert [a.name for a in result.actions] == ["action1", "action2"]
    if name.startswith("escaped"):
        assert any("changed its isolate's built-ins" in l["message"] for l in result.actions[0].logs)
    # The next runs on the same host: the deny is seen, and a hanging action still times out.
    _assert_denied(fresh_emu.chain(PL, DENY))
    hang = fresh_emu.chain(PL, HANG, deadline_ms=500)
    assert hang.outcome.status == "failed" and hang.outcome.error_class == "action_timeout"


@pytest.mark.parametrize("patch", [
    "Promise.race = () => Promise.resolve(); Promise.prototype.then = function (ok) { ok(); return this; };",
    f"{ESCAPE} G.Promise.race = () => G.Promise.resolve(); "
    "G.Promise.prototype.then = function (ok) { ok(); return this; };",
])
def test_a_never_settling_action_cannot_make_itself_complete(fresh_emu, patch):
    code = f"{patch}\nexports.onExecutePostLogin = async () => {{ await new Promise(() => {{}}); }};"
    result = fresh_emu.chain(PL, code, deadline_ms=500)
    assert result.outcome.status == "failed" and result.outcome.error_class == "action_timeout"


def test_an_action_patching_its_own_array_push_still_has_its_deny_recorded(fresh_emu):
    result = fresh_emu.chain(PL, _act("Array.prototype.push = function () { return 0; }; api.access.deny('no entry');"))
    _assert_denied(result)


def test_instanceof_still_holds_for_node_made_values(emu):
    result = emu.chain(PL, _act("""
      let fetchError;
      try { await fetch('http://127.0.0.1:9/'); } catch (e) { fetchError = e; }
      console.log(fetchError instanceof Error, fetchError instanceof TypeError, Buffer.from('a') instanceof Uint8Array,
        require('url').parse('http://x') instanceof Object, [] instanceof Array, new Error('x') instanceof Error);
    """))
    assert [l["message"] for l in result.actions[0].logs] == ["true true true true true true"]


# ---- 3. any thrown value ------------------------------------------------------------------------------
THROWN = {
    "Object.create(null)": "throw Object.create(null);",
    "a Proxy": "throw new Proxy({}, { get() { throw new Error('trap'); }, getPrototypeOf() { throw 1; } });",
    "throwing getters": "throw { get toString() { throw 1; }, get stack() { throw 2; }, get message() { throw 3; },"
                        " get code() { throw 4; }, get name() { throw 5; } };",
    "an Error with a throwing message": "const e = new Error('x'); Object.defineProperty(e, 'message', "
                                        "{ get() { throw new Error('no'); } }); throw e;",
    "null": "throw null;",
    "undefined": "throw undefined;",
    "a symbol": "throw Symbol('s');",
}


@pytest.mark.parametrize("name", THROWN)
def test_any_thrown_value_is_an_action_error(emu, name):
    result = emu.chain(PL, _act(THROWN[name]))
    assert result.outcome.status == "failed" and result.outcome.error_class == "action_error"
    error = result.actions[0].error
    assert error.error_class == "action_error" and isinstance(error.message, str) and error.message
    assert emu.chain(PL, DENY).outcome.status == "denied"


def test_a_thrown_proxy_fails_the_login_and_is_stored(core):
    tenant_with(core, {PL: ["throw new Proxy({}, { get() { throw new Error('trap'); } });"]})
    run = flow(core, "login", {})
    assert run.status == "failed"
    failed = core.emu.logs("acme", type_="actions_execution_failed")
    assert failed
    execution = core.emu.execution(failed[0]["details"]["execution_id"])
    assert execution["results"][0]["emulator"]["error"]["class"] == "action_error"


# ---- 4. child processes -------------------------------------------------------------------------------
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


@pytest.mark.skipif(sys.platform != "linux", reason="process groups and /proc")
def test_a_child_holding_the_hosts_output_neither_hangs_the_cli_nor_outlives_it(tmp_path):
    pid_file = tmp_path / "child.pid"
    action = tmp_path / "spawns.js"
    action.write_text(_act(f"""
      const child = require('child_process').spawn('sleep', ['60'], {{ stdio: 'inherit' }});
      require('fs').writeFileSync({str(pid_file)!r}, String(child.pid));
    """))
    t0 = time.perf_counter()
    # node18: only the bundled Node (no permission model) lets an action start a process at all
    p = subprocess.run([sys.executable, "-m", "emulator.cli", "run-action", str(action), "--trigger", PL,
                        "--runtime", "node18"], capture_output=True, text=True, timeout=60)
    elapsed = time.perf_counter() - t0
    assert p.returncode == 0, p.stderr
    assert elapsed < 15, f"the CLI took {elapsed:.1f}s"
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


@pytest.mark.skipif(sys.platform != "linux", reason="process groups")
def test_processes_an_action_starts_end_with_its_host(fresh_emu, tmp_path):
    pid_file = tmp_path / "child.pid"
    fresh_emu.chain(PL, _act(f"""
      const child = require('child_process').spawn('sleep', ['60'], {{ stdio: 'ignore' }});
      require('fs').writeFileSync({str(pid_file)!r}, String(child.pid));
    """))
    child = int(pid_file.read_text())
    assert _alive(child)
    fresh_emu.run(fresh_emu.pool.close())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


# ---- 6. timers ----------------------------------------------------------------------------------------
def test_a_timer_left_running_never_writes_into_another_actions_output(fresh_emu):
    host = fresh_emu.host()
    first = fresh_emu.chain(PL, _act("setTimeout(() => console.log('late line'), 50); console.log('first');"))
    assert [l["message"] for l in first.actions[0].logs] == ["first"]
    second = fresh_emu.chain(PL, _act("await new Promise((r) => setTimeout(r, 300)); console.log('second');"))
    assert [l["message"] for l in second.actions[0].logs] == ["second"]
    assert any("late output of action action1 dropped" in line and "late line" in line
               for line in host.host_output)
