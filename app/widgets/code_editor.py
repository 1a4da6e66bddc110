"""The action code editor: line numbers, JavaScript highlighting, errors marked on their line (with the
message as a tooltip), completions for `api.` and `event.` and hover docs from the trigger registry,
and the debugger's gutter: breakpoints (click or F9; right-click for a condition or a logpoint) and the
line a paused run stopped on. Built on QPlainTextEdit with Qt's own QCompleter, as in Qt's code editor
example. This is the fallback for Monaco (app/widgets/monaco), with the same interface."""
from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import (QFontDatabase, QPainter, QPalette, QPolygonF, QTextCharFormat, QTextCursor,
                           QTextFormat)
from PySide6.QtWidgets import QCompleter, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from .. import theme
from ..completions import Completions
from .breakpoints import BreakpointEditing
from .highlighter import JsHighlighter

_WORD_AT = re.compile(r"[\w$.]+")
_EXPRESSION = re.compile(r"[\w$]+(?:\.[\w$]+)*")


class _LineNumbers(QWidget):
    def __init__(self, editor: CodeEditor):
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event) -> None:  # noqa: N802
        self.editor.paint_gutter(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.editor.breakpoints_enabled:
            self.editor.toggle_breakpoint(self.editor.line_at_y(event.position().y()))

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        if self.editor.breakpoints_enabled:
            self.editor.breakpoint_menu(self.editor.line_at_y(event.pos().y()), event.globalPos())

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.editor.coverage is not None:
            tip = self.editor.coverage_tip(self.editor.line_at_y(event.pos().y()))
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


MARK = 14  # the breakpoint column, left of the line numbers
COVERAGE_BAR = 4  # the Coverage bar, at the gutter's left edge


class CodeEditor(BreakpointEditing, QPlainTextEdit):
    completions_shown = Signal(list)  # the names offered, for tests and status
    breakpoints_changed = Signal(object)  # {line: {"condition", "log"}} (int keys: not a QVariantMap)
    shortcut = Signal(str)  # Monaco's editor sends the keys it keeps; here the window's shortcuts work
    hover_requested = Signal(str, object)  # expression under the mouse, reply(text | None): the debugger's

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 2)
        self.highlighter = JsHighlighter(self.document())
        self.gutter = _LineNumbers(self)
        self.errors: dict[int, str] = {}  # line (1-based) -> message
        self.breakpoints: dict[int, dict] = {}  # line -> {"condition": str|None, "log": str|None}
        self.breakpoints_enabled = False
        self.exec_line: int | None = None  # where a paused run stopped
        self.coverage: dict[int, int] | None = None  # the last run's line counts (Coverage)
        self.completions: Completions | None = None
        self.warnings: list[dict] = []
        self.context: tuple = (None, (), {}, (), False)
        self.hover_evaluation = False
        self.completer = QCompleter(self)
        self.completer.setWidget(self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
        self.completer.activated.connect(self._insert_completion)
        self._docs: dict[str, str] = {}
        self.blockCountChanged.connect(lambda _: self.setViewportMargins(self.gutter_width(), 0, 0, 0))
        self.updateRequest.connect(self._scroll_gutter)
        self.cursorPositionChanged.connect(self._refresh_selections)
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)
        self.setMouseTracking(True)

    # ---- line numbers and error marks -------------------------------------------------------------------
    def gutter_width(self) -> int:
        marks = (MARK if self.breakpoints_enabled or self.exec_line else 0) + (COVERAGE_BAR if self.coverage else 0)
        return marks + 12 + self.fontMetrics().horizontalAdvance("9") * max(3, len(str(self.blockCount())))

    def _scroll_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        r = self.contentsRect()
        self.gutter.setGeometry(QRect(r.left(), r.top(), self.gutter_width(), r.height()))

    def paint_gutter(self, event) -> None:
        painter = QPainter(self.gutter)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.AlternateBase))
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        while block.isValid() and top <= event.rect().bottom():
            line = block.blockNumber() + 1
            if block.isVisible():
                painter.setPen(theme.color("error") if line in self.errors else muted)
                painter.drawText(0, top, self.gutter.width() - 6, height, Qt.AlignmentFlag.AlignRight, str(line))
                self._paint_marks(painter, line, top, height)
            top += round(self.blockBoundingRect(block).height())
            block = block.next()

    def set_coverage(self, lines: dict[int, int] | None) -> None:
        """Shade the lines the last run ran (green) and did not (red), counts on hover; None clears."""
        self.coverage = dict(lines) if lines else None
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)
        self.gutter.update()

    def coverage_tip(self, line: int) -> str | None:
        count = (self.coverage or {}).get(line)
        if count is None:
            return None
        return f"Coverage: ran {'once' if count == 1 else f'{count} times'} in the last run" if count else \
            "Coverage: did not run in the last run"

    def _paint_marks(self, painter: QPainter, line: int, top: int, height: int) -> None:
        if self.coverage and line in self.coverage:
            painter.fillRect(0, top, COVERAGE_BAR, height,
                             theme.color("covered" if self.coverage[line] > 0 else "uncovered"))
        d = min(MARK - 4, height - 4)
        x, y = 2 + (COVERAGE_BAR if self.coverage else 0), top + (height - d) / 2
        bp = self.breakpoints.get(line)
        if bp is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            if bp.get("log"):  # a logpoint: a diamond, as in VS Code
                painter.setBrush(theme.color("breakpoint"))
                c = QPointF(x + d / 2, y + d / 2)
                painter.drawPolygon(QPolygonF([QPointF(c.x(), y), QPointF(x + d, c.y()), QPointF(c.x(), y + d),
                                               QPointF(x, c.y())]))
            else:
                painter.setBrush(theme.color("conditional") if bp.get("condition") else theme.color("breakpoint"))
                painter.drawEllipse(QRect(int(x), int(y), d, d))
        if line == self.exec_line:  # the paused run's line: an arrow
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.color("exec"))
            painter.drawPolygon(QPolygonF([QPointF(x, y), QPointF(x + d, y + d / 2), QPointF(x, y + d)]))

    # ---- the debugger's gutter ----------------------------------------------------------------------------
    def line_at_y(self, y: float) -> int:
        """The line at a height in the gutter (which shares the viewport's top)."""
        return self.cursorForPosition(QPoint(0, int(y))).blockNumber() + 1

    def enable_breakpoints(self, on: bool = True) -> None:
        self.breakpoints_enabled = on
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)
        self.gutter.update()

    def set_breakpoints(self, items: list[dict]) -> None:
        """Show these breakpoints ({line, condition, log}) without announcing a change."""
        self.breakpoints = {i["line"]: {"condition": i.get("condition"), "log": i.get("log")} for i in items}
        self.gutter.update()

    def _announce(self) -> None:
        self.gutter.update()
        self.breakpoints_changed.emit(dict(self.breakpoints))

    def current_line(self) -> int:
        return self.textCursor().blockNumber() + 1

    def set_exec_line(self, line: int | None) -> None:
        """Mark (or clear) the line a paused run stopped on, and show it."""
        self.exec_line = line
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)
        if line:
            block = self.document().findBlockByNumber(line - 1)
            cursor = QTextCursor(block)
            self.setTextCursor(cursor)
            self.centerCursor()
        self._refresh_selections()
        self.gutter.update()

    def set_errors(self, errors: dict[int, str]) -> None:
        """Mark these lines (1-based) as errors; an empty dict clears them."""
        self.errors = dict(errors)
        self._refresh_selections()
        self.gutter.update()

    def _refresh_selections(self) -> None:
        selections = []
        current = QTextEdit.ExtraSelection()
        band = self.palette().color(QPalette.ColorRole.Highlight)
        band.setAlpha(28)  # a tint of the theme's highlight: readable in light and dark
        current.format.setBackground(band)
        current.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        current.cursor = self.textCursor()
        current.cursor.clearSelection()
        selections.append(current)
        for line in self.errors:
            block = self.document().findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            mark = QTextEdit.ExtraSelection()
            mark.format.setBackground(theme.color("error_bg"))
            mark.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            mark.format.setUnderlineColor(theme.color("error"))
            mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            mark.cursor = QTextCursor(block)
            selections.append(mark)
        for d in self.warnings:
            block = self.document().findBlockByNumber(d["line"] - 1)
            if not block.isValid():
                continue
            warn = QTextEdit.ExtraSelection()
            warn.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            warn.format.setUnderlineColor(theme.color("warning"))
            warn.cursor = QTextCursor(block)
            warn.cursor.setPosition(block.position() + d["column"] - 1)
            warn.cursor.setPosition(min(block.position() + d["end_column"] - 1, block.position() + block.length() - 1),
                                    QTextCursor.MoveMode.KeepAnchor)
            selections.append(warn)
        if self.exec_line:
            block = self.document().findBlockByNumber(self.exec_line - 1)
            if block.isValid():
                paused = QTextEdit.ExtraSelection()
                tint = theme.color("exec", 70)
                paused.format.setBackground(tint)
                paused.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                paused.cursor = QTextCursor(block)
                selections.append(paused)
        self.setExtraSelections(selections)

    def go_to_line(self, line: int) -> None:
        block = self.document().findBlockByNumber(max(0, line - 1))
        self.setTextCursor(QTextCursor(block))
        self.centerCursor()
        self.setFocus()

    def set_warnings(self, diagnostics: list[dict]) -> None:
        """Lint warnings ({line, column, end_column, message}): underlined, the message on hover."""
        self.warnings = list(diagnostics)
        self._refresh_selections()

    def snapshot(self) -> dict:
        return {"text": self.toPlainText(), "context": self.context, "errors": self.errors, "warnings": self.warnings,
                "breakpoints": self.breakpoints, "breakpoints_enabled": self.breakpoints_enabled,
                "exec_line": self.exec_line, "read_only": self.isReadOnly(), "coverage": self.coverage}

    # ---- completions and hover docs ------------------------------------------------------------------------
    def set_context(self, trigger_id: str | None, secrets: list[str] = (), libs: dict | None = None,
                    typed_dependencies: list[str] = (), module: bool = False) -> None:
        """The trigger (completions, docs); secrets and type files matter to Monaco only."""
        self.context = (trigger_id, tuple(secrets), dict(libs or {}), tuple(typed_dependencies), module)
        self.completions = Completions(trigger_id) if trigger_id else None

    def set_trigger(self, trigger_id: str | None) -> None:
        self.set_context(trigger_id)

    def _text_before_cursor(self) -> str:
        cursor = self.textCursor()
        return cursor.block().text()[: cursor.positionInBlock()]

    def show_completions(self) -> list[str]:
        if not self.completions:
            return []
        partial, items = self.completions.items_for(self._text_before_cursor())
        names = [i.name for i in items]
        self._docs = {i.name: f"{i.detail}\n{i.doc}".strip() for i in items}
        if not names:
            self.completer.popup().hide()
            return []
        model = QStringListModel(names, self.completer)
        self.completer.setModel(model)
        self.completer.setCompletionPrefix(partial)
        for row, name in enumerate(names):
            model.setData(model.index(row), self._docs[name], Qt.ItemDataRole.ToolTipRole)
        rect = self.cursorRect()
        rect.setWidth(self.completer.popup().sizeHintForColumn(0) + 40)
        self.completer.complete(rect)
        self.completions_shown.emit(names)
        return names

    def _insert_completion(self, name: str) -> None:
        cursor = self.textCursor()
        cursor.insertText(name[len(self.completer.completionPrefix()):])
        self.setTextCursor(cursor)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        popup = self.completer.popup()
        if popup.isVisible() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab,
                                                  Qt.Key.Key_Escape):
            event.ignore()  # the completer handles them
            return
        if event.key() == Qt.Key.Key_Space and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.show_completions()
            return
        if event.key() == Qt.Key.Key_F9 and self.breakpoints_enabled:
            self.toggle_breakpoint()
            return
        super().keyPressEvent(event)
        text = event.text()
        if text == "." or (popup.isVisible() and (text.isalnum() or text == "_")):
            self.show_completions()
        elif popup.isVisible() and not text:
            popup.hide()

    def doc_at(self, pos) -> str | None:
        cursor = self.cursorForPosition(pos)
        line, col = cursor.block().text(), cursor.positionInBlock()
        for m in _WORD_AT.finditer(line):  # the dotted name under the mouse, e.g. api.access.deny
            if m.start() <= col <= m.end():
                return self.completions.doc_at(m.group(0).rstrip(".")) if self.completions else None
        return None

    def enable_hover_evaluation(self, on: bool = True) -> None:
        """While paused, hovering a name asks for its value (hover_requested) instead of showing docs."""
        self.hover_evaluation = on

    def _hover_value(self, e) -> bool:
        cursor = self.cursorForPosition(e.pos() - self.viewport().pos())
        text, col = cursor.block().text(), cursor.positionInBlock()
        for m in _EXPRESSION.finditer(text):
            if m.start() <= col <= m.end():
                where = e.globalPos()
                self.hover_requested.emit(m.group(0), lambda value: value and QToolTip.showText(where, value, self))
                return True
        QToolTip.hideText()
        return True

    def event(self, e) -> bool:
        if e.type() == e.Type.ToolTip and self.hover_evaluation and self.exec_line:
            return self._hover_value(e)
        if e.type() == e.Type.ToolTip:
            pos = e.pos() - self.viewport().pos()
            line = self.cursorForPosition(pos).blockNumber() + 1
            warnings = [d["message"] for d in self.warnings if d["line"] == line]
            text = self.errors.get(line) or "\n".join(warnings) or self.doc_at(pos)
            if text:
                QToolTip.showText(e.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)
