"""Login journeys with real actions bound: identifier first, passwords, deny, claims and scopes, metadata,
redirects and forms, MFA, and real RS256 tokens verified with the tenant's JWKS."""
from __future__ import annotations

import jwt
import pytest

from emulator import flows, store, tokens
from emulator.flows.report import report

from .conftest import PASSWORD, SECRET, flow, tenant_with

PL = "post-login"


def _claims(core, run, which="id_token"):
    return report(core.emu, run)["tokens"]["claims"][which]


def test_login_without_actions_gives_verified_tokens(core):
    tenant_with(core, {})
    run = flow(core, "login", {})
    assert run.status == "success" and run.state == "done"
    minted = run.result["tokens"]
    keys = {k["kid"]: jwt.PyJWK(k).key for k in tokens.jwks(core.emu.ws, "acme")["keys"]}
    kid = jwt.get_unverified_header(minted["id_token"])["kid"]
    client_id = run.ctx["client"]["client_id"]
    id_token = jwt.decode(minted["id_token"], keys[kid], algorithms=["RS256"], audience=client_id,
                          options={"verify_exp": False, "verify_iat": False})
    assert id_token["iss"] == "https://acme.emulator.local/" and id_token["email"] == "ann@example.com"
    user = core.emu.users("acme")[0]
    assert id_token["sub"] == user["user_id"]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(minted["id_token"][:-4] + "AAAA", keys[kid], algorithms=["RS256"], audience=client_id)
    success = core.emu.logs("acme", type_="s")[0]
    assert success["details"]["stats"]["loginsCount"] == 1 and success["user_id"] == user["user_id"]


@pytest.mark.parametrize("email, password, log_type", [("ann@example.com", "wrong", "fp"),
                                                       ("nobody@example.com", PASSWORD, "fu")])
def test_wrong_password_and_unknown_user(core, email, password, log_type):
    tenant_with(core, {PL: ["console.log('never');"]})
    run = flow(core, "login", {"email": email, "password": password})
    assert run.status == "failed"
    assert run.error == {"error": "invalid_user_password", "error_description": "Wrong email or password."}
    assert core.emu.logs("acme")[0]["type"] == log_type and run.executions == []


def test_claims_scopes_and_restricted_claims(core):
    tenant_with(core, {PL: ["""
        api.idToken.setCustomClaim('https://example.com/tier', 'gold');
        api.idToken.setCustomClaim('sub', 'hijack');
        api.idToken.setCustomClaim('roles', ['admin']);
        api.idToken.setCustomClaim('given_name', 'Annie');
        api.accessToken.setCustomClaim('https://example.com/plan', {seats: 3});
        api.accessToken.addScope('read:reports');
        api.accessToken.removeScope('email');""",
        "api.idToken.setCustomClaim('https://example.com/tier', 'platinum');"]})
    run = flow(core, "login", {})
    id_token, access = _claims(core, run), _claims(core, run, "access_token")
    assert id_token["https://example.com/tier"] == "platinum"  # later actions win
    assert id_token["sub"] != "hijack" and "roles" not in id_token and id_token["given_name"] == "Annie"
    assert access["https://example.com/plan"] == {"seats": 3}
    assert access["scope"] == "openid profile read:reports"
    assert run.result["tokens"]["dropped_claims"]["id_token"] == ["roles", "sub"]


def test_identifier_first_routes_to_a_connection(core):
    tenant_with(core, {"login-post-identifier": ["api.authentication.setConnectionByName('partners-db');"]}, users=[])
    store.directory.create_connection(core.emu.ws, "acme", "partners-db", "auth0")
    core.emu.create_user("acme", email="ann@example.com", password=PASSWORD, connection_name="partners-db")
    run = flow(core, "login", {})
    assert run.status == "success" and run.ctx["connection"]["name"] == "partners-db"
    assert run.executions[0]["trigger"] == "login-post-identifier"


def test_identifier_first_to_an_unknown_connection_fails(core):
    tenant_with(core, {"login-post-identifier": ["api.authentication.setConnectionByName('nope');"]})
    run = flow(core, "login", {})
    assert run.status == "failed" and run.error["error_description"] == "the connection 'nope' does not exist"


def test_deny_stops_the_chain_keeps_its_metadata_and_logs_f(core):
    tenant_with(core, {PL: ["api.user.setAppMetadata('denied', true); api.access.deny('no entry');",
                            "console.log('never runs');"]})
    run = flow(core, "login", {})
    assert run.status == "denied"
    assert run.error == {"error": "access_denied", "error_description": "no entry"}
    assert core.emu.users("acme")[0]["app_metadata"] == {"denied": True}
    failure = core.emu.logs("acme", type_="f")[0]
    assert failure["details"]["error"]["message"] == "no entry"
    assert failure["details"]["actions"]["executions"] == [e["id"] for e in run.executions]
    assert [r["action_name"] for r in core.emu.execution(run.executions[0]["id"])["results"]] == ["post-login-1"]


