"""Login with a database connection (identifier first), as Universal Login runs it:

identifier  -> login-post-identifier chain; setConnectionByName picks the connection
password    -> check the password (fu / fp, invalid_user_password)
post_login  -> post-login chain, one action per step: deny, claims and scopes, metadata written once,
               redirects and forms resumed in onContinuePostLogin, MFA challenges resumed at the next action
mfa         -> MFA requested by multifactor.enable, after all actions
tokens      -> RS256 ID and access tokens; `s` log with the executions
"""
from __future__ import annotations

import asyncio

from .. import store, tokens, triggers
from ..store.db import transaction
from ..errors import ManagementError
from . import events, mfa, steps
from .run import FAILED, RUNNING, FlowRun

IDENTIFIER, PASSWORD, POST_LOGIN, MFA, TOKENS = "identifier", "password", "post_login", "mfa", "tokens"
STATES = (IDENTIFIER, PASSWORD, POST_LOGIN, MFA, TOKENS)
SMS_MFA = "sms_mfa"  # the journey kind: a login that always asks for the SMS second factor
LOGIN_POST_IDENTIFIER, POST_LOGIN_TRIGGER = triggers.LOGIN_POST_IDENTIFIER, triggers.POST_LOGIN
WRONG = {"error": "invalid_user_password", "error_description": "Wrong email or password."}
BLOCKED = {"error": "too_many_attempts", "error_description": "Your account has been blocked after multiple consecutive "
                                                              "login attempts. We've sent you an email with instructions "
                                                              "on how to unblock it."}
DEFAULT_IP = "13.33.86.47"  # the example events' request.ip (triggers/events_common.py)


async def step(emu, run: FlowRun, answer: dict | None) -> None:
    if run.state == IDENTIFIER:
        await _identifier(emu, run, answer)
    elif run.state == PASSWORD:
        await _password(emu, run)
    elif run.state == POST_LOGIN:
        await _post_login(emu, run, answer)
    elif run.state == MFA:
        await _final_mfa(emu, run, answer)
    elif run.state == TOKENS:
        await tokens.ensure_key(emu.ws, run.tenant)  # the first login of a tenant makes its key off the loop
        await _tokens(emu, run)


async def _identifier(emu, run: FlowRun, answer: dict | None) -> None:
    if run.cursor is None:
        if not store.bindings.get(emu.ws, run.tenant, LOGIN_POST_IDENTIFIER):
            run.state = PASSWORD
            return
    done = await steps.identifier_chain(emu, run, LOGIN_POST_IDENTIFIER, answer, lambda: events.build(
        emu, run, LOGIN_POST_IDENTIFIER, {"transaction": {"identifier": run.inputs["email"]}}))
    if done is None:
        return
    action = done[-1]  # only the last can have failed
    if action.result.error:
        log_failure(emu, run, {"error": "access_denied", "error_description": action.result.error.message})
        return
    for cmd in (c for step_ in done for c in step_.result.commands):
        if cmd["name"] in ("authentication.setConnectionByName", "setConnection") and not cmd.get("error"):
            try:
                run.ctx["connection"] = store.directory.connection(emu.ws, run.tenant, cmd["args"][0])
            except ManagementError:
                log_failure(emu, run, {"error": "invalid_request",
                                       "error_description": f"the connection {cmd['args'][0]!r} does not exist"})
                return
    if action.finished:
        run.cursor, run.state = None, PASSWORD


async def _password(emu, run: FlowRun) -> None:
    if run.inputs.get("sso_user_id"):
        # An existing session (silent authentication, a refresh token): no password is asked; Auth0 still
        # runs post-login.
        run.ctx["user_id"] = run.inputs["sso_user_id"]
        run.ctx["methods"] = run.inputs.get("sso_methods") or [{"name": "pwd", "timestamp": emu.ws.clock.iso()}]
        run.ctx["logins_count"] = store.directory.logins_count(emu.ws, run.tenant, run.ctx["user_id"]) + 1
        run.state = POST_LOGIN
        return
    conn = run.ctx["connection"]
    if conn["strategy"] != "auth0":
        log_failure(emu, run, {"error": "invalid_request", "error_description":
                               f"{conn['name']} is a {conn['strategy']} connection: the emulator only checks "
                               f"passwords of database connections"})
        return
    user = store.directory.find_user(emu.ws, run.tenant, run.inputs["email"], conn["name"])
    if user is None:
        steps.log(emu, run, "fu", "Wrong email or password.", user={"email": run.inputs["email"]},
                  details={"error": {"message": "Wrong email or password."}})
        steps.finish(run, FAILED, error=WRONG)
        return
    run.ctx["user_id"] = user["user_id"]
    ip = request_ip(run)
    if store.brute_force.is_blocked(emu.ws, run.tenant, user["user_id"], ip):
        steps.log(emu, run, "f", BLOCKED["error_description"], details={"error": {"message": BLOCKED["error_description"]}})
        steps.finish(run, FAILED, error=BLOCKED)
        return
    # bcrypt takes tens of milliseconds: off the event loop, so the app keeps redrawing during batches
    # (a verification this process already made is remembered, see store.directory.remembered).
    stored, typed = store.directory.password_hash(emu.ws, run.tenant, user["user_id"]), run.inputs.get("password") or ""
    if not (store.directory.remembered(stored, typed)
            or await asyncio.to_thread(store.directory.verify_password, stored, typed)):
        steps.log(emu, run, "fp", "Wrong email or password.", details={"error": {"message": "Wrong email or password."}})
        if store.brute_force.failed(emu.ws, run.tenant, user["user_id"], ip):
            _blocked(emu, run, user, ip)
            steps.finish(run, FAILED, error=BLOCKED)
            return
        steps.finish(run, FAILED, error=WRONG)
        return
    store.brute_force.succeeded(emu.ws, run.tenant, user["user_id"], ip)
    run.ctx["methods"] = [{"name": "pwd", "timestamp": emu.ws.clock.iso()}]
    # Auth0 counts this login before the actions run (README behaviour notes).
    run.ctx["logins_count"] = store.directory.logins_count(emu.ws, run.tenant, user["user_id"]) + 1
    run.state = POST_LOGIN


