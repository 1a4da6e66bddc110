"""What the Simulator shows of a stepped run, the SMS MFA journey, timing data for the charts, and
batches of runs: all over real Node, real SQLite and real flows."""
from __future__ import annotations

import pytest

from emulator import flows, store
from emulator.errors import UsageError
from emulator.flows.batch import BatchResult, run_batch

from .conftest import PASSWORD, flow, tenant_with

PL = "post-login"
CLAIM = "api.idToken.setCustomClaim('https://x/plan', 'pro'); api.user.setAppMetadata('seen', true); console.log('one');"
SCOPE = "api.accessToken.addScope('read:things'); console.log('two');"


def test_sms_mfa_journey_always_asks_for_the_second_factor(core):
    tenant_with(core, {PL: ["console.log('no MFA asked by any action');"]})
    plain = flow(core, "login", {})
    assert plain.status == "success"  # a plain login on this tenant needs no second factor
    run = flow(core, "sms_mfa", {"phone": "+64211234567"})
    assert run.status == "mfa_required" and run.waiting["for"] == "otp" and run.state == "mfa"
    sms = store.outbox.list_(core.emu.ws, "acme", "+64211234567")[0]
    run = core.run(flows.run_to_end(core.emu, run, flows.Answers(otp="000000")))
    assert run.status == "mfa_required" and run.waiting["error"]["error"] == "invalid_grant"
    run = core.run(flows.run_to_end(core.emu, run, flows.Answers(otp=sms["body"].split()[0])))
    assert run.status == "success" and run.result["tokens"]["id_token"]
    # Enrolled now: the next SMS MFA login challenges the same phone without asking for a number.
    again = flow(core, "sms_mfa", {})
    assert again.waiting["for"] == "otp" and again.waiting["action"] == "second-factor-authentication"


def test_stepping_shows_states_chain_last_action_and_state_so_far(core):
    tenant_with(core, {PL: [CLAIM, SCOPE]})
    run = flows.start(core.emu, "acme", "login", {"email": "ann@example.com", "password": PASSWORD},
                      breakpoints=["post-login-2"])
    core.run(flows.step(core.emu, run))  # identifier (nothing bound): on to the password
    core.run(flows.step(core.emu, run))  # password
    view = core.emu.flow_view(run)
    assert [s["mark"] for s in view["stepper"]] == ["done", "done", "current", "todo", "todo"]
    core.run(flows.step(core.emu, run))  # post-login-1
    view = core.emu.flow_view(run)
    assert view["chain"]["actions"][0]["mark"] == "done" and view["chain"]["actions"][1] == {
        "name": "post-login-2", "version": 1, "breakpoint": True, "mark": "next"}
    last = view["last_action"]
    assert last["name"] == "post-login-1" and last["logs"][0]["message"] == "one"
    assert [c["name"] for c in last["commands"]] == ["idToken.setCustomClaim", "user.setAppMetadata"]
    state = view["state"]
    assert state["claims"]["id_token"] == {"https://x/plan": "pro"}
    assert state["pending_metadata"]["app_metadata"] == {"seen": True}
    core.run(flows.step(core.emu, run))  # pauses at the breakpoint with the event about to be sent
    assert run.status == "paused" and run.waiting["event"]["user"]["app_metadata"]["seen"] is True
    core.run(flows.step(core.emu, run, {}))  # post-login-2 runs: the last action comes from its execution
    view = core.emu.flow_view(run)
    assert view["last_action"]["name"] == "post-login-2" and view["state"]["scopes"][-1] == "read:things"
    core.run(flows.run_to_end(core.emu, run))
    view = core.emu.flow_view(run)
    assert run.status == "success" and view["report"]["tokens"]["signature_verified"]
    assert view["report"]["tokens"]["claims"]["id_token"]["https://x/plan"] == "pro"


def test_a_denial_shows_in_the_state_so_far(core):
    tenant_with(core, {PL: ["api.access.deny('not today');"]})
    run = flow(core, "login", {})
    assert core.emu.flow_view(run)["state"]["denial"] == {"error": "access_denied", "error_description": "not today"}


def test_timings_per_action_per_version_and_waterfall(core):
    tenant_with(core, {PL: [CLAIM, SCOPE]})
    runs = [flow(core, "login", {}) for _ in range(3)]
    core.emu.update_draft("acme", "post-login-1", code="exports.onExecutePostLogin = async () => {};")
    core.emu.deploy("acme", "post-login-1")
    runs.append(flow(core, "login", {}))
    rows = core.emu.action_durations("acme")
    assert len(rows) == 8 and {r["action"] for r in rows} == {"post-login-1", "post-login-2"}
    assert all(r["ms"] > 0 and r["flow_run"] in {x.id for x in runs} for r in rows)
    assert rows[-1]["flow_run"] == runs[-1].id  # oldest first
    from emulator.timings import by_version

    stats = by_version(rows)
    assert stats["post-login-1"][1]["count"] == 3 and stats["post-login-1"][2]["count"] == 1
    s = stats["post-login-1"][1]
    assert s["min"] <= s["q1"] <= s["median"] <= s["q3"] <= s["max"]
    only = core.emu.action_durations("acme", runs=2, action="post-login-2")
    assert len(only) == 2 and {r["action"] for r in only} == {"post-login-2"}
    bars = core.emu.waterfall(run_id=runs[0].id)
    kinds = [(b["kind"], b["label"]) for b in bars]
    assert ("trigger", "post-login") in kinds and ("action", "post-login › post-login-1 v1") in kinds
    trigger = next(b for b in bars if b["kind"] == "trigger")
    actions = [b for b in bars if b["kind"] == "action"]
    assert trigger["start_ms"] == actions[0]["start_ms"] and actions[1]["start_ms"] >= actions[0]["start_ms"]
    assert trigger["start_ms"] + trigger["ms"] == pytest.approx(actions[1]["start_ms"] + actions[1]["ms"])
    steps = [b for b in bars if b["kind"] == "step"]
    assert [b["label"] for b in steps] == ["identifier", "password", "tokens"]  # steps that ran no action
    one = core.emu.waterfall(execution_id=runs[0].executions[0]["id"])
    assert [b["kind"] for b in one] == ["trigger", "action", "action"]


