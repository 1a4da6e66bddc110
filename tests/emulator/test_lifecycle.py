"""Auth0's action lifecycle and limits on a real workspace: drafts, numbered immutable versions, rollback,
bindings of deployed actions only, runs stored as executions with logs, and what each operation changed."""
from __future__ import annotations

import json

import pytest

from emulator.changes import Changes
from emulator.errors import ManagementError
from emulator.store import actions as store_actions
from emulator.store import directory

from .conftest import act

PL = "post-login"


def _make(core, name="claims", body="api.idToken.setCustomClaim('v', 1);", **kw):
    action, changes = core.emu.create_action("acme", name, PL, act(PL, body), **kw)
    return action, changes


@pytest.fixture
def acme(core):
    core.emu.create_tenant("acme")
    return core


def test_draft_deploy_update_rollback(acme):
    emu = acme.emu
    action, changes = _make(acme)
    assert (action["deployed_version"], action["all_changes_deployed"]) == (None, False)
    assert changes.actions == {("acme", "claims")} and changes.logs == {"acme"}
    v1, _ = emu.deploy("acme", "claims")
    assert v1["number"] == 1 and v1["deployed"] and emu.action("acme", "claims")["all_changes_deployed"]
    emu.update_draft("acme", "claims", code=act(PL, "api.idToken.setCustomClaim('v', 2);"))
    assert not emu.action("acme", "claims")["all_changes_deployed"]
    emu.deploy("acme", "claims")
    v3, changes = emu.rollback("acme", "claims", 1)
    assert v3["number"] == 3 and v3["code"] == v1["code"] and changes.bindings == {("acme", PL)}
    assert [v["number"] for v in emu.versions("acme", "claims")] == [3, 2, 1]
    assert [v["deployed"] for v in emu.versions("acme", "claims")] == [True, False, False]
    assert "'v', 2" in emu.action("acme", "claims")["code"]  # the draft is untouched by a rollback
    emu.rollback("acme", "claims", 2, update_draft=True)
    assert emu.action("acme", "claims")["all_changes_deployed"]


def test_versions_are_immutable_snapshots_and_only_deployed_runs(acme):
    emu = acme.emu
    _make(acme, body="console.log('one');")
    emu.deploy("acme", "claims")
    emu.set_bindings("acme", PL, ["claims"])
    emu.update_draft("acme", "claims", code=act(PL, "console.log('draft');"))
    result, record, _ = acme.run(emu.run_trigger("acme", PL))
    assert result.actions[0].logs[0]["message"] == "one"
    assert emu.versions("acme", "claims")[0]["code"] == act(PL, "console.log('one');")
    test_run, _, _ = acme.run(emu.run_action("acme", "claims"))  # the Test panel runs the draft
    assert test_run.actions[0].logs[0]["message"] == "draft"
    v1, _, _ = acme.run(emu.run_action("acme", "claims", 1))
    assert v1.actions[0].logs[0]["message"] == "one"


def test_diff(acme):
    emu = acme.emu
    _make(acme, body="console.log('one');")
    emu.deploy("acme", "claims")
    emu.update_draft("acme", "claims", code=act(PL, "console.log('two');"))
    diff = emu.diff("acme", "claims")
    assert diff.splitlines()[:2] == ["--- claims (v1)", "+++ claims (draft)"]
    assert "-console.log('one');" in diff and "+console.log('two');" in diff
    emu.deploy("acme", "claims")
    assert emu.diff("acme", "claims", 1, 2) == diff.replace("(draft)", "(v2)")
    assert emu.diff("acme", "claims") == ""


def test_secrets_are_write_only_and_versioned(acme):
    emu = acme.emu
    _make(acme, body="console.log(event.secrets.API_KEY);", secrets={"API_KEY": "first"})
    assert emu.action("acme", "claims")["secrets"][0]["name"] == "API_KEY"
    assert "first" not in json.dumps(emu.action("acme", "claims"))
    emu.deploy("acme", "claims")
    emu.update_draft("acme", "claims", secrets={"API_KEY": "second"})
    deployed, _, _ = acme.run(emu.run_action("acme", "claims", "deployed"))
    draft, _, _ = acme.run(emu.run_action("acme", "claims"))
    assert (deployed.actions[0].logs[0]["message"], draft.actions[0].logs[0]["message"]) == ("first", "second")
    emu.update_draft("acme", "claims", secrets={"API_KEY": None})
    assert emu.action("acme", "claims")["secrets"] == []


