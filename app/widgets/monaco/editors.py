"""Monaco behind the interfaces the views use (the same as the app's own editors in
app/widgets/code_editor.py and app/widgets/plain_editors.py): the action editor, the JSON event editor
and the diff viewer. The text lives on both sides: Python keeps the page's latest copy, so
`toPlainText()` answers at once."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QCursor

from emulator.editor.declarations import declarations, module_declarations
from emulator.editor.event_schema import event_schema

from ..breakpoints import BreakpointEditing
from .view import MonacoView


class _TextMixin:
    def _init_text(self) -> None:
        self._text = ""
        self.errors: dict[int, str] = {}
        self.read_only = False

    def toPlainText(self) -> str:  # noqa: N802 (QPlainTextEdit's name)
        return self._text

    def setPlainText(self, text: str) -> None:  # noqa: N802
        changed = text != self._text
        self._text = text
        self.send("setText", text=text)
        if changed:
            self.textChanged.emit()

    def setReadOnly(self, value: bool) -> None:  # noqa: N802
        self.read_only = value
        self.send("readOnly", value=value)

    def set_errors(self, errors: dict[int, str]) -> None:
        """Mark these lines (1-based) as errors; an empty dict clears them."""
        self.errors = dict(errors)
        self.send("markers", owner="errors", items=[{"line": line, "message": message, "severity": "error"}
                                                   for line, message in self.errors.items()])

    def go_to_line(self, line: int) -> None:
        self.send("reveal", line=line)
        self.setFocus()

    def on_message(self, message: dict) -> None:
        if message["type"] == "changed":
            self._text = message["text"]
            self.textChanged.emit()
        elif message["type"] == "key":
            self.shortcut.emit(message["name"])


class MonacoCodeEditor(_TextMixin, BreakpointEditing, MonacoView):
    textChanged = Signal()
    breakpoints_changed = Signal(object)  # {line: {"condition", "log"}}
    hover_requested = Signal(str, object)  # expression, reply(text | None)
    shortcut = Signal(str)  # "save", "deploy": keys Monaco keeps from the window

    def __init__(self, folder: Path, parent=None):
        MonacoView.__init__(self, "code", folder, parent)
        self._init_text()
        self.breakpoints: dict[int, dict] = {}
        self.breakpoints_enabled = False
        self.exec_line: int | None = None
        self.coverage: dict[int, int] | None = None
        self.warnings: list[dict] = []
        self.context: tuple = (None, (), {}, (), False)

    # ---- types and diagnostics -----------------------------------------------------------------------------
    def set_context(self, trigger_id: str | None, secrets: list[str] = (), libs: dict[str, str] | None = None,
                    typed_dependencies: list[str] = (), module: bool = False) -> None:
        """The trigger's declarations (or, for an Actions Module, the module's), the secret names, and
        type files of its dependencies."""
        context = (trigger_id, tuple(secrets), dict(libs or {}), tuple(typed_dependencies), module)
        if context == self.context:
            return  # edits elsewhere (a secret's value) don't resend megabytes of types
        self.context = context
        if module:
            text = module_declarations(list(secrets), list(typed_dependencies))
        else:
            text = declarations(trigger_id, list(secrets), list(typed_dependencies)) if trigger_id else ""
        self.send("setContext", declarations=text, libs=libs or {})

    def set_trigger(self, trigger_id: str | None) -> None:
        self.set_context(trigger_id)

    def set_warnings(self, diagnostics: list[dict]) -> None:
        """Lint warnings ({line, column, end_column, message}), shown as squiggles."""
        self.warnings = list(diagnostics)
        self.send("markers", owner="lint", items=[
            {"line": d["line"], "column": d["column"], "endColumn": d["end_column"], "message": d["message"],
             "severity": d.get("severity", "warning"), "source": "actions-emulator"} for d in self.warnings])

    # ---- the debugger's gutter -----------------------------------------------------------------------------
    def enable_breakpoints(self, on: bool = True) -> None:
        self.breakpoints_enabled = on
        self.send("glyphs", on=on or bool(self.exec_line))

    def _show_breakpoints(self) -> None:
        self.send("breakpoints", items=[{"line": line, **bp} for line, bp in sorted(self.breakpoints.items())])

    def set_breakpoints(self, items: list[dict]) -> None:
        self.breakpoints = {i["line"]: {"condition": i.get("condition"), "log": i.get("log")} for i in items}
        self._show_breakpoints()

    def _announce(self) -> None:
        self._show_breakpoints()
        self.breakpoints_changed.emit(dict(self.breakpoints))

    def current_line(self) -> int:
        return self.exec_line or 1  # F9 in the page sends its own cursor line

    def set_exec_line(self, line: int | None) -> None:
        self.exec_line = line
        self.send("glyphs", on=self.breakpoints_enabled or bool(line))
        self.send("exec", line=line)

    def set_coverage(self, lines: dict[int, int] | None) -> None:
        """Shade the lines the last run ran (green) and did not (red), with the counts on hover; None clears."""
        self.coverage = dict(lines) if lines else None
        self.send("coverage", items=[{"line": k, "count": v} for k, v in sorted((lines or {}).items())])

    def enable_hover_evaluation(self, on: bool = True) -> None:
        self.send("hoverEval", on=on)

    def on_message(self, message: dict) -> None:
        kind = message["type"]
        if kind == "gutter" and self.breakpoints_enabled:
            self.toggle_breakpoint(message["line"])
        elif kind == "gutterMenu" and self.breakpoints_enabled:
            self.breakpoint_menu(message["line"], QCursor.pos())
        elif kind == "hover":
            hover_id = message["id"]
            self.hover_requested.emit(message["expr"], lambda text: self.send("hoverReply", id=hover_id, text=text))
        else:
            super().on_message(message)

    # ---- moving to another editor ----------------------------------------------------------------------------
    def snapshot(self) -> dict:
        return {"text": self._text, "context": self.context, "errors": self.errors, "warnings": self.warnings,
                "breakpoints": self.breakpoints, "breakpoints_enabled": self.breakpoints_enabled,
                "exec_line": self.exec_line, "read_only": self.read_only, "coverage": self.coverage}


class MonacoJsonEditor(_TextMixin, MonacoView):
    """An event editor: JSON, checked against the trigger's event schema as you type."""

    textChanged = Signal()
    shortcut = Signal(str)

    def __init__(self, folder: Path, parent=None):
        MonacoView.__init__(self, "json", folder, parent)
        self._init_text()
        self.trigger_id: str | None = None

    def set_schema(self, trigger_id: str | None) -> None:
        self.trigger_id = trigger_id
        if trigger_id:
            self.send("setSchema", schema=event_schema(trigger_id))

    def snapshot(self) -> dict:
        return {"text": self._text, "errors": self.errors, "read_only": self.read_only, "schema": self.trigger_id}


class MonacoDiff(MonacoView):
    """Two texts side by side, changes marked (Versions, Compare)."""

    def __init__(self, folder: Path, parent=None):
        super().__init__("diff", folder, parent)
        self.sides = ("", "", "", "", "plaintext")

    def set_diff(self, label_a: str, text_a: str, label_b: str, text_b: str, language: str = "javascript") -> None:
        self.sides = (label_a, text_a, label_b, text_b, language)
        self.setToolTip(f"Left: {label_a} · right: {label_b}")
        self.send("diff", original=text_a, modified=text_b, language=language)

    def snapshot(self) -> dict:
        return {"sides": self.sides}
