"""The `api` of every trigger other than post-login, in real Node: each trigger exposes exactly its own
namespaces, and each method behaves as the spec says."""
from __future__ import annotations

import json

import pytest

from emulator import triggers


@pytest.mark.parametrize("trigger", triggers.ids())
def test_each_trigger_exposes_exactly_its_registry_api(emu, trigger):
    r = emu.one(trigger, """
      const shape = {};
      for (const [k, v] of Object.entries(api)) shape[k] = typeof v === 'function' ? 'fn' : Object.keys(v).sort();
      console.log(JSON.stringify(shape));
    """)
    shape = json.loads(r.logs[0]["message"])
    expected: dict = {}
    for m in triggers.get(trigger).api:
        if m.namespace:
            expected.setdefault(m.namespace, []).append(m.path.rsplit(".", 1)[1])
        else:
            expected[m.path] = "fn"
    assert shape == {k: sorted(v) if isinstance(v, list) else v for k, v in expected.items()}


@pytest.mark.parametrize("trigger", triggers.ids())
def test_default_event_reaches_the_action_with_secrets_and_configuration(emu, trigger):
    r = emu.one(trigger, "console.log(JSON.stringify(event));", secrets={"API_KEY": "k-1"})
    event = json.loads(r.logs[0]["message"])
    expected = triggers.get(trigger).default_event()
    expected["secrets"] = {"API_KEY": "k-1"}
    assert event == expected


def test_pre_user_registration_deny_with_user_message_stops_the_signup_chain(emu):
    r = emu.chain("pre-user-registration", """exports.onExecutePreUserRegistration = async (event, api) => {
        if (event.user.email.endsWith('@example.com')) api.access.deny('blocked_domain', 'Sign-ups from this domain are closed.');
        console.log('still runs');
      };""", "exports.onExecutePreUserRegistration = async () => { console.log('never'); };")
    assert r.outcome.status == "denied"
    assert r.outcome.command == {"name": "access.deny", "args": ["blocked_domain", "Sign-ups from this domain are closed."]}
    assert [l["message"] for l in r.actions[0].logs] == ["still runs"]
    assert r.outcome.skipped == ["action2"]


def test_pre_user_registration_metadata_and_user_id(emu):
    r = emu.one("pre-user-registration", """
      api.user.setUserMetadata('locale', 'fr').user.setAppMetadata('plan', 'trial');
      api.user.setUserId('custom-1234');
    """)
    assert r.error is None and [c["name"] for c in r.commands] == [
        "user.setUserMetadata", "user.setAppMetadata", "user.setUserId"]
    bad = emu.one("pre-user-registration", "api.user.setUserId('has space');")
    assert bad.error.message == 'Invalid setUserId arguments: user_id must match pattern "^[a-zA-Z0-9@._+-]{1,255}$"'


def test_pre_user_registration_validation_error(emu):
    r = emu.chain("pre-user-registration",
                  "exports.onExecutePreUserRegistration = async (e, api) => { api.validation.error('invalid_phone', 'Use an international number.'); };")
    assert r.outcome.status == "denied" and r.outcome.command["name"] == "validation.error"


@pytest.mark.parametrize("trigger", ["post-user-registration", "post-change-password", "send-phone-message"])
def test_cache_only_triggers_have_no_access_or_user_api(emu, trigger):
    r = emu.one(trigger, "api.access.deny('x');")
    assert r.error.name == "TypeError" and "Cannot read properties of undefined" in r.error.message


def test_send_phone_message_sees_the_message_options(emu):
    r = emu.one("send-phone-message", """
      const { recipient, code, action, message_type, text } = event.message_options;
      console.log(recipient, code, action, message_type, text.includes(code));
    """, event={"message_options": {"code": "987654", "text": "987654 is your code"}})
    assert r.logs[0]["message"] == "+14255550123 987654 second-factor-authentication sms true"


def test_password_reset_post_challenge_api(emu):
    deny = emu.chain("password-reset-post-challenge",
                     "exports.onExecutePostChallenge = async (e, api) => { api.access.deny('risky reset'); };")
    assert deny.outcome.status == "denied"
    result_url = emu.one("password-reset-post-challenge",
                         "api.transaction.setResultUrl('https://app.example.com/done', {query: {from: 'reset'}});")
    assert result_url.commands[0]["result"] == "https://app.example.com/done?from=reset"
    challenge = emu.chain("password-reset-post-challenge",
                          "exports.onExecutePostChallenge = async (e, api) => { api.authentication.challengeWith({type: 'otp'}); };")
    assert challenge.outcome.status == "suspended"
    redirect = emu.chain("password-reset-post-challenge",
                         "exports.onExecutePostChallenge = async (e, api) => { api.redirect.sendUserTo('https://idv.example.com'); };")
    assert redirect.outcome.status == "suspended"
    cont = emu.one("password-reset-post-challenge", "console.log(event.authentication.methods[0].name);",
                   handler="onContinuePostChallenge")
    assert cont.handler == "onContinuePostChallenge" and cont.logs[0]["message"] == "email"
    no_enroll = emu.one("password-reset-post-challenge", "api.authentication.enrollWith({type: 'otp'});")
    assert "is not a function" in no_enroll.error.message


def test_login_post_identifier_routes_by_connection(emu):
    r = emu.one("login-post-identifier", """
      const domain = event.transaction.identifier.split('@')[1];
      if (domain === 'example.com') api.authentication.setConnectionByName('example-okta');
      api.setConnection('legacy-spelling');
    """)
    assert r.commands == [{"name": "authentication.setConnectionByName", "args": ["example-okta"]},
                          {"name": "setConnection", "args": ["legacy-spelling"]}]
    bad = emu.one("login-post-identifier", "api.authentication.setConnectionByName('');")
    assert bad.error.message == "name must NOT have fewer than 1 characters"
