"""The action code editor: line numbers, JavaScript highlighting, errors marked on their line (with the
message as a tooltip), completions for `api.` and `event.` and hover docs from the trigger registry.
Built on QPlainTextEdit with Qt's own QCompleter, as in Qt's code editor example."""
from __future__ import annotations

import re

from PySide6.QtCore import QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QPainter, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QCompleter, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from ..completions import Completions
from .highlighter import JsHighlighter

_WORD_AT = re.compile(r"[\w$.]+")


class _LineNumbers(QWidget):
    def __init__(self, editor: CodeEditor):
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event) -> None:  # noqa: N802
        self.editor.paint_gutter(event)


class CodeEditor(QPlainTextEdit):
    completions_shown = Signal(list)  # the names offered, for tests and status

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 2)
        self.highlighter = JsHighlighter(self.document())
        self.gutter = _LineNumbers(self)
        self.errors: dict[int, str] = {}  # line (1-based) -> message
        self.completions: Completions | None = None
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
        return 12 + self.fontMetrics().horizontalAdvance("9") * max(3, len(str(self.blockCount())))

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
        painter.fillRect(event.rect(), QColor("#f3f3f3"))
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            line = block.blockNumber() + 1
            if block.isVisible():
                painter.setPen(QColor("#c41a16") if line in self.errors else QColor("#999999"))
                painter.drawText(0, top, self.gutter.width() - 6, height, Qt.AlignmentFlag.AlignRight, str(line))
            top += round(self.blockBoundingRect(block).height())
            block = block.next()

    def set_errors(self, errors: dict[int, str]) -> None:
        """Mark these lines (1-based) as errors; an empty dict clears them."""
        self.errors = dict(errors)
        self._refresh_selections()
        self.gutter.update()

    def _refresh_selections(self) -> None:
        selections = []
        current = QTextEdit.ExtraSelection()
        current.format.setBackground(QColor("#f5f8ff"))
        current.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        current.cursor = self.textCursor()
        current.cursor.clearSelection()
        selections.append(current)
        for line in self.errors:
            block = self.document().findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            mark = QTextEdit.ExtraSelection()
            mark.format.setBackground(QColor("#fde7e9"))
            mark.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            mark.format.setUnderlineColor(QColor("#c41a16"))
            mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            mark.cursor = QTextCursor(block)
            selections.append(mark)
        self.setExtraSelections(selections)

    def go_to_line(self, line: int) -> None:
        block = self.document().findBlockByNumber(max(0, line - 1))
        self.setTextCursor(QTextCursor(block))
        self.centerCursor()
        self.setFocus()

    # ---- completions and hover docs ------------------------------------------------------------------------
    def set_trigger(self, trigger_id: str | None) -> None:
        self.completions = Completions(trigger_id) if trigger_id else None

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

    def event(self, e) -> bool:
        if e.type() == e.Type.ToolTip:
            pos = e.pos() - self.viewport().pos()
            line = self.cursorForPosition(pos).blockNumber() + 1
            text = self.errors.get(line) or self.doc_at(pos)
            if text:
                QToolTip.showText(e.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)
