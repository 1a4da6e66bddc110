"""Actions Modules: a module's lifecycle (draft, publish, rollback, pins, limits), real modules required
from actions in files, workspace runs and journeys, module secrets kept apart from the action's, a
module's own npm dependencies, the rule that modules cannot require modules, the CLI and the Deploy
CLI round trip."""
from __future__ import annotations

import json

import pytest

from emulator.errors import ManagementError
from emulator.flows.report import report
from emulator.runtime import ActionSource, DependencyCache, ModuleSource, build_event, run_chain

from .conftest import act, flow, tenant_with
from .test_cli import cli
from .test_deps import IS_NUMBER

PL = "post-login"
LOGGER = """let loads = 0;
loads += 1;
console.log('logger loaded');
module.exports = {
  tag: (s) => `${actions.secrets.PREFIX}:${s}`,
  loads: () => loads,
  sawActionSecret: () => typeof event,
};
"""
USES_LOGGER = """const logger = require('actions:logger');
exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://example.com/tag', logger.tag(event.user.email));
  api.idToken.setCustomClaim('https://example.com/loads', logger.loads());
  console.log('action sees', typeof actions, event.secrets.PREFIX, JSON.stringify(event.secrets));
};
"""


def _pin(name="logger", number=1):
    return [{"module_name": name, "module_version_number": number}]


def _claims(result) -> dict:
    return {c["args"][0]: c["args"][1] for c in result.commands if c["name"] == "idToken.setCustomClaim"}


@pytest.fixture
def tenant(core):
    core.emu.create_tenant("acme")
    core.emu.create_module("acme", "logger", LOGGER, secrets={"PREFIX": "mod"})
    core.emu.publish_module("acme", "logger")
    return "acme"


# ---- lifecycle -------------------------------------------------------------------------------------------
def test_publish_gives_immutable_numbered_versions_and_rollback_copies_into_the_draft(core, tenant):
    emu = core.emu
    emu.update_module(tenant, "logger", code="module.exports = { v: 2 };\n", secrets={"PREFIX": "two"})
    assert emu.module(tenant, "logger")["all_changes_published"] is False
    assert emu.publish_module(tenant, "logger")[0]["version_number"] == 2
    assert [v["version_number"] for v in emu.module_versions(tenant, "logger")] == [2, 1]
    assert emu.module_versions(tenant, "logger")[1]["code"] == LOGGER  # version 1 never changed
    module, _ = emu.rollback_module(tenant, "logger", 1)
    assert module["code"] == LOGGER and module["latest_version_number"] == 2  # rollback publishes nothing
    assert core.run(_run_stored(core, tenant, "rolled", 1)).actions[0].error is None
    assert [s["name"] for s in module["secrets"]] == ["PREFIX"] and "value" not in module["secrets"][0]


async def _run_stored(core, tenant, name, number):
    if name not in {a["name"] for a in core.emu.actions(tenant)}:
        core.emu.create_action(tenant, name, PL, USES_LOGGER, modules=_pin(number=number))
    result, _, _ = await core.emu.run_action(tenant, name)
    return result


def test_pins_are_checked_and_shown_as_auth0_shows_them(core, tenant):
    emu = core.emu
    with pytest.raises(ManagementError, match=r"The module 'nope' does not exist \(modules: logger\)"):
        emu.create_action(tenant, "a", PL, USES_LOGGER, modules=_pin("nope"))
    with pytest.raises(ManagementError, match=r"The module 'logger' has no version 7 \(versions: 1\)"):
        emu.create_action(tenant, "a", PL, USES_LOGGER, modules=_pin(number=7))
    for i in range(2, 5):
        emu.create_module(tenant, f"m{i}", "module.exports = {};\n")
        emu.publish_module(tenant, f"m{i}")
    with pytest.raises(ManagementError, match="at most 3 Actions Modules"):
        emu.create_action(tenant, "a", PL, USES_LOGGER, modules=[_pin(f"m{i}")[0] for i in range(2, 5)] + _pin())
    action, _ = emu.create_action(tenant, "a", PL, USES_LOGGER, modules=_pin())
    [pin] = action["modules"]
    assert pin["module_name"] == "logger" and pin["module_version_number"] == 1
    assert pin["module_id"] == emu.module(tenant, "logger")["id"]
    assert pin["module_version_id"] == emu.module_versions(tenant, "logger")[0]["id"]
    # The deployed version keeps its pin when the draft moves on, and the diff shows both.
    emu.deploy(tenant, "a")
    emu.update_module(tenant, "logger", code="module.exports = { tag: () => 'v2', loads: () => 0 };\n")
    emu.publish_module(tenant, "logger")
    emu.update_draft(tenant, "a", modules=_pin(number=2))
    assert emu.action(tenant, "a")["all_changes_deployed"] is False
    assert emu.versions(tenant, "a")[0]["modules"][0]["module_version_number"] == 1
    assert "-// module: logger@1\n+// module: logger@2\n" in emu.diff(tenant, "a")


