"""SMS multi-factor authentication: enrolment of a phone number and challenges, with one-time codes.

A code is generated (fixed in deterministic mode), then delivered: through the tenant's send-phone-message
actions when any are bound (they receive `message_options`), and in every case recorded in the outbox
(with the way it went), since nothing really leaves the machine. Auth0's SMS limits apply: 10 sends per
user per hour and 10 wrong codes per transaction. Each event is logged with Auth0's gd_* codes.
"""
from __future__ import annotations

from .. import store, triggers
from ..triggers import custom_phone_provider as phone_provider
from . import chain, delivery, events
from .run import FAILED, MFA_REQUIRED, FlowRun

CODE_TTL_MS = 5 * 60 * 1000  # how long a code is valid (Auth0 does not publish it; README behaviour notes)
MAX_SENDS_PER_HOUR = 10
MAX_WRONG_CODES = 10
FIXED_CODE = "123456"
SEND_PHONE_MESSAGE = triggers.SEND_PHONE_MESSAGE


def _log(emu, run: FlowRun, type_: str, description: str, **details) -> None:
    user = store.directory.get_user(emu.ws, run.tenant, run.ctx["user_id"]) if run.ctx.get("user_id") else None
    record = store.logs.add(emu.ws, run.tenant, type_, description, user=user, details=details)
    run.logs.append(record["log_id"])


def confirmed_phone(emu, run: FlowRun) -> str | None:
    return store.authenticators.confirmed_phone(emu.ws, run.tenant, run.ctx["user_id"])


def _code(emu, run: FlowRun) -> str:
    return FIXED_CODE if run.deterministic else f"{int(emu.ws.ids.hex(8), 16) % 1_000_000:06d}"


async def send_code(emu, run: FlowRun, phone: str, action: str) -> bool:
    """Generate and deliver a code; False (and the run failed) when it could not be sent."""
    since = emu.ws.clock.iso(emu.ws.clock.now_ms() - 3600_000)
    if store.outbox.count_since(emu.ws, run.tenant, phone, since, "sms_otp") >= MAX_SENDS_PER_HOUR:
        _log(emu, run, "gd_otp_rate_limit_exceed", "Too many SMS sent in the last hour", phone_number=phone)
        run.status, run.waiting = FAILED, None
        run.error = {"error": "too_many_attempts", "error_description": "Too many SMS were sent; try again later."}
        return False
    code = _code(emu, run)
    client_name = run.ctx.get("client", {}).get("name", "your application")
    text = f"{code} is your verification code for {client_name}. Please enter this code to verify your enrollment." \
        if action == "enrollment" else f"{code} is your verification code for {client_name}."
    via = "outbox"
    # A custom phone provider takes precedence over send-phone-message actions, as in Auth0.
    sent = await delivery.through_provider(emu, run, triggers.CUSTOM_PHONE_PROVIDER, phone_provider.notification(
        phone, code, text, "otp_enroll" if action == "enrollment" else "otp_verify"))
    if sent is not None:
        via = triggers.CUSTOM_PHONE_PROVIDER
        if not sent.delivered:
            store.outbox.add(emu.ws, run.tenant, "sms", phone, text,
                             meta={"kind": "sms_otp", "via": via, "action": action, **sent.meta()})
            _log(emu, run, "gd_send_sms_failure", f"The custom phone provider {sent.outcome} the SMS",
                 phone_number=phone, reason=sent.reason, attempts=sent.attempts)
            run.status, run.waiting = FAILED, None
            run.error = {"error": "sms_provider_error",
                         "error_description": f"The SMS could not be sent ({sent.outcome}"
                                              f"{': ' + sent.reason if sent.reason else ''})."}
            return False
    elif store.bindings.get(emu.ws, run.tenant, SEND_PHONE_MESSAGE):
        event = events.build(emu, run, SEND_PHONE_MESSAGE, {"message_options": {
            "action": action, "code": code, "message_type": "sms", "recipient": phone, "text": text}})
        steps = await chain.run_whole(emu, run, SEND_PHONE_MESSAGE, event)
        if any(s.result.error for s in steps):
            _log(emu, run, "gd_send_sms_failure", "Failed to send SMS", phone_number=phone,
                 error=next(s.result.error.message for s in steps if s.result.error))
            run.status, run.waiting = FAILED, None
            run.error = {"error": "sms_provider_error", "error_description": "The SMS could not be sent."}
            return False
        via = SEND_PHONE_MESSAGE
    meta = {"kind": "sms_otp", "via": via, "action": action, **(sent.meta() if sent is not None else {})}
    store.outbox.add(emu.ws, run.tenant, "sms", phone, text, meta=meta)
    _log(emu, run, "gd_send_sms", f"SMS sent to {phone}", phone_number=phone, via=via)
    run.ctx["mfa"] = {**run.ctx.get("mfa", {}), "code": code, "issued_ms": emu.ws.clock.now_ms(), "phone": phone,
                      "action": action}
    run.status, run.waiting = MFA_REQUIRED, {"for": "otp", "phone": phone, "action": action}
    return True