def test_a_batch_runs_the_journey_many_times_and_keeps_what_was_done(core):
    tenant_with(core, {PL: [CLAIM]})
    seen = []
    result = core.run(run_batch(core.emu, "acme", "login", {"email": "ann@example.com", "password": PASSWORD}, 5,
                                on_progress=lambda n, run: seen.append((n, run.status))))
    assert result.runs == 5 and result.statuses == {"success": 5} and seen[-1] == (5, "success")
    assert len(set(result.run_ids)) == 5 and len(result.ms) == 5
    signups = core.run(run_batch(core.emu, "acme", "signup", {"email": "new@example.com", "password": PASSWORD}, 3))
    assert signups.statuses == {"success": 3}  # each signup got its own address
    with pytest.raises(UsageError):
        core.run(run_batch(core.emu, "acme", "login", {"email": "ann@example.com"}, 0))


def test_a_cancelled_batch_keeps_the_runs_it_finished(core):
    import asyncio

    tenant_with(core, {PL: [CLAIM]})
    partial = BatchResult()

    async def cancel_after_two():
        task = asyncio.ensure_future(run_batch(core.emu, "acme", "login",
                                               {"email": "ann@example.com", "password": PASSWORD}, 1000,
                                               on_progress=lambda n, run: n == 2 and task.cancel(), result=partial))
        with pytest.raises(asyncio.CancelledError):
            await task

    core.run(cancel_after_two())
    assert partial.runs == 2 and partial.statuses == {"success": 2}


def test_a_run_that_ended_early_shows_where_and_what_never_ran(core):
    tenant_with(core, {PL: ["api.access.deny('no entry');"]})
    # A signup with a password the policy refuses ends at the first check: nothing after it ran.
    run = flow(core, "signup", {"email": "new@example.com", "password": "short"})
    assert run.status == "failed"
    marks = [(s["state"], s["mark"]) for s in core.emu.flow_view(run)["stepper"]]
    # (the identifier state comes first: signup-post-identifier, passed through when nothing is bound)
    assert marks[:2] == [("signup_identifier", "done"), ("validate", "failed")]
    assert all(m == "skipped" for _, m in marks[2:])
    # A login denied by post-login: the states before it are done, post-login failed, the rest skipped.
    denied = flow(core, "login", {})
    assert denied.status == "denied"
    assert [s["mark"] for s in core.emu.flow_view(denied)["stepper"]] == ["done", "done", "failed", "skipped",
                                                                          "skipped"]
    # The tenant's run list says who, on which application, and how long the steps took.
    listed = {r["id"]: r for r in core.emu.flow_runs("acme")}
    assert listed[denied.id]["user"] == "ann@example.com" and listed[denied.id]["application"]
    assert listed[denied.id]["ms"] > 0


def test_a_batch_keeps_its_failures(core):
    tenant_with(core, {PL: ["if (event.stats.logins_count % 2) api.access.deny('odd');"]})
    result = core.run(run_batch(core.emu, "acme", "login", {"email": "ann@example.com", "password": PASSWORD}, 4))
    assert sum(result.statuses.values()) == 4 and result.statuses.get("denied")
    assert len(result.failures) == result.statuses["denied"]
    assert all(status == "denied" and text == "odd" for _run, status, text in result.failures)


def test_a_log_line_links_to_its_run_executions_and_failed_action(core):
    tenant_with(core, {PL: ["throw new Error('kaput');"]})
    run = flow(core, "login", {})
    assert run.status == "failed"
    records = {r["type"]: r for r in core.emu.logs("acme", limit=20)}
    failed = records["actions_execution_failed"]
    links = core.emu.log_links("acme", failed)
    assert links["action"] == {"name": "post-login-1", "version": 1}
    assert links["executions"] == [failed["details"]["execution_id"]] and links["run"] == run.id
    flow_line = next(r for r in core.emu.logs("acme", limit=20) if r["log_id"] in run.logs)
    assert core.emu.log_links("acme", flow_line)["run"] == run.id
    assert core.emu.log_links("acme", {"log_id": "nope", "details": {}}) == {"executions": [], "action": None,
                                                                            "run": None}


def test_an_actions_enrolment_shows_the_sms_step_under_way(core):
    """api.authentication.enrollWith in the middle of post-login: while the run asks for the phone and the
    code, the SMS second factor is under way (with post-login, which goes on after it)."""
    tenant_with(core, {PL: ["api.authentication.enrollWith({type: 'phone'});"]})
    run = flows.start(core.emu, "acme", "login", {"email": "ann@example.com", "password": PASSWORD})
    run = core.run(flows.run_to_end(core.emu, run))
    assert run.waiting["for"] == "phone"
    marks = {s["state"]: s["mark"] for s in core.emu.flow_view(run)["stepper"]}
    assert marks["post_login"] == "current" and marks["mfa"] == "current" and marks["tokens"] == "todo"
    run = core.run(flows.step(core.emu, run, {"phone": "+15550100"}))
    assert run.waiting["for"] == "otp"
    assert {s["state"]: s["mark"] for s in core.emu.flow_view(run)["stepper"]}["mfa"] == "current"
