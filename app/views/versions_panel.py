"""The version history of an action or an Actions Module: roll back to any version (an action deploys a
copy as a new number; a module copies it into its draft) and diff any two of draft, deployed (actions)
and the numbered versions."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

from ..widgets.editors import EditorHost
from ..widgets.empty_hint import hint


class VersionsPanel(QWidget):
    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.tenant = self.action = None
        self.kind = None  # kinds.ActionKind or kinds.ModuleKind
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Version", "Deployed", "Created"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        hint(self.table, lambda: self.kind.no_versions if self.kind else "")
        self.rollback_button = QPushButton("Roll back to selected version")
        self.rollback_button.clicked.connect(self.rollback_selected)
        self.a, self.b = QComboBox(), QComboBox()
        diff_button = QPushButton("Diff")
        diff_button.clicked.connect(self.show_diff)
        self.diff = EditorHost(ops.editors, "diff")  # side by side (Monaco) or unified
        self.summary = QLabel()
        row = QHBoxLayout()
        for w in (QLabel("Compare"), self.a, QLabel("with"), self.b, diff_button, self.summary):
            row.addWidget(w)
        row.addStretch()
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table)
        top_layout.addWidget(self.rollback_button)
        top_layout.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.diff)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(split)

    def load(self, tenant: str, action: dict, kind) -> None:
        self.tenant, self.action, self.kind = tenant, action["name"], kind
        versions = kind.versions(tenant, self.action)
        self.table.setHorizontalHeaderLabels(["Version", kind.current_label, "Created"])
        self.rollback_button.setText(kind.rollback_label)
        self.table.setRowCount(0)
        for v in versions:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for col, text in enumerate((f"v{v['number']}", "yes" if v["current"] else "", v["created_at"])):
                self.table.setItem(row, col, QTableWidgetItem(text))
        choices, left = kind.diff_choices(action, versions)
        for combo, default in ((self.a, left), (self.b, "draft")):
            combo.clear()
            for label, data in choices:
                combo.addItem(label, data)
            combo.setCurrentText(default)
        self.rollback_button.setEnabled(bool(versions))
        self.summary.clear()
        self.diff.set_diff("", "", "", "")

    def select_version(self, number: int) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == f"v{number}":
                self.table.selectRow(row)
                return

    def selected_number(self) -> int | None:
        row = self.table.currentRow()
        return int(self.table.item(row, 0).text()[1:]) if row >= 0 else None

    def rollback_selected(self) -> None:
        number = self.selected_number()
        if number is not None:
            call, args = self.kind.rollback(self.tenant, self.action, number)
            self.ops.call(self, call, *args)

    def show_diff(self) -> str:
        """Show the two sides; returns the unified diff ("" when they are the same)."""
        a, b = self.a.currentData(), self.b.currentData()
        sides = self.ops.call(self, self.kind.diff_sides, self.tenant, self.action, a, b)
        if sides is None:
            return ""
        self.diff.set_diff(*sides)
        text = self.kind.diff(self.tenant, self.action, a, b)
        self.summary.setText(f"Left: {sides[0]} · right: {sides[2]}" if text else
                             f"No differences between {self.a.currentText()} and {self.b.currentText()}.")
        return text
