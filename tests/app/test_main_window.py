"""The minimal window over a real core and workspace: first start loads the sample tenant, actions are
listed per trigger, running saves and runs the draft in real Node (never the deployed version), and a bad
event is refused before anything runs."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt

from app.main import open_core
from app.window import MainWindow
from emulator import triggers

from .conftest import wait_signal


def _window(qtbot, aloop, tmp_path):
    core = open_core(str(tmp_path / "ws.sqlite"), None)
    window = MainWindow(core)
    qtbot.addWidget(window)
    window.show()
    aloop.run_until_complete(window.start_core())
    return core, window


def test_first_start_shows_the_sample_tenant(qtbot, aloop, tmp_path):
    core, window = _window(qtbot, aloop, tmp_path)
    try:
        assert window.tenant == "sample"
        top = [window.tree.topLevelItem(i).text(0) for i in range(window.tree.topLevelItemCount())]
        assert top == triggers.ids()
        post_login = window.tree.topLevelItem(triggers.ids().index("post-login"))
        names = {post_login.child(i).text(0): post_login.child(i).text(1) for i in range(post_login.childCount())}
        assert names["email-domain-policy"] == "v2" and "add-role-claims" in names
        assert window.statusBar().currentMessage().startswith("Node v")
    finally:
        aloop.run_until_complete(core.close())


def test_runs_the_selected_draft(qtbot, aloop, tmp_path):
    core, window = _window(qtbot, aloop, tmp_path)
    try:
        window.select_action("add-role-claims")
        assert "exports.onExecutePostLogin" in window.code.toPlainText()
        assert json.loads(window.event.toPlainText()) == triggers.get("post-login").default_event()
        result = wait_signal(aloop, window.run_finished, window.run_button.click)
        assert result.outcome.status == "completed"
        shown = json.loads(window.result.toPlainText())
        assert shown["actions"][0]["commands"][0]["name"] == "idToken.setCustomClaim"
        assert core.execution(shown["execution_id"])["kind"] == "test"
        assert "completed" in window.statusBar().currentMessage() and window.run_button.isEnabled()
    finally:
        aloop.run_until_complete(core.close())


def test_edited_code_is_saved_as_draft_and_run(qtbot, aloop, tmp_path):
    core, window = _window(qtbot, aloop, tmp_path)
    try:
        window.select_action("add-role-claims")
        deployed_before = core.versions("sample", "add-role-claims")[0]["code"]
        window.code.setPlainText("exports.onExecutePostLogin = async (event, api) => {\n"
                                 "  api.access.deny('from ' + event.request.geoip.countryCode);\n};")
        event = json.loads(window.event.toPlainText())
        event["request"]["geoip"]["countryCode"] = "FR"
        window.event.setPlainText(json.dumps(event))
        result = wait_signal(aloop, window.run_finished, lambda: qtbot.keyClick(
            window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier))
        assert result.outcome.command == {"name": "access.deny", "args": ["from FR"]}
        assert "access.deny" in core.action("sample", "add-role-claims")["code"]
        assert core.versions("sample", "add-role-claims")[0]["code"] == deployed_before
        assert not core.action("sample", "add-role-claims")["all_changes_deployed"]
    finally:
        aloop.run_until_complete(core.close())


def test_invalid_event_json_is_refused(qtbot, aloop, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    core, window = _window(qtbot, aloop, tmp_path)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    try:
        window.event.setPlainText("{ not json")
        window.run_button.click()
        assert warnings and warnings[0].startswith("The event is not valid JSON")
        assert window.result.toPlainText() == "" and window.run_button.isEnabled()
    finally:
        aloop.run_until_complete(core.close())


def test_every_sample_action_runs(qtbot, aloop, tmp_path):
    core, window = _window(qtbot, aloop, tmp_path)
    try:
        for action in core.actions("sample"):
            window.select_action(action["name"])
            result = wait_signal(aloop, window.run_finished, window.run_button.click)
            expected_failure = action["name"] == "notify-crm"  # the sample's deliberately failing action
            assert result.ok != expected_failure, (action["name"], result.to_json())
    finally:
        aloop.run_until_complete(core.close())
