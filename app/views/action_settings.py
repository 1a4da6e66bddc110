"""Dependencies, secrets and (for an action) the pinned Actions Modules of a draft. Secret values are
write-only, as in Auth0: a saved secret shows only its name; typing a value replaces it; clearing the name
removes the secret. A module pin is a published version chosen from the tenant's modules."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QHeaderView, QLabel, QPushButton, QScrollArea,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

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
        self.pins = _table(["Module (require('actions:…'))", "Version"])
        # The three lists scroll together: their own minimum heights would set the window's.
        content = QWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        # An action's runtime (Auth0's node22 by default): which Node its runs use.
        self.runtime = QComboBox()
        self.runtime.addItem("node22 (Auth0's default): the official Node 22, downloaded once", "node22")
        self.runtime.addItem("node18: the bundled Node 18", "node18")
        self.runtime.currentIndexChanged.connect(lambda *_: self.edited.emit())
        self.runtime_row = QWidget()
        runtime_row = QHBoxLayout(self.runtime_row)
        runtime_row.setContentsMargins(0, 0, 0, 0)
        runtime_row.addWidget(QLabel("<b>Runtime</b>"))
        runtime_row.addWidget(self.runtime, 1)
        layout.addWidget(self.runtime_row)
        self.sections = {}
        for title, table in (("Dependencies (npm, at most 10)", self.deps), ("Secrets (at most 30)", self.secrets),
                             ("Actions Modules (at most 3)", self.pins)):
            section = QWidget()
            column = QVBoxLayout(section)
            column.setContentsMargins(0, 0, 0, 0)
            row = QHBoxLayout()
            row.addWidget(QLabel(f"<b>{title}</b>"))
            add, remove = QPushButton("Add"), QPushButton("Remove")
            add.clicked.connect(lambda _=False, t=table: self._add(t))
            remove.clicked.connect(lambda _=False, t=table: self._remove(t))
            row.addStretch()
            row.addWidget(add)
            row.addWidget(remove)
            column.addLayout(row)
            column.addWidget(table)
            layout.addWidget(section)
            self.sections[id(table)] = (section, add)
            table.itemChanged.connect(lambda *_: self.edited.emit())
        self._saved_secret_names: set[str] = set()
        self._modules: dict[str, list[int]] = {}  # published module versions to choose from, newest first

    def load(self, action: dict, modules: dict[str, list[int]] | None = None) -> None:
        """`modules` (for an action): the tenant's published module versions, {name: [numbers]}."""
        for table in (self.deps, self.secrets, self.pins):
            table.blockSignals(True)
            table.setRowCount(0)
        section, add_pin = self.sections[id(self.pins)]
        section.setVisible(modules is not None)
        self.runtime_row.setVisible(modules is not None)  # a module runs on its action's runtime
        self.runtime.blockSignals(True)
        found = self.runtime.findData(action.get("runtime"))
        if found < 0 and action.get("runtime"):  # an older id (node16, node18-actions): shown as it is
            self.runtime.addItem(action["runtime"], action["runtime"])
            found = self.runtime.count() - 1
        self.runtime.setCurrentIndex(max(0, found))
        self.runtime.blockSignals(False)
        self._modules = modules or {}
        add_pin.setEnabled(bool(self._modules))
        add_pin.setToolTip("" if self._modules else "Publish a module first: it appears under Modules in the list.")
        for pin in action.get("modules", []) if modules is not None else []:
            self._pin_row(pin["module_name"], pin["module_version_number"])
        for dep in action["dependencies"]:
            self._row(self.deps, dep["name"], dep.get("version", "latest"))
        self._saved_secret_names = {s["name"] for s in action["secrets"]}
        for secret in action["secrets"]:
            self._row(self.secrets, secret["name"], HIDDEN)
        for table in (self.deps, self.secrets, self.pins):
            table.blockSignals(False)

    def _pin_row(self, name: str, number: int | None) -> None:
        row = self.pins.rowCount()
        self.pins.insertRow(row)
        module, version = QComboBox(), QComboBox()
        module.addItems(sorted(set(self._modules) | {name}))
        module.setCurrentText(name)

        def versions(chosen: str) -> None:
            version.clear()
            version.addItems([f"v{n}" for n in self._modules.get(chosen, [])] or ([f"v{number}"] if number else []))
        versions(name)
        if number:
            version.setCurrentText(f"v{number}")
        module.currentTextChanged.connect(versions)
        for combo in (module, version):
            combo.currentTextChanged.connect(lambda *_: self.edited.emit())
        self.pins.setCellWidget(row, 0, module)
        self.pins.setCellWidget(row, 1, version)

    def runtime_id(self) -> str:
        return self.runtime.currentData()

    def pinned(self) -> list[dict]:
        """The pins as edited: [{module_name, module_version_number}]."""
        out = []
        for row in range(self.pins.rowCount()):
            name, version = self.pins.cellWidget(row, 0).currentText(), self.pins.cellWidget(row, 1).currentText()
            if name and version:
                out.append({"module_name": name, "module_version_number": int(version[1:])})
        return out

    def _row(self, table: QTableWidget, a: str, b: str) -> None:
        row = table.rowCount()
        table.insertRow(row)
        table.setItem(row, 0, QTableWidgetItem(a))
        table.setItem(row, 1, QTableWidgetItem(b))

    def _add(self, table: QTableWidget) -> None:
        if table is self.pins:
            free = [m for m in sorted(self._modules) if m not in {p["module_name"] for p in self.pinned()}]
            if free:
                self._pin_row(free[0], self._modules[free[0]][0])
                self.edited.emit()
            return
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
