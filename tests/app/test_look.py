"""The app's look (theme.stylesheet, icons): one stylesheet for light and dark, primary actions in the
accent with icons, and every view fitting the 1280 px window it is designed for."""
from __future__ import annotations

import pytest

from app import theme
from app.startup import open_core
from app.window import MainWindow

from .conftest import basic_settings


@pytest.fixture
def win(qtbot, aloop, tmp_path, qapp):
    window = MainWindow(open_core(str(tmp_path / "ws.sqlite")), basic_settings(tmp_path))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    aloop.run_until_complete(window.start_core())
    yield window
    theme.apply(qapp, "light")
    window.actions_view._set_dirty(False)
    aloop.run_until_complete(window.core.close())


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_every_view_fits_1280_px_in_the_stylesheet(win, qapp, mode):
    theme.apply(qapp, mode)
    assert theme.css("accent") in qapp.styleSheet()
    views = [(win.tabs, i) for i in range(win.tabs.count())]
    views += [(win.actions_view.tabs, i) for i in range(win.actions_view.tabs.count())]
    for tabs, i in views:
        tabs.setCurrentIndex(i)
        qapp.processEvents()
        assert win.minimumSizeHint().width() <= 1280, f"{tabs.tabText(i)}: {win.minimumSizeHint().width()} px"
        assert win.width() == 1280
        # No button's words are cut: each is at least as wide as its text and icon need.
        from PySide6.QtWidgets import QPushButton
        cut = [b.text() or b.toolTip() for b in win.findChildren(QPushButton)
               if b.isVisible() and b.width() < b.sizeHint().width() - 2]
        assert not cut, f"{tabs.tabText(i)}: cut buttons {cut}"


def test_the_main_actions_are_primary_with_icons_that_follow_the_theme(win, qapp):
    view = win.actions_view
    primary = [view.deploy_button, view.test.run_button, win.simulator_view.run_button, win.compare_view.run_button]
    assert all(b.property("primary") is True and not b.icon().isNull() for b in primary)
    assert not view.save_button.icon().isNull() and not win.simulator_view.step_button.icon().isNull()
    before = view.save_button.icon().pixmap(16, 16).toImage()
    theme.apply(qapp, "dark")
    after = view.save_button.icon().pixmap(16, 16).toImage()
    assert before != after  # redrawn in the dark theme's icon colour
