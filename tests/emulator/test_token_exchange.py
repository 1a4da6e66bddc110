"""custom-token-exchange: Auth0's api checks with real Node, Custom Token Exchange profiles, and the
token-exchange journey (the action sets or creates the user, rejects, denies; post-login runs with
protocol oauth2-token-exchange; act, org and metadata land), from the CLI too."""
from __future__ import annotations

import json

import pytest

from emulator import flows, triggers
from emulator.errors import ManagementError, UsageError
from emulator.flows.report import report

from .conftest import act, cmd_names, tenant_with
from .test_cli import cli

CTE = triggers.CUSTOM_TOKEN_EXCHANGE
TYPE = "urn:acme:legacy-token"


def test_api_checks_follow_auth0s(emu):
    r = emu.one(CTE, """
      for (const call of [() => api.access.deny('', 'x'), () => api.access.deny('code'),
                          () => api.access.rejectInvalidSubjectToken(''),
                          () => api.authentication.setUserByConnection('db', {}, {creationBehavior: 'maybe'}),
                          () => api.authentication.setOrganization('o'.repeat(51)),
                          () => api.authentication.setActor({}),
                          () => api.authentication.setActor({sub: 'a', a: 1, b: 2, c: 3, d: 4, e: 5, f: 6}),
                          () => api.authentication.setActor({sub: 'a', act: {sub: 'b', act: {sub: 'c', act: {sub: 'd',
                                  act: {sub: 'e', act: {sub: 'f'}}}}}})]) {
        try { call(); } catch (e) { console.log(e.message); }
      }
      api.authentication.setUserById('auth0|1');""")
    assert [line["message"] for line in r.logs] == [
        "Invalid deny arguments: code must NOT have fewer than 1 characters",
        "Invalid deny arguments:  must have required property 'reason'",
        "Invalid rejectInvalidSubjectToken arguments: reason must NOT have fewer than 1 characters",
        "Invalid setUserByConnection arguments: options must have required property 'updateBehavior'; "
        "creationBehavior must be equal to one of the allowed values; user_attributes must have required "
        "property 'user_id'",
        "Invalid setOrganization arguments: organization_id_or_name must NOT have more than 50 characters",
        "The actor object must contain a sub claim.",
        "No more than 5 custom properties are allowed in the actor object.",
        "Actor nesting must not exceed 5 levels.",
    ]
    assert cmd_names(r)[-1] == "authentication.setUserById"


def _tenant(core, body: str, post_login: list[str] = ()) -> None:
    tenant_with(core, {triggers.POST_LOGIN: list(post_login)} if post_login else {})
    core.emu.upsert_api("acme", "Orders", "https://orders.example.com", ["read:orders"])
    core.emu.create_action("acme", "exchange", CTE, act(CTE, body))
    core.emu.deploy("acme", "exchange")
    core.emu.set_token_exchange_profile("acme", "legacy", TYPE, "exchange")


def _exchange(core, token="legacy-42", **inputs):
    run = flows.start(core.emu, "acme", "token_exchange", {"subject_token_type": TYPE, "subject_token": token,
                                                           "scope": "openid read:orders", **inputs})
    return core.run(flows.run_to_end(core.emu, run))


def test_set_user_by_connection_creates_then_replaces_and_post_login_runs(core):
    _tenant(core, """
      const id = event.transaction.subject_token.slice(7);
      api.authentication.setUserByConnection('Username-Password-Authentication',
        {user_id: id, email: `${id}@legacy.example`, name: event.request.body.scope === 'openid read:orders' ? 'First' : 'Other'},
        {creationBehavior: 'create_if_not_exists', updateBehavior: 'replace'});
      api.authentication.setActor({sub: 'bridge', act: {sub: 'gateway'}});
      api.authentication.setOrganization('org_123');
      api.user.setAppMetadata('migrated', true);""",
            post_login=["api.accessToken.setCustomClaim('https://x/protocol', event.transaction.protocol);"
                        "api.accessToken.setCustomClaim('https://x/migrated', event.user.app_metadata.migrated);"])
    run = _exchange(core)
    assert run.status == "success", run.error
    claims = report(core.emu, run)["tokens"]["claims"]["access_token"]
    assert claims["sub"] == "auth0|42" and claims["act"] == {"sub": "bridge", "act": {"sub": "gateway"}}
    assert claims["org_id"] == "org_123" and claims["scope"] == "openid read:orders"
    assert claims["https://x/protocol"] == "oauth2-token-exchange" and claims["https://x/migrated"] is True
    user = core.emu.users("acme")
    created = next(u for u in user if u["user_id"] == "auth0|42")
    assert created["email"] == "42@legacy.example" and created["name"] == "First"
    assert [r["type"] for r in core.emu.logs("acme", limit=5)][0] == "secte"
    again = _exchange(core, scope="openid")  # same user: replaced (name), not created twice
    assert again.status == "success" and "id_token" in again.result["tokens"]
    assert [u["name"] for u in core.emu.users("acme") if u["user_id"] == "auth0|42"] == ["Other"]


