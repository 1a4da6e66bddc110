"""Every post-login `api` method, called by real action code in real Node: recorded, validated and
returning what Auth0 returns."""
from __future__ import annotations

import json

import pytest

from .conftest import cmd_names

PL = "post-login"


def test_claims_scopes_and_deny_are_recorded_in_call_order(emu):
    r = emu.one(PL, """
      api.idToken.setCustomClaim('https://example.com/roles', ['admin']);
      api.accessToken.setCustomClaim('https://example.com/tier', {level: 2});
      api.accessToken.addScope('  read:reports ');
      api.accessToken.removeScope('write:all');
      api.access.deny('not today');
    """)
    assert r.error is None
    assert r.commands == [
        {"name": "idToken.setCustomClaim", "args": ["https://example.com/roles", ["admin"]]},
        {"name": "accessToken.setCustomClaim", "args": ["https://example.com/tier", {"level": 2}]},
        {"name": "accessToken.addScope", "args": ["  read:reports "]},
        {"name": "accessToken.removeScope", "args": ["write:all"]},
        {"name": "access.deny", "args": ["not today"]},
    ]


def test_chainable_methods_return_the_api(emu):
    r = emu.one(PL, """
      const same = api.idToken.setCustomClaim('a', 1) === api
        && api.accessToken.setCustomClaim('b', 2) === api
        && api.user.setAppMetadata('c', 3) === api
        && api.multifactor.enable('any') === api;
      console.log(String(same), String(api.accessToken.addScope('x')));
    """)
    assert r.logs[0]["message"] == "true undefined"


@pytest.mark.parametrize("call, message", [
    ("api.idToken.setCustomClaim('scope', 'x')", 'The "scope" claim cannot be set.'),
    ("api.accessToken.setCustomClaim('scope', 'x')", 'The "scope" claim cannot be set.'),
    ("api.accessToken.addScope('')", "The value for the scope is required."),
    ("api.accessToken.addScope('a b')", "The value for the scope must not have whitespace."),
    ("api.accessToken.addScope('x'.repeat(281))", "The value for the scope exceeds the allowed maximum of 280 characters."),
    ("api.validation.error('c'.repeat(101), 'm')", "errorCode must NOT have more than 100 characters"),
    ("api.validation.error('code', 'm'.repeat(101))", "errorMessage must NOT have more than 100 characters"),
    ("api.authentication.setPrimaryUser('')", "The provided primary_user_id must be a non-empty string"),
    ("api.authentication.setPrimaryUser('u'.repeat(129))", "The provided primary_user_id exceeds the maximum length."),
    ("api.authentication.recordMethod('https://idp.example.com')",
     "api.authentication.recordMethod() can only be used in onContinuePostLogin."),
    ("api.multifactor.enable('sms')", "provider must be equal to one of the allowed values"),
    ("api.authentication.challengeWith({type: 'carrier-pigeon'})", "factor.type must be equal to one of the allowed values"),
    ("api.authentication.challengeWithAny([])", "factors must be a non-empty array of factors"),
    ("api.redirect.sendUserTo('not a url')", "Invalid URL"),
    ("api.redirect.validateToken({secret: 's'})",
     "There is no parameter called 'session_token' available in either the POST body or query string."),
    ("api.transaction.setMetadata('k', {a: 1})", "value must be a string, number, boolean or null"),
    ("api.transaction.setMetadata('k'.repeat(65), 1)", "key must NOT have more than 64 characters"),
    ("api.transaction.setMetadata('k', 2 ** 60)", "value must be a finite number within the safe integer range"),
    ("api.samlResponse.setSignatureAlgorithm('md5')", "signatureAlgorithm must be equal to one of the allowed values"),
    ("api.samlResponse.setAttribute('a', 'v'.repeat(2049))", "value must NOT have more than 2048 characters"),
    ("api.session.setMetadata('bad key!', 'v')",
     "Failed to set session metadata: Invalid metadata: Metadata keys may only include letters, numbers, underscores, or hyphens"),
    ("api.refreshToken.setExpiresAt(0)", "Either inactivity or absolute expiration time must be provided"),
])
def test_invalid_calls_throw_auth0s_message_at_the_call_site(emu, call, message):
    r = emu.one(PL, f"\n{call};\n")
    assert r.error is not None and r.error.error_class == "action_error"
    assert message in r.error.message
    assert r.error.line == 3  # the line of the call in the user's code
    assert r.commands[-1]["error"] == r.error.message  # the failed call is still shown


def test_add_scope_rejects_non_strings_with_a_type_error(emu):
    r = emu.one(PL, "api.accessToken.addScope(42);")
    assert (r.error.name, r.error.message) == ("TypeError", "The value for the scope must be a string.")


