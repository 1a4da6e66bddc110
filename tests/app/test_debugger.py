"""The debugger in the app over a real core: a breakpoint set in the editor's gutter stops a Test run and a
Simulator journey inside the action; the pane shows the paused line, Variables and the Call stack; F10
moves the marker and F5 continues. No sleeps: waits are on signals."""
from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest


from .conftest import close_window, open_window, wait_signal as _wait_signal


def wait_signal(aloop, signal, action, **kw):
    """As conftest's, with the action run from inside the event loop (as a click in the app is)."""
    return _wait_signal(aloop, signal, lambda: aloop.call_soon(action), **kw)

CODE = """exports.onExecutePostLogin = async (event, api) => {
  const who = event.user.email;
  const greeting = `hello ${who}`;
  api.idToken.setCustomClaim('https://e/greeting', greeting);
};
"""


@pytest.fixture
def win(qtbot, aloop, tmp_path):
    window = open_window(qtbot, aloop, tmp_path)
    yield window
    close_window(aloop, window)


def _click_gutter(editor, line: int) -> None:
    block = editor.document().findBlockByNumber(line - 1)
    y = int(editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top()) + 3
    QTest.mouseClick(editor.gutter, Qt.MouseButton.LeftButton, pos=QPoint(5, y))


def _top_items(tree) -> dict[str, object]:
    return {tree.topLevelItem(i).text(0): tree.topLevelItem(i) for i in range(tree.topLevelItemCount())}


def _until(aloop, condition, timeout: float = 10.0) -> None:
    """Run the app's event loop (Qt and asyncio) until `condition()` holds."""
    async def poll():
        while not condition():
            await asyncio.sleep(0.02)
    aloop.run_until_complete(asyncio.wait_for(poll(), timeout))


def _wait_variables(aloop, pane, qtbot):
    _until(aloop, lambda: "Local" in _top_items(pane.variables) and _top_items(pane.variables)["Local"].childCount() > 0)
    local = _top_items(pane.variables)["Local"]
    return {local.child(i).text(0): local.child(i).text(1) for i in range(local.childCount())}


def test_a_gutter_breakpoint_stops_a_test_run_and_f10_moves_the_marker(win, aloop, qtbot):
    view = win.actions_view
    view.create_action("greeter", "post-login")
    view.editor.setPlainText(CODE)
    assert view.save_draft()
    _click_gutter(view.editor, 3)
    assert win.core.breakpoints("sample", "greeter") == [{"line": 3, "condition": None, "log": None}]
    pane = win.debugger
    wait_signal(aloop, pane.paused_changed, view.test.run, value=True)
    assert win.debugger_dock.isVisible()
    _until(aloop, lambda: pane.source.exec_line == 3)
    assert "const greeting" in pane.source.toPlainText()
    local = _wait_variables(aloop, pane, qtbot)
    assert local["who"] == "'jane.doe@example.com'" and "greeting" in local
    assert pane.stack.item(0).text().startswith("exports.onExecutePostLogin")
    # Only the user's frames show, the harness's and Node's behind the toggle.
    shown = [pane.stack.item(i) for i in range(pane.stack.count()) if not pane.stack.item(i).isHidden()]
    assert [i.text().split()[0] for i in shown] == ["exports.onExecutePostLogin"]
    assert pane.stack.count() > 1 and pane.show_internal.text().endswith(f"({pane.stack.count() - 1})")
    pane.show_internal.setChecked(True)
    assert not any(pane.stack.item(i).isHidden() for i in range(pane.stack.count()))
    pane.show_internal.setChecked(False)
    # The dock leaves the view above it most of the window.
    assert win.debugger_dock.height() <= win.height() // 2
    wait_signal(aloop, pane.paused_changed, lambda: QTest.keyClick(win, Qt.Key.Key_F10), value=True)
    _until(aloop, lambda: pane.source.exec_line == 4)
    local = _wait_variables(aloop, pane, qtbot)
    assert local["greeting"] == "'hello jane.doe@example.com'"
    result = wait_signal(aloop, view.test_finished, lambda: QTest.keyClick(win, Qt.Key.Key_F5))
    assert result.outcome.status == "completed"
    assert result.actions[0].commands[0]["args"] == ["https://e/greeting", "hello jane.doe@example.com"]
    assert not pane.paused and pane.source.exec_line is None


def test_a_breakpoint_inside_an_action_holds_a_simulator_journey(win, aloop, qtbot):
    win.core.set_breakpoints("sample", "add-role-claims", [{"line": 8}])
    win.tabs.setCurrentWidget(win.simulator_view)
    sim, pane = win.simulator_view, win.debugger
    sim.setup.user_box.setCurrentText("sam.lee@example.org")
    sim.setup.password.setText("Battery-Staple-7")
    wait_signal(aloop, pane.paused_changed, lambda: sim.advance(True), value=True)
    assert pane.pause.top.file.startswith("actions/sample/add-role-claims/")
    _until(aloop, lambda: pane.source.exec_line == 8)
    local = _wait_variables(aloop, pane, qtbot)
    assert local["roles"].startswith("Array(")
    assert sim.busy  # the journey waits in the Simulator while the debugger holds it
    # ...and the Simulator says so, instead of a page for an answer it already gave.
    assert sim.prompt.currentWidget() is sim.prompt.idle
    assert sim.prompt.idle_label.text().startswith("Paused in add-role-claims v")
    assert "at line 8 (debugger)" in sim.prompt.idle_label.text() and "(debugger)" in sim.status.text()
    run = wait_signal(aloop, sim.stepped, lambda: QTest.keyClick(win, Qt.Key.Key_F5))
    # It went on past add-role-claims to the sample's age check, which redirects Sam.
    assert run.status == "redirected", run.error
