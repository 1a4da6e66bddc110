"""The Test panel, like Auth0's: an event editor prefilled with the trigger's default event and validated
as you type, saved test events per action, a choice of draft or any version, and the result: commands,
console output, the error (double-click to jump to its line) and timings. Running never deploys.

An edited event is never dropped silently: switching to another event or action keeps the edit (for the
session) and brings it back, marked as not saved, until it is saved or reverted."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QInputDialog, QLabel, QPushButton, QSplitter, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from emulator import triggers

from .. import icons, theme
from ..widgets import badges
from ..widgets.empty_hint import hint
from ..widgets.editors import EditorHost

DEFAULT = "(default event)"


class TestPanel(QWidget):
    run_requested = Signal(object, dict)  # version ("draft" or a number), event
    jump_to_line = Signal(int)

    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.tenant = self.action = self.trigger_id = None
        self.saved = QComboBox()
        self.saved.currentTextChanged.connect(self._load_saved)
        save_as, delete = QPushButton("Save as…"), QPushButton("Delete")
        save_as.clicked.connect(self.save_event_as)
        delete.clicked.connect(self.delete_event)
        self.revert = QPushButton("Revert")
        self.revert.setToolTip("Drop the edits to this event")
        self.revert.clicked.connect(self.revert_event)
        self.revert.setEnabled(False)
        self.scratch: dict[tuple, str] = {}  # (tenant, action, event name) -> edited text not saved
        self._shown_name: str | None = None
        self._shown_original = ""
        self.version = QComboBox()
        # Fill the event from a real tenant user (metadata, roles, factors), as the Simulator's journeys do.
        self.as_user = QComboBox()
        self.as_user.setToolTip("Fill event.user from a tenant user, as a journey for that user would")
        self.as_user.activated.connect(self._fill_user)
        # Long names are whole in the drop-down list, not in the row (which must fit 1280 px).
        for box, letters in ((self.saved, 10), (self.as_user, 10), (self.version, 7)):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(letters)
        self.run_button = QPushButton("Run  (Ctrl+Enter)")
        self.run_button.clicked.connect(self.run)
        icons.use(self.run_button, "run", primary=True)
        icons.use(save_as, "save")
        icons.use(delete, "delete")
        self.event_editor = EditorHost(ops.editors, "json")  # JSON, checked against the trigger's event schema
        self.event_editor.textChanged.connect(self._validate)
        self.validity = QLabel()
        self.results = QTreeWidget()
        self.results.setHeaderLabels(["Result", ""])
        self.results.setColumnWidth(0, 260)
        self.results.itemDoubleClicked.connect(self._activated)
        badges.install(self.results)
        hint(self.results, "Run (Ctrl+Enter) runs this event through the action: its outcome, commands, "
                           "console output, HTTP calls and timings appear here. Running never deploys.")

        top = QHBoxLayout()
        for w in (QLabel("Event:"), self.saved, save_as, self.revert, delete, QLabel("As:"), self.as_user,
                  QLabel("Run:"), self.version,
                  self.run_button):
            top.addWidget(w)
        editor = QWidget()
        left = QVBoxLayout(editor)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.event_editor)
        left.addWidget(self.validity)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(editor)
        split.addWidget(self.results)
        # Monaco's view has no size of its own: the event gets most of the height, the result the rest.
        self.event_editor.setMinimumHeight(160)
        split.setSizes([420, 260])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)  # inside a tab pane that has its own border
        layout.addLayout(top)
        layout.addWidget(split)

    # ---- the event -------------------------------------------------------------------------------------
    def load(self, tenant: str, action: dict) -> None:
        same = (tenant, action["name"]) == (self.tenant, self.action)
        keep = self.saved.currentText() if same else None  # a reload (after a save) keeps the event shown
        self._stash()
        self.tenant, self.action = tenant, action["name"]
        self.trigger_id = action["supported_triggers"][0]["id"]
        self.event_editor.set_schema(self.trigger_id)
        self.version.clear()
        self.version.addItem("draft", "draft")
        for v in self.ops.core.versions(tenant, self.action):
            self.version.addItem(f"v{v['number']}{' (deployed)' if v['deployed'] else ''}", v["number"])
        self._fill_users()
        self._fill_saved(select=keep)
        self.results.clear()

    def _fill_users(self) -> None:
        self.as_user.clear()
        self.as_user.addItem("example user", None)
        has_user = "user" in triggers.get(self.trigger_id).default_event()
        if has_user:
            for user in self.ops.core.users(self.tenant):
                self.as_user.addItem(user.get("email") or user.get("username") or user["user_id"], user["user_id"])
        self.as_user.setEnabled(has_user and self.as_user.count() > 1)

    def _fill_user(self, index: int) -> None:
        """Put the chosen user into the shown event (an edit, kept until saved or reverted); "example user"
        puts back the shown event's own user."""
        user_id = self.as_user.itemData(index)
        event = self.current_event()
        if event is None or not self.action:
            return
        if user_id is None:
            original = json.loads(self._shown_original)
            for key in ("user", "authorization"):
                if key in original:
                    event[key] = original[key]
        else:
            event = self.ops.call(self, self.ops.core.event_as_user, self.tenant, self.trigger_id, user_id, event)
            if event is None:
                return
        self.event_editor.setPlainText(json.dumps(event, indent=2))

    def _fill_saved(self, select: str | None = None) -> None:
        self.saved.blockSignals(True)
        self.saved.clear()
        self.saved.addItem(DEFAULT)
        self.saved.addItems(list(self.ops.core.test_events(self.tenant, self.action)))
        self.saved.blockSignals(False)
        self.saved.setCurrentText(select or DEFAULT)
        self._load_saved(self.saved.currentText())

    def _key(self, name: str | None = None) -> tuple:
        return self.tenant, self.action, name if name is not None else self._shown_name

    def _stash(self) -> None:
        """Keep the shown event's unsaved edit before something else replaces it."""
        if self.action and self._shown_name is not None:
            text = self.event_editor.toPlainText()
            if text != self._shown_original:
                self.scratch[self._key()] = text
            else:
                self.scratch.pop(self._key(), None)

    def _load_saved(self, name: str) -> None:
        if not self.action:
            return
        if self._shown_name is not None and self._key()[:2] == (self.tenant, self.action) and name != self._shown_name:
            self._stash()
        events = self.ops.core.test_events(self.tenant, self.action)
        event = events.get(name) or triggers.get(self.trigger_id).default_event()
        self._shown_name, self._shown_original = name, json.dumps(event, indent=2)
        self.as_user.setCurrentIndex(0)
        self.event_editor.setPlainText(self.scratch.get(self._key(name), self._shown_original))
        self._validate()

    @property
    def edited(self) -> bool:
        return self.event_editor.toPlainText() != self._shown_original

    def revert_event(self) -> None:
        self.scratch.pop(self._key(), None)
        self.event_editor.setPlainText(self._shown_original)

    def current_event(self) -> dict | None:
        try:
            value = json.loads(self.event_editor.toPlainText())
        except json.JSONDecodeError:
            return None
        return value if isinstance(value, dict) else None

    def _validate(self) -> None:
        errors = {}
        try:
            value = json.loads(self.event_editor.toPlainText())
            ok = isinstance(value, dict)
            message = "Valid event" if ok else "The event must be a JSON object"
        except json.JSONDecodeError as exc:
            ok, message = False, f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            errors = {exc.lineno: exc.msg}
        self.event_editor.set_errors(errors)
        if self.edited:
            message += " · edited, not saved (Save as… keeps it, Revert drops it)"
        self.revert.setEnabled(self.edited)
        self.validity.setText(message)
        self.validity.setStyleSheet(f"color: {theme.css('success' if ok else 'error')}")
        self.run_button.setEnabled(ok)

    def save_event_as(self, name: str | None = None) -> None:
        event = self.current_event()
        if event is None or not self.action:
            return
        if not name:
            name, ok = QInputDialog.getText(self, "Save test event", "Name:")
            if not ok or not name.strip():
                return
        if self.ops.call(self, self.ops.core.save_test_event, self.tenant, self.action, name, event) is not None:
            self.scratch.pop(self._key(), None)
            self._shown_original = self.event_editor.toPlainText()  # saved: nothing to keep for the old name
            self._fill_saved(select=name.strip())

    def delete_event(self) -> None:
        name = self.saved.currentText()
        if name != DEFAULT:
            self.ops.call(self, self.ops.core.delete_test_event, self.tenant, self.action, name)
            self._fill_saved()

    # ---- running -----------------------------------------------------------------------------------------
    def run(self) -> None:
        event = self.current_event()
        if event is not None and self.action and self.run_button.isEnabled():
            self.run_requested.emit(self.version.currentData(), event)

    def show_result(self, result, execution_id: str) -> None:
        self.results.clear()
        outcome = result.outcome
        head = QTreeWidgetItem(["Outcome", f"{outcome.status} in {result.total_ms:.1f} ms (Node {result.node_version})"])
        badges.mark(head, outcome.status, 1)
        self.results.addTopLevelItem(head)
        for action in result.actions:
            commands = QTreeWidgetItem(["Commands", str(len(action.commands))])
            for cmd in action.commands:
                args = ", ".join(json.dumps(a) for a in cmd["args"])
                detail = f" → {json.dumps(cmd['result'])}" if "result" in cmd else ""
                detail += f"  ✗ {cmd['error']}" if cmd.get("error") else ""
                commands.addChild(QTreeWidgetItem([cmd["name"], f"({args}){detail}"]))
            console = QTreeWidgetItem(["Console", str(len(action.logs))])
            for entry in action.logs:
                console.addChild(QTreeWidgetItem([entry["level"], entry["message"]]))
            calls = QTreeWidgetItem(["HTTP", str(len(action.http))])
            for call in action.http:
                outcome = call.get("error") or f"{call.get('status')} in {call.get('duration_ms')} ms"
                child = QTreeWidgetItem([f"{call['method']} {call['url']}",
                                         f"{outcome}{' (stub)' if call.get('stubbed') else ''}"])
                child.setToolTip(1, (call.get("response_body") or "")[:2000])
                calls.addChild(child)
            timings = QTreeWidgetItem(["Timings", ", ".join(f"{k} {v} ms" for k, v in action.timings.items())])
            items = [commands, console, calls, timings]
            if action.error:
                where = f" (line {action.error.line})" if action.error.line else ""
                error = QTreeWidgetItem(["Error", f"{action.error.error_class}: {action.error.name}: "
                                                  f"{action.error.message}{where}"])
                error.setData(0, Qt.ItemDataRole.UserRole, action.error.line)
                error.setForeground(1, theme.color("error"))
                items.insert(0, error)
            self.results.addTopLevelItems(items)
            for item in items:
                item.setExpanded(True)
        self.results.addTopLevelItem(QTreeWidgetItem(["Execution", execution_id]))

    def _activated(self, item: QTreeWidgetItem) -> None:
        line = item.data(0, Qt.ItemDataRole.UserRole)
        if line:
            self.jump_to_line.emit(int(line))
