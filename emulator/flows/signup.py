"""Signup with a database connection (POST /dbconnections/signup, spec §7.1):

identifier             -> signup-post-identifier (beta), when bound: may choose the connection
validate               -> e-mail, password policy of the connection, existing user (Auth0's error codes)
pre_user_registration  -> the chain; deny gives `extensibility_error`, validation.error its code
create                 -> the user, with the metadata and setUserId of the chain; `ss` log
post_user_registration -> the async chain, after the outcome, which it never changes
"""
from __future__ import annotations

import asyncio

import re

from .. import password_policy, store, triggers
from . import chain, events, steps
from .run import FAILED, FlowRun

IDENTIFIER, VALIDATE, PRE, CREATE, POST = ("signup_identifier", "validate", "pre_user_registration", "create",
                                          "post_user_registration")
STATES = (IDENTIFIER, VALIDATE, PRE, CREATE, POST)
PRE_TRIGGER, POST_TRIGGER = triggers.PRE_USER_REGISTRATION, triggers.POST_USER_REGISTRATION
IDENTIFIER_TRIGGER = triggers.SIGNUP_POST_IDENTIFIER
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _dberror(code: str, description: str, name: str = "BadRequestError", **extra) -> dict:
    return {"name": name, "code": code, "description": description, "statusCode": 400, **extra}


def _fail(emu, run: FlowRun, error: dict, status: str = FAILED) -> None:
    steps.log(emu, run, "fs", error.get("description") or error.get("message", ""), user={"email": run.inputs["email"]},
              with_executions=True, details={"error": {"message": error.get("description"), "code": error["code"]}})
    steps.finish(run, status, error=error)


async def step(emu, run: FlowRun, answer: dict | None) -> None:
    if run.state == IDENTIFIER:
        await _identifier(emu, run, answer)
    elif run.state == VALIDATE:
        _validate(emu, run)
    elif run.state == PRE:
        await _pre(emu, run, answer)
    elif run.state == CREATE:
        await _create(emu, run)
    elif run.state == POST:
        await _post(emu, run, answer)


async def _identifier(emu, run: FlowRun, answer: dict | None) -> None:
    """signup-post-identifier, when bound: the typed e-mail reaches it as transaction.login_hint (its event
    has no identifier field); setConnectionByName picks the database connection the user signs up with."""
    if run.cursor is None:
        if not store.bindings.get(emu.ws, run.tenant, IDENTIFIER_TRIGGER):
            run.state = VALIDATE
            return
    conn = run.ctx["connection"]
    done = await steps.identifier_chain(emu, run, IDENTIFIER_TRIGGER, answer, lambda: events.build(
        emu, run, IDENTIFIER_TRIGGER, {
            "transaction": {"login_hint": run.inputs.get("email") or ""},
            "initial_connection": {"id": conn["id"], "name": conn["name"], "strategy": conn["strategy"],
                                   "metadata": conn.get("metadata", {})}}))
    if done is None:
        return
    action = done[-1]  # only the last can have failed
    if action.result.error:
        _fail(emu, run, _dberror("extensibility_error", action.result.error.message))
        return
    for cmd in (c for step_ in done for c in step_.result.commands if not c.get("error")):
        if cmd["name"] == "authentication.setConnectionByName":
            found = next((c for c in store.directory.connections(emu.ws, run.tenant) if c["name"] == cmd["args"][0]),
                         None)
            if found is None or found["strategy"] != "auth0":
                _fail(emu, run, _dberror("invalid_connection", f"The connection {cmd['args'][0]!r} is not a "
                                         "database connection of this tenant."))
                return
            run.ctx["connection"] = found
        elif cmd["name"] == "authentication.setOrganization":
            run.ctx["organization"] = cmd["args"][0]
    if action.finished:
        run.cursor, run.state = None, VALIDATE


def _validate(emu, run: FlowRun) -> None:
    email, password = run.inputs.get("email") or "", run.inputs.get("password") or ""
    conn = run.ctx["connection"]
    if not _EMAIL.match(email):
        _fail(emu, run, _dberror("invalid_signup", "Invalid sign up"))
        return
    options = conn.get("options", {})
    problem = password_policy.check(password, options.get("passwordPolicy", "good"),
                                    (options.get("password_complexity_options") or {}).get("min_length"))
    if problem:
        _fail(emu, run, _dberror("invalid_password", problem, name="PasswordStrengthError",
                                 policy=options.get("passwordPolicy", "good")))
        return
    if store.directory.find_user(emu.ws, run.tenant, email, conn["name"]):
        _fail(emu, run, _dberror("user_exists", "The user already exists."))
        return
    run.state = PRE