def test_a_module_in_use_cannot_be_deleted(core, tenant):
    core.emu.create_action(tenant, "a", PL, USES_LOGGER, modules=_pin())
    with pytest.raises(ManagementError, match="The module 'logger' is in use by a"):
        core.emu.delete_module(tenant, "logger")
    assert core.emu.module_users(tenant, "logger") == [{"action": "a", "version": None, "module_version_number": 1}]
    core.emu.update_draft(tenant, "a", modules=[])
    core.emu.delete_module(tenant, "logger")
    assert core.emu.modules(tenant) == []


def test_a_module_that_requires_a_module_is_refused_naming_the_line(core, tenant):
    with pytest.raises(ManagementError) as err:
        core.emu.create_module(tenant, "nested", "// shared\nconst l = require( 'actions:logger' );\n")
    assert str(err.value) == ("module 'nested', line 2: require('actions:logger'): Each Action Module can have "
                              "dependencies to NPM Modules, but not to other Actions Modules.")
    with pytest.raises(ManagementError, match="line 1"):
        core.emu.update_module(tenant, "logger", code="require(`actions:x`)")
    assert core.emu.module(tenant, "logger")["code"] == LOGGER
    # Only code counts: a comment or a string may mention it.
    core.emu.create_module(tenant, "docs", "// use require('actions:docs') from an action\nmodule.exports = "
                                           "{ how: \"require('actions:docs')\" };\n")


# ---- running ---------------------------------------------------------------------------------------------
def test_an_action_requires_its_pinned_module_with_the_modules_own_secrets(core, tenant):
    core.emu.create_action(tenant, "a", PL, USES_LOGGER, secrets={"PREFIX": "action"}, modules=_pin())
    first = core.run(_run_stored(core, tenant, "a", 1)).actions[0]
    assert first.error is None
    assert _claims(first) == {"https://example.com/tag": "mod:jane.doe@example.com", "https://example.com/loads": 1}
    # The module's top level ran once, inside the first execution; the action has no `actions`, and
    # event.secrets holds the action's secrets only.
    assert [line["message"] for line in first.logs] == [
        "logger loaded", 'action sees undefined action {"PREFIX":"action"}']
    second = core.run(_run_stored(core, tenant, "a", 1)).actions[0]
    assert _claims(second)["https://example.com/loads"] == 1  # module scope reused, not reloaded
    assert [line["message"] for line in second.logs] == ['action sees undefined action {"PREFIX":"action"}']
    # A new secret value is a new load (Auth0 builds the module with its secrets).
    core.emu.update_module(tenant, "logger", secrets={"PREFIX": "new"})
    core.emu.publish_module(tenant, "logger")
    core.emu.update_draft(tenant, "a", modules=_pin(number=2))
    third = core.run(_run_stored(core, tenant, "a", 2)).actions[0]
    assert _claims(third)["https://example.com/tag"] == "new:jane.doe@example.com"


def test_modules_cannot_require_modules_at_run_time_and_unpinned_names_are_not_found(emu):
    nested = ModuleSource("nested", "module.exports = require('actions:logger');\n", "/modules/nested.js")
    logger = ModuleSource("logger", "module.exports = 1;\n", "/modules/logger.js")
    code = "const n = require('actions:nested');\nexports.onExecutePostLogin = async () => {};\n"
    src = ActionSource("a", code, "/actions/a.js", modules=[nested, logger])
    r = emu.run(run_chain(emu.host(), PL, [src], build_event(PL, None)))
    assert r.actions[0].error.message.startswith("Cannot find module 'actions:logger'")
    src = ActionSource("b", "require('actions:logger');\nexports.onExecutePostLogin = async () => {};\n", "/actions/b.js")
    r = emu.run(run_chain(emu.host(), PL, [src], build_event(PL, None)))
    assert r.actions[0].error.message.startswith("Cannot find module 'actions:logger'")
    assert r.actions[0].error.line == 1


def test_a_module_resolves_its_own_npm_dependencies_and_the_action_does_not(emu, tmp_path):
    cache = DependencyCache(tmp_path)
    mod = ModuleSource("nums", "const isNumber = require('is-number');\nmodule.exports = { isNumber };\n",
                       "/modules/nums.js", dependencies=IS_NUMBER)
    code = """const { isNumber } = require('actions:nums');
exports.onExecutePostLogin = async (event, api) => {
  let own = 'not found';
  try { require('is-number'); own = 'found'; } catch (e) { own = e.code; }
  api.idToken.setCustomClaim('n', isNumber(5));
  api.idToken.setCustomClaim('own', own);
};"""
    r = emu.run(run_chain(emu.host(), PL, [ActionSource("a", code, "/actions/a.js", modules=[mod])],
                          build_event(PL, None), dependency_cache=cache))
    assert r.actions[0].error is None
    assert _claims(r.actions[0]) == {"n": True, "own": "MODULE_NOT_FOUND"}