@pytest.mark.parametrize("kwargs, message", [
    ({"code": "x" * (100 * 1024 + 1)}, "Auth0 allows at most 100 KB"),
    ({"dependencies": [{"name": f"p{i}", "version": "1.0.0"} for i in range(11)]}, "at most 10 dependencies"),
    ({"secrets": {f"S{i}": "v" for i in range(31)}}, "at most 30 secrets"),
    ({"secrets": {"S": "v" * 4097}}, "longer than 4096 characters"),
    ({"runtime": "node10"}, "Invalid runtime 'node10'"),
])
def test_content_limits(acme, kwargs, message):
    code = kwargs.pop("code", act(PL, ""))
    with pytest.raises(ManagementError, match=message) as err:
        acme.emu.create_action("acme", "big", PL, code, **kwargs)
    assert err.value.status == 400
    assert acme.emu.actions("acme") == []


def test_at_most_100_actions(acme):
    for i in range(100):
        store_actions.create(acme.emu.ws, "acme", f"a{i}", PL, act(PL, ""))
    with pytest.raises(ManagementError, match="already has 100 actions") as err:
        _make(acme, name="one-more")
    assert err.value.status == 403


def test_at_most_50_versions_the_oldest_unused_goes(acme):
    emu = acme.emu
    _make(acme)
    emu.deploy("acme", "claims")
    emu.rollback("acme", "claims", 1)  # v2 is a copy of v1 and deployed
    for _ in range(49):
        emu.deploy("acme", "claims")
    numbers = [v["number"] for v in emu.versions("acme", "claims")]
    assert len(numbers) == 50 and numbers[0] == 51 and 1 not in numbers and numbers[-1] == 2


def test_duplicate_names_and_unknown_triggers(acme):
    _make(acme)
    with pytest.raises(ManagementError, match="already exists") as err:
        _make(acme)
    assert err.value.status == 409
    from emulator.triggers import UnknownTrigger

    with pytest.raises(UnknownTrigger):
        acme.emu.create_action("acme", "x", "post-logon", "")


def test_binding_rules(acme):
    emu = acme.emu
    _make(acme, name="undeployed")
    with pytest.raises(ManagementError, match="has not been deployed; deploy it before binding it"):
        emu.set_bindings("acme", PL, ["undeployed"])
    emu.create_action("acme", "signup", "pre-user-registration", act("pre-user-registration", ""))
    emu.deploy("acme", "signup")
    with pytest.raises(ManagementError, match="Trying to create a binding between an incompatible action and trigger."):
        emu.set_bindings("acme", PL, ["signup"])
    with pytest.raises(ManagementError, match="does not exist") as err:
        emu.set_bindings("acme", PL, ["ghost"])
    assert err.value.status == 404
    assert emu.bindings("acme", PL) == {PL: []}  # refused as a whole


def test_binding_order_is_execution_order_and_limits(acme):
    emu = acme.emu
    for name in ("first", "second", "third"):
        _make(acme, name=name, body=f"console.log('{name}');")
        emu.deploy("acme", name)
    refs, changes = emu.set_bindings("acme", PL, ["third", "first", "second"])
    assert [b["action"]["name"] for b in refs] == ["third", "first", "second"]
    assert changes.bindings == {("acme", PL)}
    result, _, _ = acme.run(emu.run_trigger("acme", PL))
    assert [a.logs[0]["message"] for a in result.actions] == ["third", "first", "second"]
    with pytest.raises(ManagementError, match="bound to post-login twice"):
        emu.set_bindings("acme", PL, ["first", "first"])
    reset = "password-reset-post-challenge"
    for i in range(5):
        emu.create_action("acme", f"r{i}", reset, act(reset, ""))
        emu.deploy("acme", f"r{i}")
    with pytest.raises(ManagementError, match="At most 4 actions can be bound to password-reset-post-challenge"):
        emu.set_bindings("acme", reset, [f"r{i}" for i in range(5)])
    for i in range(21):
        store_actions.create(acme.emu.ws, "acme", f"m{i}", PL, act(PL, ""))
        store_actions.deploy(acme.emu.ws, "acme", f"m{i}")
    with pytest.raises(ManagementError, match="At most 20 actions"):
        emu.set_bindings("acme", PL, [f"m{i}" for i in range(21)])


