"""Console and stdout capture per invocation: levels, limits, and correct attribution when invocations
interleave; nothing user code prints can corrupt the protocol."""
from __future__ import annotations

import asyncio

from emulator.runtime import build_event, run_chain

PL = "post-login"


def test_levels_and_raw_writes(emu):
    r = emu.one(PL, """
      console.log('a', 1, {b: 2});
      console.info('info'); console.warn('warn'); console.error('error'); console.debug('debug');
      process.stdout.write('raw out\\n');
      process.stderr.write('raw err');
      console.log('{"v":1,"type":"result","id":1}');
    """)
    assert [(l["level"], l["message"]) for l in r.logs] == [
        ("log", "a 1 { b: 2 }"), ("info", "info"), ("warn", "warn"), ("error", "error"), ("debug", "debug"),
        ("stdout", "raw out"), ("stderr", "raw err"), ("log", '{"v":1,"type":"result","id":1}')]
    assert all(isinstance(l["time"], int) for l in r.logs)


def test_trace_includes_a_stack(emu):
    r = emu.one(PL, "console.trace('here');")
    assert r.logs[0]["level"] == "trace" and r.logs[0]["message"].startswith("Trace: here")


def test_logs_are_capped_at_256_kb(emu):
    r = emu.one(PL, "for (let i = 0; i < 300; i++) console.log('x'.repeat(1024));")
    assert r.logs_truncated
    assert sum(len(l["message"]) for l in r.logs) == 256 * 1024


def test_interleaved_invocations_keep_their_own_logs(emu):
    host = emu.host()
    slow = emu.sources(["""exports.onExecutePostLogin = async (event) => {
        console.log('slow start ' + event.user.email);
        await new Promise((r) => setTimeout(r, 50));
        console.log('slow end ' + event.user.email);
      };"""])
    event_a = build_event(PL, {"user": {"email": "a@x.com"}})
    event_b = build_event(PL, {"user": {"email": "b@x.com"}})

    async def both():
        return await asyncio.gather(run_chain(host, PL, slow, event_a), run_chain(host, PL, slow, event_b))

    a, b = emu.run(both())
    assert [l["message"] for l in a.actions[0].logs] == ["slow start a@x.com", "slow end a@x.com"]
    assert [l["message"] for l in b.actions[0].logs] == ["slow start b@x.com", "slow end b@x.com"]


def test_a_stray_timer_does_not_leak_into_the_next_invocation(emu):
    first = emu.one(PL, "setTimeout(() => console.log('late'), 20);")
    assert first.logs == []
    emu.run(asyncio.sleep(0.05))
    second = emu.one(PL, "console.log('mine');")
    assert [l["message"] for l in second.logs] == ["mine"]


def test_an_uncaught_exception_in_a_callback_fails_that_action(emu):
    r = emu.one(PL, "await new Promise((resolve) => setTimeout(() => { throw new Error('in a timer'); }, 5));")
    assert r.error.message == "in a timer" and r.error.error_class == "action_error"
    assert emu.one(PL, "console.log('fine');").logs[0]["message"] == "fine"
