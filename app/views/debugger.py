"""The debugger pane: shown when a Test run or a Simulator journey stops inside an action. The paused
script with its current line marked (hover a name for its value), Variables as a lazy tree, Watch
expressions, the Call stack (user frames first) and a debug console; Continue (F5), Step over (F10),
Step into (F11), Step out (Shift+F11) and Stop (Shift+F5). Every decision is the core's
(emulator.debug); this pane shows what a DebugSession reports and calls it."""
from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPlainTextEdit, QPushButton, QSplitter, QTabWidget, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from ..widgets.editors import EditorHost

OBJECT_ROLE = Qt.ItemDataRole.UserRole
KEYS = (("Continue", "F5", "resume"), ("Step over", "F10", "step_over"), ("Step into", "F11", "step_into"),
        ("Step out", "Shift+F11", "step_out"), ("Stop", "Shift+F5", "stop"))


class DebuggerPane(QWidget):
    paused_changed = Signal(bool)
    show_requested = Signal()

    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.session = None
        self.pause = None
        self.tenant = None  # the paused session's tenant
        self.current_tenant = None  # the window's
        self.frame_index = 0
        self._tasks: set[asyncio.Task] = set()
        self.status = QLabel("Not debugging: set a breakpoint in the editor's gutter (F9), then run a test or a journey.")
        self.status.setWordWrap(True)
        self.buttons = {}
        for text, key, method in KEYS:
            button = QPushButton(f"{text} ({key})")
            button.clicked.connect(lambda _=False, m=method: self.control(m))
            button.setEnabled(False)
            self.buttons[method] = button
        self.exceptions = QComboBox()
        self.exceptions.addItem("Don't pause on exceptions", "none")
        self.exceptions.addItem("Pause on uncaught exceptions", "uncaught")
        self.exceptions.addItem("Pause on all exceptions", "all")
        self.exceptions.currentIndexChanged.connect(self._exceptions_changed)
        self.source = EditorHost(ops.editors, "code")  # the paused script, read-only
        self.source.setReadOnly(True)
        self.source.enable_hover_evaluation(True)
        self.source.hover_requested.connect(self._hover)
        self.variables = QTreeWidget()
        self.variables.setHeaderLabels(["Variable", "Value"])
        self.variables.setColumnWidth(0, 180)
        self.variables.itemExpanded.connect(self._expand)
        self.watch = QListWidget()
        self.watch_input = QLineEdit()
        self.watch_input.setPlaceholderText("Add a watch expression and press Enter")
        self.watch_input.returnPressed.connect(self._add_watch)
        self.stack = QListWidget()
        self.stack.currentRowChanged.connect(self._select_frame)
        # Your frames first; Node's and the emulator's behind this (they are rarely what you look for).
        self.show_internal = QCheckBox("Show Node's and the emulator's frames")
        self.show_internal.toggled.connect(lambda _on: self._hide_internal())
        self.console = QPlainTextEdit()
        self.console.setReadOnly(True)
        self.console_input = QLineEdit()
        self.console_input.setPlaceholderText("Evaluate in the selected frame and press Enter")
        self.console_input.returnPressed.connect(self._evaluate_console)
        self.watches: list[str] = []
        self._layout()
        self.shortcuts = []
        for _text, key, method in KEYS:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda m=method: self.control(m))
            shortcut.setEnabled(False)
            self.shortcuts.append(shortcut)
        core = ops.core
        core.debug_breakpoints = True
        core.debuggers.on_pause.append(self._on_pause)
        core.debuggers.on_resume.append(self._on_resume)

    def _layout(self) -> None:
        watch = QWidget()
        wl = QVBoxLayout(watch)
        wl.setContentsMargins(0, 0, 0, 0)
        wl.addWidget(self.watch)
        wl.addWidget(self.watch_input)
        console = QWidget()
        cl = QVBoxLayout(console)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.console)
        cl.addWidget(self.console_input)
        self.side = QTabWidget()
        self.side.addTab(self.variables, "Variables")
        self.side.addTab(watch, "Watch")
        stack = QWidget()
        sl = QVBoxLayout(stack)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.stack)
        sl.addWidget(self.show_internal)
        self.side.addTab(stack, "Call stack")
        self.side.addTab(console, "Console")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.source)
        split.addWidget(self.side)
        split.setSizes([640, 480])
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(self._bar_layout())
        layout.addWidget(split, 1)

    def _bar_layout(self):
        bar = QHBoxLayout()
        for button in self.buttons.values():
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.exceptions)
        return bar

    # ---- the session's reports ---------------------------------------------------------------------------
    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_pause(self, tenant: str, session, pause) -> None:
        self.tenant, self.session, self.pause = tenant, session, pause
        self._set_paused(True)
        top = pause.top
        why = {"breakpoint": "at a breakpoint", "step": "after a step", "exception": "on an exception",
               "debugger": "at a debugger statement", "entry": "at the first line"}.get(pause.reason, pause.reason)
        where = f"{top.file}:{top.line}" if top else "(no frame)"
        extra = f": {pause.exception.display}" if pause.exception else ""
        self.status.setText(f"Paused {why} in {where}{extra}. F5 continues, F10 steps over, F11 steps into, "
                            f"Shift+F11 steps out, Shift+F5 stops.")
        self.stack.blockSignals(True)
        self.stack.clear()
        for frame in pause.frames:
            item = QListWidgetItem(f"{frame.function}   {frame.file.rsplit('/', 1)[-1]}:{frame.line}")
            item.setToolTip(f"{frame.file}:{frame.line}:{frame.column}")
            if frame.internal:
                item.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
            self.stack.addItem(item)
        self.stack.setCurrentRow(0)
        self.stack.blockSignals(False)
        internal = sum(1 for f in pause.frames if f.internal)
        self.show_internal.setText(f"Show Node's and the emulator's frames ({internal})")
        self.show_internal.setEnabled(bool(internal))
        self._hide_internal()
        self._select_frame(0)
        self.show_requested.emit()

    def _on_resume(self, tenant: str, session) -> None:
        if session is not self.session or self.pause is None:
            return
        self.pause = None
        self._set_paused(False)
        self.source.set_exec_line(None)
        self.variables.clear()  # values of a frame that is gone would mislead
        self.stack.clear()
        self.status.setText("Running…" if not session.stopped else "Stopped.")

    def _set_paused(self, on: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(on)
        for shortcut in self.shortcuts:
            shortcut.setEnabled(on)
        self.paused_changed.emit(on)

    @property
    def paused(self) -> bool:
        return self.pause is not None

    def _hide_internal(self) -> None:
        """Rows stay in frame order (a row is its frame's index); internal ones are hidden unless asked for."""
        if self.pause is None:
            return
        for i, frame in enumerate(self.pause.frames):
            item = self.stack.item(i)
            if item is not None:
                item.setHidden(frame.internal and not self.show_internal.isChecked())

    def _select_frame(self, index: int) -> None:
        if self.pause is None or index < 0 or index >= len(self.pause.frames):
            return
        self.frame_index = index
        self._spawn(self._show_frame(self.pause, index))

    async def _show_frame(self, pause, index: int) -> None:
        frame = pause.frames[index]
        source = await self.session.source(frame)
        if pause is not self.pause:
            return
        if self.source.toPlainText() != source:
            self.source.setPlainText(source)
        self.source.set_exec_line(frame.line)
        self.variables.clear()
        for scope in frame.scopes:
            item = QTreeWidgetItem([scope["type"].capitalize(), scope["name"]])
            item.setData(0, OBJECT_ROLE, scope["object_id"])
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            self.variables.addTopLevelItem(item)
            if scope["type"] in ("local", "block"):
                item.setExpanded(True)
        await self._refresh_watches()

    def _expand(self, item: QTreeWidgetItem) -> None:
        object_id = item.data(0, OBJECT_ROLE)
        if object_id and item.childCount() == 0 and self.session is not None:
            self._spawn(self._fill(item, object_id, self.pause))

    async def _fill(self, item: QTreeWidgetItem, object_id: str, pause) -> None:
        children = await self.session.properties(object_id)
        if pause is not self.pause:
            return
        for var in children:
            child = QTreeWidgetItem([var.name, var.display])
            child.setToolTip(1, var.display)
            if var.object_id:
                child.setData(0, OBJECT_ROLE, var.object_id)
                child.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            item.addChild(child)
        if not children:
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.DontShowIndicator)

    # ---- watch, console, hover ---------------------------------------------------------------------------
    def _add_watch(self) -> None:
        text = self.watch_input.text().strip()
        if text:
            self.watches.append(text)
            self.watch_input.clear()
            self._spawn(self._refresh_watches())

    async def _refresh_watches(self) -> None:
        values = []
        for expr in self.watches:
            if self.pause is None:
                values.append(f"{expr}: (not paused)")
                continue
            var = await self.session.evaluate(expr, self.frame_index)
            values.append(f"{expr} = {var.error or var.display}")
        self.watch.clear()
        self.watch.addItems(values)

    def _evaluate_console(self) -> None:
        text = self.console_input.text().strip()
        if not text or self.pause is None:
            return
        self.console_input.clear()
        self._spawn(self._console(text))

    async def _console(self, text: str) -> None:
        var = await self.session.evaluate(text, self.frame_index)
        self.console.appendPlainText(f"> {text}\n{var.error or var.display}")

    def _hover(self, expression: str, reply) -> None:
        """The value of the name under the mouse in the selected frame, for the editor to show."""
        if self.pause is not None:
            self._spawn(self._show_hover(expression, reply))
        else:
            reply(None)

    async def _show_hover(self, expression: str, reply) -> None:
        var = await self.session.evaluate(expression, self.frame_index)
        reply(None if var.error else f"{expression} = {var.display}")

    # ---- control -----------------------------------------------------------------------------------------
    def control(self, method: str) -> None:
        if self.session is None or self.pause is None:
            return
        # Running again from now: the keys and the marker go at once (the inspector's "resumed" may
        # arrive after the run's own reply).
        self._on_resume(self.tenant, self.session)
        self._spawn(getattr(self.session, method)())

    def _exceptions_changed(self) -> None:
        if self.current_tenant:
            self.ops.core.debuggers.set_exceptions(self.current_tenant, self.exceptions.currentData())

    def set_tenant(self, tenant: str | None) -> None:
        self.current_tenant = tenant
        self._exceptions_changed()
