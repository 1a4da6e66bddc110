"""Pieces every journey uses: stepping a chain with breakpoints, reading what an action asked for
(claims, scopes, MFA, redirects), logging, and finishing a run."""
from __future__ import annotations

from typing import Callable

from .. import store
from .. import tokens, triggers
from . import chain, events, mfa
from .run import DENIED, FAILED, PAUSED, REDIRECTED, RUNNING, SUCCESS, FlowRun

MAX_MFA_COMMANDS = 4  # challengeWith/enrollWith calls per flow (spec §1.4)
EMULATED_FACTORS = ("phone",)


def log(emu, run: FlowRun, type_: str, description: str, *, user: dict | None = None, details: dict | None = None,
        with_executions: bool = False) -> dict:
    ctx = run.ctx
    if user is None and ctx.get("user_id"):
        user = store.directory.get_user(emu.ws, run.tenant, ctx["user_id"])
    details = dict(details or {})
    if with_executions:
        details["actions"] = {"executions": [e["id"] for e in run.executions]}
    record = store.logs.add(emu.ws, run.tenant, type_, description, user=user, client=ctx.get("client"),
                            connection=ctx.get("connection"), details=details,
                            request={"ip": "13.33.86.47", "hostname": tokens.domain(run.tenant)},
                            action_names=sorted({r["name"] for r in ctx.get("ran", [])}))
    run.logs.append(record["log_id"])
    return record


def finish(run: FlowRun, status: str, *, error: dict | None = None, result: dict | None = None) -> None:
    run.status, run.waiting, run.cursor = status, None, None
    run.error, run.result = error, result
    run.state = "done"


async def advance(emu, run: FlowRun) -> list | None:
    """The current chain's next action (or, running whole, its next actions up to a breakpoint), or a
    pause at its breakpoint. Returns the ActionSteps in order, or None for a pause."""
    if chain.wants_breakpoint(run):
        run.cursor.at_breakpoint = True
        name = run.cursor.actions[run.cursor.index]["name"]
        run.status = PAUSED
        run.waiting = {"for": "event", "trigger": run.cursor.trigger, "action": name,
                       "handler": run.cursor.handler or triggers.get(run.cursor.trigger).default_handler,
                       "event": await chain.next_event(emu, run)}
        return None
    run.status, run.waiting = RUNNING, None
    done = await chain.step_actions(emu, run)
    for step in done:
        run.ctx.setdefault("ran", []).append({"trigger": run.cursor.trigger, "name": step.name})
    return done


async def identifier_chain(emu, run: FlowRun, trigger_id: str, answer: dict | None,
                           event: Callable[[], dict]) -> list | None:
    """An identifier-first trigger's chain (login- and signup-post-identifier): start it, give it the
    edited event at a breakpoint, run its next actions. None while it waits at a breakpoint."""
    if run.cursor is None:
        run.cursor = chain.start(emu, run, trigger_id, event())
    if run.waiting and run.waiting.get("for") == "event":
        answer_breakpoint(run, answer or {})
    return await advance(emu, run)


def answer_breakpoint(run: FlowRun, answer: dict) -> None:
    if answer.get("event") is not None:
        run.cursor.edited_event = answer["event"]
    run.status, run.waiting = RUNNING, None


