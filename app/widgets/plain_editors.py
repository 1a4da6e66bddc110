"""The app's own JSON event editor and diff viewer, used when Monaco is not available (or not wanted),
with the same interface as Monaco's (app/widgets/monaco/editors.py)."""
from __future__ import annotations

import difflib

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit

from .highlighter import DiffHighlighter, JsonHighlighter


class PlainJsonEditor(QPlainTextEdit):
    shortcut = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._highlighter = JsonHighlighter(self.document())  # kept: Qt does not own it for Python
        self.errors: dict[int, str] = {}
        self.trigger_id: str | None = None

    def set_schema(self, trigger_id: str | None) -> None:
        self.trigger_id = trigger_id  # no schema checks here: the run names a bad value

    def set_errors(self, errors: dict[int, str]) -> None:
        self.errors = dict(errors)
        self.setToolTip("\n".join(f"Line {line}: {message}" for line, message in sorted(errors.items())))

    def go_to_line(self, line: int) -> None:
        from PySide6.QtGui import QTextCursor

        self.setTextCursor(QTextCursor(self.document().findBlockByNumber(max(0, line - 1))))
        self.centerCursor()

    def snapshot(self) -> dict:
        return {"text": self.toPlainText(), "errors": self.errors, "read_only": self.isReadOnly(),
                "schema": self.trigger_id}


class PlainDiff(QPlainTextEdit):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._highlighter = DiffHighlighter(self.document())
        self.sides = ("", "", "", "", "plaintext")

    def set_diff(self, label_a: str, text_a: str, label_b: str, text_b: str, language: str = "javascript") -> None:
        self.sides = (label_a, text_a, label_b, text_b, language)
        lines = difflib.unified_diff(text_a.splitlines(keepends=True), text_b.splitlines(keepends=True), label_a, label_b)
        self.setPlainText("".join(lines) or f"No differences between {label_a} and {label_b}.")

    def snapshot(self) -> dict:
        return {"sides": self.sides}
