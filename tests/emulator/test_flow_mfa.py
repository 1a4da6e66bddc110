"""SMS MFA in logins: enrolment and challenges from actions (challengeWith/enrollWith) and from
multifactor.enable, codes delivered through a custom send-phone-message action or the outbox, wrong and
expired codes, and Auth0's send and attempt limits, with gd_* logs."""
from __future__ import annotations

import base64
import json

from emulator import flows, store

from .conftest import PASSWORD, flow, tenant_with

PL, SPM = "post-login", "send-phone-message"
PROVIDER = "console.log(JSON.stringify(event.message_options));"
ENROLL = "api.authentication.enrollWith({type: 'phone'});"
CHALLENGE = "api.authentication.challengeWith({type: 'phone', options: {preferredMethod: 'sms'}});"
AFTER = "console.log(JSON.stringify(event.authentication.methods.map((m) => m.name)), event.user.enrolledFactors.length);"


def _sent(core, run):
    """The message_options the custom provider action received, from its stored execution."""
    import json

    for ref in run.executions:
        if ref["trigger"] == SPM:
            return json.loads(core.emu.execution(ref["id"])["results"][0]["emulator"]["logs"][0]["message"])
    return None


def _log_types(core):
    return [l["type"] for l in reversed(core.emu.logs("acme", limit=100))]


def test_enrolment_through_a_custom_provider_then_the_next_action(core):
    tenant_with(core, {PL: [ENROLL, AFTER], SPM: [PROVIDER]})
    run = flow(core, "login", {"phone": "+64211234567"})
    assert run.status == "mfa_required" and run.waiting["for"] == "otp"
    options = _sent(core, run)
    assert options["action"] == "enrollment" and options["recipient"] == "+64211234567"
    assert options["message_type"] == "sms" and options["code"] in options["text"]
    run = core.run(flows.run_to_end(core.emu, run, flows.Answers(otp=options["code"])))
    assert run.status == "success"
    after = core.emu.execution(run.executions[-1]["id"])["results"][0]["emulator"]
    assert after["logs"][0]["message"] == '["pwd","mfa"] 1'
    assert ["gd_start_enroll", "gd_send_sms", "gd_enrollment_complete", "s"] == [
        t for t in _log_types(core) if t in ("gd_start_enroll", "gd_send_sms", "gd_enrollment_complete", "s")]
    assert store.outbox.list_(core.emu.ws, "acme")[0]["meta"]["via"] == SPM


def test_challenge_of_an_enrolled_user_without_a_provider_uses_the_outbox(core):
    tenant_with(core, {PL: [ENROLL]})
    first = flow(core, "login", {"phone": "+64211234567"}, flows.Answers(auto=True))
    assert first.status == "success"
    core.emu.set_bindings("acme", PL, [])
    core.emu.create_action("acme", "challenge", PL, f"exports.onExecutePostLogin = async (e, api) => {{ {CHALLENGE} }};")
    core.emu.deploy("acme", "challenge")
    core.emu.set_bindings("acme", PL, ["challenge"])
    run = flow(core, "login", {})
    assert run.status == "mfa_required" and run.waiting["action"] == "second-factor-authentication"
    sms = store.outbox.list_(core.emu.ws, "acme", "+64211234567")[0]
    assert sms["meta"] == {"kind": "sms_otp", "via": "outbox", "action": "second-factor-authentication"}
    run = core.run(flows.run_to_end(core.emu, run, flows.Answers(otp=sms["body"].split()[0])))
    assert run.status == "success" and "gd_auth_succeed" in _log_types(core)


def test_multifactor_enable_runs_mfa_after_all_actions(core):
    tenant_with(core, {PL: ["api.multifactor.enable('any');", "console.log('second action ran first');"]})
    run = flow(core, "login", {})
    assert run.status == "mfa_required" and run.waiting == {"for": "phone"}
    assert len(core.emu.execution(run.executions[-1]["id"])["results"]) == 2  # both actions ran before MFA
    run = core.run(flows.run_to_end(core.emu, run, flows.Answers(phone="+15550100", auto=True)))
    assert run.status == "success" and run.result["tokens"]


def test_multifactor_enable_none_skips_mfa(core):
    tenant_with(core, {PL: ["api.multifactor.enable('none');"]})
    assert flow(core, "login", {}).status == "success"


