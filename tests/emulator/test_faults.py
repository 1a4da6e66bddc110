"""A misbehaving action is that action's result; the emulator keeps running. Each fault must be reported
within the deadline plus one second, and the very next invocation on that tenant must succeed while
other tenants are untouched."""
from __future__ import annotations

import asyncio
import time

import pytest

PL = "post-login"
DEADLINE_MS = 1000

FAULTS = {
    "sync infinite loop": ("while (true) {}", "action_timeout"),
    "never-settling promise": ("await new Promise(() => {});", "action_timeout"),
    "heap memory bomb": ("const a = []; while (true) a.push(new Array(1e6).fill(1.5));", "platform_error"),
    "buffer memory bomb": ("const a = []; while (true) a.push(Buffer.alloc(1e7, 1));", "platform_error"),
    "process.exit": ("process.exit(3);", "platform_error"),
    "process.abort": ("process.abort();", "platform_error"),
}


@pytest.mark.parametrize("name", FAULTS)
def test_fault_is_reported_in_time_and_the_next_invocation_works(fresh_emu, name):
    body, error_class = FAULTS[name]
    other = fresh_emu.host("other-tenant")
    other_pid = other.pid
    t0 = time.perf_counter()
    r = fresh_emu.chain(PL, f"exports.onExecutePostLogin = async (event, api) => {{\n  console.log('before');\n  {body}\n}};",
                        deadline_ms=DEADLINE_MS)
    elapsed = time.perf_counter() - t0
    assert elapsed < DEADLINE_MS / 1000 + 1.0, f"{name} took {elapsed:.2f}s"
    assert r.outcome.status == "failed" and r.outcome.error_class == error_class
    assert r.actions[0].error.error_class == error_class
    ok = fresh_emu.chain(PL, "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('ok', true); };")
    assert ok.outcome.status == "completed" and ok.actions[0].commands
    assert other.pid == other_pid and fresh_emu.chain(PL, "exports.onExecutePostLogin = async () => {};",
                                                      tenant="other-tenant").ok


def test_fault_messages_say_what_happened(fresh_emu):
    exit_ = fresh_emu.chain(PL, "exports.onExecutePostLogin = async () => { process.exit(7); };")
    assert exit_.actions[0].error.message.startswith("The action ended its isolate: process.exit(7) was called")
    heap = fresh_emu.chain(PL, "exports.onExecutePostLogin = async () => { const a = []; while (true) a.push(new Array(1e6).fill(1.5)); };")
    assert "memory limit" in heap.actions[0].error.message
    hang = fresh_emu.chain(PL, "exports.onExecutePostLogin = async () => { await new Promise(() => {}); };", deadline_ms=300)
    assert hang.actions[0].error.message == "Execution of the action exceeded the 300 ms limit."


def test_a_never_settling_promise_does_not_restart_the_host(fresh_emu):
    host = fresh_emu.host()
    pid = host.pid
    fresh_emu.chain(PL, "exports.onExecutePostLogin = async () => { await new Promise(() => {}); };", deadline_ms=200)
    assert host.pid == pid and host.restarts == 0


def test_deadline_covers_the_whole_chain(fresh_emu):
    slow = "exports.onExecutePostLogin = async () => { await new Promise((r) => setTimeout(r, 300)); };"
    r = fresh_emu.chain(PL, slow, slow, slow, deadline_ms=700)
    assert [a.error is None for a in r.actions] == [True, True, False]
    assert r.actions[2].error.error_class == "action_timeout"


def test_earlier_results_survive_a_host_crash_later_in_the_chain(fresh_emu):
    r = fresh_emu.chain(PL, "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('kept', 1); };",
                        "exports.onExecutePostLogin = async () => { while (true) {} };", deadline_ms=500)
    assert r.actions[0].commands == [{"name": "idToken.setCustomClaim", "args": ["kept", 1]}]
    assert r.actions[1].name == "action2" and r.actions[1].error.error_class == "action_timeout"


def test_a_spinning_action_leaves_other_actions_in_flight_running(fresh_emu):
    """Each action version has an isolate of its own: one that spins is terminated alone, while another
    action of the tenant in flight on the same host finishes as if nothing happened."""
    from emulator.runtime import build_event, run_chain

    host = fresh_emu.host()
    loop_src = fresh_emu.sources(["exports.onExecutePostLogin = async () => { await new Promise((r) => setTimeout(r, 50)); while (true) {} };"])
    wait_src = fresh_emu.sources(["exports.onExecutePostLogin = async (e, api) => { await new Promise((r) => setTimeout(r, 1000)); "
                                  "api.idToken.setCustomClaim('waited', true); };"])
    event = build_event(PL, None)

    async def both():
        return await asyncio.gather(run_chain(host, PL, loop_src, event, deadline_ms=300),
                                    run_chain(host, PL, wait_src, event, deadline_ms=5000))

    pid = host.pid
    culprit, bystander = fresh_emu.run(both())
    assert culprit.actions[0].error.error_class == "action_timeout"
    assert "synchronous loop" in culprit.actions[0].error.message
    assert bystander.ok and bystander.actions[0].commands == [{"name": "idToken.setCustomClaim", "args": ["waited", True]}]
    assert host.pid == pid and host.restarts == 0


def test_a_spinning_host_does_not_outlive_a_crashed_emulator(tmp_path):
    """The emulator is killed (SIGKILL) while an action spins: its Node host must go too."""
    import os
    import signal
    import subprocess
    import sys

    script = tmp_path / "spin.py"
    script.write_text(
        "import asyncio\n"
        "from emulator.runtime import ActionSource, HostPool, build_event, run_chain\n"
        "async def main():\n"
        "    host = await HostPool().host('t')\n"
        "    print(host.pid, flush=True)\n"
        "    src = [ActionSource('spin', 'exports.onExecutePostLogin = async () => { while (true) {} };', '/a.js')]\n"
        "    await run_chain(host, 'post-login', src, build_event('post-login', None), deadline_ms=600_000)\n"
        "asyncio.run(main())\n")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    node_pid = int(proc.stdout.readline())
    time.sleep(0.5)  # let the action start spinning
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(node_pid, 0)
        except ProcessLookupError:
            return
        with open(f"/proc/{node_pid}/stat") as f:
            if f.read().split()[2] == "Z":  # a zombie is dead, only not reaped yet
                return
        time.sleep(0.05)
    os.kill(node_pid, signal.SIGKILL)
    raise AssertionError("the Node host outlived the emulator")