def test_set_primary_user_only_once_per_transaction(emu):
    r = emu.chain(PL, "exports.onExecutePostLogin = async (e, api) => { api.authentication.setPrimaryUser('auth0|primary'); };",
                  "exports.onExecutePostLogin = async (e, api) => { api.authentication.setPrimaryUser('auth0|other'); };")
    assert r.actions[0].error is None
    assert r.actions[1].error.message == "The primary user can only be altered once per transaction"


def test_record_method_allowed_in_on_continue(emu):
    r = emu.one(PL, "api.authentication.recordMethod('https://idp.example.com/verified');",
                handler="onContinuePostLogin")
    assert r.error is None and r.handler == "onContinuePostLogin"
    assert r.commands == [{"name": "authentication.recordMethod", "args": ["https://idp.example.com/verified"]}]


def test_redirect_and_render_cannot_be_mixed_and_render_only_once(emu):
    mixed = emu.one(PL, "api.redirect.sendUserTo('https://x.example.com'); api.prompt.render('ap_form');")
    assert mixed.error.message == "Redirect and render commands cannot be used in the same action."
    twice = emu.one(PL, "api.prompt.render('ap_form'); api.prompt.render('ap_form');")
    assert twice.error.message == "Only 1 render command per action is allowed."


def test_send_user_to_builds_the_url_and_suspends(emu):
    r = emu.chain(PL, """exports.onExecutePostLogin = async (event, api) => {
      api.redirect.sendUserTo('https://verify.example.com/start?a=1', {query: {user: event.user.user_id}});
    };""", "exports.onExecutePostLogin = async () => {};")
    cmd = r.actions[0].commands[0]
    assert cmd["result"] == "https://verify.example.com/start?a=1&user=auth0%7C65f0c1a2b3c4d5e6f7a8b9c0"
    assert r.outcome.status == "suspended" and r.outcome.action == "action1"
    assert r.outcome.skipped == ["action2"]


def test_encode_token_round_trips_through_validate_token(emu):
    token = emu.one(PL, """
      const t = api.redirect.encodeToken({secret: 'shh', payload: {favourite: 'tea'}, expiresInSeconds: 60});
      console.log(t);
    """).logs[0]["message"]
    header, payload, _ = token.split(".")
    import base64

    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    assert json.loads(base64.urlsafe_b64decode(header + "=="))["alg"] == "HS256"
    assert claims["sub"] == "auth0|65f0c1a2b3c4d5e6f7a8b9c0" and claims["iss"] == "dev-tenant.us.auth0.com"
    assert claims["exp"] - claims["iat"] == 60 and claims["favourite"] == "tea" and claims["ip"] == "13.33.86.47"
    # The external site signs its answer with the same secret and sends it back to /continue.
    back = emu.one(PL, """
      const t = api.redirect.encodeToken({secret: 'shh', payload: {state: 'st-1', answer: 42}});
      console.log(t);
    """).logs[0]["message"]
    ok = emu.one(PL, "console.log(JSON.stringify(api.redirect.validateToken({secret: 'shh'})));",
                 handler="onContinuePostLogin",
                 event={"request": {"query": {"state": "st-1"}, "body": {"session_token": back}}})
    assert ok.error is None and json.loads(ok.logs[0]["message"])["answer"] == 42
    bad = emu.one(PL, "api.redirect.validateToken({secret: 'wrong'});", handler="onContinuePostLogin",
                  event={"request": {"query": {"state": "st-1", "session_token": back}}})
    assert bad.error.message == "The session token is invalid: invalid signature"
    wrong_state = emu.one(PL, "api.redirect.validateToken({secret: 'shh'});", handler="onContinuePostLogin",
                          event={"request": {"query": {"state": "other", "session_token": back}}})
    assert wrong_state.error.message == "The session token is invalid: state mismatch"


def test_validate_token_rejects_an_expired_token(emu):
    r = emu.one(PL, """
      const t = api.redirect.encodeToken({secret: 's', payload: {state: 'x'}, expiresInSeconds: -1});
      event.request.query.session_token = t; event.request.query.state = 'x';
      api.redirect.validateToken({secret: 's'});
    """)
    assert r.error.message == "The session token is invalid: jwt expired"


@pytest.mark.parametrize("event, expected", [
    ({}, True),
    ({"request": {"query": {"prompt": "none"}}}, False),
    ({"transaction": {"protocol": "oauth2-password"}}, False),
    ({"transaction": {"protocol": "oauth2-refresh-token"}}, False),
])
def test_can_redirect(emu, event, expected):
    r = emu.one(PL, "console.log(String(api.redirect.canRedirect()));", event=event)
    assert r.logs[0]["message"] == str(expected).lower()


def test_transaction_metadata_is_live_and_limited(emu):
    r = emu.one(PL, """
      api.transaction.setMetadata('step', 'one');
      api.transaction.setMetadata('n', 3);
      api.transaction.setMetadata('step', null);
      console.log(JSON.stringify(event.transaction.metadata));
      for (let i = 0; i < 3; i++) api.transaction.setMetadata('big' + i, 'x'.repeat(7000));
    """)
    assert r.logs[0]["message"] == '{"n":3}'
    assert "transaction metadata exceeds the limit of 16384 bytes" in r.error.message