async def begin(emu, run: FlowRun, enroll: bool) -> None:
    """Start an SMS enrolment (needs a phone number) or a challenge of the user's enrolled phone.

    A login through the token endpoint (input `mfa_api`) only waits: the application drives MFA with
    /mfa/associate or /mfa/challenge, and the SMS goes out then, as Auth0 sends it."""
    phone = None if enroll else confirmed_phone(emu, run)
    if run.inputs.get("mfa_api"):
        run.status, run.waiting = MFA_REQUIRED, {"for": "challenge" if phone else "associate"}
        return
    if phone is None:
        number = run.inputs.get("phone")
        _log(emu, run, "gd_start_enroll", "Second factor enrollment started")
        if not number:
            run.status, run.waiting = MFA_REQUIRED, {"for": "phone"}
            return
        await send_code(emu, run, number, "enrollment")
        return
    _log(emu, run, "gd_start_auth", "Second factor authentication started")
    await send_code(emu, run, phone, "second-factor-authentication")


async def answer(emu, run: FlowRun, reply: dict) -> bool:
    """Give a waiting MFA step what came back: a phone number to enrol (the login page's form, or
    /mfa/associate), a challenge request (/mfa/challenge sends the code, again when asked again), or the
    code. True once MFA is passed."""
    need = (run.waiting or {}).get("for")
    if need in ("phone", "associate") and reply.get("phone"):
        if need == "associate":
            _log(emu, run, "gd_start_enroll", "Second factor enrollment started")
        await send_code(emu, run, reply["phone"], "enrollment")
    elif need == "challenge" and reply.get("challenge"):
        _log(emu, run, "gd_start_auth", "Second factor authentication started")
        await send_code(emu, run, confirmed_phone(emu, run), "second-factor-authentication")
    elif need == "otp" and reply.get("challenge"):  # a new code for the same phone
        await send_code(emu, run, run.waiting["phone"], run.waiting["action"])
    elif need == "otp" and reply.get("otp"):
        return verify(emu, run, str(reply["otp"]))
    return False


def verify(emu, run: FlowRun, otp: str) -> bool:
    """Check a code. True when MFA is done; otherwise the run keeps waiting (or fails past the limit)."""
    mfa = run.ctx.get("mfa", {})
    expired = emu.ws.clock.now_ms() - mfa.get("issued_ms", 0) > CODE_TTL_MS
    if expired or otp != mfa.get("code"):
        mfa["wrong"] = mfa.get("wrong", 0) + 1
        run.ctx["mfa"] = mfa
        reason = "expired" if expired else "wrong"
        _log(emu, run, "gd_auth_failed", f"Second factor authentication failed: {reason} code")
        if mfa["wrong"] >= MAX_WRONG_CODES:
            run.status, run.waiting = FAILED, None
            run.error = {"error": "too_many_attempts", "error_description": "Too many invalid codes."}
        else:
            run.waiting = {**(run.waiting or {}), "error": {"error": "invalid_grant",
                                                            "error_description": "Invalid otp_code."
                                                            if not expired else "The code has expired."}}
        return False
    if mfa.get("action") == "enrollment":
        authenticator_id = store.authenticators.add_sms(emu.ws, run.tenant, run.ctx["user_id"], mfa["phone"],
                                                        token=emu.ws.ids.token(16), created_at=emu.ws.clock.iso())
        _log(emu, run, "gd_enrollment_complete", "Guardian enrollment complete", phone_number=mfa["phone"],
             authenticator_id=authenticator_id)
    else:
        _log(emu, run, "gd_auth_succeed", "Second factor authentication succeeded")
    methods = run.ctx.setdefault("methods", [])
    methods.append({"name": "mfa", "timestamp": emu.ws.clock.iso(), "type": "phone"})
    run.ctx["mfa"] = {"satisfied": True}
    run.waiting = None
    return True