def test_a_throwing_action_fails_the_login_with_its_message(core):
    tenant_with(core, {PL: ["throw new Error('profile service down');"]})
    run = flow(core, "login", {})
    assert run.status == "failed"
    assert run.error == {"error": "access_denied", "error_description": "profile service down"}
    assert core.emu.logs("acme", type_="actions_execution_failed")


def test_metadata_is_written_once_after_the_chain(core):
    tenant_with(core, {PL: ["api.user.setUserMetadata('theme', 'dark'); api.user.setAppMetadata('plan', 'pro');",
                            "console.log(JSON.stringify(event.user.user_metadata)); api.user.setAppMetadata('plan', null);"]})
    run = flow(core, "login", {})
    user = core.emu.users("acme")[0]
    assert user["user_metadata"] == {"theme": "dark"} and user["app_metadata"] == {}
    second = core.emu.execution(run.executions[-1]["id"])["results"][1]["emulator"]
    assert second["logs"][0]["message"] == '{"theme":"dark"}'


REDIRECT = """
exports.onExecutePostLogin = async (event, api) => {
  api.transaction.setMetadata('step', 'before');
  api.redirect.sendUserTo('https://idv.example.com/start', { query: { hint: event.user.email } });
};
exports.onContinuePostLogin = async (event, api) => {
  const payload = api.redirect.validateToken({ secret: event.secrets.SECRET });
  api.idToken.setCustomClaim('https://example.com/verified', payload.verified);
  console.log(event.transaction.metadata.step, event.request.query.state.length > 0);
};
"""


def test_redirect_pauses_and_continue_resumes_the_same_action(core):
    tenant_with(core, {PL: [REDIRECT, "api.idToken.setCustomClaim('https://example.com/after', true);"]})
    run = flow(core, "login", {})
    assert run.status == "redirected" and run.waiting["for"] == "continue"
    assert run.waiting["url"] == f"https://idv.example.com/start?hint=ann%40example.com&state={run.id}"
    from emulator.runtime.harness_tokens import sign_hs256

    token = sign_hs256({"sub": run.ctx["user_id"], "state": run.id, "iss": "acme.emulator.local",
                        "exp": 4_000_000_000, "verified": True}, SECRET)
    run = core.run(flows.run_to_end(core.emu, run, flows.Answers(continue_query={"session_token": token})))
    assert run.status == "success"
    claims = _claims(core, run)
    assert claims["https://example.com/verified"] is True and claims["https://example.com/after"] is True
    executions = [core.emu.execution(e["id"]) for e in run.executions]
    assert [e["status"] for e in executions] == ["suspended", "final"]
    resumed = executions[1]["results"][0]["emulator"]
    assert resumed["handler"] == "onContinuePostLogin" and resumed["logs"][0]["message"] == "before true"
    assert executions[1]["event"]["request"]["query"]["session_token"] == token


def test_a_bad_continue_token_fails_the_login(core):
    tenant_with(core, {PL: [REDIRECT]})
    run = flow(core, "login", {}, flows.Answers(continue_query={"session_token": "garbage"}))
    assert run.status == "failed" and run.error["error_description"] == "The session token is invalid: jwt malformed"


def test_prompt_render_resumes_with_the_form_fields(core):
    tenant_with(core, {PL: ["""
exports.onExecutePostLogin = async (event, api) => { api.prompt.render('ap_terms', { vars: { v: 1 } }); };
exports.onContinuePostLogin = async (event, api) => {
  api.user.setAppMetadata('accepted', event.prompt.fields.accept === 'yes');
};"""]})
    run = flow(core, "login", {})
    assert run.status == "redirected" and run.waiting == {"for": "form", "form_id": "ap_terms", "state": run.id,
                                                          "options": {"vars": {"v": 1}}}
    run = core.run(flows.run_to_end(core.emu, run, flows.Answers(form_fields={"accept": "yes"})))
    assert run.status == "success" and core.emu.users("acme")[0]["app_metadata"] == {"accepted": True}


def test_redirect_is_not_possible_on_the_password_grant_so_can_redirect_says_so(core):
    tenant_with(core, {PL: ["console.log(String(api.redirect.canRedirect()));"]})
    run = flow(core, "login", {"event": {"transaction": {"protocol": "oauth2-password"}}})
    log = core.emu.execution(run.executions[0]["id"])["results"][0]["emulator"]["logs"][0]
    assert log["message"] == "false" and run.status == "success"


