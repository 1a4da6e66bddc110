"""The Compare area: two versions of an action (or draft and deployed) run on the same events; a table
of which events behave differently; each row opens the side-by-side view, differing fields highlighted.
Below, both runs' results as JSON in a diff view. A batch shows progress and can be cancelled."""
from __future__ import annotations

import asyncio
import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QProgressBar,
                               QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from emulator.compare import COMPARED, compare

from .. import icons, theme
from ..widgets.editors import EditorHost
from ..widgets.empty_hint import hint


def _diff_brush() -> QBrush:
    return QBrush(theme.color("error_bg"))


class CompareView(QWidget):
    finished = Signal(list)  # the Comparisons of a batch (possibly cut short by Cancel)

    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.tenant: str | None = None
        self.results = []
        self._task: asyncio.Task | None = None
        self.action_box, self.a, self.b = QComboBox(), QComboBox(), QComboBox()
        self.action_box.currentTextChanged.connect(self._action_changed)
        self.run_button, self.cancel_button = QPushButton("Compare on all events"), QPushButton("Cancel")
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        icons.use(self.run_button, "compare", primary=True)
        icons.use(self.cancel_button, "cancel")
        self.progress = QProgressBar()
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Event", "Behaviour", "Differences"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.currentCellChanged.connect(lambda row, *_: self.show_side_by_side(row))
        hint(self.table, "Pick an action and two versions, then Compare: every saved test event runs on both "
                         "and each row says whether they behave the same.")
        self.sides = QTreeWidget()
        hint(self.sides, "Select an event on the left to see both versions' commands, logs and timings here.")
        self.sides.setHeaderLabels(["Field", "A", "B"])
        header = self.sides.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for col in (1, 2):  # the two sides get equal room
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        for w in (QLabel("Action"), self.action_box, QLabel("A"), self.a, QLabel("B"), self.b, self.run_button,
                  self.cancel_button, self.progress):
            top.addWidget(w)
        self.diff = EditorHost(ops.editors, "diff")
        self.diff.setMinimumHeight(120)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.sides)
        split.setStretchFactor(1, 2)
        outer = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(split)
        outer.addWidget(self.diff)
        outer.setStretchFactor(0, 1)
        outer.setStretchFactor(1, 1)
        outer.setSizes([300, 300])  # the diff view has no size of its own: give it half
        # With Coverage on (the Actions view's toggle): the lines that ran on one version only.
        self.coverage_label = QLabel()
        self.coverage_label.setWordWrap(True)
        self.coverage_label.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.coverage_label)
        layout.addWidget(outer)

    def set_tenant(self, tenant: str | None) -> None:
        self.tenant = tenant
        self.action_box.blockSignals(True)
        self.action_box.clear()
        if tenant:
            self.action_box.addItems([a["name"] for a in self.ops.core.actions(tenant)])
        self.action_box.blockSignals(False)
        self._action_changed(self.action_box.currentText())

    def _action_changed(self, name: str) -> None:
        for combo in (self.a, self.b):
            combo.clear()
        if not name:
            return
        action = self.ops.core.action(self.tenant, name)
        choices = [("draft", "draft")] + ([("deployed", "deployed")] if action["deployed_version"] else []) + [
            (f"v{v['number']}", v["number"]) for v in self.ops.core.versions(self.tenant, name)]
        for combo in (self.a, self.b):
            for label, data in choices:
                combo.addItem(label, data)
        versions = [c for c in choices if isinstance(c[1], int)]
        if len(versions) >= 2:  # the two newest versions, a natural first comparison
            self.a.setCurrentText(versions[1][0])
            self.b.setCurrentText(versions[0][0])
        else:
            self.a.setCurrentText("deployed" if action["deployed_version"] else "draft")
            self.b.setCurrentText("draft")

    def events(self) -> dict[str, dict | None]:
        name = self.action_box.currentText()
        return {"(default event)": None, **self.ops.core.test_events(self.tenant, name)}

    def start(self) -> asyncio.Task | None:
        name = self.action_box.currentText()
        if not name or (self._task and not self._task.done()):
            return None
        events, a, b = self.events(), self.a.currentData(), self.b.currentData()
        self.results = []
        self.table.setRowCount(0)
        self.progress.setRange(0, len(events))
        self.progress.setValue(0)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)

        self.coverage_label.hide()

        async def batch():
            try:
                covering = self.ops.core.coverage_on(self.tenant)
                if covering:
                    await self.ops.core.take_coverage(self.tenant)  # what ran before is not this comparison's
                for event_name, event in events.items():
                    left, _, _ = await self.ops.core.run_action(self.tenant, name, a, event)
                    right, _, _ = await self.ops.core.run_action(self.tenant, name, b, event)
                    self._add(compare(left, right, event_name))
                    self.progress.setValue(self.progress.value() + 1)
                if covering:
                    self._show_coverage(name, a, b, await self.ops.core.take_coverage(self.tenant))
            finally:
                self.run_button.setEnabled(True)
                self.cancel_button.setEnabled(False)
                self.finished.emit(self.results)

        self._task = asyncio.ensure_future(batch())
        return self._task

    def _show_coverage(self, name: str, a, b, report: dict | None) -> None:
        from emulator.debug.coverage import lines_for

        deployed = self.ops.core.action(self.tenant, name)["deployed_version"]
        a, b = (deployed if v == "deployed" else v for v in (a, b))
        ran_a = {n for n, c in (lines_for(report, name, a) or {}).items() if c > 0}
        ran_b = {n for n, c in (lines_for(report, name, b) or {}).items() if c > 0}
        label = lambda v: "the draft" if v == "draft" else f"v{v}"  # noqa: E731
        if a == b:
            text = f"Coverage: {label(a)} ran {len(ran_a)} lines on these events."
        else:
            parts = [f"only {label(a)} (A) ran line{'s' if len(only) > 1 else ''} {', '.join(map(str, sorted(only)))}"
                     for only in [ran_a - ran_b] if only]
            parts += [f"only {label(b)} (B) ran line{'s' if len(only) > 1 else ''} {', '.join(map(str, sorted(only)))}"
                      for only in [ran_b - ran_a] if only]
            text = "Coverage: " + ("; ".join(parts) if parts else "both versions ran the same lines") + \
                " (each version's own line numbers)."
        self.coverage_label.setText(text)
        self.coverage_label.show()

    def cancel(self) -> None:
        if self._task and not self._task.done():
            self._task.cancel()

    def _add(self, comparison) -> None:
        self.results.append(comparison)
        row = self.table.rowCount()
        self.table.insertRow(row)
        cells = (comparison.event_name, "differs" if comparison.differences else "same",
                 ", ".join(comparison.differences))
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if comparison.differences:
                item.setBackground(_diff_brush())
            self.table.setItem(row, col, item)
        if row == 0:
            self.table.selectRow(0)

    def show_side_by_side(self, row: int) -> None:
        self.sides.clear()
        if not 0 <= row < len(self.results):
            return
        comparison = self.results[row]
        for key in (*COMPARED, "duration_ms"):
            item = QTreeWidgetItem([key, json.dumps(comparison.a[key]), json.dumps(comparison.b[key])])
            for col, side in ((1, comparison.a), (2, comparison.b)):  # the whole value, when the cell cuts it
                item.setToolTip(col, json.dumps(side[key], indent=2)[:4000])
            if key in comparison.differences:
                for col in range(3):
                    item.setBackground(col, _diff_brush())
            self.sides.addTopLevelItem(item)
        fields = (*COMPARED, "duration_ms")
        self.diff.set_diff(f"A: {self.a.currentText()}", json.dumps({k: comparison.a[k] for k in fields}, indent=2),
                           f"B: {self.b.currentText()}", json.dumps({k: comparison.b[k] for k in fields}, indent=2),
                           "json")

    def apply_changes(self, changes) -> None:
        if self.tenant and any(t == self.tenant for t, _ in changes.actions):
            current = self.action_box.currentText()
            self.set_tenant(self.tenant)
            self.action_box.setCurrentText(current)