def test_a_login_journey_runs_the_deployed_actions_pinned_module(core):
    tenant_with(core, {})
    core.emu.create_module("acme", "logger", LOGGER, secrets={"PREFIX": "journey"})
    core.emu.publish_module("acme", "logger")
    core.emu.create_action("acme", "tagger", PL, USES_LOGGER, modules=_pin())
    core.emu.deploy("acme", "tagger")
    core.emu.set_bindings("acme", PL, ["tagger"])
    run = flow(core, "login", {})
    assert run.status == "success"
    claims = report(core.emu, run)["tokens"]["claims"]["id_token"]
    assert claims["https://example.com/tag"] == "journey:ann@example.com"


# ---- CLI -------------------------------------------------------------------------------------------------
def test_run_action_with_module_files(tmp_path):
    (tmp_path / "logger.js").write_text(LOGGER)
    (tmp_path / "a.js").write_text(USES_LOGGER)
    p = cli("run-action", str(tmp_path / "a.js"), "--trigger", PL, "--module", f"logger={tmp_path / 'logger.js'}",
            "--module-secret", "logger:PREFIX=cli", "--secret", "OTHER=1")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["actions"][0]["commands"][0]["args"] == ["https://example.com/tag", "cli:jane.doe@example.com"]
    (tmp_path / "nested.js").write_text("\n\nrequire('actions:logger');\n")
    p = cli("run-action", str(tmp_path / "a.js"), "--trigger", PL, "--module", f"logger={tmp_path / 'nested.js'}")
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.strip().endswith("nested.js: module 'logger', line 3: require('actions:logger'): Each Action "
                                     "Module can have dependencies to NPM Modules, but not to other Actions Modules.")
    for bad, message in ((["--module", "logger"], "--module: 'logger' is not NAME=FILE"),
                         (["--module-secret", "x:K=V"], "--module-secret: no module 'x'")):
        p = cli("run-action", str(tmp_path / "a.js"), "--trigger", PL, *bad)
        assert p.returncode == 2 and message in p.stderr and "Traceback" not in p.stderr


def test_modules_commands_and_action_pins(tmp_path):
    ws = ["--workspace", str(tmp_path / "ws.sqlite")]
    (tmp_path / "logger.js").write_text(LOGGER)
    (tmp_path / "a.js").write_text(USES_LOGGER)
    assert cli(*ws, "tenants", "create", "acme").returncode == 0
    p = cli(*ws, "modules", "create", str(tmp_path / "logger.js"), "--tenant", "acme", "--secret", "PREFIX=x",
            "--publish")
    assert (p.returncode, p.stdout) == (0, "logger: published as version 1\n"), p.stderr
    p = cli(*ws, "actions", "create", str(tmp_path / "a.js"), "--tenant", "acme", "--trigger", PL,
            "--module", "logger@1", "--deploy")
    assert p.returncode == 0, p.stderr
    p = cli(*ws, "run-action", "--tenant", "acme", "--action", "a", "--version", "deployed")
    assert p.returncode == 0 and "x:jane.doe@example.com" in p.stdout
    p = cli(*ws, "modules", "show", "logger", "--tenant", "acme")
    assert "used by: a (draft: v1), a (v1: v1)" in p.stdout
    listed = json.loads(cli(*ws, "modules", "list", "--tenant", "acme", "--json").stdout)
    assert listed[0]["name"] == "logger" and listed[0]["latest_version_number"] == 1
    assert listed[0]["actions_using_module_total"] == 1
    for args, message in (
            (["actions", "update", str(tmp_path / "a.js"), "--name", "a", "--module", "logger@9"],
             "The module 'logger' has no version 9 (versions: 1)."),
            (["actions", "update", str(tmp_path / "a.js"), "--name", "a", "--module", "nope@1"],
             "The module 'nope' does not exist (modules: logger)."),
            (["actions", "update", str(tmp_path / "a.js"), "--name", "a", "--module", "logger"],
             "--module: 'logger' is not NAME@VERSION"),
            (["modules", "rollback", "logger", "4"], "The module 'logger' has no version 4 (versions: 1)."),
            (["modules", "delete", "logger"], "The module 'logger' is in use by a")):
        p = cli(*ws, *args, "--tenant", "acme")
        assert p.returncode == 2 and message in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert json.loads(cli(*ws, "actions", "show", "a", "--tenant", "acme", "--json").stdout)["modules"][0][
        "module_version_number"] == 1  # the refused updates changed nothing


