"""A trigger's chain in one round trip with Auth0's state passing (spec §2.1, §2.2)."""
from __future__ import annotations

import json

PL = "post-login"


def act(body: str, handler: str = "onExecutePostLogin") -> str:
    return f"exports.{handler} = async (event, api) => {{\n{body}\n}};"


def test_actions_run_in_binding_order(emu):
    r = emu.chain(PL, act("console.log('first');"), act("console.log('second');"), act("console.log('third');"))
    assert [a.logs[0]["message"] for a in r.actions] == ["first", "second", "third"]
    assert [a.name for a in r.actions] == ["action1", "action2", "action3"]
    assert r.outcome.status == "completed" and r.node_version.startswith("v")


def test_metadata_set_earlier_is_visible_later_but_not_in_the_same_action(emu):
    r = emu.chain(PL, act("""
        api.user.setAppMetadata('plan', 'pro');
        api.user.setUserMetadata('theme', 'dark');
        console.log(JSON.stringify(event.user.app_metadata));
      """), act("""
        console.log(JSON.stringify([event.user.app_metadata, event.user.user_metadata]));
        api.user.setUserMetadata('theme', null);
      """), act("console.log(JSON.stringify(event.user.user_metadata));"),
        event={"user": {"app_metadata": {"plan": "free", "since": 2020}, "user_metadata": {"theme": "light"}}})
    logs = [a.logs[0]["message"] for a in r.actions]
    assert json.loads(logs[0]) == {"plan": "free", "since": 2020}
    assert json.loads(logs[1]) == [{"plan": "pro", "since": 2020}, {"theme": "dark"}]
    assert json.loads(logs[2]) == {}
    assert r.carried["app_metadata"] == {"plan": "pro"} and r.carried["user_metadata"] == {"theme": None}


def test_setting_undefined_later_means_no_write(emu):
    r = emu.chain(PL, act("api.user.setAppMetadata('flag', true);"),
                  act("api.user.setAppMetadata('flag', undefined);"),
                  act("console.log(JSON.stringify(event.user.app_metadata));"))
    assert r.actions[2].logs[0]["message"] == "{}"
    assert r.carried["app_metadata"] == {}


def test_direct_event_mutations_do_not_carry_over(emu):
    r = emu.chain(PL, act("event.user.email = 'changed@x.com'; event.injected = 1;"),
                  act("console.log(event.user.email, String(event.injected));"))
    assert r.actions[1].logs[0]["message"] == "jane.doe@example.com undefined"


def test_transaction_metadata_flows_to_later_actions(emu):
    r = emu.chain(PL, act("api.transaction.setMetadata('risk', 'low');"),
                  act("console.log(event.transaction.metadata.risk);"))
    assert r.actions[1].logs[0]["message"] == "low"
    assert r.carried["transaction_metadata"] == {"risk": "low"}


def test_deny_lets_the_action_finish_and_stops_the_chain(emu):
    r = emu.chain(PL, act("api.user.setAppMetadata('denied_at', 'now'); api.access.deny('blocked'); "
                          "await new Promise((r) => setTimeout(r, 10)); console.log('finished');"),
                  act("console.log('must not run');"))
    assert r.outcome.status == "denied" and r.outcome.action == "action1"
    assert r.outcome.command == {"name": "access.deny", "args": ["blocked"]}
    assert r.actions[0].logs[0]["message"] == "finished"
    assert len(r.actions) == 1 and r.outcome.skipped == ["action2"]
    # Side effects of the denying action are kept (spec §1.4).
    assert r.carried["app_metadata"] == {"denied_at": "now"}


def test_a_throw_fails_the_chain_and_names_the_action(emu):
    r = emu.chain(PL, act("api.idToken.setCustomClaim('a', 1);"),
                  act("\n\n  throw new Error('upstream down');"), act("console.log('nope');"))
    assert r.outcome.status == "failed" and r.outcome.action == "action2"
    assert r.outcome.error_class == "action_error" and r.outcome.skipped == ["action3"]
    err = r.actions[1].error
    assert (err.name, err.message, err.line) == ("Error", "upstream down", 4)
    assert "/actions/action2.js:4" in err.stack and "harness" not in err.stack
    assert r.actions[0].commands  # the earlier action's work is kept


def test_thrown_non_errors_and_rejections_are_reported(emu):
    r = emu.chain(PL, act("throw 'just a string';"))
    assert r.actions[0].error.message == "just a string"
    r = emu.chain(PL, act("await Promise.reject(new TypeError('bad type'));"))
    assert r.actions[0].error.name == "TypeError"


def test_each_action_sees_only_its_own_secrets(emu):
    from emulator.runtime import ActionSource

    a = ActionSource("a", act("console.log(JSON.stringify(event.secrets));"), "/a.js", secrets={"A_KEY": "1"})
    b = ActionSource("b", act("console.log(JSON.stringify(event.secrets));"), "/b.js", secrets={"B_KEY": "2"})
    r = emu.chain(PL, a, b)
    assert [json.loads(x.logs[0]["message"]) for x in r.actions] == [{"A_KEY": "1"}, {"B_KEY": "2"}]


def test_timings_are_reported(emu):
    r = emu.chain(PL, act("await new Promise((r) => setTimeout(r, 30));"))
    t = r.actions[0].timings
    assert t["total_ms"] >= 25 and t["run_ms"] >= 25 and t["load_ms"] >= 0  # timers may fire a hair early
    assert r.total_ms >= t["total_ms"]
