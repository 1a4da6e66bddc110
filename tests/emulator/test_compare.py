"""Comparing two versions of an action on the same events, in the core and from the command line."""
from __future__ import annotations

import json

from emulator.compare import compare_versions
from emulator.emulator import SAMPLE_TENANT_DIR

from .test_cli_workspace import cli, ok

SPY = {"user": {"email": "spy@competitor.example"}}


def test_versions_differ_only_where_they_behave_differently(sample):
    emu = sample.emu
    emu.save_test_event("sample", "email-domain-policy", "competitor", SPY)
    results = sample.run(compare_versions(emu, "sample", "email-domain-policy", 1, 2,
                                          {"default": None, "competitor": SPY}))
    by_event = {r.event_name: r for r in results}
    assert by_event["default"].differences == []
    spy = by_event["competitor"]
    assert spy.differences == ["outcome", "commands", "console"]
    assert spy.a["outcome"] == {"status": "completed"} and spy.b["outcome"]["status"] == "denied"
    assert spy.b["commands"] == [{"name": "access.deny",
                                  "args": ["Accounts from competitor.example cannot use this application."]}]
    assert spy.a["console"] == ["domain competitor.example allowed"] and spy.b["console"] == []
    assert spy.a["duration_ms"] > 0


def test_compare_from_the_command_line(tmp_path):
    ws = tmp_path / "w.sqlite"
    ok(cli(ws, "import", str(SAMPLE_TENANT_DIR), "--tenant", "sample", "--keywords",
           str(SAMPLE_TENANT_DIR / "keywords.json")))
    event = tmp_path / "spy.json"
    event.write_text(json.dumps(SPY))
    same = cli(ws, "compare", "email-domain-policy", "deployed", "draft", "--tenant", "sample", "--event", str(event))
    assert same.returncode == 0 and json.loads(same.stdout)["differing_events"] == []
    differ = cli(ws, "compare", "email-domain-policy", "1", "2", "--tenant", "sample", "--event", str(event))
    assert differ.returncode == 1
    out = json.loads(differ.stdout)
    assert out["differing_events"] == [str(event)] and out["events"][0]["differences"][0] == "outcome"