def request_ip(run: FlowRun) -> str:
    """The IP address the login came from: the local server's client, else the example event's."""
    return ((run.inputs.get("event") or {}).get("request") or {}).get("ip") or DEFAULT_IP


def _blocked(emu, run: FlowRun, user: dict, ip: str) -> None:
    """The failure that reached the limit: Auth0's `limit_wc` log and, with the user_notification shield,
    the e-mail telling the user (the unblock is a password reset, or an admin's, here)."""
    steps.log(emu, run, "limit_wc", f"An IP address is blocked with {ip} because it reached the maximum failed "
                                     f"login attempts into a single account.", details={"ip": ip})
    settings = store.brute_force.settings(emu.ws, run.tenant)
    if user.get("email") and "user_notification" in settings["shields"]:
        store.outbox.add(emu.ws, run.tenant, "email", user["email"],
                         f"We detected {settings['max_attempts']} consecutive "
                         f"failed login attempts into your account from {ip}, and blocked logins from there. Reset "
                         f"your password to unblock it.", subject="Your account has been blocked",
                         meta={"kind": "brute_force_block", "ip": ip})


def log_failure(emu, run: FlowRun, error: dict, status: str = FAILED) -> None:
    steps.log(emu, run, "f", error["error_description"], with_executions=True,
              details={"error": {"message": error["error_description"], "oauthError": error["error"]}})
    steps.finish(run, status, error=error)


async def _post_login(emu, run: FlowRun, answer: dict | None) -> None:
    await steps.blocking_chain(emu, run, POST_LOGIN_TRIGGER, answer, on_end=lambda: _end_of_chain(emu, run),
                               on_fail=lambda error, status: log_failure(emu, run, error, status))


def _end_of_chain(emu, run: FlowRun) -> None:
    steps.persist_metadata(emu, run)  # one batched user update at the end of the trigger
    run.cursor = None
    # The SMS MFA journey is a login on a tenant whose MFA policy is "Always" (README behaviour notes); a
    # tenant whose policy is all-applications asks every login, unless an action said "none".
    provider = run.ctx.get("mfa_provider")
    always = store.tenants.mfa_policy(emu.ws, run.tenant) == "all-applications" and provider != "none"
    wanted = run.kind == SMS_MFA or always or provider not in (None, "none")
    run.state = MFA if wanted and not run.ctx.get("mfa", {}).get("satisfied") else TOKENS


async def _final_mfa(emu, run: FlowRun, answer: dict | None) -> None:
    need = (run.waiting or {}).get("for")
    if need is None:
        await mfa.begin(emu, run, enroll=mfa.confirmed_phone(emu, run) is None)
    elif answer and await mfa.answer(emu, run, answer):
        run.state, run.status = TOKENS, RUNNING


def scopes(run: FlowRun) -> list[str]:
    scopes = (run.inputs.get("scope") or "openid profile email").split()
    for op, scope in run.ctx.get("scope_ops", []):
        if op == "add" and scope not in scopes:
            scopes.append(scope)
        elif op == "remove" and scope in scopes:
            scopes.remove(scope)
    return scopes


def session_of(emu, run: FlowRun) -> dict:
    """The login session the tokens belong to: the one the login continues (single sign-on, a refresh:
    `sid`, `auth_time` and `amr` as inputs), else a new one. Every token of a session carries the same
    `sid` and `auth_time`, and `amr: ["mfa"]` once the session passed an MFA challenge, as Auth0's do."""
    mfa_now = bool(run.ctx.get("mfa", {}).get("satisfied"))
    amr = list(run.inputs.get("amr") or [])
    if mfa_now and "mfa" not in amr:
        amr.append("mfa")
    return {"sid": run.inputs.get("sid") or f"sess_{run.id[:12]}",
            "auth_time": run.inputs.get("auth_time") or emu.ws.clock.now_ms() // 1000, "amr": amr}


async def _tokens(emu, run: FlowRun) -> None:
    """Sign the tokens (off the event loop), then the login's record, its log and the success in one short
    transaction."""
    ctx = run.ctx
    user_id = ctx["user_id"]
    subject = ctx.get("primary_user") or user_id
    profile = events.user_profile(emu, run)
    if subject != user_id:
        profile = {**profile, "user_id": subject}
    claims = ctx.get("claims", {"id_token": {}, "access_token": {}})
    session = session_of(emu, run)
    extra_id = {"amr": session["amr"]} if session["amr"] else {}
    if run.inputs.get("c_hash"):
        extra_id["c_hash"] = run.inputs["c_hash"]
    minted = await tokens.mint_async(emu.ws, run.tenant, user=profile, client_id=ctx["client"]["client_id"],
                                     audience=run.inputs.get("audience"), scopes=scopes(run),
                                     id_claims=claims["id_token"], access_claims=claims["access_token"],
                                     session_id=session["sid"], auth_time_s=session["auth_time"],
                                     nonce=run.inputs.get("nonce"), iss=run.inputs.get("issuer"), extra_id=extra_id)
    ctx["session"] = session
    with transaction(emu.ws):
        count = store.directory.record_login(emu.ws, run.tenant, user_id)
        steps.log(emu, run, "s", "Success Login", with_executions=True, details={"stats": {"loginsCount": count}})
        steps.success(run, {"tokens": minted})