def test_session_and_refresh_token_metadata(emu):
    r = emu.one(PL, """
      api.session.setMetadata('device', 'laptop');
      api.session.setCookieMode('non-persistent');
      api.refreshToken.setMetadata('origin', 'web');
      api.session.setExpiresAt(Date.now() + 3600e3);
      console.log(JSON.stringify(event.session.metadata), event.session.cookie.mode);
      api.session.deleteMetadata('device');
      console.log(JSON.stringify(event.session.metadata));
    """)
    assert r.error is None
    assert [l["message"] for l in r.logs] == ['{"device":"laptop"} non-persistent', "{}"]
    no_session = emu.one(PL, "api.session.setMetadata('a', 'b');", event={"session": None})
    assert no_session.error.message == "Failed to set session metadata: Cannot set metadata on a session that does not exist."
    online = emu.one(PL, "api.refreshToken.setMetadata('a', 'b');", event={"refresh_token": {"id": "rt", "access": "online"}})
    assert online.error.message == "Failed to set refresh token metadata: Cannot call setMetadata on an online refresh token."


def test_revoke_and_validation_error_stop_the_chain(emu):
    for call in ("api.session.revoke('stolen')", "api.validation.error('bad_thing', 'Bad thing')"):
        r = emu.chain(PL, f"exports.onExecutePostLogin = async (e, api) => {{ {call}; }};",
                      "exports.onExecutePostLogin = async () => {};")
        assert r.outcome.status == "denied" and len(r.actions) == 1
    refresh = emu.one(PL, "api.refreshToken.revoke('rotated');", event={"transaction": {"protocol": "oauth2-refresh-token"}})
    assert refresh.commands == [{"name": "refreshToken.revoke", "args": ["rotated"]}]


def test_mfa_challenge_and_enrolment_suspend(emu):
    for call in ("api.authentication.challengeWith({type: 'phone', options: {preferredMethod: 'sms'}})",
                 "api.authentication.challengeWithAny([{type: 'otp'}, {type: 'email'}])",
                 "api.authentication.enrollWith({type: 'otp'})",
                 "api.authentication.enrollWithAny([{type: 'push-notification'}])"):
        r = emu.chain(PL, f"exports.onExecutePostLogin = async (e, api) => {{ {call}; }};")
        assert r.outcome.status == "suspended", call
        assert r.outcome.command["name"].startswith("authentication.")


def test_multifactor_enable_does_not_stop_the_chain(emu):
    r = emu.chain(PL, "exports.onExecutePostLogin = async (e, api) => { api.multifactor.enable('any', {allowRememberBrowser: true}); };",
                  "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('b', 1); };")
    assert r.outcome.status == "completed" and len(r.actions) == 2


def test_saml_rules_roles_and_groups(emu):
    r = emu.one(PL, """
      api.samlResponse.setAttribute('http://schemas.example.com/role', ['admin', 'dev']);
      // Like Auth0, the SAML setters return the top-level api object.
      api.samlResponse.setAudience('urn:example').samlResponse.setLifetimeInSeconds(600);
      api.samlResponse.setNameIdentifierProbes(['a', 'b']);
      console.log(String(api.rules.wasExecuted('rul_123')));
      const roles = await api.roles.getUserEffectiveRoles();
      const byName = await api.roles.getUserEffectiveRolesByNames(['admin', 'nope']);
      const groups = await api.groups.getUserGroups({take: 10});
      const member = await api.groups.hasGroupMembership(['eng']);
      console.log(JSON.stringify([roles, byName, groups, member]));
    """, event={"authorization": {"roles": ["admin", "viewer"]}})
    assert r.error is None
    assert r.logs[0]["message"] == "false"
    roles, by_name, groups, member = json.loads(r.logs[1]["message"])
    assert [x["name"] for x in roles["roles"]] == ["admin", "viewer"]
    assert [x["name"] for x in by_name["roles"]] == ["admin"]
    assert groups == {"groups": []} and member == {"memberships": {"eng": {"is_member": False}}}
    assert "roles.getUserEffectiveRoles" in cmd_names(r)
    bad_take = emu.one(PL, "await api.roles.getUserEffectiveRoles({take: -1});")
    assert bad_take.error.message == 'The "take" parameter must be a positive integer if provided.'
    empty = emu.one(PL, "await api.roles.getUserEffectiveRolesByIds([]);")
    assert empty.error.message == 'The "ids" parameter must be a non-empty array of strings.'


def test_user_metadata_must_be_an_object_to_update(emu):
    r = emu.one(PL, "api.user.setUserMetadata('a', 1);", event={"user": {"user_metadata": "oops"}})
    assert r.error.message == "Unexpected user_metadata format. Must be a valid JSON object."
