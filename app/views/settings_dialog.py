"""Settings: the Node binary (bundled by default, with its version), the execution deadline, the
workspace file, the editor (Monaco or the basic one) and the theme (the system's, light or dark). Kept in
QSettings; the core is told through its own calls."""
from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QSpinBox, QWidget)

from emulator.errors import EmulatorError

from .. import theme
from emulator.runtime import official_node, sandbox
from emulator.runtime.node import bundled_node, node_version, resolve_node


class SettingsDialog(QDialog):
    def __init__(self, parent, *, node: str, deadline_ms: int, workspace: str, editor: str = "monaco",
                 theme_mode: str = "system"):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.node = QLineEdit(node)
        self.node.setPlaceholderText("empty: each action's runtime — or a path, or a version, e.g. 22")
        self.node_version = QLabel()
        self.node.textChanged.connect(self._check_node)
        self.deadline = QSpinBox()
        self.deadline.setRange(100, 600_000)
        self.deadline.setSingleStep(1000)
        self.deadline.setSuffix(" ms")
        self.deadline.setValue(deadline_ms)
        self.workspace = QLineEdit(workspace)
        self.editor = QComboBox()
        self.editor.addItem("Monaco (VS Code's editor, with Auth0's types)", "monaco")
        self.editor.addItem("Basic (no download)", "basic")
        self.editor.setCurrentIndex(max(0, self.editor.findData(editor)))
        self.editor.setToolTip("Monaco is installed once from the npm registry (about 15 MB). Going back to the "
                               "basic editor takes effect at the next start.")
        self.theme = QComboBox()
        for label, value in (("Follow the system", "system"), ("Light", "light"), ("Dark", "dark")):
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(theme_mode)))
        form = QFormLayout(self)
        form.addRow("Node binary", self._with_browse(self.node, "Choose a Node binary", False))
        form.addRow("", self.node_version)
        form.addRow("Execution deadline", self.deadline)
        form.addRow("Workspace file", self._with_browse(self.workspace, "Choose a workspace file", True))
        form.addRow("Editor", self.editor)
        form.addRow("Theme", self.theme)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self._check_node()
        self._initial = self.values()

    def values(self) -> tuple:
        return (self.node.text().strip(), self.deadline.value(), self.workspace.text().strip(),
                self.editor.currentData(), self.theme.currentData())

    def reject(self) -> None:
        """Cancel (or Escape, or closing the dialog) never drops changes without asking."""
        if self.values() != self._initial and QMessageBox.question(
                self, "Settings", "Discard the changes to the settings?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel) != \
                QMessageBox.StandardButton.Discard:
            return
        super().reject()

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
                self.node_version.setText(f"Node {text} from the npm registry (downloaded once: about 30 MB, 185 MB on disk){note}")
                self.node_version.setStyleSheet("")
                ok = True
            elif not text:
                self.node_version.setText("Each action's runtime picks its Node: node22 (Auth0's default) the "
                                          "official Node 22, downloaded once (about 30 MB, 185 MB on disk); node18 the bundled "
                                          f"Node ({bundled_node().parent.parent.name}).")
                self.node_version.setWordWrap(True)
                self.node_version.setStyleSheet("")
                ok = True
            else:
                path = resolve_node(text)
                version = node_version(path)
                confined = sandbox.enforced(str(path))
                self.node_version.setText(f"Node {version}{' (bundled)' if not text else ''} — "
                                          f"{'confines actions' if confined else 'does not confine actions (Node 20+ does)'}")
                self.node_version.setStyleSheet("")
                ok = True
        except EmulatorError as exc:
            self.node_version.setText(str(exc))
            self.node_version.setStyleSheet(f"color: {theme.css('error')}")
            ok = False
        if hasattr(self, "buttons"):
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