def test_deleting_a_bound_action_needs_force(acme):
    emu = acme.emu
    _make(acme)
    emu.deploy("acme", "claims")
    emu.set_bindings("acme", PL, ["claims"])
    with pytest.raises(ManagementError, match="is bound to post-login"):
        emu.delete_action("acme", "claims")
    changes = emu.delete_action("acme", "claims", force=True)
    assert changes.bindings == {("acme", PL)} and emu.bindings("acme", PL) == {PL: []} and emu.actions("acme") == []


def test_trigger_runs_are_stored_with_logs_and_cache(acme):
    emu = acme.emu
    _make(acme, name="counter", body="""
      const n = Number((api.cache.get('n') || {value: '0'}).value) + 1;
      api.cache.set('n', String(n)); console.log('run ' + n);""")
    _make(acme, name="boom", body="throw new Error('kaput');")
    for name in ("counter", "boom"):
        emu.deploy("acme", name)
    emu.set_bindings("acme", PL, ["counter", "boom"])
    first, record, changes = acme.run(emu.run_trigger("acme", PL, {"user": {"email": "x@y.com"}}))
    second, _, _ = acme.run(emu.run_trigger("acme", PL))
    assert second.actions[0].logs[0]["message"] == "run 2"  # the cache survived between executions
    stored = emu.execution(record["id"])
    assert stored["trigger_id"] == PL and stored["outcome"]["status"] == "failed"
    assert stored["event"]["user"]["email"] == "x@y.com"
    assert [r["action_name"] for r in stored["results"]] == ["counter", "boom"]
    detail = stored["results"][0]["emulator"]
    assert detail["version"] == 1 and detail["logs"][0]["message"] == "run 1" and detail["commands"]
    assert stored["results"][1]["error"]["msg"] == "kaput"
    failed = emu.logs("acme", type_="actions_execution_failed")
    assert len(failed) == 2 and failed[0]["details"]["action_name"] == "boom"
    assert failed[-1]["details"]["execution_id"] == record["id"]
    assert failed[0]["details"]["error_class"] == "action_error"
    assert changes.executions == {record["id"]} and changes.logs == {"acme"} and changes.cache == {("acme", PL)}
    assert emu.logs("acme", action="boom") and not emu.logs("acme", action="counter")
    assert emu.logs("acme", trigger_id=PL, search="kaput")
    assert [r["id"] for r in emu.executions("acme")][1] == record["id"]


def test_management_writes_are_logged_as_sapi(acme):
    _make(acme)
    acme.emu.deploy("acme", "claims")
    assert [l["description"] for l in acme.emu.logs("acme", type_="sapi")] == ["Deploy an action", "Create an action"]


def test_users_have_hashed_passwords_and_unique_emails(acme):
    user, changes = acme.emu.create_user("acme", email="ann@example.com", password="Secret-123", roles=["admin"])
    assert user["user_id"].startswith("auth0|") and changes.users == {("acme", user["user_id"])}
    stored = directory.password_hash(acme.emu.ws, "acme", user["user_id"])
    assert stored.startswith("$2b$") and "Secret-123" not in stored
    assert directory.verify_password(stored, "Secret-123") and not directory.verify_password(stored, "nope")
    raw = acme.path.read_bytes() + (acme.path.with_suffix(".sqlite-wal").read_bytes()
                                    if acme.path.with_suffix(".sqlite-wal").exists() else b"")
    assert b"Secret-123" not in raw
    with pytest.raises(ManagementError, match="The user already exists.") as err:
        acme.emu.create_user("acme", email="ann@example.com", password="x")
    assert err.value.status == 409


def test_new_tenants_look_like_auth0s(core):
    changes = core.emu.create_tenant("fresh")
    assert changes == Changes(tenants=frozenset(["fresh"]), directory=frozenset(["fresh"]))
    assert [c["name"] for c in directory.clients(core.emu.ws, "fresh")] == ["Default App"]
    assert [c["name"] for c in directory.connections(core.emu.ws, "fresh")] == ["Username-Password-Authentication"]
    with pytest.raises(ManagementError, match="Invalid tenant name"):
        core.emu.create_tenant("Bad Name!")
