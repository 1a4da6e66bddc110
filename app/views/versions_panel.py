"""The version history of an action or an Actions Module: roll back to any version (an action deploys a
copy as a new number; a module copies it into its draft) and diff any two of draft, deployed (actions)
and the numbered versions."""
from __future__ import annotations

import difflib

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

from ..widgets import badges
from ..widgets.editors import EditorHost
from ..widgets.empty_hint import hint


COLUMNS = ["Version", "State", "Changes", "Runtime", "Dependencies", "Created"]


def _changed(before: str, after: str) -> str:
    """Lines added and removed since the version before."""
    if not before:
        return "first version"
    added = removed = 0
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0):
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return f"+{added} −{removed} lines" if added or removed else "same code"


def _when(iso: str) -> str:
    """`2026-12-08T03:41:57.021Z` as `2026-12-08 03:41:57 UTC` (whole on hover)."""
    return iso[:19].replace("T", " ") + " UTC" if len(iso) >= 19 else iso


class VersionsPanel(QWidget):
    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.tenant = self.action = None
        self.kind = None  # kinds.ActionKind or kinds.ModuleKind
        self.versions_shown: list[dict] = []
        # One compact row per version: its number, whether it is the one that runs, what it changed from
        # the version before, its runtime and dependencies, and when (double-click: diff it with that one).
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        badges.install(self.table)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.diff_with_previous(row))
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
        split.setSizes([230, 520])  # a handful of rows, then the diff
        layout = QVBoxLayout(self)
        layout.addWidget(split)

    def load(self, tenant: str, action: dict, kind) -> None:
        self.tenant, self.action, self.kind = tenant, action["name"], kind
        versions = kind.versions(tenant, self.action)
        self.versions_shown = versions
        self.table.setHorizontalHeaderLabels([kind.current_label if c == "State" else c for c in COLUMNS])
        self.rollback_button.setText(kind.rollback_label)
        self.table.setRowCount(0)
        for i, v in enumerate(versions):
            row = self.table.rowCount()
            self.table.insertRow(row)
            previous = versions[i + 1]["code"] if i + 1 < len(versions) else ""
            deps = ", ".join(f"{d['name']}@{d['version']}" for d in v["dependencies"]) or "none"
            cells = (f"v{v['number']}", kind.current_word if v["current"] else "", _changed(previous, v["code"]),
                     v["runtime"], deps, _when(v["created_at"]))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(v["created_at"] if COLUMNS[col] == "Created" else text)
                self.table.setItem(row, col, item)
            if v["current"]:
                badges.mark(self.table.item(row, 1), kind.current_word)
        choices, left = kind.diff_choices(action, versions)
        for combo, default in ((self.a, left), (self.b, "draft")):
            combo.clear()
            for label, data in choices:
                combo.addItem(label, data)
            combo.setCurrentText(default)
        self.rollback_button.setEnabled(bool(versions))
        self.summary.clear()
        self.diff.set_diff("", "", "", "")

    def diff_with_previous(self, row: int) -> str:
        """Diff the version on `row` with the one before it (the draft, for the newest)."""
        if not 0 <= row < len(self.versions_shown):
            return ""
        number = self.versions_shown[row]["number"]
        before = self.versions_shown[row + 1]["number"] if row + 1 < len(self.versions_shown) else None
        if before is None:
            return ""
        self.a.setCurrentText(f"v{before}")
        self.b.setCurrentText(f"v{number}")
        return self.show_diff()

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
