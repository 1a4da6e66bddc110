"""What a stepped run looks like to a person watching it (the app's Simulator): the journey's states and
where the run is, the chain being stepped with its breakpoints, the action that just ran, and the run's
state so far (claims, queued metadata, scopes, a denial, a redirect or MFA prompt). Plain data; the app
only renders it."""
from __future__ import annotations

from .. import store, triggers
from . import login
from .engine import STATES
from .run import DENIED, FAILED, FlowRun

LABELS = {
    "identifier": "Identifier (login-post-identifier)", "password": "Password check",
    "post_login": "post-login actions", "mfa": "SMS second factor", "tokens": "Tokens",
    "validate": "Signup checks", "pre_user_registration": "pre-user-registration actions",
    "create": "Create the user", "post_user_registration": "post-user-registration (async)",
    "request": "Reset requested (e-mail)", "link": "Follow the e-mailed link",
    "post_challenge": "password-reset-post-challenge actions", "new_password": "New password",
    "post_change": "post-change-password (async)",
    "exchange": "credentials-exchange actions",
    "subject_token": "custom-token-exchange action (the profile's)",
    "signup_identifier": "signup-post-identifier actions",
}
KIND_LABELS = {"login": "Login", "signup": "Signup", "password_reset": "Password reset", login.SMS_MFA: "SMS MFA",
               "client_credentials": "Client credentials (machine)", "token_exchange": "Custom token exchange"}
NEEDS_PASSWORD = ("login", "signup", login.SMS_MFA)
MFA_WAITS = ("phone", "otp", "associate", "challenge")  # what a run waits for during the second factor
# Triggers whose chains a journey steps one action at a time (and so can stop at a breakpoint). Async
# triggers and send-phone-message run whole, in one step.
STEPPED = {"login": (triggers.LOGIN_POST_IDENTIFIER, triggers.POST_LOGIN),
           login.SMS_MFA: (triggers.LOGIN_POST_IDENTIFIER, triggers.POST_LOGIN),
           "signup": (triggers.SIGNUP_POST_IDENTIFIER, triggers.PRE_USER_REGISTRATION),
           "password_reset": (triggers.PASSWORD_RESET_POST_CHALLENGE,),
           "client_credentials": (triggers.CREDENTIALS_EXCHANGE,),
           "token_exchange": (triggers.POST_LOGIN,)}


def breakpoint_choices(emu, tenant: str, kind: str) -> list[dict]:
    """The bound actions a journey of this kind can stop before: [{trigger, actions: [name, ...]}]."""
    return [{"trigger": t, "actions": [b["action"]["name"] for b in store.bindings.get(emu.ws, tenant, t)]}
            for t in STEPPED[kind]]


def stepper(run: FlowRun) -> list[dict]:
    """The journey's states in order, each `done`, `current` or `todo`; a run that ended in a denial or a
    failure shows the state it ended in as `failed` and the states after it as `skipped` (never run)."""
    states = list(STATES[run.kind])
    ended_at = run.steps[-1]["state"] if run.status in (DENIED, FAILED) and run.steps else None
    if ended_at in states:
        at = states.index(ended_at)
        return [{"state": s, "label": LABELS.get(s, s),
                 "mark": "done" if i < at else "failed" if i == at else "skipped"} for i, s in enumerate(states)]
    current = states.index(run.state) if run.state in states else len(states)
    marks = [{"state": s, "label": LABELS.get(s, s),
              "mark": "done" if i < current else "current" if i == current else "todo"}
             for i, s in enumerate(states)]
    # An action's challengeWith/enrollWith asks for the second factor in the middle of its chain: the
    # phone and the code belong to the SMS step, which is under way too (the chain goes on after it).
    if (run.waiting or {}).get("for") in MFA_WAITS and run.state != login.MFA:
        for m in marks:
            if m["state"] == login.MFA:
                m["mark"] = "current"
    return marks


def chain(run: FlowRun) -> dict | None:
    """The trigger chain being stepped: each bound action `done`, `next` or `todo`, and its breakpoint."""
    cur = run.cursor
    if cur is None:
        return None
    every = "*" in run.breakpoints
    return {"trigger": cur.trigger, "actions": [
        {"name": a["name"], "version": a["version"], "breakpoint": every or a["name"] in run.breakpoints,
         "mark": "done" if i < cur.index else "next" if i == cur.index else "todo"}
        for i, a in enumerate(cur.actions)]}


def last_action(emu, run: FlowRun) -> dict | None:
    """The action the run ran most recently: trigger, name, version, commands, console, error, timings."""
    ref = next((s["actions"][-1] for s in reversed(run.steps) if s.get("actions")), None)
    if ref is None:
        return None
    found = None
    if run.cursor and run.cursor.results and run.cursor.results[-1]["result"]["name"] == ref["name"]:
        found = run.cursor.results[-1]["result"]
    else:
        for e in reversed(run.executions):
            if e["trigger"] != ref["trigger"]:
                continue
            results = store.executions.get(emu.ws, e["id"])["results"]
            hit = next((r for r in reversed(results) if r["action_name"] == ref["name"]), None)
            if hit:
                em = hit["emulator"]
                found = {"name": hit["action_name"], "handler": em["handler"], "commands": em["commands"],
                         "logs": em["logs"], "http": em.get("http", []), "error": em["error"], "timings": em["timings"]}
            break
    if found is None:
        return None
    return {"trigger": ref["trigger"], "version": ref["version"], **found}


def state_so_far(run: FlowRun) -> dict:
    """What the actions have asked for so far and what the run is doing about it."""
    ctx = run.ctx
    pending = ((run.cursor.state or {}).get("pending_metadata") if run.cursor else None) or {}
    out = {"claims": ctx.get("claims", {"id_token": {}, "access_token": {}}),
           "pending_metadata": {k: v for k, v in pending.items() if v},
           "transaction_metadata": ((run.cursor.state or {}).get("transaction_metadata") if run.cursor else None) or {},
           "user_id": ctx.get("user_id"), "connection": (ctx.get("connection") or {}).get("name")}
    if run.kind in ("login", login.SMS_MFA):
        out["scopes"] = login.scopes(run)
        if ctx.get("mfa_provider"):
            out["multifactor"] = ctx["mfa_provider"]
    if run.status == DENIED or run.error:
        out["denial"] = run.error
    need = (run.waiting or {}).get("for")
    if need in ("continue", "form"):
        out["redirect"] = run.waiting
    elif need in ("otp", "phone"):
        out["mfa"] = {k: v for k, v in run.waiting.items() if k != "for"}
    return out
