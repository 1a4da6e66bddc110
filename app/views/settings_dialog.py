"""Settings: the Node binary (bundled by default, with its version), the execution deadline and the
workspace file. Kept in QSettings; the core is told through its own calls."""
from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QWidget)

from emulator.errors import EmulatorError
from emulator.runtime import official_node, sandbox
from emulator.runtime.node import bundled_node, node_version, resolve_node


class SettingsDialog(QDialog):
    def __init__(self, parent, *, node: str, deadline_ms: int, workspace: str):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.node = QLineEdit(node)
        self.node.setPlaceholderText(f"bundled: {bundled_node()} — or a version, e.g. 22")
        self.node_version = QLabel()
        self.node.textChanged.connect(self._check_node)
        self.deadline = QSpinBox()
        self.deadline.setRange(100, 600_000)
        self.deadline.setSingleStep(1000)
        self.deadline.setSuffix(" ms")
        self.deadline.setValue(deadline_ms)
        self.workspace = QLineEdit(workspace)
        form = QFormLayout(self)
        form.addRow("Node binary", self._with_browse(self.node, "Choose a Node binary", False))
        form.addRow("", self.node_version)
        form.addRow("Execution deadline", self.deadline)
        form.addRow("Workspace file", self._with_browse(self.workspace, "Choose a workspace file", True))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self._check_node()

    def _with_browse(self, line: QLineEdit, title: str, save: bool) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        browse = QPushButton("Browse…")

        def pick():
            path = (QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName)(self, title, line.text())[0]
            if path:
                line.setText(path)

        browse.clicked.connect(pick)
        row.addWidget(line)
        row.addWidget(browse)
        return box

    def _check_node(self) -> None:
        text = self.node.text().strip()
        try:
            if official_node.is_spec(text):  # checked without downloading anything while typing
                major = int(text.split(".")[0]) if text[0].isdigit() else None  # lts, latest: recent
                note = " — does not confine actions (Node 20+ does)" if major is not None and major < 20 else ""
                self.node_version.setText(f"Node {text} from the npm registry (downloaded once, about 30 MB){note}")
                self.node_version.setStyleSheet("")
                ok = True
            else:
                path = resolve_node(text or None)
                version = node_version(path)
                confined = sandbox.enforced(str(path))
                self.node_version.setText(f"Node {version}{' (bundled)' if not text else ''} — "
                                          f"{'confines actions' if confined else 'does not confine actions (Node 20+ does)'}")
                self.node_version.setStyleSheet("")
                ok = True
        except EmulatorError as exc:
            self.node_version.setText(str(exc))
            self.node_version.setStyleSheet("color: #c41a16")
            ok = False
        if hasattr(self, "buttons"):
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
