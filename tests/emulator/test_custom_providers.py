"""custom-phone-provider and custom-email-provider: the journeys' SMS (MFA codes) and e-mails (the reset
link) go through the bound action, with Auth0's event.notification; drop fails for good, retry (or a
failing action) tries again up to 5 times; the outbox and the tenant logs say what happened; a custom
phone provider takes precedence over send-phone-message."""
from __future__ import annotations

import json

from emulator import flows, triggers

from .conftest import flow, tenant_with

PHONE, EMAIL, SPM = triggers.CUSTOM_PHONE_PROVIDER, triggers.CUSTOM_EMAIL_PROVIDER, triggers.SEND_PHONE_MESSAGE
RECORD = "console.log(JSON.stringify(event.notification));"
# Counts its attempts in the trigger's cache (kept between executions), and retries until `n` attempts.
RETRY_UNTIL = """const seen = Number((api.cache.get('n') || {value: '0'}).value) + 1;
api.cache.set('n', String(seen));
if (seen < %d) api.notification.retry('busy, attempt ' + seen);"""


def _sms_login(core, tenant="acme"):
    run = flows.start(core.emu, tenant, "sms_mfa", {"email": "ann@example.com", "password": "Str0ng-Passw0rd!",
                                                     "phone": "+64211234567"})
    return core.run(flows.run_to_end(core.emu, run, None))


def _attempts(core, run) -> list[dict]:
    return [r for e in run.executions if e["trigger"] == PHONE or e["trigger"] == EMAIL
            for r in core.emu.execution(e["id"])["results"]]


def test_an_sms_goes_through_the_custom_phone_provider_before_send_phone_message(core):
    tenant_with(core, {PHONE: [RECORD], SPM: ["throw new Error('send-phone-message must not run');"]})
    run = _sms_login(core)
    assert run.status == "mfa_required" and run.waiting["for"] == "otp"
    sms = core.emu.outbox("acme")[0]
    assert sms["meta"]["via"] == PHONE and sms["meta"]["outcome"] == "delivered" and sms["meta"]["attempts"] == 1
    [result] = _attempts(core, run)
    seen = json.loads(result["emulator"]["logs"][0]["message"])
    assert seen["recipient"] == "+64211234567" and seen["message_type"] == "otp_enroll"
    assert seen["code"] == sms["body"].split()[0] and seen["as_text"] == sms["body"] and seen["delivery_method"] == "text"
    assert all(e["trigger"] != SPM for e in run.executions)  # the provider took precedence
    done = core.run(flows.run_to_end(core.emu, run, flows.Answers(otp=seen["code"])))
    assert done.status == "success"


def test_a_dropped_sms_fails_the_journey_and_says_why(core):
    tenant_with(core, {PHONE: ["api.notification.retry('first'); api.notification.drop('no credit left');"]})
    run = _sms_login(core)
    assert run.status == "failed" and run.error["error"] == "sms_provider_error"
    assert "dropped: no credit left" in run.error["error_description"]
    sms = core.emu.outbox("acme")[0]
    assert sms["meta"]["outcome"] == "dropped" and sms["meta"]["reason"] == "no credit left"
    failure = next(r for r in core.emu.logs("acme", limit=20) if r["type"] == "gd_send_sms_failure")
    assert failure["details"]["reason"] == "no credit left" and failure["details"]["attempts"] == 1


def test_retries_until_the_provider_delivers_or_gives_up_after_five(core):
    tenant_with(core, {PHONE: [RETRY_UNTIL % 3]})
    run = _sms_login(core)
    assert run.status == "mfa_required"
    sms = core.emu.outbox("acme")[0]
    assert sms["meta"]["outcome"] == "delivered" and sms["meta"]["attempts"] == 3
    tenant_with(core, {PHONE: ["api.notification.retry('still busy');"]}, tenant="beta")
    failed = _sms_login(core, "beta")
    assert failed.status == "failed" and len(_attempts(core, failed)) == 6
    assert core.emu.outbox("beta")[0]["meta"] == {"kind": "sms_otp", "via": PHONE, "action": "enrollment",
                                                  "outcome": "failed", "attempts": 6, "reason": "still busy"}
    tenant_with(core, {PHONE: ["throw new Error('provider down');"]}, tenant="gamma")  # a failure is retried too
    thrown = _sms_login(core, "gamma")
    assert thrown.status == "failed" and "provider down" in thrown.error["error_description"]
    assert len(_attempts(core, thrown)) == 6


def test_the_reset_email_goes_through_the_custom_email_provider(core):
    tenant_with(core, {EMAIL: [RECORD]})
    run = flow(core, "password_reset", {})
    assert run.status == "waiting" and run.waiting["for"] == "link"
    mail = core.emu.outbox("acme")[0]
    assert mail["meta"]["via"] == EMAIL and mail["meta"]["outcome"] == "delivered"
    [result] = _attempts(core, run)
    seen = json.loads(result["emulator"]["logs"][0]["message"])
    assert seen["to"] == "ann@example.com" and seen["message_type"] == "reset_email"
    assert mail["meta"]["link"] in seen["text"] and seen["subject"] == "Reset your password" and "<p>" in seen["html"]
    tenant_with(core, {EMAIL: ["api.notification.drop('blocked domain');"]}, tenant="beta")
    dropped = core.run(flows.run_to_end(core.emu, flows.start(core.emu, "beta", "password_reset", {
        "email": "ann@example.com"}), None))
    assert dropped.status == "failed" and dropped.error["error"] == "email_provider_error"
    assert next(r for r in core.emu.logs("beta", limit=5) if r["type"] == "fn")["details"]["reason"] == "blocked domain"


def test_the_default_events_run_and_record_the_verdict(core):
    from emulator.runtime import build_event

    for trigger in (PHONE, EMAIL):
        event = build_event(trigger, None)
        assert set(event["notification"]) >= ({"as_text", "as_voice", "code", "delivery_method", "message_type",
                                               "recipient"} if trigger == PHONE else
                                              {"from", "html", "locale", "message_type", "subject", "text", "to"})
        tenant_with(core, {trigger: ["api.notification.drop('x'.repeat(2000));"]}, tenant=f"t-{trigger[7:12]}")
        result, _record, _ = core.run(core.emu.run_action(f"t-{trigger[7:12]}", f"{trigger}-1", "draft", None))
        assert [c["name"] for c in result.actions[0].commands] == ["notification.drop"]
