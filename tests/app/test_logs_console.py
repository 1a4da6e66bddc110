"""The Logs area's console output: every run's lines in time order (oldest at the top, as a terminal
reads), filtered by level and by action, warnings and errors coloured."""
from __future__ import annotations

import pytest

from app import theme
from app.startup import open_core
from app.window import MainWindow

from .conftest import basic_settings, wait_signal


@pytest.fixture
def win(qtbot, aloop, tmp_path):
    window = MainWindow(open_core(str(tmp_path / "ws.sqlite")), basic_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    aloop.run_until_complete(window.start_core())
    yield window
    window.actions_view._set_dirty(False)
    aloop.run_until_complete(window.core.close())


def _run(win, aloop, name: str, body: str) -> None:
    view = win.actions_view
    view.create_action(name, "post-login")
    view.editor.setPlainText(f"exports.onExecutePostLogin = async () => {{ {body} }};\n")
    wait_signal(aloop, view.test_finished, view.test.run)


def _messages(logs) -> list[str]:
    return [logs.console.item(r, 4).text() for r in range(logs.console.rowCount())]


def test_console_lines_are_in_time_order_and_filter_by_level_and_action(win, aloop):
    _run(win, aloop, "first", "console.log('first one'); console.warn('first two');")
    _run(win, aloop, "second", "console.log('second one'); console.error('second two');")
    logs = win.logs_view
    win.tabs.setCurrentWidget(logs)
    logs.refresh()
    ours = [m for m in _messages(logs) if m.startswith(("first", "second"))]
    assert ours == ["first one", "first two", "second one", "second two"]  # was: the newest run first
    logs.level_box.setCurrentIndex(logs.level_box.findData("warn"))
    assert _messages(logs) == ["first two"]
    assert logs.console.item(0, 4).foreground().color() == theme.color("warning")
    logs.level_box.setCurrentIndex(0)
    logs.console_action.setCurrentIndex(logs.console_action.findData("second"))
    assert _messages(logs) == ["second one", "second two"]
    assert logs.console.item(1, 4).foreground().color() == theme.color("error")
    logs.refresh()  # a refresh keeps the chosen filter
    assert logs.console_action.currentData() == "second" and _messages(logs) == ["second one", "second two"]
