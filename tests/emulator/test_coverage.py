"""Line coverage of actions (`--coverage`, `--coverage-out`): V8's precise coverage through the
debugging host's inspector, per action version, over real runs of real Node; the lcov file read by a
third-party parser (lcov_cobertura); and results that coverage does not change."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lcov_cobertura import LcovCobertura

from .test_cli_flow import sample_ws  # noqa: F401  (fixture)
from .test_cli_workspace import cli, ok

BRANCHY = """exports.onExecutePostLogin = async (event, api) => {
  if (event.user.app_metadata.vip) {
    api.idToken.setCustomClaim('tier', 'gold');
  } else {
    api.idToken.setCustomClaim('tier', 'basic');
  }
};
"""
VIP = '{"user": {"app_metadata": {"vip": true}}}'
PLAIN = '{"user": {"app_metadata": {}}}'


def _tenant(tmp_path: Path) -> Path:
    ws = tmp_path / "ws.sqlite"
    ok(cli(ws, "tenants", "create", "acme"))
    (tmp_path / "branchy.js").write_text(BRANCHY)
    ok(cli(ws, "actions", "create", str(tmp_path / "branchy.js"), "--tenant", "acme", "--trigger", "post-login",
           "--deploy"))
    return ws


def test_two_events_cover_both_branches_and_lcov_parses(tmp_path):
    ws = _tenant(tmp_path)
    (tmp_path / "vip.json").write_text(VIP)
    (tmp_path / "plain.json").write_text(PLAIN)
    lcov = tmp_path / "coverage.info"
    p = cli(ws, "compare", "branchy", "1", "1", "--tenant", "acme", "--event", str(tmp_path / "vip.json"),
            "--event", str(tmp_path / "plain.json"), "--coverage-out", str(lcov))
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["differing_events"] == []  # the results as without coverage
    [cov] = out["coverage"]["files"]
    assert (cov["file"], cov["action"], cov["version"]) == ("actions/acme/branchy/v1.js", "branchy", 1)
    # Two events, each run on "both" versions: the handler ran 4 times, each branch twice.
    assert cov["lines"]["2"] == 4 and cov["lines"]["3"] == 2 and cov["lines"]["5"] == 2
    assert cov["functions"] == [{"name": "exports.onExecutePostLogin", "line": 1, "count": 4}]
    assert cov["summary"]["lines"] == {"covered": 7, "total": 7}
    assert "coverage branchy v1: lines 7/7 (100%)" in p.stderr
    parsed = LcovCobertura(lcov.read_text()).parse()
    [(_, package)] = parsed["packages"].items()
    lines = package["classes"]["actions/acme/branchy/v1.js"]["lines"]
    assert lines[3]["hits"] == "2" and lines[5]["hits"] == "2" and parsed["summary"]["lines-covered"] == 7


def test_one_event_leaves_the_other_branch_at_zero_and_the_result_unchanged(tmp_path):
    action = tmp_path / "branchy.js"
    action.write_text(BRANCHY)
    args = [sys.executable, "-m", "emulator.cli", "run-action", str(action), "--trigger", "post-login",
            "--event", VIP]
    plain = subprocess.run(args, capture_output=True, text=True, timeout=60)
    covered = subprocess.run(args + ["--coverage"], capture_output=True, text=True, timeout=60)
    assert plain.returncode == covered.returncode == 0, covered.stderr
    a, b = json.loads(plain.stdout), json.loads(covered.stdout)
    assert a["actions"][0]["commands"] == b["actions"][0]["commands"]
    [cov] = b["coverage"]["files"]
    assert cov["file"] == str(action) and cov["lines"]["3"] == 1 and cov["lines"]["5"] == 0
    assert "not run: 5-6" in covered.stderr  # the else branch and its closing brace
    assert "coverage" not in a  # fields only added when asked for


def test_a_journey_covers_every_action_it_ran(sample_ws):  # noqa: F811
    out = json.loads(ok(cli(sample_ws, "flow", "login", "--tenant", "sample", "--email", "jane.doe@example.com",
                            "--password", "Correct-Horse-9", "--auto", "--coverage")))
    assert out["status"] == "success"
    ran = {a["name"] for e in out["executions"]["post-login"] for a in e["actions"]}
    covered = {f["action"] for f in out["coverage"]["files"]}
    assert ran <= covered, (ran, covered)
    for f in out["coverage"]["files"]:
        if f["action"] in ran:
            assert f["summary"]["lines"]["covered"] > 0


def test_the_apps_coverage_covers_each_run_until_it_is_turned_off(core):
    """The facade behind the app's Coverage toggle: a Test run of the draft, then another, each taken
    apart; off again, runs go back to the tenant's normal host."""
    from emulator.debug.coverage import lines_for

    from .conftest import tenant_with

    # act() puts the body from line 2: the if, the claim inside it (line 3), a claim after it (line 5).
    tenant_with(core, {"post-login": ["if (event.user.app_metadata.vip) {\n  api.idToken.setCustomClaim('t', 1);\n}\n"
                                      "api.idToken.setCustomClaim('done', 1);"]})
    emu = core.emu
    emu.debug_breakpoints = True  # as the app sets it
    emu.set_coverage("acme", True)

    async def runs():
        await emu.run_action("acme", "post-login-1", "draft", {"user": {"app_metadata": {"vip": True}}})
        first = await emu.take_coverage("acme")
        await emu.run_action("acme", "post-login-1", "draft", {"user": {"app_metadata": {}}})
        second = await emu.take_coverage("acme")
        return first, second

    first, second = core.run(runs())
    vip, plain = lines_for(first, "post-login-1", "draft"), lines_for(second, "post-login-1", "draft")
    assert (vip[2], vip[3], vip[5]) == (1, 1, 1)
    assert (plain[2], plain[3], plain[5]) == (1, 0, 1)  # counts start again at each take
    assert emu.coverage_lines("acme", "post-login-1", "draft") == plain
    emu.set_coverage("acme", False)
    assert emu.coverage_lines("acme", "post-login-1", "draft") is None
    core.run(emu.run_action("acme", "post-login-1", "draft", {}))
    assert "acme" not in emu.debuggers.sessions