def test_breakpoint_shows_the_event_and_an_edited_event_is_used(core):
    tenant_with(core, {PL: ["api.user.setAppMetadata('seen', 1);",
                            "console.log(event.request.geoip.countryCode, event.user.app_metadata.seen);"]})
    run = flows.start(core.emu, "acme", "login", {"email": "ann@example.com", "password": PASSWORD},
                      breakpoints=["post-login-2"])
    for _ in range(10):  # step by step, as the app does, until the breakpoint
        if run.status == "paused":
            break
        run = core.run(flows.step(core.emu, run))
    assert run.status == "paused" and run.waiting["action"] == "post-login-2"
    shown = run.waiting["event"]
    assert shown["user"]["app_metadata"] == {"seen": 1}  # what the chain carried so far
    shown["request"]["geoip"]["countryCode"] = "NZ"
    run = core.run(flows.step(core.emu, run, {"event": shown}))
    run = core.run(flows.run_to_end(core.emu, run))
    assert run.status == "success"
    logs = core.emu.execution(run.executions[-1]["id"])["results"][1]["emulator"]["logs"]
    assert logs[0]["message"] == "NZ 1"


def test_stepping_gives_what_one_round_trip_gives(core):
    bodies = ["api.user.setAppMetadata('a', 1); api.transaction.setMetadata('t', 'x'); api.cache.set('k', 'v');",
              "api.idToken.setCustomClaim('https://e/a', event.user.app_metadata.a); "
              "api.idToken.setCustomClaim('https://e/t', event.transaction.metadata.t); "
              "api.idToken.setCustomClaim('https://e/k', api.cache.get('k').value);"]
    tenant_with(core, {PL: bodies})
    chain_result, _, _ = core.run(core.emu.run_trigger("acme", PL))
    store.cache.save(core.emu.ws, "acme", PL, {})
    run = flow(core, "login", {})
    stepped = [r["emulator"]["commands"] for r in core.emu.execution(run.executions[0]["id"])["results"]]
    assert stepped == [a.commands for a in chain_result.actions]


def test_journey_events_carry_what_the_journey_fills_and_drop_what_it_cannot(core):
    """Auth0's example event has fields only some transactions carry; a plain login keeps none of them,
    and its session is the login's own (id, user, client, device, lifetimes)."""
    tenant_with(core, {PL: ["console.log('seen');"]})
    run = flow(core, "login", {})
    assert run.status == "success"
    event = core.emu.execution(run.executions[0]["id"])["event"]
    for absent in ("organization", "refresh_token", "agent", "experiment", "custom_domain", "prompt",
                   "security_context", "session_transfer_token", "anonymous_session"):
        assert absent not in event
    assert "riskAssessment" not in event["authentication"] and "actor" not in event["transaction"]
    session = event["session"]
    assert session["user_id"] == event["user"]["user_id"] and session["id"].startswith("sess_")
    assert session["clients"] == [{"client_id": event["client"]["client_id"]}]
    assert session["device"]["last_ip"] == event["request"]["ip"]
    assert session["created_at"] < session["idle_expires_at"] < session["expires_at"]
    identity = event["user"]["identities"][0]
    assert identity["userId"] == identity["user_id"] == event["user"]["user_id"].split("|", 1)[1]


def test_a_run_to_its_end_runs_each_chain_in_one_round_trip_and_stepping_one_action_at_a_time(core, monkeypatch):
    """Same outcome, same executions, same claims; only the number of round trips to Node differs."""
    tenant_with(core, {PL: ["api.idToken.setCustomClaim('https://x/a', 1);",
                            "api.idToken.setCustomClaim('https://x/b', event.user.email);",
                            "api.user.setAppMetadata('seen', true);"]})
    from emulator.runtime.host import NodeHost

    calls = []
    original = NodeHost.run

    async def counting(self, request):
        calls.append((request["trigger"], len(request["actions"])))
        return await original(self, request)

    monkeypatch.setattr(NodeHost, "run", counting)
    whole = flow(core, "login", {})
    assert [c for c in calls if c[0] == PL] == [(PL, 3)]
    calls.clear()
    stepped = flows.start(core.emu, "acme", "login", {"password": PASSWORD, "email": "ann@example.com"})
    while not stepped.done:
        stepped = core.run(flows.step(core.emu, stepped))
    assert [c for c in calls if c[0] == PL] == [(PL, 1)] * 3
    for run in (whole, stepped):
        assert run.status == "success"
        claims = jwt.decode(run.result["tokens"]["id_token"], options={"verify_signature": False})
        assert claims["https://x/a"] == 1 and claims["https://x/b"] == "ann@example.com"
        execution = core.emu.execution(run.executions[-1]["id"])
        assert [a["action_name"] for a in execution["results"]] == [f"{PL}-1", f"{PL}-2", f"{PL}-3"]
    assert len(whole.steps) < len(stepped.steps)