def collect(run: FlowRun, commands: list[dict], now_iso: str, trigger_id: str | None = None) -> None:
    """Fold an action's token-related commands into the run (later calls win). A custom-token-exchange
    action's commands are kept as they are: the journey reads them once the action is done."""
    ctx = run.ctx
    if trigger_id == triggers.CUSTOM_TOKEN_EXCHANGE:
        ctx.setdefault("exchange_commands", []).extend(c for c in commands if not c.get("error"))
        return
    claims = ctx.setdefault("claims", {"id_token": {}, "access_token": {}})
    for cmd in commands:
        if cmd.get("error"):
            continue
        name, args = cmd["name"], cmd["args"]
        if name == "idToken.setCustomClaim":
            claims["id_token"][args[0]] = args[1]
        elif name == "accessToken.setCustomClaim":
            claims["access_token"][args[0]] = args[1]
        elif name in ("accessToken.addScope", "accessToken.removeScope"):
            scope = args[0].strip()
            ops = ctx.setdefault("scope_ops", [])
            ops.append(["add" if name.endswith("addScope") else "remove", scope])
        elif name == "multifactor.enable":
            ctx["mfa_provider"] = args[0]
        elif name == "authentication.recordMethod":
            ctx.setdefault("methods", []).append({"name": args[0], "timestamp": now_iso})
        elif name == "authentication.setPrimaryUser":
            ctx["primary_user"] = args[0]
        elif name == "transaction.setResultUrl":
            ctx["result_url"] = cmd.get("result")


async def blocking_chain(emu, run: FlowRun, trigger_id: str, answer: dict | None, *,
                         on_end: Callable[[], None], on_fail: Callable[[dict, str], None],
                         event: Callable[[], dict] | None = None,
                         on_suspend: Callable[[dict], None] | None = None) -> None:
    """One step of a blocking trigger's chain inside a journey: start it, resume it after a pause, run
    its next action, and act on what that action asked for. A STOP command (the registry's effect)
    ends the journey denied, a throw ends it failed, a SUSPEND command pauses it; the end of the chain
    calls `on_end`. The failing or denying action's metadata is still written (spec §1.4). `event` builds
    the chain's first event when the journey has more to put in it than `events.build` knows;
    `on_suspend` replaces pausing, for a journey that cannot pause (no browser to redirect)."""
    if run.cursor is None:
        run.cursor = chain.start(emu, run, trigger_id, event() if event else events.build(emu, run, trigger_id))
    elif not await resume(emu, run, answer):
        return
    if run.cursor.index >= len(run.cursor.actions):
        on_end()
        return
    done = await advance(emu, run)
    if done is None:
        return
    for action in done:
        collect(run, action.result.commands, emu.ws.clock.iso(), trigger_id)
    action = done[-1]  # only the last can have failed or asked to stop or suspend
    if action.result.error:
        persist_metadata(emu, run)
        on_fail({"error": "access_denied", "error_description": action.result.error.message}, FAILED)
        return
    command = action.effect_command
    method = triggers.get(trigger_id).method(command["name"]) if command else None
    if method and method.effect == triggers.STOP:
        persist_metadata(emu, run)
        on_fail(denial(command, trigger_id), DENIED)
        return
    if command and on_suspend is not None:
        persist_metadata(emu, run)
        on_suspend(command)
        return
    if command:
        if command["name"] in ("redirect.sendUserTo", "prompt.render"):
            persist_metadata(emu, run)  # metadata is written before a redirect
        await suspend(emu, run, command)
        return
    if action.finished:
        on_end()


def denial(command: dict, trigger_id: str | None = None) -> dict:
    """The Auth0 error a client receives for a STOP command."""
    name, args = command["name"], command["args"]
    if name == "validation.error":
        return {"error": args[0], "error_description": args[1]}
    if trigger_id in (triggers.CREDENTIALS_EXCHANGE, triggers.CUSTOM_TOKEN_EXCHANGE) and name == "access.deny":
        # deny(code, reason): the code is the OAuth error
        return {"error": args[0], "error_description": str(args[1]) if len(args) > 1 and args[1] is not None else ""}
    if name == "access.rejectInvalidSubjectToken":
        return {"error": "invalid_request", "error_description": str(args[0])}
    return {"error": "access_denied", "error_description": str(args[0]) if args and args[0] is not None else ""}


