"""JavaScript syntax highlighting for the code editor (keywords, strings, templates, numbers, comments,
and the `event` and `api` objects)."""
from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat

KEYWORDS = ("async await break case catch class const continue default delete do else export extends false "
            "finally for function if import in instanceof let new null of return super switch this throw true "
            "try typeof undefined var void while yield").split()


def _format(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


class JsHighlighter(QSyntaxHighlighter):
    RULES = [
        (re.compile(r"\b(" + "|".join(KEYWORDS) + r")\b"), _format("#0033b3", bold=True)),
        (re.compile(r"\b(api|event|exports|require|module|console)\b"), _format("#871094")),
        (re.compile(r"\b\d+(\.\d+)?\b"), _format("#1750eb")),
        (re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`(?:\\.|[^`\\])*`"), _format("#067d17")),
        (re.compile(r"//[^\n]*"), _format("#8c8c8c", italic=True)),
    ]
    COMMENT = _format("#8c8c8c", italic=True)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        for pattern, fmt in self.RULES:
            for m in pattern.finditer(text):
                self.setFormat(m.start(), m.end() - m.start(), fmt)
        # Block comments across lines: state 1 means "inside /* ... */".
        continuing = self.previousBlockState() == 1
        start = 0 if continuing else text.find("/*")
        while start >= 0:
            end = text.find("*/", start if continuing else start + 2)
            continuing = False
            if end < 0:
                self.setFormat(start, len(text) - start, self.COMMENT)
                self.setCurrentBlockState(1)
                return
            self.setFormat(start, end + 2 - start, self.COMMENT)
            start = text.find("/*", end + 2)
        self.setCurrentBlockState(0)


class JsonHighlighter(QSyntaxHighlighter):
    RULES = [(re.compile(r"\"(?:\\.|[^\"\\])*\"(?=\s*:)"), _format("#871094")),
             (re.compile(r":\s*(\"(?:\\.|[^\"\\])*\")"), _format("#067d17")),
             (re.compile(r"\b(true|false|null|-?\d+(\.\d+)?)\b"), _format("#1750eb"))]

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        for pattern, fmt in self.RULES:
            for m in pattern.finditer(text):
                group = 1 if pattern.groups and m.group(1) and m.lastindex else 0
                self.setFormat(m.start(group), m.end(group) - m.start(group), fmt)


class DiffHighlighter(QSyntaxHighlighter):
    ADDED, REMOVED, HUNK = _format("#067d17"), _format("#c41a16"), _format("#0033b3", bold=True)

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        if text.startswith("+") and not text.startswith("+++"):
            self.setFormat(0, len(text), self.ADDED)
        elif text.startswith("-") and not text.startswith("---"):
            self.setFormat(0, len(text), self.REMOVED)
        elif text.startswith("@@"):
            self.setFormat(0, len(text), self.HUNK)