def _proposed_user(run: FlowRun) -> dict:
    user = {"email": run.inputs["email"], "app_metadata": {}, "user_metadata": run.inputs.get("user_metadata") or {}}
    for key in ("username", "phone_number", "given_name", "family_name", "name", "nickname", "picture"):
        if run.inputs.get(key):
            user[key] = run.inputs[key]
    return user


async def _pre(emu, run: FlowRun, answer: dict | None) -> None:
    if run.cursor is None:
        event = events.build(emu, run, PRE_TRIGGER)
        event["user"] = _proposed_user(run)  # the proposed profile replaces the sample one entirely
        run.cursor = chain.start(emu, run, PRE_TRIGGER, event)
    elif (run.waiting or {}).get("for") == "event":
        steps.answer_breakpoint(run, answer or {})
    if run.cursor.index >= len(run.cursor.actions):
        run.state = CREATE
        return
    done = await steps.advance(emu, run)
    if done is None:
        return
    for step in done:
        for cmd in step.result.commands:
            if cmd["name"] == "user.setUserId" and not cmd.get("error"):
                run.ctx["user_id_override"] = cmd["args"][0]
    action = done[-1]  # only the last can have failed or asked to stop
    if action.result.error:
        message = action.result.error.message
        _fail(emu, run, {"name": "InternalExtensibilityError", "statusCode": 400, "code": "extensibility_error",
                         "message": message, "description": message, "fromSandbox": True})
        return
    command = action.effect_command
    if command and command["name"] == "access.deny":
        reason, user_message = command["args"][0], (command["args"] + [None])[1]
        error = {"name": "InternalExtensibilityError", "statusCode": 400, "code": "extensibility_error",
                 "message": reason, "description": reason, "fromSandbox": True}
        if user_message:
            error["friendly_message"] = user_message
        _fail(emu, run, error, status="denied")
        return
    if command and command["name"] == "validation.error":
        _fail(emu, run, {"name": "ValidationError", "statusCode": 400, "code": command["args"][0],
                         "description": command["args"][1]}, status="denied")
        return
    if action.finished:
        run.state = CREATE


async def _create(emu, run: FlowRun) -> None:
    pending = ((run.cursor.state or {}).get("pending_metadata") if run.cursor else None) or {}
    proposed = _proposed_user(run)
    meta = {f: {k: v for k, v in {**proposed[f], **(pending.get(f) or {})}.items() if v is not None}
            for f in ("app_metadata", "user_metadata")}
    override = run.ctx.get("user_id_override")
    hashed = await asyncio.to_thread(store.directory.hash_password, run.inputs["password"])  # off the loop
    user = store.directory.create_user(
        emu.ws, run.tenant, email=proposed["email"], password_hash=hashed,
        connection_name=run.ctx["connection"]["name"], username=proposed.get("username"),
        phone_number=proposed.get("phone_number"), app_metadata=meta["app_metadata"],
        user_metadata=meta["user_metadata"], user_id=f"auth0|{override}" if override else None,
        profile={k: proposed[k] for k in ("given_name", "family_name", "name", "nickname", "picture") if k in proposed}
        | {"email_verified": False})
    run.ctx["user_id"] = user["user_id"]
    run.cursor = None
    steps.log(emu, run, "ss", "Successful signup", with_executions=True)
    # Auth0's /dbconnections/signup answer echoes the profile fields the request gave (not the defaults
    # it fills in: those are in the stored user).
    run.result = {"user": {"_id": user["user_id"].split("|", 1)[1], "email": user["email"], "email_verified": False,
                           **{k: user[k] for k in ("username", "given_name", "family_name", "name", "nickname", "picture")
                              if user.get(k) and (k == "username" or proposed.get(k))}}}
    run.state = POST


async def _post(emu, run: FlowRun, answer: dict | None) -> None:
    """Async: runs after the signup succeeded; its failures reach only the logs and executions."""
    await chain.run_whole(emu, run, POST_TRIGGER, events.build(emu, run, POST_TRIGGER))
    steps.success(run, run.result)