@pytest.mark.parametrize("body, error", [
    ("api.access.deny('banned', 'Not this one');", {"error": "banned", "error_description": "Not this one"}),
    ("api.access.rejectInvalidSubjectToken('Bad signature');",
     {"error": "invalid_request", "error_description": "Bad signature"}),
    ("", {"error": "invalid_request", "error_description": "The Custom Token Exchange action must call exactly one "
          "of api.authentication.setUserById and api.authentication.setUserByConnection (neither was called)."}),
    ("api.authentication.setUserById('auth0|nobody');",
     {"error": "invalid_request", "error_description": "The user 'auth0|nobody' does not exist."}),
    ("api.authentication.setUserByConnection('Username-Password-Authentication', {user_id: 'new'}, "
     "{creationBehavior: 'none', updateBehavior: 'none'});",
     {"error": "invalid_request", "error_description": "No user 'new' in connection "
      "'Username-Password-Authentication' (creationBehavior is none)."}),
])
def test_rejections_answer_as_the_token_endpoint_would(core, body, error):
    _tenant(core, body)
    run = _exchange(core)
    assert run.status in ("denied", "failed") and run.error == error
    assert core.emu.logs("acme", limit=1)[0]["type"] == "fecte"


def test_profiles_are_checked(core):
    _tenant(core, "api.authentication.setUserById('auth0|1');")
    emu = core.emu
    with pytest.raises(ManagementError, match="namespaces are reserved"):
        emu.set_token_exchange_profile("acme", "p2", "urn:ietf:params:oauth:token-type:jwt", "exchange")
    with pytest.raises(ManagementError, match="already handles urn:acme:legacy-token"):
        emu.set_token_exchange_profile("acme", "p2", TYPE, "exchange")
    emu.create_action("acme", "login-thing", triggers.POST_LOGIN)
    with pytest.raises(ManagementError, match="a post-login action; a profile needs a custom-token-exchange action"):
        emu.set_token_exchange_profile("acme", "p2", "urn:acme:other", "login-thing")
    with pytest.raises(ManagementError, match="actions are not bound to the trigger: a Custom Token Exchange profile"):
        emu.set_bindings("acme", CTE, ["exchange"])
    with pytest.raises(UsageError, match="no Custom Token Exchange profile handles 'urn:acme:nope'"):
        flows.start(emu, "acme", "token_exchange", {"subject_token_type": "urn:acme:nope", "subject_token": "x"})


def test_flow_token_exchange_from_the_cli(tmp_path):
    ws = ["--workspace", str(tmp_path / "ws.sqlite")]
    (tmp_path / "x.js").write_text(act(CTE, "if (event.transaction.subject_token === 'no') "
                                            "api.access.deny('nope', 'No.'); else api.authentication.setUserById("
                                            "event.transaction.subject_token);"))
    for args in (("tenants", "create", "acme"),
                 ("apis", "create", "--tenant", "acme", "--name", "A", "--identifier", "https://a.example"),
                 ("actions", "create", str(tmp_path / "x.js"), "--tenant", "acme", "--trigger", CTE, "--deploy"),
                 ("token-exchange-profiles", "set", "legacy", "--tenant", "acme", "--subject-token-type", TYPE,
                  "--action", "x"),
                 ("users", "create", "--tenant", "acme", "--email", "ann@example.com", "--password", "Str0ng-Passw0rd!")):
        assert cli(*ws, *args).returncode == 0
    user_id = json.loads(cli(*ws, "users", "list", "--tenant", "acme", "--json").stdout)[0]["user_id"]
    p = cli(*ws, "flow", "token-exchange", "--tenant", "acme", "--subject-token-type", TYPE, "--subject-token", user_id)
    out = json.loads(p.stdout)
    assert p.returncode == 0 and out["status"] == "success" and out["tokens"]["claims"]["access_token"]["sub"] == user_id
    p = cli(*ws, "flow", "token-exchange", "--tenant", "acme", "--subject-token-type", TYPE, "--subject-token", "no")
    assert p.returncode == 4 and json.loads(p.stdout)["error"] == {"error": "nope", "error_description": "No."}
    p = cli(*ws, "flow", "token-exchange", "--tenant", "acme", "--subject-token-type", "urn:x:y", "--subject-token", "t")
    assert p.returncode == 2 and "no Custom Token Exchange profile handles 'urn:x:y'" in p.stderr
    p = cli(*ws, "flow", "token-exchange", "--tenant", "acme", "--subject-token-type", TYPE, "--subject-token", "t",
            "--email", "a@b.c")
    assert p.returncode == 2 and "--email: a token exchange's user is the one its action sets" in p.stderr


@pytest.mark.parametrize("fmt", ["directory", "yaml"])
def test_profiles_travel_with_the_deploy_cli_files(core, tmp_path, fmt):
    _tenant(core, "api.authentication.setUserById('auth0|1');")
    out = core.emu.export_tenant("acme", tmp_path / "export", fmt)
    if fmt == "directory":
        assert json.loads((out / "token-exchange-profiles" / "legacy.json").read_text()) == {
            "name": "legacy", "subject_token_type": TYPE, "action": "exchange", "type": "custom_authentication"}
    core.emu.import_tenant(out if fmt == "directory" else out / "tenant.yaml", "copy")
    [profile] = core.emu.token_exchange_profiles("copy")
    assert (profile["subject_token_type"], profile["action"]) == (TYPE, "exchange")


def test_a_profile_naming_a_wrong_action_refuses_the_import(core, tmp_path):
    (tmp_path / "token-exchange-profiles").mkdir()
    (tmp_path / "token-exchange-profiles" / "p.json").write_text(json.dumps(
        {"name": "p", "subject_token_type": TYPE, "action": "nope", "type": "custom_authentication"}))
    (tmp_path / "token-exchange-profiles" / "q.json").write_text(json.dumps({"name": "q", "action": "x"}))
    p = cli("--workspace", str(core.path), "import", str(tmp_path), "--tenant", "fresh")
    assert p.returncode == 2
    assert "token-exchange-profiles/q.json: subject_token_type: required" in p.stderr
    assert "tokenExchangeProfiles: p: action: no action named 'nope'" in p.stderr
