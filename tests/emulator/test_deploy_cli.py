"""Deploy CLI import and export: the sample tenant, round trips in both formats, a hand-written
directory, keyword replacement, secrets never exported, and bad imports refused whole."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator import deploy_cli
from emulator.deploy_cli import ImportRefused
from emulator.emulator import SAMPLE_TENANT_DIR
from emulator.store import directory

PL = "post-login"


def snapshot(emu, tenant: str) -> dict:
    """What makes two tenants the same, whatever their ids and timestamps."""
    actions = []
    for a in emu.actions(tenant):
        deployed = emu.ws and (emu.versions(tenant, a["name"])[0]["code"] if a["deployed_version"] else None)
        actions.append({k: a[k] for k in ("name", "supported_triggers", "code", "runtime", "dependencies",
                                          "all_changes_deployed")}
                       | {"secrets": [s["name"] for s in a["secrets"]], "deployed_code": deployed})
    bindings = {t: [(b["action"]["name"], b["display_name"]) for b in refs] for t, refs in emu.bindings(tenant).items()}
    users = [{k: v for k, v in u.items() if k not in ("user_id", "created_at", "updated_at")}
             | {"hash": directory.password_hash(emu.ws, tenant, u["user_id"])} for u in emu.users(tenant)]
    clients = [{k: v for k, v in c.items() if k != "client_id"} for c in directory.clients(emu.ws, tenant)]
    conns = [{k: v for k, v in c.items() if k != "id"} for c in directory.connections(emu.ws, tenant)]
    return {"actions": actions, "bindings": bindings, "users": users, "clients": clients, "connections": conns}


def test_sample_tenant_imports_with_two_versions_that_behave_differently(sample):
    emu = sample.emu
    names = {a["name"]: a for a in emu.actions("sample")}
    assert len(names) == 14 and all(a["all_changes_deployed"] for a in names.values())
    assert [v["number"] for v in emu.versions("sample", "email-domain-policy")] == [2, 1]
    assert [b["action"]["name"] for b in emu.bindings("sample", PL)[PL]][:3] == [
        "deny-blocked-countries", "email-domain-policy", "add-role-claims"]
    spy = {"user": {"email": "spy@competitor.example"}}
    v1, _, _ = sample.run(emu.run_action("sample", "email-domain-policy", 1, spy))
    v2, _, _ = sample.run(emu.run_action("sample", "email-domain-policy", 2, spy))
    assert v1.outcome.status == "completed" and v2.outcome.status == "denied"
    secret = sample.run(emu.run_action("sample", "deny-blocked-countries", "deployed",
                                       {"request": {"geoip": {"countryCode": "KP", "countryName": "North Korea"}}}))[0]
    assert secret.outcome.command == {"name": "access.deny", "args": ["Logins from North Korea are not allowed."]}
    users = {u["email"]: u for u in emu.users("sample")}
    assert users["jane.doe@example.com"]["roles"] == ["admin"]
    assert directory.verify_password(directory.password_hash(emu.ws, "sample", users["jane.doe@example.com"]["user_id"]),
                                     "Correct-Horse-9")
    assert {c["name"] for c in directory.clients(emu.ws, "sample")} == {"Default App", "My Web App", "Orders Worker",
                                                                      "Tenant Manager"}


@pytest.mark.parametrize("fmt", ["directory", "yaml"])
def test_export_then_import_gives_an_identical_tenant(sample, tmp_path, fmt):
    emu = sample.emu
    emu.update_draft("sample", "add-role-claims", code="// an undeployed edit\n")  # draft differs from deployed
    out = emu.export_tenant("sample", tmp_path / "export", fmt)
    changes, warnings = emu.import_tenant(out if fmt == "directory" else out / "tenant.yaml", "copy")
    assert changes.tenants == {"copy"}
    original, copy = snapshot(emu, "sample"), snapshot(emu, "copy")
    # Secret values are never exported: the copy has the same secret names, with empty values.
    assert copy == original
    from emulator.store import apis

    assert apis.list_(emu.ws, "copy") == apis.list_(emu.ws, "sample") != []
    assert any("secret BLOCKED_COUNTRIES has no value" in w for w in warnings)


def test_export_never_writes_secret_values(sample, tmp_path):
    out = sample.emu.export_tenant("sample", tmp_path / "export")
    everything = "".join(p.read_text() for p in out.rglob("*") if p.is_file())
    assert "sample-session-secret-change-me-please" not in everything and "KP,IR" not in everything
    meta = json.loads((out / "actions" / "deny-blocked-countries.json").read_text())
    assert meta["secrets"] == [{"name": "BLOCKED_COUNTRIES", "value": "_VALUE_NOT_SHOWN_"}]
    assert meta["code"] == "./actions/deny-blocked-countries/code.js" and meta["deployed"] is True
    triggers_json = json.loads((out / "triggers" / "triggers.json").read_text())
    assert triggers_json["post-user-registration"] == [{"action_name": "notify-crm", "display_name": "notify-crm"}]
    assert "send-phone-message" in triggers_json and (out / "users" / "users.json").exists()


def test_reimport_keeps_secret_values_behind_placeholders(sample, tmp_path):
    out = sample.emu.export_tenant("sample", tmp_path / "export")
    _, warnings = sample.emu.import_tenant(out, "sample")
    assert warnings == []
    result = sample.run(sample.emu.run_action("sample", "custom-sms-provider", "deployed"))[0]
    assert result.actions[0].error is None  # SMS_API_KEY still set


def test_export_refuses_a_non_empty_folder(sample, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    from emulator.errors import UsageError

    with pytest.raises(UsageError, match="exists and is not an empty folder"):
        sample.emu.export_tenant("sample", tmp_path / "busy")
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["keep.txt"]


def _write(root: Path, files: dict[str, str | dict]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
    return root


def test_hand_written_directory_with_keywords(core, tmp_path):
    root = _write(tmp_path / "tenant", {
        "actions/greet.json": {"name": "greet", "code": "./actions/greet/code.js", "runtime": "node18",
                               "dependencies": [], "secrets": [{"name": "GREETING", "value": "##GREETING##"}],
                               "supported_triggers": [{"id": PL, "version": "v3"}], "deployed": True},
        # The Deploy CLI's own example points at code relative to where it ran; the action folder is tried too.
        "actions/greet/code.js": "const CONFIG = @@CONFIG@@;\nexports.onExecutePostLogin = async (event, api) => {\n"
                                 "  console.log(event.secrets.GREETING, CONFIG.level, '##UNSET##');\n};\n",
        "actions/later.json": {"name": "later", "code": "directory/actions/later/code.js",
                               "supported_triggers": [{"id": PL, "version": "v2"}]},
        "actions/later/code.js": "exports.onExecutePostLogin = async () => {};\n",
        "triggers/triggers.json": {PL: [{"action_name": "greet", "display_name": "Say hello"}],
                                   "credentials-exchange": []},
    })
    changes, warnings = core.emu.import_tenant(root, "hand", {"GREETING": "hello", "CONFIG": {"level": 3}})
    assert changes.actions == {("hand", "greet"), ("hand", "later")}
    assert "keyword UNSET has no value in the mappings; left as is" in warnings
    assert any("post-login v2 runs with the emulator's v3 api" in w for w in warnings)
    assert core.emu.bindings("hand", PL)[PL][0]["display_name"] == "Say hello"
    assert core.emu.action("hand", "later")["deployed_version"] is None
    result = core.run(core.emu.run_trigger("hand", PL))[0]
    assert result.actions[0].logs[0]["message"] == "hello 3 ##UNSET##"


BAD_IMPORTS = {
    "missing code file": ({"actions/a.json": {"name": "a", "code": "./actions/a/code.js",
                                              "supported_triggers": [{"id": PL, "version": "v3"}]}},
                          ["actions/a.json: code: file ./actions/a/code.js not found"]),
    "unknown trigger": ({"actions/a.json": {"name": "a", "code": "./actions/a/code.js",
                                            "supported_triggers": [{"id": "post-logon", "version": "v3"}]},
                         "actions/a/code.js": "//"},
                        ["actions/a.json: supported_triggers[0].id: unknown trigger 'post-logon'"]),
    "malformed JSON": ({"actions/a.json": '{"name": "a",\n  "code": }'},
                       ["actions/a.json: invalid JSON at line 2, column 11: Expecting value"]),
    "binding to a missing action": ({"triggers/triggers.json": {PL: [{"action_name": "ghost"}]}},
                                    ["triggers/triggers.json: post-login[0].action_name: no action named 'ghost'"]),
    "binding to an undeployed action": (
        {"actions/a.json": {"name": "a", "code": "./actions/a/code.js", "supported_triggers": [{"id": PL}]},
         "actions/a/code.js": "//", "triggers/triggers.json": {PL: [{"action_name": "a"}]}},
        ["triggers/triggers.json: post-login[0].action_name: 'a' is not deployed (set \"deployed\": true)"]),
    "binding to the wrong trigger": (
        {"actions/a.json": {"name": "a", "code": "./actions/a/code.js", "deployed": True,
                            "supported_triggers": [{"id": "pre-user-registration", "version": "v2"}]},
         "actions/a/code.js": "//", "triggers/triggers.json": {PL: [{"action_name": "a"}]}},
        ["triggers/triggers.json: post-login[0].action_name: Trying to create a binding between an incompatible "
         "action and trigger. ('a' supports pre-user-registration)"]),
    "missing name": ({"actions/a.json": {"code": "./x.js"}}, ["actions/a.json: name: required"]),
    "bad user hash": ({"users/users.json": [{"email": "a@b.co", "custom_password_hash": {"algorithm": "md5"}}]},
                      ["users/users.json: [0].custom_password_hash: only {algorithm: bcrypt, hash: {value}} is supported"]),
}


@pytest.mark.parametrize("case", BAD_IMPORTS)
def test_bad_imports_are_refused_whole(core, tmp_path, case):
    files, expected = BAD_IMPORTS[case]
    good = {"actions/fine.json": {"name": "fine", "code": "./actions/fine/code.js", "deployed": True,
                                  "supported_triggers": [{"id": PL, "version": "v3"}]},
            "actions/fine/code.js": "exports.onExecutePostLogin = async () => {};"}
    root = _write(tmp_path / "bad", {**good, **files})
    with pytest.raises(ImportRefused) as err:
        core.emu.import_tenant(root, "target")
    assert len(err.value.problems) == len(expected)
    assert all(p.startswith(e) for p, e in zip(err.value.problems, expected)), err.value.problems
    assert core.emu.tenants() == []  # nothing imported, not even the good action or the tenant


def test_every_problem_is_listed_at_once(core, tmp_path):
    root = _write(tmp_path / "bad", {
        "actions/a.json": "{oops", "actions/b.json": {"name": "b", "code": "./none.js", "supported_triggers": [{"id": PL}]},
        "triggers/triggers.json": {PL: [{"action_name": "c"}], "send-phone-message": "nope"},
    })
    with pytest.raises(ImportRefused) as err:
        core.emu.import_tenant(root, "target")
    assert len(err.value.problems) == 4, err.value.problems
    assert str(err.value).startswith("import refused, nothing was imported (4 problems):\n  - actions/a.json: invalid JSON")


def test_malformed_yaml_names_the_line(core, tmp_path):
    (tmp_path / "tenant.yaml").write_text("actions:\n  - name: a\n    code: [unclosed\n")
    with pytest.raises(ImportRefused) as err:
        core.emu.import_tenant(tmp_path / "tenant.yaml", "t")
    assert err.value.problems[0].startswith("tenant.yaml: invalid YAML at line 4")


def test_an_injected_failure_leaves_the_workspace_as_it_was(sample, tmp_path, monkeypatch):
    emu = sample.emu
    before = snapshot(emu, "sample")
    out = emu.export_tenant("sample", tmp_path / "export")
    (out / "actions" / "add-role-claims" / "code.js").write_text("// changed on disk\n")
    calls = {"n": 0}

    def fail_on_second_user(real):
        def wrapper(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk on fire")
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(directory, "update_user", fail_on_second_user(directory.update_user))
    monkeypatch.setattr(directory, "create_user", fail_on_second_user(directory.create_user))
    with pytest.raises(RuntimeError, match="disk on fire"):
        emu.import_tenant(out, "sample")
    assert snapshot(emu, "sample") == before
    calls["n"] = 0
    with pytest.raises(RuntimeError, match="disk on fire"):
        emu.import_tenant(out, "brand-new")
    assert [t["name"] for t in emu.tenants()] == ["sample"]


def test_keyword_mapping_files(tmp_path):
    (tmp_path / "k.yaml").write_text("A: 1\nB: [x]\n")
    assert deploy_cli.load_mappings(tmp_path / "k.yaml") == {"A": 1, "B": ["x"]}
    (tmp_path / "k.json").write_text("[1]")
    from emulator.errors import UsageError

    with pytest.raises(UsageError, match="must be an object"):
        deploy_cli.load_mappings(tmp_path / "k.json")
    assert deploy_cli.keywords.replace("x=##A## y=@@B@@", {"A": "a", "B": ["x"]}) == 'x=a y=["x"]'


def test_the_sample_fixture_is_valid_deploy_cli(core):
    bundle, problems, warnings = deploy_cli.read(SAMPLE_TENANT_DIR,
                                                 deploy_cli.load_mappings(SAMPLE_TENANT_DIR / "keywords.json"))
    assert problems == [] and warnings == []
    assert {a.trigger_id for a in bundle.actions} == {t for t, refs in bundle.bindings.items() if refs}
