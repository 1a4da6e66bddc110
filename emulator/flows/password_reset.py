"""Password reset (POST /dbconnections/change_password, then the Universal Login reset page, §1.8, §7.2):

request        -> `scpr`, an e-mail with the reset link into the outbox (the same answer whether or not the
                  user exists, as Auth0 does)
link           -> the user follows the link (its ticket)
post_challenge -> password-reset-post-challenge chain: deny, MFA challenges, redirects resumed in
                  onContinuePostChallenge, transaction.setResultUrl
new_password   -> policy check, the new password; `scp` / `fcp`
post_change    -> the async post-change-password chain
"""
from __future__ import annotations

import asyncio

from .. import password_policy, store, tokens, triggers
from ..triggers import custom_email_provider as email_provider
from . import chain, delivery, events, steps
from .run import FAILED, RUNNING, WAITING, FlowRun

REQUEST, LINK, POST_CHALLENGE, NEW_PASSWORD, POST_CHANGE = (
    "request", "link", "post_challenge", "new_password", "post_change")
STATES = (REQUEST, LINK, POST_CHALLENGE, NEW_PASSWORD, POST_CHANGE)
CHALLENGE_TRIGGER, CHANGE_TRIGGER = triggers.PASSWORD_RESET_POST_CHALLENGE, triggers.POST_CHANGE_PASSWORD
SENT = "We've just sent you an email to reset your password."


async def step(emu, run: FlowRun, answer: dict | None) -> None:
    if run.state == REQUEST:
        await _request(emu, run)
    elif run.state == LINK:
        _link(emu, run, answer)
    elif run.state == POST_CHALLENGE:
        await _post_challenge(emu, run, answer)
    elif run.state == NEW_PASSWORD:
        await _new_password(emu, run, answer)
    elif run.state == POST_CHANGE:
        await chain.run_whole(emu, run, CHANGE_TRIGGER, events.build(emu, run, CHANGE_TRIGGER))
        steps.success(run, run.result)


async def _request(emu, run: FlowRun) -> None:
    email = run.inputs["email"]
    user = store.directory.find_user(emu.ws, run.tenant, email, run.ctx["connection"]["name"])
    if user is None:
        steps.log(emu, run, "fcpr", "Failed change password request: user not found", user={"email": email})
        steps.success(run, {"message": SENT})  # the client cannot tell (no user enumeration)
        return
    run.ctx["user_id"] = user["user_id"]
    ticket = emu.ws.ids.token(32)
    run.ctx["ticket"] = ticket
    # A local server gives its own URL, so that the e-mailed link opens its reset page.
    base = run.inputs.get("base_url") or f"https://{tokens.domain(run.tenant)}/"
    link = f"{base}u/reset-verify?ticket={ticket}#"
    body, subject = f"Follow this link to reset your password: {link}", "Reset your password"
    meta = {"kind": "reset_link", "link": link, "ticket": ticket}
    sent = await delivery.through_provider(emu, run, triggers.CUSTOM_EMAIL_PROVIDER,
                                           email_provider.notification(email, subject, body, "reset_email"))
    if sent is not None:
        meta |= {"via": triggers.CUSTOM_EMAIL_PROVIDER, **sent.meta()}
    store.outbox.add(emu.ws, run.tenant, "email", email, body, subject=subject, meta=meta)
    if sent is not None and not sent.delivered:
        # Auth0's "Failed Sending Notification": the user never gets the link.
        steps.log(emu, run, "fn", f"The custom email provider {sent.outcome} the e-mail",
                  details={"reason": sent.reason, "attempts": sent.attempts, "message_type": "reset_email"})
        steps.finish(run, FAILED, error={"error": "email_provider_error", "error_description":
                                         f"The e-mail could not be sent ({sent.outcome}"
                                         f"{': ' + sent.reason if sent.reason else ''})."})
        return
    steps.log(emu, run, "scpr", "Success Change Password Request")
    run.status, run.waiting, run.state = WAITING, {"for": "link", "email": email}, LINK


def _link(emu, run: FlowRun, answer: dict | None) -> None:
    if not answer or "ticket" not in answer:
        return
    if answer["ticket"] != run.ctx["ticket"]:
        steps.log(emu, run, "fcp", "Failed Change Password: invalid ticket")
        steps.finish(run, FAILED, error={"error": "invalid_request", "error_description": "The link is invalid."})
        return
    run.ctx["methods"] = [{"name": "email", "timestamp": emu.ws.clock.iso()}]
    run.ctx["logins_count"] = store.directory.logins_count(emu.ws, run.tenant, run.ctx["user_id"])
    run.status, run.waiting, run.state = RUNNING, None, POST_CHALLENGE


async def _post_challenge(emu, run: FlowRun, answer: dict | None) -> None:
    await steps.blocking_chain(emu, run, CHALLENGE_TRIGGER, answer, on_end=lambda: _to_new_password(run),
                               on_fail=lambda error, status: _fail(emu, run, error, status))


def _to_new_password(run: FlowRun) -> None:
    run.cursor = None
    run.state = NEW_PASSWORD
    run.status, run.waiting = WAITING, {"for": "new_password"}


def _fail(emu, run: FlowRun, error: dict, status: str = FAILED) -> None:
    steps.log(emu, run, "fcp", error["error_description"], with_executions=True,
              details={"error": {"message": error["error_description"]}})
    steps.finish(run, status, error=error)


async def _new_password(emu, run: FlowRun, answer: dict | None) -> None:
    password = (answer or {}).get("new_password")
    if not password:
        return
    options = run.ctx["connection"].get("options", {})
    problem = password_policy.check(password, options.get("passwordPolicy", "good"),
                                    (options.get("password_complexity_options") or {}).get("min_length"))
    if problem:
        steps.log(emu, run, "fcp", "Failed Change Password: " + problem)
        run.waiting = {"for": "new_password", "error": {"name": "PasswordStrengthError", "code": "invalid_password",
                                                        "description": problem, "statusCode": 400}}
        return
    hashed = await asyncio.to_thread(store.directory.hash_password, password)  # bcrypt, off the event loop
    store.directory.set_password(emu.ws, run.tenant, run.ctx["user_id"], password_hash=hashed)
    store.brute_force.lift(emu.ws, run.tenant, run.ctx["user_id"])  # Auth0: a password reset unblocks the user
    steps.log(emu, run, "scp", "Success Change Password", with_executions=True)
    run.result = {"message": "Your password has been changed successfully.",
                  "result_url": run.ctx.get("result_url")}
    run.status, run.waiting, run.state = RUNNING, None, POST_CHANGE
