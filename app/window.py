"""The main window, minimal until the workbench issue: pick a trigger, edit its sample action and event
(prefilled with the trigger's default event),
run it through the real core, and read the result. Renders what the core returns; decides nothing."""
from __future__ import annotations

import asyncio
import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (QLabel, QListWidget, QListWidgetItem, QMainWindow, QMessageBox, QPlainTextEdit,
                               QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from emulator import triggers
from emulator.emulator import Emulator


def _mono(widget: QPlainTextEdit) -> QPlainTextEdit:
    widget.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    widget.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return widget


class MainWindow(QMainWindow):
    run_finished = Signal(object)  # the ChainResult (or an Exception), for views and tests

    def __init__(self, core: Emulator):
        super().__init__()
        self.core = core
        self.setWindowTitle("Actions Emulator")
        self.resize(1200, 760)

        self.trigger_list = QListWidget()
        for t in triggers.all_triggers():
            item = QListWidgetItem(f"{t.id}  ({t.version}{'' if t.blocking else ', async'})")
            item.setData(Qt.ItemDataRole.UserRole, t.id)
            item.setToolTip(t.doc)
            self.trigger_list.addItem(item)
        self.trigger_doc = QLabel(wordWrap=True)

        self.code = _mono(QPlainTextEdit())
        self.event = _mono(QPlainTextEdit())
        inputs = QTabWidget()
        inputs.addTab(self.code, "Code")
        inputs.addTab(self.event, "Event")
        self.run_button = QPushButton("Run  (Ctrl+Enter)")
        self.run_button.clicked.connect(self.start_run)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.start_run)
        self.result = _mono(QPlainTextEdit(readOnly=True))
        self.result.setPlaceholderText("Run the action to see its commands, console output, error and timings.")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel("<b>Triggers</b>"))
        left_layout.addWidget(self.trigger_list)
        left_layout.addWidget(self.trigger_doc)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.addWidget(inputs)
        middle_layout.addWidget(self.run_button)
        splitter = QSplitter()
        for w, stretch in ((left, 1), (middle, 3), (self.result, 3)):
            splitter.addWidget(w)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        self.setCentralWidget(splitter)
        self.statusBar().showMessage("Starting Node…")

        self.trigger_list.currentItemChanged.connect(self._trigger_changed)
        # Open on the trigger with the richest api (post-login): the one most people come to debug.
        richest = max(triggers.all_triggers(), key=lambda t: len(t.api))
        self.trigger_list.setCurrentRow(triggers.ids().index(richest.id))
        self._task: asyncio.Task | None = None

    # The selected trigger fills the editors with its sample action and an empty partial event.
    def _trigger_changed(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        trigger = triggers.get(item.data(Qt.ItemDataRole.UserRole))
        self.trigger_doc.setText(f"{trigger.doc}\n\nHandlers: {', '.join(trigger.handlers)}")
        self.code.setPlainText(self.core.sample_code(trigger.id))
        self.event.setPlainText(json.dumps(trigger.default_event(), indent=2))

    @property
    def trigger_id(self) -> str:
        return self.trigger_list.currentItem().data(Qt.ItemDataRole.UserRole)

    async def start_core(self) -> None:
        version = await self.core.start()
        self.statusBar().showMessage(f"Node {version} ready (bundled)")

    def start_run(self) -> None:
        if self._task and not self._task.done():
            return
        try:
            event = json.loads(self.event.toPlainText() or "{}")
            if not isinstance(event, dict):
                raise ValueError("the event must be a JSON object")
        except ValueError as exc:
            QMessageBox.warning(self, "Invalid event", f"The event is not valid JSON: {exc}")
            return
        self.run_button.setEnabled(False)
        self.statusBar().showMessage(f"Running {self.trigger_id}…")
        self._task = asyncio.ensure_future(self._run(self.trigger_id, self.code.toPlainText(), event))

    async def _run(self, trigger_id: str, code: str, event: dict) -> None:
        try:
            result = await self.core.run_code(trigger_id, code, event, secrets={"BLOCKED_COUNTRIES": "KP"})
        except Exception as exc:  # an emulator bug: show it rather than lose it
            self.result.setPlainText(f"The emulator failed: {exc}")
            self.run_finished.emit(exc)
        else:
            self.result.setPlainText(json.dumps(result.to_json(), indent=2))
            status = result.outcome.status
            self.statusBar().showMessage(f"{trigger_id}: {status} in {result.total_ms:.1f} ms "
                                         f"(Node {result.node_version})")
            self.run_finished.emit(result)
        finally:
            self.run_button.setEnabled(True)
