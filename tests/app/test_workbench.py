"""The actions workbench over a real core and workspace: create an action, type with completions, save,
deploy, roll back, diff, test with saved events, errors marked on their line, bindings reordered,
settings, import/export, unsaved edits guarded, layout remembered, and the UI responsive while an
action spins. No sleeps: waits are on signals or conditions."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from app.startup import open_core
from app import theme
from app.window import MainWindow

from .conftest import basic_settings, wait_signal


@pytest.fixture
def win(qtbot, aloop, tmp_path):
    core = open_core(str(tmp_path / "ws.sqlite"))
    settings = basic_settings(tmp_path)
    window = MainWindow(core, settings)
    qtbot.addWidget(window)
    window.show()
    aloop.run_until_complete(window.start_core())
    yield window
    window.actions_view._set_dirty(False)
    aloop.run_until_complete(window.core.close())


def _new_action(win, name="my-claims"):
    win.actions_view.create_action(name, "post-login")
    assert win.actions_view.action["name"] == name
    return win.actions_view


def test_lands_on_the_sample_tenant(win):
    assert win.tenant == "sample"
    tree = win.actions_view.tree
    post_login = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                      if tree.topLevelItem(i).text(0) == "post-login")
    assert "add-role-claims" in [post_login.child(i).text(0) for i in range(post_login.childCount())]
    assert win.node_label.text().startswith("Node by runtime") and "v18.4.0 (bundled)" in win.node_label.text()


def test_create_type_complete_save_deploy(win, qtbot, aloop):
    view = _new_action(win)
    editor = view.editor.impl  # the basic editor (Monaco's own test is test_monaco.py)
    assert "exports.onExecutePostLogin = async (event, api)" in editor.toPlainText()
    assert "exports.onContinuePostLogin" in editor.toPlainText()  # the trigger's skeleton
    editor.setPlainText("exports.onExecutePostLogin = async (event, api) => {\n  \n};\n")
    editor.go_to_line(2)
    editor.moveCursor(editor.textCursor().MoveOperation.EndOfLine)
    with qtbot.waitSignal(editor.completions_shown) as shown:
        qtbot.keyClicks(editor, "api.")
    assert {"access", "accessToken", "idToken", "redirect"} <= set(shown.args[0])
    # Typing narrows the list as it goes; after the dot come the namespace's methods.
    with qtbot.waitSignal(editor.completions_shown, check_params_cb=lambda names: "." not in names[0]
                          and names == ["setCustomClaim"]):
        qtbot.keyClicks(editor, "idToken.")
    editor.completer.popup().hide()
    qtbot.keyClicks(editor, "setCustomClaim('https://example.com/x', event.user.email);")
    assert view.dirty and win.windowTitle().startswith("Actions Emulator — sample *")
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Save draft
    assert not view.dirty
    assert "setCustomClaim('https://example.com/x'" in win.core.action("sample", "my-claims")["code"]
    # Ctrl+D is the editor's (select the next match, as in VS Code); deploying is Ctrl+Shift+D.
    qtbot.keyClick(editor, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert win.core.action("sample", "my-claims")["deployed_version"] is None
    qtbot.keyClick(editor, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert win.core.action("sample", "my-claims")["deployed_version"] == 1
    assert "action deployed v1" in view.title.text() and "post-login trigger v3" in view.title.text()


def test_hover_docs_come_from_the_registry(win):
    view = _new_action(win)
    view.editor.setPlainText("exports.onExecutePostLogin = async (event, api) => {\n  api.access.deny('x');\n};\n")
    block = view.editor.document().findBlockByNumber(1)
    cursor = view.editor.textCursor()
    cursor.setPosition(block.position() + 10)
    doc = view.editor.doc_at(view.editor.cursorRect(cursor).center())
    assert doc.startswith("api.access.deny(reason)") and "Deny the transaction" in doc
    view.editor.setPlainText("exports.onExecutePostLogin = async (event, api) => {\n  event.request.geoip;\n};\n")
    cursor.setPosition(view.editor.document().findBlockByNumber(1).position() + 12)
    doc = view.editor.doc_at(view.editor.cursorRect(cursor).center())
    assert doc.startswith("event.request.geoip (object), in the post-login default event:") and '"countryCode"' in doc


def test_versions_rollback_and_diff(win):
    view = _new_action(win)
    for n in (1, 2):
        view.editor.setPlainText(f"exports.onExecutePostLogin = async (event, api) => {{ console.log('v{n}'); }};\n")
        view.deploy()
    versions = view.versions
    assert versions.table.rowCount() == 2 and versions.table.item(0, 0).text() == "v2"
    versions.table.selectRow(1)  # v1
    versions.rollback_selected()
    assert win.core.action("sample", "my-claims")["deployed_version"] == 3
    assert versions.table.item(0, 0).text() == "v3" and versions.table.item(0, 1).text() == "deployed"
    # Each row says what it changed from the version before, its runtime and dependencies.
    row = {versions.table.horizontalHeaderItem(c).text(): versions.table.item(0, c).text()
           for c in range(versions.table.columnCount())}
    assert row["Changes"] == "+1 −1 lines" and row["Runtime"] == "node22" and row["Dependencies"] == "none"
    assert versions.table.item(2, 2).text() == "first version" and versions.table.item(1, 1).text() == ""
    assert versions.table.verticalHeader().isHidden()
    assert "console.log('v1')" in versions.diff_with_previous(0)  # double-click: v3 (a copy of v1) against v2
    versions.a.setCurrentText("v1")
    versions.b.setCurrentText("v2")
    text = versions.show_diff()
    assert "-exports.onExecutePostLogin = async (event, api) => { console.log('v1'); };" in text
    assert "+exports.onExecutePostLogin = async (event, api) => { console.log('v2'); };" in versions.diff.toPlainText()


def test_test_panel_runs_the_draft_with_a_saved_event(win, aloop):
    view = _new_action(win)
    view.editor.setPlainText("exports.onExecutePostLogin = async (event, api) => {\n"
                             "  console.log('from ' + event.request.geoip.countryCode);\n"
                             "  api.idToken.setCustomClaim('https://e/c', event.request.geoip.countryCode);\n};\n")
    test = view.test
    event = test.current_event()
    event["request"]["geoip"]["countryCode"] = "NZ"
    test.event_editor.setPlainText(json.dumps(event))
    test.save_event_as("from NZ")
    assert test.saved.currentText() == "from NZ" and "from NZ" in win.core.test_events("sample", "my-claims")
    result = wait_signal(aloop, view.test_finished, test.run)
    assert result.outcome.status == "completed"
    rows = {test.results.topLevelItem(i).text(0): test.results.topLevelItem(i) for i in range(test.results.topLevelItemCount())}
    commands, console = rows["Commands"], rows["Console"]
    assert commands.child(0).text(0) == "idToken.setCustomClaim" and '"NZ"' in commands.child(0).text(1)
    assert console.child(0).text(1) == "from NZ"
    assert win.core.action("sample", "my-claims")["deployed_version"] is None  # a test run never deploys


def test_invalid_event_json_disables_run(win):
    view = _new_action(win)
    view.test.event_editor.setPlainText('{"user": ')
    assert not view.test.run_button.isEnabled()
    assert view.test.validity.text().startswith("Invalid JSON at line 1")


def test_syntax_error_is_marked_on_its_line(win, aloop):
    view = _new_action(win)
    error = wait_signal(aloop, view.checked, lambda: view.editor.setPlainText(
        "exports.onExecutePostLogin = async (event, api) => {\n  const ok = 1;\n  const broken = ;\n};\n"))
    assert error["line"] == 3 and 3 in view.editor.errors
    assert "Line 3" in view.check_status.text()
    fixed = wait_signal(aloop, view.checked, lambda: view.editor.setPlainText(
        "exports.onExecutePostLogin = async () => {};\n"))
    assert fixed is None and view.editor.errors == {}


def test_a_runtime_error_jumps_to_its_line(win, aloop):
    view = _new_action(win)
    view.editor.setPlainText("exports.onExecutePostLogin = async () => {\n\n\n  throw new Error('boom');\n};\n")
    result = wait_signal(aloop, view.test_finished, view.test.run)
    assert result.actions[0].error.line == 4 and 4 in view.editor.errors
    error_item = next(view.test.results.topLevelItem(i) for i in range(view.test.results.topLevelItemCount())
                      if view.test.results.topLevelItem(i).text(0) == "Error")
    view.test.results.itemDoubleClicked.emit(error_item, 0)
    assert view.tabs.currentIndex() == 0 and view.editor.textCursor().blockNumber() == 3


def test_reorder_bindings_by_drag_and_refusals_explain_why(win):
    box = win.bindings_view.boxes["post-login"]
    before = box.names()
    # What a drop does in an InternalMove list: the view moves the row in its model.
    assert box.list.model().moveRow(QModelIndex(), 2, QModelIndex(), 0)
    expected = [before[2], before[0], before[1], *before[3:]]
    assert box.names() == expected
    assert [b["action"]["name"] for b in win.core.bindings("sample", "post-login")["post-login"]] == expected
    _new_action(win, "undeployed-one")
    box.candidates.setCurrentIndex(box.candidates.findData("undeployed-one"))
    box.add_selected()
    assert "has not been deployed; deploy it before binding it" in box.message.text()
    assert box.names() == expected
    # Only the trigger's own actions are offered.
    assert box.candidates.findData("validate-signup") == -1
    offered = {box.candidates.itemData(i) for i in range(box.candidates.count())}
    assert offered == {a["name"] for a in win.core.actions("sample", "post-login")} - set(expected)


def test_closing_with_unsaved_edits_asks(win, monkeypatch):
    view = _new_action(win)
    view.editor.insertPlainText("// unsaved\n")
    assert view.dirty
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    assert not win.close() and win.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    assert win.close()
    assert "// unsaved" in win.core.action("sample", "my-claims")["code"]


def test_settings_and_remembered_layout(win, qtbot, aloop, tmp_path):
    aloop.run_until_complete(win.apply_settings("", 1500, str(win.core.ws.path)))
    assert win.core.deadline_ms == 1500 and win.settings.value("deadline_ms", type=int) == 1500
    win.core.create_tenant("second")
    win.reload_tenants("second")
    win.resize(700, 500)  # within the offscreen screen (the width stops at the window's minimum)
    size = win.size()
    win.tabs.setCurrentIndex(1)
    assert win.close()
    again = MainWindow(win.core, win.settings)
    qtbot.addWidget(again)
    assert again.tenant == "second" and again.size().height() == size.height() == 500
    assert again.tabs.currentIndex() == 1


def test_import_a_tenant_yaml(win, aloop, tmp_path):
    win.core.export_tenant("sample", tmp_path / "y", "yaml")
    assert wait_signal(aloop, win.imported, lambda: win.import_path(str(tmp_path / "y" / "tenant.yaml"),
                                                                    "from-yaml")) == "from-yaml"
    assert win.tenant == "from-yaml" and len(win.core.actions("from-yaml")) == 14


def test_export_then_import_with_progress(win, aloop, tmp_path):
    assert wait_signal(aloop, win.exported, lambda: win.export_path(str(tmp_path / "out"), "directory"))
    assert (tmp_path / "out" / "triggers" / "triggers.json").exists()
    assert wait_signal(aloop, win.imported, lambda: win.import_path(str(tmp_path / "out"), "copied")) == "copied"
    assert win.tenant == "copied" and len(win.core.actions("copied")) == 14


def test_the_window_stays_responsive_while_an_action_spins(win, aloop):
    win.core.deadline_ms = 1500
    view = _new_action(win, "spinner")
    view.editor.setPlainText("exports.onExecutePostLogin = async () => { while (true) {} };\n")
    ticks = []
    timer = QTimer(interval=50)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    result = wait_signal(aloop, view.test_finished, view.test.run)
    timer.stop()
    assert result.actions[0].error.error_class == "action_timeout"
    assert len(ticks) >= 15  # the UI thread kept serving its timers while Node spun for 1.5 s


def test_the_readme_screenshots_script_still_works(tmp_path):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "app.screenshots", str(tmp_path)], capture_output=True, text=True,
                         timeout=300, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    # Monaco is installed first (tests/app/test_monaco.py has it cached), so the shots show it and say so.
    assert "Editor in these screenshots: Monaco " in out.stderr, out.stderr
    shots = sorted(p.name for p in tmp_path.glob("*.png"))
    names = ["actions-coverage", "actions-editor", "compare-versions", "debugger-paused", "flows-bindings", "simulator-breakpoint",
             "tenant-users", "test-panel", "timings-charts", "versions-diff"]
    # Every screenshot in the light theme, and again in the dark one.
    assert shots == sorted([f"{n}.png" for n in names] + [f"{n}-dark.png" for n in names])
    assert all(p.stat().st_size > 20_000 for p in tmp_path.glob("*.png"))


def test_outbound_http_calls_show_in_the_test_panel(win, aloop):
    win.core.set_http_mode("sample", "stub")
    win.core.set_http_stubs("sample", [{"method": "GET", "url": "https://crm.example.com/*", "json": {"tier": "gold"}}])
    view = _new_action(win, "crm-lookup")
    view.editor.setPlainText("exports.onExecutePostLogin = async (event, api) => {\n"
                             "  const r = await fetch('https://crm.example.com/users/1');\n"
                             "  console.log((await r.json()).tier);\n};\n")
    result = wait_signal(aloop, view.test_finished, view.test.run)
    assert result.actions[0].logs[0]["message"] == "gold"
    rows = {view.test.results.topLevelItem(i).text(0): view.test.results.topLevelItem(i)
            for i in range(view.test.results.topLevelItemCount())}
    call = rows["HTTP"].child(0)
    assert call.text(0) == "GET https://crm.example.com/users/1" and call.text(1).endswith("(stub)")


def test_a_log_line_appears_live_and_filters_and_export(win, aloop, tmp_path):
    logs = win.logs_view
    view = _new_action(win, "failing")
    view.editor.setPlainText("exports.onExecutePostLogin = async () => { console.log('about to fail');"
                             " throw new Error('kaput'); };\n")
    win.tabs.setCurrentWidget(logs)  # watching the logs while a run happens (here, the test panel's)
    wait_signal(aloop, view.test_finished, view.test.run)  # no refresh asked for: the run's changes bring it
    types = [logs.table.item(r, 1).text() for r in range(logs.table.rowCount())]
    assert "actions_execution_failed" in types
    logs.type_box.setCurrentIndex(logs.type_box.findData("actions_execution_failed"))
    assert {logs.table.item(r, 1).text() for r in range(logs.table.rowCount())} == {"actions_execution_failed"}
    logs.table.selectRow(0)
    assert json.loads(logs.detail.toPlainText())["details"]["action_name"] == "failing"
    assert logs.table.item(0, 2).foreground().color() == theme.color("error")  # a failure, in red
    # The line links to its execution (shown in place, with a way back) and to the failed action.
    record = json.loads(logs.detail.toPlainText())
    execution = record["details"]["execution_id"]
    assert f"href='execution:{execution}'" in logs.links.text() and "href='action:failing:" in logs.links.text()
    logs.links.linkActivated.emit(f"execution:{execution}")
    assert json.loads(logs.detail.toPlainText())["id"] == execution and "href='record:'" in logs.links.text()
    logs.links.linkActivated.emit("record:")
    assert json.loads(logs.detail.toPlainText())["log_id"] == record["log_id"]
    logs.links.linkActivated.emit("action:failing:")
    assert win.tabs.currentWidget() is win.actions_view and win.actions_view.action["name"] == "failing"
    assert win.actions_view.tabs.currentWidget() is win.actions_view.versions
    win.tabs.setCurrentWidget(logs)
    assert logs.table.item(0, 2).toolTip() == logs.table.item(0, 2).text()  # whole on hover
    logs.search.setText("no such text anywhere")
    logs.refresh()  # (as the debounce does)
    assert logs.table.rowCount() == 0 and logs.detail.toPlainText() == ""  # its record left the list: cleared
    logs.search.setText("")
    logs.refresh()
    written = logs.export(str(tmp_path / "logs.jsonl"))
    lines = (tmp_path / "logs.jsonl").read_text().splitlines()
    assert written == len(lines) >= 1 and json.loads(lines[-1])["type"] == "actions_execution_failed"
    console = [logs.console.item(r, 4).text() for r in range(logs.console.rowCount())]
    assert "about to fail" in console


def test_compare_two_versions_over_saved_events(win, aloop):
    compare = win.compare_view
    win.core.save_test_event("sample", "email-domain-policy", "competitor", {"user": {"email": "spy@competitor.example"}})
    compare.action_box.setCurrentText("email-domain-policy")
    assert (compare.a.currentText(), compare.b.currentText()) == ("v1", "v2")
    results = wait_signal(aloop, compare.finished, compare.start)
    assert [(r.event_name, bool(r.differences)) for r in results] == [("(default event)", False), ("competitor", True)]
    assert compare.table.item(1, 1).text() == "differs" and compare.progress.value() == 2
    compare.table.selectRow(1)
    rows = {compare.sides.topLevelItem(i).text(0): compare.sides.topLevelItem(i)
            for i in range(compare.sides.topLevelItemCount())}
    assert '"denied"' in rows["outcome"].text(2) and rows["outcome"].background(0).color().name() == "#fde7e9"
    assert rows["duration_ms"].background(0).style() == Qt.BrushStyle.NoBrush  # durations always differ: not flagged


def test_a_comparison_batch_can_be_cancelled(win, aloop):
    compare = win.compare_view
    for i in range(5):
        win.core.save_test_event("sample", "sync-crm-profile", f"e{i}", {})
    compare.action_box.setCurrentText("sync-crm-profile")  # 750 ms per run: plenty of time to cancel
    results = wait_signal(aloop, compare.finished, lambda: (compare.start(), QTimer.singleShot(200, compare.cancel)))
    assert len(results) < 6 and compare.run_button.isEnabled()


def test_the_status_bar_says_whether_action_code_is_confined(win, aloop):
    """By runtime, node22 actions run confined on Node 22 and node18 ones on the bundled Node 18, which has
    no permission model: the window says so rather than promising it."""
    assert win.node_label.text() == ("Node by runtime — node22: Node 22, confined · node18: v18.4.0 (bundled), "
                                     "not confined")
    assert "can read any file you can read" in win.node_label.toolTip()
    from app.views.settings_dialog import SettingsDialog

    dialog = SettingsDialog(win, node="", deadline_ms=20000, workspace=str(win.core.ws.path))
    assert dialog.node_version.text().startswith("Each action's runtime picks its Node: node22")
    dialog.node.setText("22")  # a version: described, not downloaded, while typing
    assert dialog.node_version.text() == "Node 22 from the npm registry (downloaded once: about 30 MB, 185 MB on disk)"
    dialog.node.setText("18")
    assert dialog.node_version.text().endswith("does not confine actions (Node 20+ does)")
    dialog.close()


def test_cancelling_changed_settings_asks(win, dialogs, monkeypatch):
    from app.views.settings_dialog import SettingsDialog

    dialog = SettingsDialog(win, node="", deadline_ms=20000, workspace=str(win.core.ws.path))
    dialog.show()
    dialog.reject()  # nothing changed: closes without asking
    assert not dialog.isVisible() and not [d for d in dialogs if d[0] == "question"]
    dialog = SettingsDialog(win, node="", deadline_ms=20000, workspace=str(win.core.ws.path))
    dialog.show()
    dialog.deadline.setValue(30000)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Cancel))
    dialog.reject()  # changed, and the person keeps editing
    assert dialog.isVisible()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    dialog.reject()
    assert not dialog.isVisible()


def test_deploying_a_bound_action_asks_first_and_says_what_it_did(win, dialogs, monkeypatch):
    view = win.actions_view
    view.select("add-role-claims")
    view.editor.setPlainText(view.editor.toPlainText() + "\n// v2\n")
    before = win.core.action("sample", "add-role-claims")["deployed_version"]
    view.deploy()  # the test's dialogs answer "Discard": not Yes, so nothing is deployed
    assert dialogs[-1][0] == "question" and "is bound in post-login" in dialogs[-1][1]
    assert win.core.action("sample", "add-role-claims")["deployed_version"] == before and view.dirty
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    messages = []
    view.deployed.connect(messages.append)
    view.deploy()
    assert win.core.action("sample", "add-role-claims")["deployed_version"] == before + 1 and not view.dirty
    assert messages == [f"Deployed add-role-claims v{before + 1} (bound in post-login)"]
    assert win.statusBar().currentMessage() == messages[0]


def test_an_edited_test_event_is_never_dropped_silently(win):
    view = win.actions_view
    view.select("add-role-claims")
    test = view.test
    event = test.current_event()
    event["user"]["email"] = "edited@example.com"
    test.event_editor.setPlainText(json.dumps(event, indent=2))
    assert "edited, not saved" in test.validity.text() and test.revert.isEnabled()
    view.select("count-logins-cache")  # another action, then back
    assert test.current_event()["user"]["email"] != "edited@example.com"
    view.select("add-role-claims")
    assert test.current_event()["user"]["email"] == "edited@example.com" and "edited, not saved" in test.validity.text()
    view.editor.setPlainText(view.editor.toPlainText() + "\n// saved\n")
    assert view.save_draft()  # saving the code reloads the panel: the event edit stays
    assert test.current_event()["user"]["email"] == "edited@example.com"
    test.save_event_as("edited")  # saved: no longer an unsaved edit
    assert test.saved.currentText() == "edited" and not test.edited and not test.revert.isEnabled()
    assert win.core.test_events("sample", "add-role-claims")["edited"]["user"]["email"] == "edited@example.com"
    event["user"]["email"] = "again@example.com"
    test.event_editor.setPlainText(json.dumps(event, indent=2))
    test.revert_event()  # Revert drops the edit
    assert test.current_event()["user"]["email"] == "edited@example.com" and not test.edited


def test_the_tenant_is_editable_in_the_app(win, aloop):
    tenant = win.tenant_view
    win.tabs.setCurrentWidget(tenant)
    users = tenant.users
    row = next(i for i, u in enumerate(users.users) if u["email"] == "jane.doe@example.com")
    users.table.setCurrentCell(row, 0)
    assert users.email.text() == "jane.doe@example.com"
    users.roles.setText("admin, auditor")
    users.app_metadata.setPlainText('{"plan": "gold"}')
    users.user_metadata.setPlainText('{"theme": ')  # broken JSON: refused, nothing saved
    assert users.save() is None and users.status.text().startswith("Metadata: line 1:")
    users.user_metadata.setPlainText('{"theme": "dark"}')
    saved = users.save()
    jane = next(u for u in win.core.users("sample") if u["email"] == "jane.doe@example.com")
    assert saved and jane["roles"] == ["admin", "auditor"] and jane["app_metadata"]["plan"] == "gold"
    assert jane["user_metadata"]["theme"] == "dark" and users.email.text() == "jane.doe@example.com"
    security = tenant.security
    security.policy.setCurrentIndex(security.policy.findData("all-applications"))
    security.save_policy()
    assert win.core.mfa_policy("sample") == "all-applications"
    security.stubs.setPlainText("- method: GET\n  url: [nope")  # bad YAML: one line, nothing saved
    assert not security.save_stubs() and security.status.text().startswith("Stubs: ")
    security.stubs.setPlainText("- method: GET\n  url: https://crm.example.com/users/*\n  status: 200\n"
                                "  json: {tier: gold}\n")
    assert security.save_stubs() and win.core.http_config("sample")["stubs"][0]["json"] == {"tier": "gold"}
    apps = tenant.applications
    apps.table.setCurrentCell(0, 0)
    apps.callbacks.setText("https://app.example.com/cb, http://localhost:3000/cb")
    apps.save()
    name = apps.clients[0]["name"]
    assert next(c for c in win.core.clients("sample") if c["name"] == name)["callbacks"] == [
        "https://app.example.com/cb", "http://localhost:3000/cb"]
    apis = tenant.apis
    apis.name.setText("Orders")
    apis.identifier.setText("https://orders.example.com")
    apis.scopes.setText("read:orders write:orders")
    apis.save()
    assert any(a["identifier"] == "https://orders.example.com" for a in win.core.apis("sample"))
    assert apis.table.rowCount() == len(win.core.apis("sample"))


def test_modules_in_the_tree_with_editor_versions_diff_and_pins(win, aloop):
    view = win.actions_view
    view.create_module("greeter")
    assert view.kind.name == "module" and view.action["name"] == "greeter"
    assert view.deploy_button.text().startswith("Publish") and not view.tabs.isTabEnabled(view.tabs.indexOf(view.test))
    assert view.settings.sections[id(view.settings.pins)][0].isHidden()  # modules pin no modules
    for n in (1, 2):
        view.editor.setPlainText(f"module.exports = {{ hello: (n) => `v{n} hello ${{n}} ${{actions.secrets.WHO}}` }};\n")
        view.deploy()  # saves and publishes
    assert view.versions.table.item(0, 0).text() == "v2" and view.versions.table.item(0, 1).text() == "latest"
    view.versions.a.setCurrentText("v1")
    view.versions.b.setCurrentText("v2")
    assert "+module.exports = { hello: (n) => `v2 hello" in view.versions.show_diff()
    view.versions.table.selectRow(1)
    view.versions.rollback_selected()  # v1's code into the draft; nothing published
    assert "v1 hello" in view.editor.toPlainText() and win.core.module("sample", "greeter")["latest_version_number"] == 2
    assert "latest v2, the draft has changes" in view.title.text()
    # An action pins v1 in its settings and requires it.
    _new_action(win, "greets")
    settings = view.settings
    assert not settings.sections[id(settings.pins)][0].isHidden()
    settings._add(settings.pins)
    settings.pins.cellWidget(0, 1).setCurrentText("v1")
    view.editor.setPlainText("const g = require('actions:greeter');\n"
                             "exports.onExecutePostLogin = async (event, api) => { console.log(g.hello(1)); };\n")
    assert view.save_draft()
    assert win.core.action("sample", "greets")["modules"][0]["module_version_number"] == 1
    assert "modules greeter@1" in view.title.text()
    view.lint()
    assert view.editor.warnings == []
    view.editor.setPlainText("require('actions:greter');\nexports.onExecutePostLogin = async () => {};\n")
    view.lint()
    assert any("actions:greter is not one of this action's modules (greeter)" in w["message"]
               and "greeter" in w["message"] for w in view.editor.warnings)
    view.editor.setPlainText("const g = require('actions:greeter');\n"
                             "exports.onExecutePostLogin = async (event, api) => { console.log(g.hello(1)); };\n")
    view.save_draft()
    result = wait_signal(aloop, view.test_finished, view.test.run)
    assert result.actions[0].logs[0]["message"] == "v1 hello 1 undefined"
    # The module lists in the tree, and a module in use cannot be deleted.
    view.select("greeter", kind="module")
    assert view.kind.name == "module" and view.action["actions_using_module_total"] == 1


def test_a_test_run_uses_the_actions_runtime_unless_a_debugger_holds_the_tenant(win, aloop):
    """The app's debugger is on, but only a session with breakpoints takes the tenant's runs: otherwise a
    node22 action runs on Node 22, as the status bar says."""
    from tests.emulator.test_runtimes import needs_registry_reason

    if needs_registry_reason:
        pytest.skip(needs_registry_reason)
    view = _new_action(win, "on-22")
    view.editor.setPlainText("exports.onExecutePostLogin = async (event, api) => { console.log(process.version); };\n")
    result = wait_signal(aloop, view.test_finished, view.test.run)
    assert result.node_version.startswith("v22.") and result.actions[0].logs[0]["message"].startswith("v22.")
    view.settings.runtime.setCurrentIndex(view.settings.runtime.findData("node18"))
    result = wait_signal(aloop, view.test_finished, view.test.run)
    assert result.node_version == "v18.4.0"


def _until(aloop, cond, timeout=20):
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        aloop.run_until_complete(asyncio.sleep(0.02))


def test_coverage_shades_the_lines_a_test_run_ran(win, aloop):
    view = _new_action(win)
    view.editor.setPlainText("exports.onExecutePostLogin = async (event, api) => {\n"
                             "  if (event.user.app_metadata.vip) {\n"
                             "    api.idToken.setCustomClaim('tier', 'gold');\n"
                             "  }\n"
                             "  api.idToken.setCustomClaim('done', true);\n};\n")
    view.coverage_button.setChecked(True)
    wait_signal(aloop, view.test_finished, view.test.run)
    _until(aloop, lambda: view.editor.coverage is not None)
    cov = view.editor.coverage
    assert (cov[2], cov[3], cov[5]) == (1, 0, 1)  # the default event has no vip flag
    assert view.editor.coverage_tip(3) == "Coverage: did not run in the last run"
    assert view.editor.coverage_tip(5) == "Coverage: ran once in the last run"
    assert view.coverage_summary == "Coverage of the draft's last run: 4 of 6 lines ran."  # not 3 nor its brace
    assert view.coverage_button.text() == "Coverage 4/6"
    view.coverage_button.setChecked(False)
    assert view.editor.coverage is None


def test_compare_with_coverage_names_the_lines_one_version_ran(win, aloop):
    compare = win.compare_view
    win.core.save_test_event("sample", "email-domain-policy", "competitor", {"user": {"email": "spy@competitor.example"}})
    win.actions_view.coverage_button.setChecked(True)
    compare.action_box.setCurrentText("email-domain-policy")
    wait_signal(aloop, compare.finished, compare.start)
    assert compare.coverage_label.isVisibleTo(compare)
    text = compare.coverage_label.text()
    print(text)
    assert text.startswith("Coverage: only v") and "(each version's own line numbers)" in text, text


def test_an_added_binding_is_drawn_and_the_deploy_notice_updates(win, aloop):
    view = _new_action(win, "late-binding")
    view.deploy()
    assert "(not bound in a flow)" in win.statusBar().currentMessage()
    win.tabs.setCurrentWidget(win.bindings_view)
    box = win.bindings_view.boxes["post-login"]
    box.candidates.setCurrentIndex(box.candidates.findData("late-binding"))
    box.add_selected()
    assert box.names()[-1] == "late-binding"
    last = box.list.item(box.list.count() - 1)
    rect = box.list.visualItemRect(last)
    assert rect.isValid() and rect.height() > 0  # the view knows the new row: it draws it
    assert box.list.indexAt(rect.center()).row() == box.list.count() - 1
    assert "(not bound in a flow)" not in win.statusBar().currentMessage()
    assert "late-binding" in win.statusBar().currentMessage()


def test_flows_say_which_trigger_cannot_be_bound_and_disable_what_cannot_be_done(win):
    cte = win.bindings_view.boxes["custom-token-exchange"]
    assert not cte.add_button.isEnabled() and not cte.remove_button.isEnabled()
    assert "not bound here" in cte.message.text() and "at most 0" not in cte.toolTip()
    post_login = win.bindings_view.boxes["post-login"]
    assert not post_login.remove_button.isEnabled()  # no row chosen yet
    post_login.list.setCurrentRow(0)
    assert post_login.remove_button.isEnabled()
    # A trigger with every one of its actions bound has nothing to add.
    signup = win.bindings_view.boxes["pre-user-registration"]
    assert signup.add_button.isEnabled() == (signup.candidates.count() > 0)


def test_in_the_dark_theme_an_unchecked_checkbox_is_visible(win, qtbot):
    from PySide6.QtWidgets import QApplication, QCheckBox

    app = QApplication.instance()
    try:
        theme.apply(app, "dark")
        box = QCheckBox("Serve")
        qtbot.addWidget(box)
        box.resize(120, 24)
        box.show()
        image = box.grab().toImage()
        background = box.palette().color(box.backgroundRole()).lightness()
        # The indicator's outline stands out from the window (Fusion's own is the window colour darkened).
        contrast = max(abs(image.pixelColor(x, y).lightness() - background)
                       for x in range(0, 20) for y in range(image.height()))
        assert contrast > 60, contrast
    finally:
        theme.apply(app, "light")


def test_unsaved_edits_are_marked_on_the_code_tab_and_the_action(win):
    view = win.actions_view
    view.select("add-role-claims")
    assert view.tabs.tabText(0) == "Code"
    view.editor.setPlainText(view.editor.toPlainText() + "\n// an edit\n")
    assert view.dirty and view.tabs.tabText(0) == "Code ●"
    assert view.tree.currentItem().text(0) == "add-role-claims ●"
    assert view.save_draft()
    assert view.tabs.tabText(0) == "Code" and view.tree.currentItem().text(0) == "add-role-claims"