# ---- Deploy CLI ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["directory", "yaml"])
def test_export_and_import_keep_modules_their_versions_and_the_pins(core, tenant, tmp_path, fmt):
    emu = core.emu
    emu.update_module(tenant, "logger", code="module.exports = { tag: () => 'v2', loads: () => 2 };\n")
    emu.publish_module(tenant, "logger")
    emu.update_module(tenant, "logger", code="module.exports = { draft: true };\n")
    emu.create_action(tenant, "a", PL, USES_LOGGER, modules=_pin())
    emu.deploy(tenant, "a")
    emu.update_draft(tenant, "a", modules=_pin(number=2))
    out = tmp_path / "export"
    p = cli("--workspace", str(core.path), "export", str(out), "--tenant", tenant, "--format", fmt)
    assert p.returncode == 0, p.stderr
    if fmt == "directory":
        meta = json.loads((out / "action-modules" / "logger.json").read_text())
        assert meta["code"] == "./action-modules/logger/code.js" and meta["secrets"] == [
            {"name": "PREFIX", "value": "_VALUE_NOT_SHOWN_"}]
        action = json.loads((out / "actions" / "a.json").read_text())
        assert action["modules"] == _pin(number=2) and action["current_version"]["modules"] == _pin(number=1)
    p = cli("--workspace", str(tmp_path / "other.sqlite"), "import", str(out), "--tenant", "copy")
    assert p.returncode == 0 and "1 module(s), 1 action(s)" in p.stdout, p.stderr
    assert "module logger: secret PREFIX has no value in the files; it was set empty" in p.stderr
    from emulator.emulator import Emulator

    copy = Emulator.open(tmp_path / "other.sqlite")
    try:
        assert [(v["version_number"], v["code"]) for v in copy.module_versions("copy", "logger")] == [
            (v["version_number"], v["code"]) for v in emu.module_versions(tenant, "logger")]
        assert copy.module("copy", "logger")["code"] == "module.exports = { draft: true };\n"
        assert copy.action("copy", "a")["modules"][0]["module_version_number"] == 2
        assert copy.versions("copy", "a")[0]["modules"][0]["module_version_number"] == 1
        result, _, _ = core.run(copy.run_action("copy", "a", "deployed"))
        assert _claims(result.actions[0])["https://example.com/tag"] == ":jane.doe@example.com"  # empty secret
    finally:
        core.run(copy.close())


def test_an_auth0_export_without_versions_publishes_the_pinned_number_from_the_draft(core, tmp_path):
    (tmp_path / "action-modules" / "logger").mkdir(parents=True)
    (tmp_path / "action-modules" / "logger" / "code.js").write_text(LOGGER)
    (tmp_path / "action-modules" / "logger.json").write_text(json.dumps(
        {"name": "logger", "code": "./action-modules/logger/code.js", "secrets": [{"name": "PREFIX", "value": "p"}]}))
    (tmp_path / "actions" / "a").mkdir(parents=True)
    (tmp_path / "actions" / "a" / "code.js").write_text(USES_LOGGER)
    (tmp_path / "actions" / "a.json").write_text(json.dumps(
        {"name": "a", "code": "./actions/a/code.js", "deployed": True, "modules": _pin(number=3),
         "supported_triggers": [{"id": PL, "version": "v3"}]}))
    changes, warnings = core.emu.import_tenant(tmp_path, "acme")
    assert warnings == ["module logger: the files have no version 3, which actions pin; "
                        "its draft was published as version 3"]
    assert [v["version_number"] for v in core.emu.module_versions("acme", "logger")] == [3]
    result, _, _ = core.run(core.emu.run_action("acme", "a", "deployed"))
    assert _claims(result.actions[0])["https://example.com/tag"] == "p:jane.doe@example.com"


def test_an_import_with_bad_modules_is_refused_whole(core, tmp_path):
    (tmp_path / "action-modules" / "bad").mkdir(parents=True)
    (tmp_path / "action-modules" / "bad" / "code.js").write_text("require('actions:other');\n")
    (tmp_path / "action-modules" / "bad.json").write_text(json.dumps({"name": "bad", "code": "./action-modules/bad/code.js"}))
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "a.js").write_text(act(PL, ""))
    (tmp_path / "actions" / "a.json").write_text(json.dumps(
        {"name": "a", "code": "./actions/a.js", "modules": _pin("missing"), "supported_triggers": [{"id": PL}]}))
    p = cli("--workspace", str(core.path), "import", str(tmp_path), "--tenant", "fresh")
    assert p.returncode == 2
    assert "action-modules/bad.json: code: module 'bad', line 1: require('actions:other')" in p.stderr
    assert "actions: a: modules: no module named 'missing'" in p.stderr
    assert "fresh" not in {t["name"] for t in core.emu.tenants()}
