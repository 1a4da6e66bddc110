"""The Edit and Help menus. Edit commands go to the widget with the keyboard focus: a Monaco editor runs
its own command (so Find is Monaco's find widget), a Qt text field its own method. Help lists the
shortcuts (from the window's own actions, so it can't drift) and opens the documentation."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QInputDialog, QLineEdit, QPlainTextEdit,
                               QTableWidget, QTableWidgetItem, QTextEdit, QVBoxLayout)

from .widgets import json_tree
from .widgets.monaco.view import MonacoView

README = Path(__file__).resolve().parent.parent / "README.md"
# command -> (menu text, shortcut, Monaco's command id, the Qt text widget's method)
EDIT = (
    ("undo", "Undo", QKeySequence.StandardKey.Undo, "undo", "undo"),
    ("redo", "Redo", QKeySequence.StandardKey.Redo, "redo", "redo"),
    (None,),
    ("cut", "Cut", QKeySequence.StandardKey.Cut, "editor.action.clipboardCutAction", "cut"),
    ("copy", "Copy", QKeySequence.StandardKey.Copy, "editor.action.clipboardCopyAction", "copy"),
    ("paste", "Paste", QKeySequence.StandardKey.Paste, "editor.action.clipboardPasteAction", "paste"),
    ("select_all", "Select all", QKeySequence.StandardKey.SelectAll, "editor.action.selectAll", "selectAll"),
    (None,),
    ("find", "Find…", QKeySequence.StandardKey.Find, "actions.find", None),
    ("replace", "Replace…", "Ctrl+H", "editor.action.startFindReplaceAction", None),
    ("go_to_line", "Go to line…", "Ctrl+G", "editor.action.gotoLine", None),
)
OTHER_KEYS = (  # keys that are not menu actions
    ("Toggle a breakpoint on the cursor's line (editor)", "F9"),
    ("Completions (basic editor; Monaco shows them as you type)", "Ctrl+Space"),
    ("Add the next match to the selection (Monaco)", "Ctrl+D"),
    ("Continue / Step over / Step into / Step out / Stop (debugger)", "F5 / F10 / F11 / Shift+F11 / Shift+F5"),
    ("Run / Step a journey (Simulator)", "F5 / F10"),
)


def focused_editor():
    """The Monaco view or Qt text field that has the keyboard focus, if any."""
    widget = QApplication.focusWidget()
    while widget is not None:
        if isinstance(widget, (MonacoView, QPlainTextEdit, QTextEdit, QLineEdit)):
            return widget
        widget = widget.parentWidget()
    return None


def run(command: str, target=None) -> bool:
    """Carry out an Edit command on `target` (default: the focused editor). False when nothing could."""
    spec = next(e for e in EDIT if e[0] == command)
    focus = QApplication.focusWidget()
    if target is None and command == "copy" and focus is not None and focus.property("copies_values"):
        json_tree.copy_value(focus.currentItem())  # a detail tree: the row's whole value
        return True
    target = target or focused_editor()
    if isinstance(target, MonacoView):
        target.send("command", id=spec[3])
        return True
    if target is None:
        return False
    if spec[4]:
        getattr(target, spec[4])()
        return True
    if command == "go_to_line" and hasattr(target, "go_to_line"):
        line, ok = QInputDialog.getInt(target, "Go to line", "Line:", 1, 1, max(1, target.blockCount()))
        if ok:
            target.go_to_line(line)
        return ok
    if command in ("find", "replace") and isinstance(target, (QPlainTextEdit, QTextEdit)):
        text, ok = QInputDialog.getText(target, "Find", "Find:")
        return bool(ok and text and (target.find(text) or _from_top(target, text)))
    return False


def _from_top(target, text: str) -> bool:
    cursor = target.textCursor()
    cursor.movePosition(cursor.MoveOperation.Start)
    target.setTextCursor(cursor)
    return target.find(text)


def build(window, menu_bar) -> None:
    edit = menu_bar.addMenu("&Edit")
    for spec in EDIT:
        if spec[0] is None:
            edit.addSeparator()
            continue
        action = QAction(spec[1], window)
        action.setShortcut(QKeySequence(spec[2]))
        action.triggered.connect(lambda _=False, c=spec[0]: run(c))
        edit.addAction(action)
    help_menu = menu_bar.addMenu("&Help")
    help_menu.addAction("Keyboard shortcuts", lambda: ShortcutsDialog(window).exec())
    help_menu.addAction("Documentation (README)", lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(README))))


def shortcut_rows(window) -> list[tuple[str, str]]:
    """Every shortcut of the window's menus, then the keys that aren't menu actions."""
    rows = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        for action in menu.actions() if menu else ():
            if not action.shortcut().isEmpty():
                title = menu_action.text().replace("&", "")
                rows.append((f"{title} › {action.text()}",
                             action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)))
    return rows + list(OTHER_KEYS)


class ShortcutsDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Command", "Keys"])
        for row, (what, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(what))
            self.table.setItem(row, 1, QTableWidgetItem(keys))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(620, 480)
