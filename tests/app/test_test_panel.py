"""The Test panel as a tenant user: the event is filled from a real stored user (metadata, roles), so
Test and the Simulator agree on what an action sees for that user."""
from __future__ import annotations

import pytest

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


def _claim(test, name: str) -> str:
    commands = next(test.results.topLevelItem(i) for i in range(test.results.topLevelItemCount())
                    if test.results.topLevelItem(i).text(0) == "Commands")
    return next(commands.child(i).text(1) for i in range(commands.childCount()) if name in commands.child(i).text(1))


def test_as_a_tenant_user_the_event_carries_her_metadata_and_roles(win, aloop):
    view = win.actions_view
    view.select("sync-crm-profile")  # sets the claim crm_tier from event.user.app_metadata.plan
    test = view.test
    names = [test.as_user.itemText(i) for i in range(test.as_user.count())]
    assert names[0] == "example user" and "jane.doe@example.com" in names and test.as_user.isEnabled()
    test.as_user.setCurrentText("jane.doe@example.com")
    test.as_user.activated.emit(test.as_user.currentIndex())
    event = test.current_event()
    assert event["user"]["email"] == "jane.doe@example.com"
    assert event["user"]["app_metadata"]["plan"] == "pro" and event["authorization"]["roles"] == ["admin"]
    assert event["request"] == test.current_event()["request"]  # the rest of the event is left as it was
    assert test.edited and "edited, not saved" in test.validity.text()
    wait_signal(aloop, view.test_finished, test.run)
    assert '"pro"' in _claim(test, "crm_tier")
    # Back to the example user: the event's own user again.
    test.as_user.setCurrentIndex(0)
    test.as_user.activated.emit(0)
    assert test.current_event()["user"].get("app_metadata", {}).get("plan") != "pro" and not test.edited