async def suspend(emu, run: FlowRun, command: dict) -> None:
    """Pause for a redirect, a form or MFA, as the action asked."""
    name, args = command["name"], command["args"]
    if name == "redirect.sendUserTo":
        url = command.get("result") or args[0]
        url += ("&" if "?" in url else "?") + f"state={run.id}"
        run.cursor.index -= 1  # resume in onContinue… of the same action
        run.status, run.waiting = REDIRECTED, {"for": "continue", "url": url, "state": run.id}
        return
    if name == "prompt.render":
        run.cursor.index -= 1
        run.status, run.waiting = REDIRECTED, {"for": "form", "form_id": args[0], "state": run.id,
                                               "options": args[1] if len(args) > 1 else {}}
        return
    # challengeWith / challengeWithAny / enrollWith / enrollWithAny: MFA, then the next action.
    count = run.ctx["mfa_commands"] = run.ctx.get("mfa_commands", 0) + 1
    factors = [args[0]] if name.endswith("With") else list(args[0])
    factors += [f for f in ((args[1] or {}).get("additionalFactors", []) if len(args) > 1 and args[1] else [])]
    enroll = name.startswith("authentication.enroll")
    if count > MAX_MFA_COMMANDS:
        finish(run, FAILED, error={"error": "access_denied", "error_description":
                                   f"Too many MFA challenge or enrollment requests in one login ({count})."})
        return
    if not any(f.get("type") in EMULATED_FACTORS for f in factors):
        types = ", ".join(f.get("type", "?") for f in factors)
        finish(run, FAILED, error={"error": "access_denied", "error_description":
                                   f"None of the factors ({types}) can be used: the emulator emulates SMS (phone)."})
        return
    if not enroll and mfa.confirmed_phone(emu, run) is None:
        finish(run, FAILED, error={"error": "access_denied",
                                   "error_description": "The user has no enrolled factor among those requested."})
        return
    await mfa.begin(emu, run, enroll=enroll)


async def resume(emu, run: FlowRun, answer: dict | None) -> bool:
    """Give a waiting chain its answer. True when the chain can go on with its next action.

    - at a breakpoint: the (possibly edited) event for the next action;
    - after a redirect or a form: a fresh event.request (the /continue request) and the same action's
      onContinue… handler;
    - during MFA: a phone number to enroll, or the code; once passed, the next action sees a fresh event
      with the new authentication method.
    """
    cur = run.cursor
    need = (run.waiting or {}).get("for")
    if need is None:
        return True
    if need == "event":
        answer_breakpoint(run, answer or {})
        return True
    if answer is None:
        return False
    if need in ("continue", "form"):
        query = {"state": run.id, **(answer.get("query") or {})}
        body = answer.get("body") or {}
        extra = {"prompt": {"id": run.waiting["form_id"], "fields": answer.get("fields") or {}, "vars": {}}} \
            if need == "form" else None
        cur.event = events.build(emu, run, cur.trigger, extra)
        # A new request replaces the /authorize one entirely (spec §1.2): no merged query or body.
        cur.event["request"].update(method="POST" if body else "GET", query=query, body=body)
        cur.handler = triggers.get(cur.trigger).continue_handlers[0]
        run.status, run.waiting = RUNNING, None
        return True
    if await mfa.answer(emu, run, answer):
        cur.event = events.build(emu, run, cur.trigger)
        run.status = RUNNING
        return True
    return False


def persist_metadata(emu, run: FlowRun) -> None:
    """One batched user update with the metadata the chain queued (end of trigger, or before a redirect)."""
    state = run.cursor.state or {}
    pending = state.get("pending_metadata") or {}
    if run.ctx.get("user_id") and any(pending.get(f) for f in ("app_metadata", "user_metadata")):
        store.directory.apply_metadata(emu.ws, run.tenant, run.ctx["user_id"], pending)


def success(run: FlowRun, result: dict) -> None:
    finish(run, SUCCESS, result=result)


def denied(run: FlowRun, error: dict) -> None:
    finish(run, DENIED, error=error)
