"""Running a trigger's bound chain inside a flow, one action per step, with the harness's chain state
carried between steps (so stepping gives exactly what one round trip would). Before an action with a
breakpoint the chain pauses and shows the event that action is about to receive, which the user may
edit. When a segment of the chain ends (it finished, stopped, suspended or failed) it is stored as an
execution, and failed actions are logged as `actions_execution_failed`."""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from .. import store, triggers
from ..runtime import runtimes
from ..runtime.results import ActionResult, ChainResult, decide_outcome
from ..runtime.runner import preview_event, run_chain
from ..store.db import transaction
from .run import Cursor, FlowRun


@dataclass
class ActionStep:
    """What one action did, for the flow to interpret."""

    name: str
    result: ActionResult
    effect_command: dict | None  # the STOP/SUSPEND command it recorded, if any
    finished: bool  # the chain segment is over (last action, stop, suspend or failure)


# Set while a run goes to its end unwatched (engine.run_to_end): a chain then runs in one round trip to
# Node up to its next breakpoint, instead of one action per step. Stepping keeps one action per step.
WHOLE: ContextVar[bool] = ContextVar("whole_chains", default=False)


def start(emu, run: FlowRun, trigger_id: str, event: dict) -> Cursor:
    bound = store.bindings.get(emu.ws, run.tenant, trigger_id)
    return Cursor(trigger=triggers.get(trigger_id).id, event=event,
                  actions=[{"name": b["action"]["name"], "version": b["action"]["deployed_version"]} for b in bound])


def _source(emu, run: FlowRun, ref: dict) -> dict:
    return store.actions.source(emu.ws, run.tenant, ref["name"], ref["version"])


async def next_event(emu, run: FlowRun) -> dict:
    """The event the cursor's next action would receive (shown at a breakpoint)."""
    cur = run.cursor
    src = _source(emu, run, cur.actions[cur.index])
    host = await emu.host_for(run.tenant)
    return await preview_event(host, cur.trigger, cur.event, cur.state, src["secrets"])


def wants_breakpoint(run: FlowRun) -> bool:
    cur = run.cursor
    name = cur.actions[cur.index]["name"]
    return not cur.at_breakpoint and ("*" in run.breakpoints or name in run.breakpoints)


def _batch_size(emu, run: FlowRun, every: bool) -> int:
    """How many of the cursor's next actions to run in this round trip: one, or (running whole, with no
    app debugger, no edited event, not deterministic) every action up to the next breakpoint (`every`:
    all of them)."""
    cur = run.cursor
    # A deterministic run's clock and ids advance per step, so it keeps one action per step: its report
    # is the same however it is driven.
    if emu.debug_breakpoints or cur.edited_event is not None or run.deterministic:
        return 1
    if every:
        return len(cur.actions) - cur.index
    if not WHOLE.get():
        return 1
    n = 1
    while cur.index + n < len(cur.actions):
        name = cur.actions[cur.index + n]["name"]
        if "*" in run.breakpoints or name in run.breakpoints:
            break
        n += 1
    return n


async def step_actions(emu, run: FlowRun, every: bool = False) -> list[ActionStep]:
    """Run the cursor's next action (or next actions, see `_batch_size`) in one round trip; record the
    execution when the segment ends. The harness stops a chain after an action that fails or asks to
    stop or suspend, exactly where stepping would."""
    cur = run.cursor
    srcs = [_source(emu, run, ref) for ref in cur.actions[cur.index:cur.index + _batch_size(emu, run, every)]]
    srcs = emu.runtime_segments(run.tenant, srcs)[0]  # one round trip runs on one Node
    host, warning = await emu.host_for_runtime(run.tenant, srcs[0].get("runtime"))
    event, exact = (cur.edited_event, True) if cur.edited_event is not None else (cur.event, False)
    http = await emu.run_http(run.tenant, srcs, run.inputs.get("http"))
    sources = [emu.action_source(src, cur.handler if i == 0 else None) for i, src in enumerate(srcs)]
    result = await run_chain(host, cur.trigger, sources, event,
                             deadline_ms=emu.deadline_ms, cache=store.cache.load(emu.ws, run.tenant, cur.trigger),
                             now_ms=emu.ws.clock.now_ms(), state=cur.state, exact_event=exact,
                             dependency_cache=emu.dependency_cache, http=http)
    runtimes.note_fallback(result, warning)
    with transaction(emu.ws):  # what the round trip changed, written in one short transaction
        if http["mode"] == "record" and not run.inputs.get("http"):
            emu.record_http(run.tenant, [call for a in result.actions for call in a.http])
        store.cache.save(emu.ws, run.tenant, cur.trigger, result.cache)
        return _take_results(emu, run, result, srcs)


