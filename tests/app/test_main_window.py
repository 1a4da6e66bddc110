"""The minimal window over a real core: it lists the registry's triggers, runs the sample action in real
Node, and shows the result; a bad event is refused before anything runs."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt

from app.window import MainWindow
from .conftest import wait_signal
from emulator import triggers
from emulator.emulator import Emulator


def _window(qtbot, aloop):
    core = Emulator()
    window = MainWindow(core)
    qtbot.addWidget(window)
    window.show()
    aloop.run_until_complete(window.start_core())
    return core, window


def test_lists_every_trigger_and_runs_the_sample(qtbot, aloop):
    core, window = _window(qtbot, aloop)
    try:
        shown = [window.trigger_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(window.trigger_list.count())]
        assert shown == triggers.ids()
        assert window.statusBar().currentMessage().startswith("Node v")
        assert "exports.onExecutePostLogin" in window.code.toPlainText()
        assert json.loads(window.event.toPlainText()) == triggers.get(window.trigger_id).default_event()
        result = wait_signal(aloop, window.run_finished, window.run_button.click)
        assert result.outcome.status == "completed"
        shown_result = json.loads(window.result.toPlainText())
        assert shown_result["actions"][0]["commands"][0]["name"] == "idToken.setCustomClaim"
        assert "completed" in window.statusBar().currentMessage()
        assert window.run_button.isEnabled()
    finally:
        aloop.run_until_complete(core.close())


def test_edited_code_and_event_reach_node(qtbot, aloop):
    core, window = _window(qtbot, aloop)
    try:
        window.code.setPlainText("exports.onExecutePostLogin = async (event, api) => {\n"
                                 "  api.access.deny('from ' + event.request.geoip.countryCode);\n};")
        event = json.loads(window.event.toPlainText())
        event["request"]["geoip"]["countryCode"] = "FR"
        window.event.setPlainText(json.dumps(event))
        result = wait_signal(aloop, window.run_finished, lambda: qtbot.keyClick(window, Qt.Key.Key_Return,
                                                                               Qt.KeyboardModifier.ControlModifier))
        assert result.outcome.status == "denied"
        assert result.outcome.command == {"name": "access.deny", "args": ["from FR"]}
    finally:
        aloop.run_until_complete(core.close())


def test_invalid_event_json_is_refused(qtbot, aloop, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    core, window = _window(qtbot, aloop)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    try:
        window.event.setPlainText("{ not json")
        window.run_button.click()
        assert warnings and warnings[0].startswith("The event is not valid JSON")
        assert window.result.toPlainText() == "" and window.run_button.isEnabled()
    finally:
        aloop.run_until_complete(core.close())


def test_switching_trigger_loads_its_sample(qtbot, aloop):
    core, window = _window(qtbot, aloop)
    try:
        for row, trigger in enumerate(triggers.all_triggers()):
            window.trigger_list.setCurrentRow(row)
            assert f"exports.{trigger.default_handler}" in window.code.toPlainText()
            result = wait_signal(aloop, window.run_finished, window.run_button.click)
            assert result.ok, (trigger.id, result.to_json())
    finally:
        aloop.run_until_complete(core.close())
