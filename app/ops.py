"""How widgets call the core: one place that shows errors (Auth0's messages, in a dialog or a label),
runs async work on the qasync loop with a busy state, and broadcasts what changed so views refresh
precisely (design §6, §8)."""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from emulator.changes import Changes
from emulator.emulator import Emulator
from emulator.errors import EmulatorError


class Ops(QObject):
    changed = Signal(object)  # Changes
    busy = Signal(str)  # a status message while async work runs ("" when done)

    def __init__(self, core: Emulator):
        super().__init__()
        self.core = core
        # Writes made over HTTP (the Management API, from a backend, the Deploy CLI or an action) reach the
        # views like the app's own.
        core.change_listeners.append(self.changed.emit)
        from .widgets.editors import EditorKit  # the window replaces it with the one Settings choose

        self.editors = EditorKit("basic")
        self.tasks: set[asyncio.Task] = set()

    def call(self, parent: QWidget, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A synchronous core call. Returns its value, or None after showing the refusal."""
        try:
            value = fn(*args, **kwargs)
        except EmulatorError as exc:
            QMessageBox.warning(parent, "Not done", str(exc))
            return None
        changes = value[-1] if isinstance(value, tuple) and value and isinstance(value[-1], Changes) else value
        if isinstance(changes, Changes):
            self.changed.emit(changes)
        return value

    def run(self, message: str, coro: Awaitable, done: Callable[[Any], None],
            failed: Callable[[Exception], None] | None = None) -> asyncio.Task:
        """Async core work (Node): the UI stays responsive; `done` gets the result on the UI thread."""
        self.busy.emit(message)
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)

        async def wrapper():
            try:
                result = await coro
            except Exception as exc:  # shown, never lost
                (failed or (lambda e: QMessageBox.warning(None, "Failed", str(e))))(exc)
            else:
                changes = result[-1] if isinstance(result, tuple) and result and isinstance(result[-1], Changes) else None
                if changes:
                    self.changed.emit(changes)
                done(result)
            finally:
                QApplication.restoreOverrideCursor()
                self.busy.emit("")

        task = asyncio.ensure_future(wrapper())
        # Cancelled before it started (a closing window): the work it would have awaited is closed
        # too, rather than left for the garbage collector to warn about.
        task.add_done_callback(lambda t: t.cancelled() and hasattr(coro, "close") and coro.close())
        return self.keep(task)

    def keep(self, task: asyncio.Task) -> asyncio.Task:
        """Hold background work until it ends; a closing window cancels what is left."""
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task
