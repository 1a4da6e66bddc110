"""GUI tests: pytest-qt widgets over a real core, with a qasync loop so the core's asyncio work runs
inside Qt's event loop exactly as in the app."""
from __future__ import annotations

import asyncio
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium refuses to run as root with its sandbox: tests and CI only, never for users.
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")


def _prepare_webengine() -> None:
    """QtWebEngine must be loaded, with shared GL contexts and the editor's URL scheme, before the
    QApplication exists."""
    from app.main import prepare_webengine

    prepare_webengine()
    import PySide6.QtWebEngineWidgets  # noqa: F401


_prepare_webengine()


@pytest.fixture
def aloop(qapp, monkeypatch):
    import pytestqt.plugin

    from app.event_loop import EventLoop

    loop = EventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)

    def process_events():
        # pytest-qt pumps Qt's events between a test's phases, outside run_until_complete. qasync would
        # then run whatever asyncio step is due (a host warming up, a server task) with no running loop.
        # The app never pumps events that way; app.event_loop covers the pump qasync itself does.
        if loop.is_closed() or loop.is_running():
            return qapp.processEvents()
        asyncio._set_running_loop(loop)
        try:
            qapp.processEvents()
        finally:
            asyncio._set_running_loop(None)

    monkeypatch.setattr(pytestqt.plugin, "_process_events", process_events)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


def basic_settings(tmp_path, editor: str = "basic"):
    """The app's settings for a test, in its own file. The views' tests use the basic editor (they type
    with Qt's key events); tests/app/test_monaco.py drives Monaco."""
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("editor", editor)
    return settings


def open_window(qtbot, aloop, tmp_path, editor: str = "basic"):
    """The app's window over a fresh workspace at 1280x800, started; close it with `close_window`."""
    from app.startup import open_core
    from app.window import MainWindow

    window = MainWindow(open_core(str(tmp_path / "ws.sqlite")), basic_settings(tmp_path, editor=editor))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    aloop.run_until_complete(window.start_core())
    return window


def close_window(aloop, window) -> None:
    window.actions_view._set_dirty(False)
    aloop.run_until_complete(window.core.close())


_ANY = object()


def wait_signal(loop, signal, action, timeout: float = 30.0, value=_ANY):
    """Run `action()` and the event loop until `signal` fires (with `value`, if given); return what it
    carried."""
    future = loop.create_future()

    def done(*args):
        got = args[0] if len(args) == 1 else args
        if not future.done() and (value is _ANY or got == value):
            future.set_result(got)

    signal.connect(done)
    action()
    return loop.run_until_complete(asyncio.wait_for(future, timeout))


@pytest.fixture(autouse=True)
def dialogs(monkeypatch):
    """Message boxes would block an offscreen test forever: record them instead. `question` answers
    Discard unless a test says otherwise; tests assert on what was shown."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str]] = []
    for kind in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(lambda *a, _k=kind, **kw: shown.append((_k, str(a[2])))
                                                            or QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **kw: shown.append(("question", str(a[2]))) or QMessageBox.StandardButton.Discard))
    return shown
