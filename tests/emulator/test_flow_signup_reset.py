"""Signup and password reset journeys with real actions bound, including async triggers that must never
change the outcome."""
from __future__ import annotations

import pytest

from emulator import flows, store

from .conftest import PASSWORD, flow, tenant_with

PRE, POST = "pre-user-registration", "post-user-registration"
CHALLENGE, CHANGE = "password-reset-post-challenge", "post-change-password"
NEW = "N3w-Passw0rd!x"


def test_signup_creates_the_user_with_the_chains_metadata_and_id(core):
    tenant_with(core, {PRE: ["api.user.setAppMetadata('plan', 'free'); api.user.setUserMetadata('locale', 'fr');",
                             "api.user.setUserId('custom-42');"],
                       POST: ["console.log('welcome ' + event.user.user_id);"]}, users=[])
    run = flow(core, "signup", {"email": "new@example.com", "user_metadata": {"src": "web"}})
    assert run.status == "success"
    user = core.emu.users("acme")[0]
    assert user["user_id"] == "auth0|custom-42"
    assert user["app_metadata"] == {"plan": "free"} and user["user_metadata"] == {"src": "web", "locale": "fr"}
    assert run.result["user"] == {"_id": "custom-42", "email": "new@example.com", "email_verified": False}
    post = core.emu.execution(run.executions[-1]["id"])
    assert post["trigger_id"] == POST and post["results"][0]["emulator"]["logs"][0]["message"] == "welcome auth0|custom-42"
    assert core.emu.logs("acme", type_="ss")[0]["details"]["actions"]["executions"] == [run.executions[0]["id"]]
    pre_event = core.emu.execution(run.executions[0]["id"])["event"]
    assert "user_id" not in pre_event["user"] and pre_event["user"]["email"] == "new@example.com"


def test_signup_deny_gives_extensibility_error_and_creates_nobody(core):
    tenant_with(core, {PRE: ["api.access.deny('blocked_domain', 'Use your work e-mail.');"]}, users=[])
    run = flow(core, "signup", {"email": "x@example.com"})
    assert run.status == "denied"
    assert run.error == {"name": "InternalExtensibilityError", "statusCode": 400, "code": "extensibility_error",
                         "message": "blocked_domain", "description": "blocked_domain", "fromSandbox": True,
                         "friendly_message": "Use your work e-mail."}
    assert core.emu.users("acme") == [] and core.emu.logs("acme", type_="fs")


def test_signup_validation_error(core):
    tenant_with(core, {PRE: ["api.validation.error('invalid_phone', 'Use +CC format.');"]}, users=[])
    run = flow(core, "signup", {"email": "x@example.com"})
    assert run.error == {"name": "ValidationError", "statusCode": 400, "code": "invalid_phone",
                         "description": "Use +CC format."}


def test_signup_throw_is_an_extensibility_error(core):
    tenant_with(core, {PRE: ["throw new Error('db unavailable');"]}, users=[])
    run = flow(core, "signup", {"email": "x@example.com"})
    assert run.status == "failed" and run.error["code"] == "extensibility_error" and run.error["message"] == "db unavailable"


@pytest.mark.parametrize("inputs, code, name", [
    ({"email": "ann@example.com"}, "user_exists", "BadRequestError"),
    ({"email": "new@example.com", "password": "short"}, "invalid_password", "PasswordStrengthError"),
    ({"email": "not-an-email"}, "invalid_signup", "BadRequestError"),
])
def test_signup_input_checks(core, inputs, code, name):
    tenant_with(core, {PRE: ["console.log('never');"]})
    run = flow(core, "signup", inputs)
    assert run.status == "failed" and run.error["code"] == code and run.error["name"] == name
    assert run.executions == []


def test_a_failing_post_registration_action_does_not_change_the_signup(core):
    tenant_with(core, {POST: ["throw new Error('crm down');", "console.log('second');"]}, users=[])
    run = flow(core, "signup", {"email": "new@example.com"})
    assert run.status == "success" and len(core.emu.users("acme")) == 1
    assert core.emu.logs("acme", type_="actions_execution_failed")[0]["details"]["action_name"] == \
        "post-user-registration-1"


def test_password_reset_end_to_end(core):
    tenant_with(core, {CHALLENGE: ["api.transaction.setResultUrl('https://app.example.com/done', {query: {a: 1}});"],
                       CHANGE: ["console.log('changed ' + event.user.email);", "throw new Error('audit down');"]})
    run = flow(core, "password_reset", {"new_password": NEW}, flows.Answers(auto=True))
    assert run.status == "success"
    assert run.result == {"message": "Your password has been changed successfully.",
                          "result_url": "https://app.example.com/done?a=1"}
    mail = store.outbox.list_(core.emu.ws, "acme", "ann@example.com")[0]
    assert mail["subject"] == "Reset your password" and "/u/reset-verify?ticket=" in mail["body"]
    types = [l["type"] for l in reversed(core.emu.logs("acme"))]
    assert [t for t in types if t in ("scpr", "scp", "actions_execution_failed")] == ["scpr", "scp", "actions_execution_failed"]
    user_id = core.emu.users("acme")[0]["user_id"]
    assert store.directory.verify_password(store.directory.password_hash(core.emu.ws, "acme", user_id), NEW)
    change_event = core.emu.execution(run.executions[-1]["id"])["event"]
    assert set(change_event["user"]) <= {"id", "user_id", "email", "email_verified", "phone_number", "phone_verified",
                                         "username", "last_password_reset"} and change_event["user"]["last_password_reset"]
    assert flow(core, "login", {"password": NEW}).status == "success"


