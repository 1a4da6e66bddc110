"""The Flows area, drawn as Auth0 draws a flow: for each trigger, Start, the ordered actions bound to it,
Complete. Drag to reorder (or use the buttons), add one of the trigger's own actions, remove one. A
refused binding (an undeployed action) shows Auth0's reason next to the list and leaves the bindings as
they were. Four triggers a row: all of them fit a 1280x800 window without scrolling."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QSizePolicy,
                               QListWidget, QListWidgetItem, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from emulator import triggers
from emulator.changes import Changes
from emulator.errors import EmulatorError

from .. import icons, theme
from ..widgets.empty_hint import hint


def _terminal(text: str) -> QLabel:
    """A flow's Start or Complete node, as Auth0's flow editor draws them."""
    label = QLabel(f"● {text}" if text.startswith("Start") else f"■ {text}")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet(f"color: {theme.css('comment')}; font-weight: bold")
    return label


class TriggerBindings(QGroupBox):
    applied = Signal(str)

    def __init__(self, ops, trigger):
        super().__init__(trigger.id)
        bindable = trigger.max_bindings > 0
        limit = f"at most {trigger.max_bindings}" if bindable else "not bound here"
        self.setToolTip(f"{trigger.doc}\n{'Blocking' if trigger.blocking else 'Async'}; "
                        + (f"at most {trigger.max_bindings} actions." if bindable else
                           "its actions are attached elsewhere (Custom Token Exchange profiles), not bound in a flow."))
        self.ops, self.trigger, self.tenant = ops, trigger, None
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.model().rowsMoved.connect(lambda *_: self.apply())
        hint(self.list, "Nothing bound: pick an action below and add it (+)." if bindable else
             "Custom Token Exchange profiles attach its actions (Tenant).")
        self.candidates = QComboBox()
        add, remove = QPushButton("Add"), QPushButton("Remove")
        self.add_button, self.remove_button = add, remove
        up, down = QPushButton("↑"), QPushButton("↓")
        self._arrows = (up, down)
        for button, name in ((add, "new"), (remove, "delete"), (up, "up"), (down, "down")):
            icons.use(button, name)
        # Icons only, so the card's row fits a quarter of 1280 px; the words are in the tooltips.
        for button, tip in ((add, "Add the chosen action to this trigger"), (remove, "Remove the selected action"),
                            (up, "Move up: runs earlier"), (down, "Move down: runs later")):
            button.setAccessibleName(button.text())
            button.setText("")
            button.setToolTip(tip)
        add.clicked.connect(self.add_selected)
        remove.clicked.connect(self.remove_selected)
        up.clicked.connect(lambda: self.move(-1))
        down.clicked.connect(lambda: self.move(1))
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(f"color: {theme.css('error')}")
        for button in (up, down, add, remove):  # as wide as an icon and the stylesheet's padding, in any theme
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.candidates.setMinimumContentsLength(4)
        self.candidates.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        row = QHBoxLayout()
        row.addWidget(self.candidates, 1)
        for w in (add, remove, up, down):
            row.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setSpacing(2)
        layout.addWidget(_terminal(f"Start · {'blocking' if trigger.blocking else 'async'}, {limit}"))
        layout.addWidget(self.list)
        layout.addWidget(_terminal("Complete"))
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.list.setMinimumHeight(60)
        self.list.currentRowChanged.connect(lambda _row: self._enable())
        self.bindable = bindable
        if not bindable:
            self.message.setStyleSheet("")
            self.message.setText("Attached through Custom Token Exchange profiles (token-exchange-profiles), "
                                 "not bound here.")

    def load(self, tenant: str) -> None:
        self.tenant = tenant
        bound = self.ops.core.bindings(tenant, self.trigger.id)[self.trigger.id]
        # Only the list's own signals are held: the model's must reach the view, or it draws the rows it
        # knew before (a row added by Add went undrawn). Refilling emits no rowsMoved, so apply() stays quiet.
        self.list.blockSignals(True)
        self.list.clear()
        for b in bound:
            item = QListWidgetItem(f"{b['action']['name']}  (v{b['action']['deployed_version']})")
            item.setData(Qt.ItemDataRole.UserRole, b["action"]["name"])
            self.list.addItem(item)
        self.list.blockSignals(False)
        names = {b["action"]["name"] for b in bound}
        self.candidates.clear()
        # The trigger's own actions, undeployed ones too (marked), so that a refusal can explain itself.
        for a in sorted(self.ops.core.actions(tenant, self.trigger.id), key=lambda a: a["name"]):
            if a["name"] not in names:
                state = "" if a["deployed_version"] else " (not deployed)"
                self.candidates.addItem(a["name"] + state, a["name"])
        self.candidates.setPlaceholderText("none to add")
        self._enable()

    def _enable(self) -> None:
        """Add only with something to add, Remove and the arrows only with a row chosen."""
        self.add_button.setEnabled(self.bindable and self.candidates.count() > 0)
        chosen = self.bindable and self.list.currentRow() >= 0
        for button in (self.remove_button, *self._arrows):
            button.setEnabled(chosen)
        self.candidates.setEnabled(self.bindable)

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
    notice = Signal(str)  # what a change did, for the status bar

    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # columns fit the width
        inner = QWidget()
        grid = QGridLayout(inner)
        self.boxes: dict[str, TriggerBindings] = {}
        for i, trigger in enumerate(triggers.all_triggers()):
            box = TriggerBindings(ops, trigger)
            box.applied.connect(self._applied)
            self.boxes[trigger.id] = box
            grid.addWidget(box, i // 4, i % 4)
        for column in range(4):
            grid.setColumnStretch(column, 1)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setSpacing(6)
        self.setWidget(inner)
        self.tenant: str | None = None

    def set_tenant(self, tenant: str | None) -> None:
        self.tenant = tenant
        if tenant:
            for box in self.boxes.values():
                box.load(tenant)

    def _applied(self, trigger_id: str) -> None:
        self.ops.changed.emit(Changes(bindings=frozenset([(self.tenant, trigger_id)])))
        names = self.boxes[trigger_id].names()
        self.notice.emit(f"{trigger_id} now runs: {', '.join(names)}" if names else f"{trigger_id} runs no action")

    def apply_changes(self, changes) -> None:
        if not self.tenant:
            return
        if changes.actions or changes.tenants:
            self.set_tenant(self.tenant)
            return
        for tenant, trigger_id in changes.bindings:
            if tenant == self.tenant:
                self.boxes[trigger_id].load(tenant)
