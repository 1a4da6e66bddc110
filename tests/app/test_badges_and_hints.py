"""Outcome badges and empty-pane hints, checked on what is painted: before a run the Test result, the
Simulator's panes, the logs and the charts say what will appear there and how to get it; after a run
the outcome is a pill in its status colour, the same in Test, the Simulator's result and its earlier
runs."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from app import theme
from app.startup import open_core
from app.widgets import badges
from app.window import MainWindow

from .conftest import basic_settings, wait_signal


@pytest.fixture
def win(qtbot, aloop, tmp_path):
    window = MainWindow(open_core(str(tmp_path / "ws.sqlite")), basic_settings(tmp_path))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    aloop.run_until_complete(window.start_core())
    yield window
    window.actions_view._set_dirty(False)
    aloop.run_until_complete(window.core.close())


def _has_colour(widget, colour: QColor, tolerance: int = 40) -> bool:
    image = widget.grab().toImage()
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if abs(c.red() - colour.red()) + abs(c.green() - colour.green()) + abs(c.blue() - colour.blue()) < tolerance:
                return True
    return False


def _drawn(widget) -> int:
    """How many pixels differ from the view's background: text painted on it."""
    image = widget.grab().toImage()
    base = image.pixelColor(1, 1)
    return sum(image.pixelColor(x, y) != base for y in range(0, image.height(), 2) for x in range(0, image.width(), 2))


def test_empty_panes_say_what_will_appear_and_how(win):
    test = win.actions_view.test
    win.actions_view.select("email-domain-policy")
    win.actions_view.tabs.setCurrentWidget(test)
    hint = test.results._empty_hint
    assert hint.showing() and "Run (Ctrl+Enter)" in hint.text()
    assert _drawn(test.results.viewport()) > 200  # the hint is painted, not only set
    sim = win.simulator_view
    for view in (sim.details.result, sim.details.state, sim.details.outbox, sim.runs):
        assert view._empty_hint.showing() and view._empty_hint.text()
    logs = win.logs_view
    logs.search.setText("nothing matches this")
    logs.refresh()
    assert logs.table._empty_hint.text() == "No log line matches these filters."
    assert win.timings_view.durations.empty and not win.timings_view.durations.chart_.series()


def test_an_outcome_is_the_same_badge_in_test_and_the_simulator(win, aloop):
    view = win.actions_view
    view.select("email-domain-policy")  # denies competitor.example
    test = view.test
    event = test.current_event()
    event["user"]["email"] = "spy@competitor.example"
    test.event_editor.setPlainText(__import__("json").dumps(event))
    view.tabs.setCurrentWidget(test)
    wait_signal(aloop, view.test_finished, test.run)
    head = test.results.topLevelItem(0)
    assert head.data(1, badges.ROLE) == "denied" and head.text(1).startswith("denied in ")
    assert not test.results._empty_hint.showing()
    fg, fill = badges.colors("denied")
    assert fg == theme.color("status_denied")
    test.results.viewport().repaint()
    assert _has_colour(test.results.viewport(), fg, tolerance=60)  # the pill's word, in the status colour
    # The Simulator: a login denied by the same action shows the same badge in its result and run list.
    sim = win.simulator_view
    win.tabs.setCurrentWidget(sim)
    sim.setup.user_box.setCurrentText("spy@competitor.example")
    sim.setup.password.setText(win.core.sample_password("spy@competitor.example"))
    wait_signal(aloop, sim.stepped, lambda: sim.advance(True))
    assert sim.run.status == "denied" and sim.status_badge.status == "denied" and sim.status_badge.isVisible()
    outcome = sim.details.result.topLevelItem(0)
    assert outcome.data(1, badges.ROLE) == "denied"
    assert sim.runs.item(0).data(badges.ROLE) == "denied"
