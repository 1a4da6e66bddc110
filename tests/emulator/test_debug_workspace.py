"""The app's debugging through the facade: breakpoints stored per action, bound to every version's
script, pausing a real login journey inside an action (the journey waits, the deadline does not run),
and removed again."""
from __future__ import annotations

import asyncio

from emulator import flows

from .conftest import PASSWORD, flow, tenant_with

PL = "post-login"
BODY = """const roles = ['reader'];
  const who = event.user.email;
  api.idToken.setCustomClaim('who', who);"""


def test_a_stored_breakpoint_pauses_a_login_inside_the_action(core):
    tenant_with(core, {PL: [BODY]})
    emu = core.emu
    emu.debug_breakpoints = True
    emu.deadline_ms = 1000
    # act() puts the body on line 2: line 3 is `const who = ...`.
    emu.set_breakpoints("acme", "post-login-1", [{"line": 3}])
    assert emu.breakpoints("acme", "post-login-1") == [{"line": 3, "condition": None, "log": None}]
    pauses = []
    emu.debuggers.on_pause.append(lambda tenant, session, pause: pauses.append((tenant, session, pause)))

    async def journey():
        run = flows.start(emu, "acme", "login", {"password": PASSWORD, "email": "ann@example.com"})
        task = asyncio.ensure_future(flows.run_to_end(emu, run, None))
        while not pauses:
            await asyncio.sleep(0.01)
        tenant, session, pause = pauses[0]
        assert tenant == "acme" and pause.top.file == "actions/acme/post-login-1/v1.js" and pause.top.line == 3
        assert (await session.evaluate("roles")).preview == ["reader"]
        await asyncio.sleep(1.5)  # longer than the deadline: paused time does not count
        await session.step_over()
        await session.wait_paused(10)
        assert (await session.evaluate("who")).preview == "ann@example.com"
        await session.resume()
        return await task

    run = core.run(journey())
    assert run.status == "success", run.error
    # Timings: the action's own time, the debugger's hold apart, and no place in the distributions.
    from emulator.timings import by_version

    [row] = [r for r in emu.action_durations("acme") if r["action"] == "post-login-1"]
    assert row["debug"] and row["paused_ms"] >= 1400 and row["ms"] < 1000, row
    assert by_version([row]) == {}
    # Without breakpoints the next run goes to the tenant's normal host again.
    emu.set_breakpoints("acme", "post-login-1", [])
    assert flow(core, "login", {}).status == "success"
    assert "acme" not in emu.debuggers.sessions
    plain = [r for r in emu.action_durations("acme") if r["action"] == "post-login-1"][-1]
    assert not plain["debug"] and plain["paused_ms"] == 0


def test_ending_the_apps_debug_session_releases_its_pause(core):
    """The app's session ends (its breakpoints removed, the app closing) while a login is paused in it:
    the login goes on to its end instead of failing or hanging."""
    tenant_with(core, {PL: [BODY]})
    emu = core.emu
    emu.debug_breakpoints = True
    emu.set_breakpoints("acme", "post-login-1", [{"line": 3}])
    pauses = []
    emu.debuggers.on_pause.append(lambda tenant, session, pause: pauses.append(pause))

    async def journey():
        run = flows.start(emu, "acme", "login", {"password": PASSWORD, "email": "ann@example.com"})
        task = asyncio.ensure_future(flows.run_to_end(emu, run, None))
        while not pauses:
            await asyncio.sleep(0.01)
        await emu.debuggers.close("acme")
        return await asyncio.wait_for(task, 10)

    run = core.run(journey())
    assert run.status == "success", run.error
    assert "acme" not in emu.debuggers.sessions