def test_wrong_and_expired_codes(core):
    tenant_with(core, {PL: [ENROLL]})
    run = flow(core, "login", {"phone": "+15550100"})
    run = core.run(flows.step(core.emu, run, {"otp": "000000"}))
    assert run.status == "mfa_required" and run.waiting["error"]["error_description"] == "Invalid otp_code."
    code = store.outbox.list_(core.emu.ws, "acme")[0]["body"].split()[0]
    core.clock.advance(5 * 60 * 1000 + 1)
    run = core.run(flows.step(core.emu, run, {"otp": code}))
    assert run.waiting["error"]["error_description"] == "The code has expired."
    assert _log_types(core).count("gd_auth_failed") == 2


def test_ten_wrong_codes_fail_the_login(core):
    tenant_with(core, {PL: [ENROLL]})
    run = flow(core, "login", {"phone": "+15550100"})
    for _ in range(10):
        run = core.run(flows.step(core.emu, run, {"otp": "000000"}))
    assert run.status == "failed" and run.error["error"] == "too_many_attempts"


def test_send_limit_per_hour(core):
    tenant_with(core, {PL: [ENROLL]})
    for _ in range(10):
        store.outbox.add(core.emu.ws, "acme", "sms", "+15550100", "old", meta={"kind": "sms_otp"})
    run = flow(core, "login", {"phone": "+15550100"})
    assert run.status == "failed" and run.error["error"] == "too_many_attempts"
    assert "gd_otp_rate_limit_exceed" in _log_types(core)


def test_a_failing_provider_fails_the_send(core):
    tenant_with(core, {PL: [ENROLL], SPM: ["throw new Error('twilio said no');"]})
    run = flow(core, "login", {"phone": "+15550100"})
    assert run.status == "failed" and run.error["error"] == "sms_provider_error"
    assert "gd_send_sms_failure" in _log_types(core) and "actions_execution_failed" in _log_types(core)


def test_challenge_without_an_enrolled_factor_and_unemulated_factors(core):
    tenant_with(core, {PL: [CHALLENGE]})
    run = flow(core, "login", {})
    assert run.status == "failed" and "no enrolled factor" in run.error["error_description"]
    core.emu.update_draft("acme", "post-login-1", code="exports.onExecutePostLogin = async (e, api) => "
                                                       "{ api.authentication.challengeWith({type: 'webauthn-roaming'}); };")
    core.emu.deploy("acme", "post-login-1")
    run = flow(core, "login", {})
    assert run.status == "failed" and "emulates SMS (phone)" in run.error["error_description"]


def test_password_is_checked_before_any_mfa(core):
    tenant_with(core, {PL: [ENROLL]})
    run = flow(core, "login", {"password": "wrong", "phone": "+15550100"})
    assert run.status == "failed" and store.outbox.list_(core.emu.ws, "acme") == []


def test_deterministic_runs_are_identical(tmp_path):
    from emulator.flows.report import report

    from .conftest import Core

    outputs = []
    for i in range(2):
        core = Core(tmp_path / f"w{i}.sqlite")
        try:
            tenant_with(core, {PL: [ENROLL, "api.idToken.setCustomClaim('https://e/n', event.stats.logins_count);"],
                               SPM: [PROVIDER]})
            run = flows.start(core.emu, "acme", "login", {"email": "ann@example.com", "password": PASSWORD,
                                                           "phone": "+15550100"}, deterministic=True)
            run = core.run(flows.run_to_end(core.emu, run, flows.Answers(auto=True)))
            out = report(core.emu, run)
            assert _sent(core, run)["code"] == "123456"
        finally:
            core.close()
        for t in ("id_token", "access_token"):  # per-workspace RSA keys: compare what was signed
            payload = out["tokens"][t].split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            # at_hash hashes the whole access token, its signature included: it differs per key too.
            claims.pop("at_hash", None)
            out["tokens"][t] = claims
        out["tokens"]["claims"]["id_token"].pop("at_hash")
        for executions in out["executions"].values():
            for e in executions:
                e.pop("execution_id")
        outputs.append(out)
    assert outputs[0] == outputs[1] and outputs[0]["status"] == "success"
