"""The stepping engine shared by the CLI and the app (design §4).

`start` makes a run snapshot; `step` advances it by one unit (one state, or one action of a chain) and
stores it; `answer` gives a waiting run what it asked for (an OTP, a phone number, a continue request, a
followed link, a new password, an edited event at a breakpoint); `run_to_end` steps until the run ends
or waits for something no answer provides. In deterministic mode the clock, ids and OTPs are fixed
(one second passes per step), so two runs over the same workspace state give the same results.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

from .. import store
from ..clock import FixedClock, Ids
from ..errors import UsageError, bad_request
from . import chain, client_credentials, login, mfa, password_reset, redirect, signup, token_exchange
from .run import RUNNING, FlowRun, save

CLIENT_CREDENTIALS, TOKEN_EXCHANGE = "client_credentials", "token_exchange"
KINDS = {"login": (login, login.IDENTIFIER), "signup": (signup, signup.IDENTIFIER),
         "password_reset": (password_reset, password_reset.REQUEST), login.SMS_MFA: (login, login.IDENTIFIER),
         CLIENT_CREDENTIALS: (client_credentials, client_credentials.EXCHANGE),
         TOKEN_EXCHANGE: (token_exchange, token_exchange.EXCHANGE)}
STATES = {"login": login.STATES, "signup": signup.STATES, "password_reset": password_reset.STATES,
          login.SMS_MFA: login.STATES, CLIENT_CREDENTIALS: client_credentials.STATES,
          TOKEN_EXCHANGE: token_exchange.STATES}
DEFAULT_SEED, DEFAULT_START_MS = 42, 1_800_000_000_000
MAX_STEPS = 500


@dataclass
class Answers:
    """Scripted answers for `run_to_end` (the CLI's flags, or --auto playing the user)."""

    otp: str | None = None
    phone: str | None = None
    new_password: str | None = None
    continue_query: dict = field(default_factory=dict)
    continue_body: dict = field(default_factory=dict)
    form_fields: dict = field(default_factory=dict)
    # Back from a redirect whose page signs a session token (api.redirect.validateToken): its claims, signed
    # with the redirecting action's secret (this one, or its only one), as `redirect-token` signs them.
    continue_claims: dict = field(default_factory=dict)
    continue_secret: str | None = None
    auto: bool = False  # read OTPs and reset links from the outbox; come back from redirects


def _pick_client(emu, tenant: str, name: str | None) -> dict:
    clients = store.directory.clients(emu.ws, tenant)
    if name:
        found = [c for c in clients if c["name"] == name or c["client_id"] == name]
        if not found:
            raise bad_request(f"The application {name!r} does not exist.")
        return found[0]
    # The first application other than the one every tenant starts with, as a person would pick.
    return next((c for c in clients if c["name"] != "Default App"), clients[0])


def start(emu, tenant: str, kind: str, inputs: dict, *, client: str | None = None, connection: str | None = None,
          breakpoints: list[str] | None = None, deterministic: bool = False, seed: int = DEFAULT_SEED) -> FlowRun:
    if kind not in KINDS:
        raise UsageError(f"unknown flow {kind!r} (one of {', '.join(KINDS)})")
    store.tenants.require(emu.ws, tenant)
    if kind == CLIENT_CREDENTIALS:  # a machine, no user
        client_credentials.check_inputs(emu, tenant, inputs)
    elif kind == TOKEN_EXCHANGE:  # the user comes from the action
        token_exchange.check_inputs(emu, tenant, inputs)
    elif not inputs.get("email"):
        raise UsageError("--email is required")
    det = {"seed": seed, "start_ms": DEFAULT_START_MS, "steps": 0} if deterministic else None
    run = FlowRun(id="", tenant=tenant, kind=kind, inputs=inputs, state=KINDS[kind][1],
                  breakpoints=list(breakpoints or []), deterministic=det)
    with _clock(emu, run):
        run.id = emu.ws.ids.token(24)
        run.created_at = emu.ws.clock.iso()
        run.ctx["client"] = _pick_client(emu, tenant, client)
        run.ctx["connection"] = store.directory.connection(emu.ws, tenant,
                                                           connection or "Username-Password-Authentication")
        save(emu.ws, run)
    return run


def describe_deterministic(det: dict | None, seed: int = DEFAULT_SEED) -> str:
    """One line saying what deterministic mode fixes, for a run (or for runs about to start)."""
    det = det or {"seed": seed, "start_ms": DEFAULT_START_MS}
    start_at = FixedClock(det["start_ms"]).iso()
    return (f"Deterministic: seed {det['seed']} · clock starts {start_at}, one second per step · "
            f"every SMS code is {mfa.FIXED_CODE}")


@contextmanager
def _clock(emu, run: FlowRun):
    """In deterministic mode the workspace's clock and ids are the run's own for the duration of a step."""
    if not run.deterministic:
        yield
        return
    det = run.deterministic
    saved = emu.ws.clock, emu.ws.ids
    emu.ws.clock = FixedClock(det["start_ms"] + det["steps"] * 1000)
    emu.ws.ids = Ids(det["seed"] * 100_003 + det["steps"])
    try:
        yield
    finally:
        emu.ws.clock, emu.ws.ids = saved
        det["steps"] += 1


async def step(emu, run: FlowRun, answer: dict | None = None, *, store_it: bool = True) -> FlowRun:
    """Advance one unit. Returns the same (updated) run, stored (unless the caller stores it later)."""
    if run.done:
        return run
    module = KINDS[run.kind][0]
    before = (run.state, (run.cursor.index if run.cursor else None), (run.waiting or {}).get("for"))
    t0 = time.perf_counter()
    with _clock(emu, run):
        await module.step(emu, run, answer)
        # The actions this step ran (one of a chain, or a whole async chain), for the run's waterfall.
        ran = run.ctx.pop("step_actions", [])
        run.steps.append({"state": before[0], "action_index": before[1], "answered": before[2] if answer else None,
                          "status": run.status, "ms": round((time.perf_counter() - t0) * 1000, 3), "actions": ran})
        if store_it:
            save(emu.ws, run)
    return run


def answer_for(emu, run: FlowRun, answers: Answers) -> dict | None:
    """The answer `answers` give to what the run waits for (None: they have none)."""
    need = (run.waiting or {}).get("for")
    if need == "event":
        return {}
    if need == "otp":
        if answers.otp:
            return {"otp": answers.otp}
        if answers.auto:
            sms = store.outbox.list_(emu.ws, run.tenant, run.waiting["phone"], limit=1)
            return {"otp": sms[0]["body"].split()[0]} if sms else None
    if need == "phone":
        phone = answers.phone or run.inputs.get("phone")
        if not phone and answers.auto and run.ctx.get("user_id"):
            phone = store.directory.get_user(emu.ws, run.tenant, run.ctx["user_id"]).get("phone_number")
        return {"phone": phone} if phone else None
    if need == "continue" and answers.continue_claims:
        return _signed_return(emu, run, answers)
    if need == "continue" and answers.auto and redirect.expects_session_token(run):
        # The page would sign a token the action validates: coming back without one can only fail.
        run.waiting = {**run.waiting, "missing": redirect.missing_token_message(emu, run)}
        return None
    if need == "continue" and (answers.auto or answers.continue_query or answers.continue_body):
        return {"query": answers.continue_query, "body": answers.continue_body}
    if need == "form" and (answers.auto or answers.form_fields):
        return {"fields": answers.form_fields}
    if need == "link":
        if answers.auto:
            mails = [m for m in store.outbox.list_(emu.ws, run.tenant, run.waiting["email"], limit=5)
                     if m["meta"].get("kind") == "reset_link"]
            return {"ticket": mails[0]["meta"]["ticket"]} if mails else None
    if need == "new_password" and (answers.new_password or run.inputs.get("new_password")):
        return {"new_password": answers.new_password or run.inputs["new_password"]}
    return None


def _signed_return(emu, run: FlowRun, answers: Answers) -> dict:
    """Back from the redirect with a session token of these claims, signed with the action's secret."""
    token = redirect.session_token(emu, run, answers.continue_claims,
                                   secret_name=answers.continue_secret or redirect.only_secret_name(emu, run))
    return {"query": {**answers.continue_query, redirect.token_parameter(run): token}, "body": answers.continue_body}


async def run_to_end(emu, run: FlowRun, answers: Answers | None = None,
                     on_step: Callable[[FlowRun], None] | None = None) -> FlowRun:
    """Step until the run ends or waits for an answer nobody gave. Each answer is used once.

    Nobody watches the steps between (an `on_step` caller excepted): chains run in one round trip up to
    a breakpoint, and the run is stored once, when it ends or waits (and if a step raises)."""
    answers = answers or Answers()
    used: set[str] = set()
    token = chain.WHOLE.set(True)
    try:
        for _ in range(MAX_STEPS):
            if run.done:
                break
            answer = None
            if run.waiting:
                need = run.waiting["for"]
                if need in used and need in ("otp", "continue", "form") and not answers.auto:
                    break  # a scripted answer was already used (and was wrong): leave the run waiting
                answer = answer_for(emu, run, answers)
                if answer is None:
                    break
                used.add(need)
            await step(emu, run, answer, store_it=on_step is not None)
            if on_step:
                on_step(run)
    finally:
        chain.WHOLE.reset(token)
        if on_step is None:
            save(emu.ws, run)
    return run


def rerun(emu, run: FlowRun) -> FlowRun:
    """A new run with the same inputs and settings (the app's Re-run)."""
    return start(emu, run.tenant, run.kind, run.inputs, client=run.ctx["client"]["name"],
                 connection=run.inputs.get("connection"), breakpoints=run.breakpoints,
                 deterministic=bool(run.deterministic), seed=(run.deterministic or {}).get("seed", DEFAULT_SEED))


__all__ = ["Answers", "start", "step", "run_to_end", "rerun", "RUNNING"]
