"""The Flows area: for each trigger, the ordered actions bound to it. Drag to reorder (or use the
buttons), add a deployed action, remove one. A refused binding (undeployed action, another trigger)
shows Auth0's reason next to the list and leaves the bindings as they were."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                               QListWidget, QListWidgetItem, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from emulator import triggers
from emulator.changes import Changes
from emulator.errors import EmulatorError

from .. import theme


class TriggerBindings(QGroupBox):
    applied = Signal(str)

    def __init__(self, ops, trigger):
        super().__init__(f"{trigger.id}  ({'blocking' if trigger.blocking else 'async'}, at most "
                         f"{trigger.max_bindings})")
        self.ops, self.trigger, self.tenant = ops, trigger, None
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.model().rowsMoved.connect(lambda *_: self.apply())
        self.candidates = QComboBox()
        add, remove = QPushButton("Add"), QPushButton("Remove")
        up, down = QPushButton("↑"), QPushButton("↓")
        add.clicked.connect(self.add_selected)
        remove.clicked.connect(self.remove_selected)
        up.clicked.connect(lambda: self.move(-1))
        down.clicked.connect(lambda: self.move(1))
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(f"color: {theme.css('error')}")
        row = QHBoxLayout()
        for w in (self.candidates, add, remove, up, down):
            row.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.message)

    def load(self, tenant: str) -> None:
        self.tenant = tenant
        bound = self.ops.core.bindings(tenant, self.trigger.id)[self.trigger.id]
        self.list.blockSignals(True)
        self.list.model().blockSignals(True)
        self.list.clear()
        for b in bound:
            item = QListWidgetItem(f"{b['action']['name']}  (v{b['action']['deployed_version']})")
            item.setData(Qt.ItemDataRole.UserRole, b["action"]["name"])
            self.list.addItem(item)
        self.list.model().blockSignals(False)
        self.list.blockSignals(False)
        names = {b["action"]["name"] for b in bound}
        self.candidates.clear()
        # Every action of the tenant is offered, so that a refusal can explain itself.
        actions = sorted(self.ops.core.actions(tenant),
                         key=lambda a: (a["supported_triggers"][0]["id"] != self.trigger.id, a["name"]))
        for a in actions:
            if a["name"] not in names:
                state = "" if a["deployed_version"] else " (not deployed)"
                trig = a["supported_triggers"][0]["id"]
                other = "" if trig == self.trigger.id else f" ({trig})"
                self.candidates.addItem(a["name"] + state + other, a["name"])

    def names(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def apply(self, names: list[str] | None = None) -> bool:
        names = self.names() if names is None else names
        try:
            self.ops.core.set_bindings(self.tenant, self.trigger.id, names)
        except EmulatorError as exc:
            self.message.setText(str(exc))
            self.load(self.tenant)
            return False
        self.message.setText("")
        self.applied.emit(self.trigger.id)
        return True

    def add_selected(self) -> None:
        name = self.candidates.currentData()
        if name:
            self.apply(self.names() + [name])

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            names = self.names()
            del names[row]
            self.apply(names)

    def move(self, delta: int) -> None:
        row = self.list.currentRow()
        names = self.names()
        if 0 <= row and 0 <= row + delta < len(names):
            names.insert(row + delta, names.pop(row))
            if self.apply(names):
                self.list.setCurrentRow(row + delta)


class BindingsView(QScrollArea):
    changed = Signal()

    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.setWidgetResizable(True)
        inner = QWidget()
        grid = QGridLayout(inner)
        self.boxes: dict[str, TriggerBindings] = {}
        for i, trigger in enumerate(triggers.all_triggers()):
            box = TriggerBindings(ops, trigger)
            box.applied.connect(self._applied)
            self.boxes[trigger.id] = box
            grid.addWidget(box, i // 2, i % 2)
        self.setWidget(inner)
        self.tenant: str | None = None

    def set_tenant(self, tenant: str | None) -> None:
        self.tenant = tenant
        if tenant:
            for box in self.boxes.values():
                box.load(tenant)

    def _applied(self, trigger_id: str) -> None:
        self.ops.changed.emit(Changes(bindings=frozenset([(self.tenant, trigger_id)])))

    def apply_changes(self, changes) -> None:
        if not self.tenant:
            return
        if changes.actions or changes.tenants:
            self.set_tenant(self.tenant)
            return
        for tenant, trigger_id in changes.bindings:
            if tenant == self.tenant:
                self.boxes[trigger_id].load(tenant)
