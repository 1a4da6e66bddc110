"""Dependencies and secrets of an action's draft. Secret values are write-only, as in Auth0: a saved secret
shows only its name; typing a value replaces it; clearing the name removes the secret."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

HIDDEN = "••••••••  (saved; type to replace)"


def _table(headings: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setHorizontalHeaderLabels(headings)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


class ActionSettings(QWidget):
    edited = Signal()

    def __init__(self):
        super().__init__()
        self.deps = _table(["Package", "Version"])
        self.secrets = _table(["Secret", "Value"])
        layout = QVBoxLayout(self)
        for title, table in (("Dependencies (npm, at most 10)", self.deps), ("Secrets (at most 30)", self.secrets)):
            row = QHBoxLayout()
            row.addWidget(QLabel(f"<b>{title}</b>"))
            add, remove = QPushButton("Add"), QPushButton("Remove")
            add.clicked.connect(lambda _=False, t=table: self._add(t))
            remove.clicked.connect(lambda _=False, t=table: self._remove(t))
            row.addStretch()
            row.addWidget(add)
            row.addWidget(remove)
            layout.addLayout(row)
            layout.addWidget(table)
            table.itemChanged.connect(lambda *_: self.edited.emit())
        self._saved_secret_names: set[str] = set()

    def load(self, action: dict) -> None:
        for table in (self.deps, self.secrets):
            table.blockSignals(True)
            table.setRowCount(0)
        for dep in action["dependencies"]:
            self._row(self.deps, dep["name"], dep.get("version", "latest"))
        self._saved_secret_names = {s["name"] for s in action["secrets"]}
        for secret in action["secrets"]:
            self._row(self.secrets, secret["name"], HIDDEN)
        for table in (self.deps, self.secrets):
            table.blockSignals(False)

    def _row(self, table: QTableWidget, a: str, b: str) -> None:
        row = table.rowCount()
        table.insertRow(row)
        table.setItem(row, 0, QTableWidgetItem(a))
        table.setItem(row, 1, QTableWidgetItem(b))

    def _add(self, table: QTableWidget) -> None:
        self._row(table, "", "latest" if table is self.deps else "")
        table.editItem(table.item(table.rowCount() - 1, 0))
        self.edited.emit()

    def _remove(self, table: QTableWidget) -> None:
        if table.currentRow() >= 0:
            table.removeRow(table.currentRow())
            self.edited.emit()

    def dependencies(self) -> list[dict]:
        out = []
        for row in range(self.deps.rowCount()):
            name = (self.deps.item(row, 0).text() if self.deps.item(row, 0) else "").strip()
            version = (self.deps.item(row, 1).text() if self.deps.item(row, 1) else "").strip() or "latest"
            if name:
                out.append({"name": name, "version": version})
        return out

    def secret_names(self) -> list[str]:
        """The secrets as they stand in the table (saved or not)."""
        names = (self.secrets.item(row, 0).text().strip() if self.secrets.item(row, 0) else ""
                 for row in range(self.secrets.rowCount()))
        return [n for n in names if n]

    def secret_changes(self) -> dict[str, str | None]:
        """New values to write, and None for saved secrets that were removed."""
        changes: dict[str, str | None] = {}
        present = set()
        for row in range(self.secrets.rowCount()):
            name = (self.secrets.item(row, 0).text() if self.secrets.item(row, 0) else "").strip()
            value = self.secrets.item(row, 1).text() if self.secrets.item(row, 1) else ""
            if not name:
                continue
            present.add(name)
            if value != HIDDEN:
                changes[name] = value
        for name in self._saved_secret_names - present:
            changes[name] = None
        return changes
