"""The main window, minimal until the workbench issue: pick a tenant and one of its actions (listed per
trigger), edit its draft and the event (prefilled with the trigger's default event), and run the draft
through the real core as Auth0's Test panel does. Renders what the core returns; decides nothing."""
from __future__ import annotations

import asyncio
import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QLabel, QMainWindow, QMessageBox, QPlainTextEdit, QPushButton,
                               QSplitter, QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from emulator import triggers
from emulator.emulator import Emulator

ACTION_ROLE = Qt.ItemDataRole.UserRole


def _mono(widget: QPlainTextEdit) -> QPlainTextEdit:
    widget.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    widget.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return widget


class MainWindow(QMainWindow):
    run_finished = Signal(object)  # the ChainResult (or an Exception), for views and tests

    def __init__(self, core: Emulator):
        super().__init__()
        self.core = core
        self.setWindowTitle(f"Actions Emulator — {core.ws.path}")
        self.resize(1280, 780)

        self.tenant_box = QComboBox()
        self.tenant_box.currentTextChanged.connect(self._tenant_changed)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Trigger / action", "Deployed"])
        self.tree.setColumnWidth(0, 230)
        self.tree.currentItemChanged.connect(self._action_changed)
        self.details = QLabel(wordWrap=True)

        self.code = _mono(QPlainTextEdit())
        self.event = _mono(QPlainTextEdit())
        inputs = QTabWidget()
        inputs.addTab(self.code, "Draft code")
        inputs.addTab(self.event, "Event")
        self.run_button = QPushButton("Save draft and run  (Ctrl+Enter)")
        self.run_button.clicked.connect(self.start_run)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.start_run)
        self.result = _mono(QPlainTextEdit(readOnly=True))
        self.result.setPlaceholderText("Run the action to see its commands, console output, error and timings.")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel("<b>Tenant</b>"))
        left_layout.addWidget(self.tenant_box)
        left_layout.addWidget(self.tree, 1)
        left_layout.addWidget(self.details)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.addWidget(inputs)
        middle_layout.addWidget(self.run_button)
        splitter = QSplitter()
        for w, stretch in ((left, 2), (middle, 3), (self.result, 3)):
            splitter.addWidget(w)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        self.setCentralWidget(splitter)
        self.statusBar().showMessage("Starting Node…")
        self._task: asyncio.Task | None = None
        self.reload_tenants()

    # ---- what the core holds ---------------------------------------------------------------------------
    def reload_tenants(self) -> None:
        current = self.tenant_box.currentText()
        self.tenant_box.blockSignals(True)
        self.tenant_box.clear()
        self.tenant_box.addItems([t["name"] for t in self.core.tenants()])
        self.tenant_box.blockSignals(False)
        index = self.tenant_box.findText(current)
        self.tenant_box.setCurrentIndex(max(index, 0))
        self._tenant_changed(self.tenant_box.currentText())

    @property
    def tenant(self) -> str:
        return self.tenant_box.currentText()

    def _tenant_changed(self, tenant: str) -> None:
        self.tree.clear()
        if not tenant:
            return
        actions = self.core.actions(tenant)
        first = None
        for trigger in triggers.all_triggers():
            parent = QTreeWidgetItem([trigger.id, ""])
            parent.setToolTip(0, trigger.doc)
            self.tree.addTopLevelItem(parent)
            for action in (a for a in actions if a["supported_triggers"][0]["id"] == trigger.id):
                deployed = f"v{action['deployed_version']}" if action["deployed_version"] else "never"
                if action["deployed_version"] and not action["all_changes_deployed"]:
                    deployed += " (draft changed)"
                child = QTreeWidgetItem([action["name"], deployed])
                child.setData(0, ACTION_ROLE, action["name"])
                parent.addChild(child)
                first = first or child
            parent.setExpanded(True)
        if first:
            self.tree.setCurrentItem(first)

    @property
    def action_name(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ACTION_ROLE) if item else None

    def select_action(self, name: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(i)
            for j in range(parent.childCount()):
                if parent.child(j).data(0, ACTION_ROLE) == name:
                    self.tree.setCurrentItem(parent.child(j))
                    return
        raise KeyError(name)

    def _action_changed(self, item: QTreeWidgetItem | None) -> None:
        name = item.data(0, ACTION_ROLE) if item else None
        self.run_button.setEnabled(name is not None)
        if name is None:
            return
        action = self.core.action(self.tenant, name)
        trigger = triggers.get(action["supported_triggers"][0]["id"])
        self.details.setText(f"{trigger.id} {trigger.version}: {trigger.doc}\n"
                             f"Secrets: {', '.join(s['name'] for s in action['secrets']) or '-'}")
        self.code.setPlainText(action["code"])
        self.event.setPlainText(json.dumps(trigger.default_event(), indent=2))

    # ---- running -----------------------------------------------------------------------------------------
    async def start_core(self) -> None:
        version = await self.core.start(self.tenant or "default")
        self.statusBar().showMessage(f"Node {version} ready · workspace {self.core.ws.path}")

    def start_run(self) -> None:
        if (self._task and not self._task.done()) or not self.action_name:
            return
        try:
            event = json.loads(self.event.toPlainText() or "{}")
            if not isinstance(event, dict):
                raise ValueError("the event must be a JSON object")
        except ValueError as exc:
            QMessageBox.warning(self, "Invalid event", f"The event is not valid JSON: {exc}")
            return
        tenant, name, code = self.tenant, self.action_name, self.code.toPlainText()
        if code != self.core.action(tenant, name)["code"]:
            self.core.update_draft(tenant, name, code=code)
        self.run_button.setEnabled(False)
        self.statusBar().showMessage(f"Running the draft of {name}…")
        self._task = asyncio.ensure_future(self._run(tenant, name, event))

    async def _run(self, tenant: str, name: str, event: dict) -> None:
        try:
            result, record, _ = await self.core.run_action(tenant, name, event=event)
        except Exception as exc:  # shown, never lost: a refused run or an emulator bug
            self.result.setPlainText(f"The run failed: {exc}")
            self.statusBar().showMessage(f"{name}: the run failed")
            self.run_finished.emit(exc)
        else:
            self.result.setPlainText(json.dumps({**result.to_json(), "execution_id": record["id"]}, indent=2))
            self.statusBar().showMessage(f"{name}: {result.outcome.status} in {result.total_ms:.1f} ms "
                                         f"(Node {result.node_version})")
            self.run_finished.emit(result)
        finally:
            self.run_button.setEnabled(True)