def test_reset_waits_for_the_link_and_the_new_password(core):
    tenant_with(core, {})
    run = flow(core, "password_reset", {})
    assert run.waiting == {"for": "link", "email": "ann@example.com"}
    ticket = store.outbox.list_(core.emu.ws, "acme")[0]["meta"]["ticket"]
    run = core.run(flows.step(core.emu, run, {"ticket": ticket}))
    run = core.run(flows.run_to_end(core.emu, run))
    assert run.waiting == {"for": "new_password"}
    run = core.run(flows.step(core.emu, run, {"new_password": "weak"}))
    assert run.waiting["error"]["code"] == "invalid_password" and run.status == "waiting"
    run = core.run(flows.step(core.emu, run, {"new_password": NEW}))
    run = core.run(flows.run_to_end(core.emu, run))
    assert run.status == "success"


def test_reset_deny_and_unknown_email(core):
    tenant_with(core, {CHALLENGE: ["api.access.deny('risky');"]})
    run = flow(core, "password_reset", {"new_password": NEW}, flows.Answers(auto=True))
    assert run.status == "denied" and run.error == {"error": "access_denied", "error_description": "risky"}
    assert core.emu.logs("acme", type_="fcp")
    nobody = flow(core, "password_reset", {"email": "nobody@example.com"}, flows.Answers(auto=True))
    assert nobody.status == "success" and nobody.result == {"message": "We've just sent you an email to reset your password."}
    assert core.emu.logs("acme", type_="fcpr")


def test_reset_redirect_resumes_in_on_continue_post_challenge(core):
    tenant_with(core, {CHALLENGE: ["""
exports.onExecutePostChallenge = async (event, api) => { api.redirect.sendUserTo('https://kyc.example.com'); };
exports.onContinuePostChallenge = async (event, api) => {
  if (event.request.query.ok !== 'yes') api.access.deny('kyc failed');
};"""]})
    run = flow(core, "password_reset", {"new_password": NEW})
    ticket = store.outbox.list_(core.emu.ws, "acme")[0]["meta"]["ticket"]
    run = core.run(flows.run_to_end(core.emu, core.run(flows.step(core.emu, run, {"ticket": ticket}))))
    assert run.status == "redirected" and run.waiting["url"] == f"https://kyc.example.com/?state={run.id}"
    run = core.run(flows.run_to_end(core.emu, run, flows.Answers(continue_query={"ok": "yes"})))
    assert run.status == "success"


def test_reset_mfa_challenge(core):
    tenant_with(core, {"post-login": ["api.authentication.enrollWith({type: 'phone'});"],
                       CHALLENGE: ["api.authentication.challengeWith({type: 'phone'});"]})
    assert flow(core, "login", {"phone": "+15550100"}, flows.Answers(auto=True)).status == "success"
    run = flow(core, "password_reset", {"new_password": NEW}, flows.Answers(auto=True))
    assert run.status == "success" and [m["meta"].get("action") for m in store.outbox.list_(core.emu.ws, "acme")][0] \
        == "second-factor-authentication"


def test_the_sample_tenant_journeys(sample):
    sample_runs = {
        "signup": ({"email": "new.person@example.net", "password": PASSWORD}, "success"),
        "login": ({"email": "spy@competitor.example", "password": "Not-Welcome-1"}, "denied"),
    }
    for kind, (inputs, expected) in sample_runs.items():
        run = flows.start(sample.emu, "sample", kind, inputs)
        run = sample.run(flows.run_to_end(sample.emu, run, flows.Answers(auto=True)))
        assert run.status == expected, (kind, run.error)
    disposable = flows.start(sample.emu, "sample", "signup", {"email": "x@mailinator.com", "password": PASSWORD})
    disposable = sample.run(flows.run_to_end(sample.emu, disposable))
    assert disposable.error["friendly_message"] == "Please sign up with a permanent e-mail address."


def test_signup_post_identifier_chooses_the_database_connection(core):
    """Identifier-first signup: the beta trigger sees the typed e-mail as transaction.login_hint and the
    connection resolved before it; setConnectionByName decides where the user is created."""
    from emulator import triggers as t

    tenant_with(core, {t.SIGNUP_POST_IDENTIFIER: [
        "console.log(event.transaction.login_hint, event.initial_connection.name);"
        "if (event.transaction.login_hint.endsWith('@partner.example')) "
        "api.authentication.setConnectionByName('partners-db');"]}, users=[])
    store.directory.upsert_connection(core.emu.ws, "acme", "partners-db", "auth0", {})
    run = flow(core, "signup", {"email": "pat@partner.example"})
    assert run.status == "success", run.error
    assert run.executions[0]["trigger"] == t.SIGNUP_POST_IDENTIFIER
    [user] = [u for u in core.emu.users("acme") if u["email"] == "pat@partner.example"]
    assert user["connection"] == "partners-db"
    seen = core.emu.execution(run.executions[0]["id"])["results"][0]["emulator"]["logs"][0]["message"]
    assert seen == "pat@partner.example Username-Password-Authentication"
    other = flow(core, "signup", {"email": "ann@example.com"})
    assert other.status == "success"
    assert [u["connection"] for u in core.emu.users("acme") if u["email"] == "ann@example.com"] == [
        "Username-Password-Authentication"]


def test_signup_post_identifier_naming_no_database_connection_fails_the_signup(core):
    from emulator import triggers as t

    tenant_with(core, {t.SIGNUP_POST_IDENTIFIER: ["api.authentication.setConnectionByName('nope');"]}, users=[])
    run = flow(core, "signup", {})
    assert run.status == "failed" and run.error["code"] == "invalid_connection"
    assert core.emu.users("acme") == []