def _take_results(emu, run: FlowRun, result: ChainResult, srcs: list[dict]) -> list[ActionStep]:
    cur = run.cursor
    cur.state, cur.edited_event, cur.handler, cur.at_breakpoint = result.state, None, None, False
    out = []
    for action, src in zip(result.actions, srcs):
        cur.results.append({"result": action.to_json(), "version": src["version"], "action_id": src["action_id"]})
        outcome = decide_outcome(cur.trigger, [action], [action.name])
        run.ctx.setdefault("step_actions", []).append({"trigger": cur.trigger, "name": action.name,
                                                       "version": src["version"],
                                                       # its own time: without the debugger's pauses
                                                       "ms": max(0.0, action.timings.get("total_ms", 0)
                                                                 - action.timings.get("paused_ms", 0)),
                                                       "paused_ms": action.timings.get("paused_ms"),
                                                       "failed": action.error is not None or outcome.status == "denied"})
        effect = outcome.command if outcome.status in ("denied", "suspended") else None
        cur.index += 1
        finished = action.error is not None or effect is not None or cur.index >= len(cur.actions)
        out.append(ActionStep(action.name, action, effect, finished))
        if finished:
            _record_segment(emu, run, result)
            break
    return out


async def step_action(emu, run: FlowRun) -> ActionStep:
    """Run the cursor's next action alone."""
    token = WHOLE.set(False)
    try:
        return (await step_actions(emu, run))[0]
    finally:
        WHOLE.reset(token)


def _record_segment(emu, run: FlowRun, last: ChainResult) -> None:
    """Store the chain segment that just ended as one execution, and log its failed actions."""
    cur = run.cursor
    actions = [_action(r["result"]) for r in cur.results]
    names = [a["name"] for a in cur.actions][cur.index - len(cur.results):]
    segment = ChainResult(trigger=cur.trigger, trigger_version=last.trigger_version, node_version=last.node_version,
                          actions=actions, outcome=decide_outcome(cur.trigger, actions, names), cache=last.cache,
                          state=last.state, total_ms=sum(a.timings.get("total_ms", 0) for a in actions))
    srcs = [{"version": r["version"], "action_id": r["action_id"]} for r in cur.results]
    record = emu.record_run(run.tenant, segment, cur.event, srcs, kind="flow")
    run.executions.append({"trigger": cur.trigger, "id": record["id"], "outcome": segment.outcome.to_json()})
    cur.results = []


def _action(d: dict) -> ActionResult:
    return ActionResult.from_harness(d, d.get("file"))


async def run_whole(emu, run: FlowRun, trigger_id: str, event: dict) -> list[ActionStep]:
    """Run a whole chain now, without pauses: async triggers after the outcome is decided, and
    send-phone-message in the middle of another trigger's chain (whose cursor is kept)."""
    outer = run.cursor
    run.cursor = start(emu, run, trigger_id, event)
    steps: list[ActionStep] = []
    try:
        while run.cursor.index < len(run.cursor.actions):
            steps.extend(await step_actions(emu, run, every=True))  # these chains offer no breakpoints
            if steps[-1].finished:
                break
    finally:
        run.cursor = outer
    return steps
