"""Syntax highlighting for the app's own editors (the fallback for Monaco): JavaScript (keywords,
strings, templates, numbers, comments, and the `event` and `api` objects), JSON and unified diffs.
Colours come from the theme and follow it when it changes.

JavaScript is scanned left to right, so that `//` inside a string (every URL) is part of the string and
not a comment."""
from __future__ import annotations

import re

from PySide6.QtGui import QFont, QSyntaxHighlighter, QTextCharFormat

from .. import theme

KEYWORDS = ("async await break case catch class const continue default delete do else export extends false "
            "finally for function if import in instanceof let new null of return super switch this throw true "
            "try typeof undefined var void while yield").split()


def _format(name: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(theme.color(name))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


class _Themed(QSyntaxHighlighter):
    def __init__(self, document):
        super().__init__(document)
        theme.notifier.changed.connect(self._retheme)

    def _retheme(self, *_: object) -> None:
        try:
            self.rehighlight()
        except RuntimeError:  # the document is gone
            pass


# One pass over a line: whichever token starts first wins, so a string hides the `//` inside it.
_JS_TOKEN = re.compile(
    r"(?P<comment>//.*)|(?P<block>/\*)|(?P<string>'(?:\\.|[^'\\])*'?|\"(?:\\.|[^\"\\])*\"?|`(?:\\.|[^`\\])*`?)"
    r"|(?P<keyword>\b(?:" + "|".join(KEYWORDS) + r")\b)|(?P<identifier>\b(?:api|event|exports|require|module|console)\b)"
    r"|(?P<number>\b\d+(?:\.\d+)?\b)")


class JsHighlighter(_Themed):
    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        start = 0
        if self.previousBlockState() == 1:  # inside /* ... */ from an earlier line
            end = text.find("*/")
            if end < 0:
                self.setFormat(0, len(text), _format("comment", italic=True))
                self.setCurrentBlockState(1)
                return
            self.setFormat(0, end + 2, _format("comment", italic=True))
            start = end + 2
        self.setCurrentBlockState(0)
        pos = start
        while True:
            m = _JS_TOKEN.search(text, pos)
            if not m:
                return
            kind = m.lastgroup
            if kind == "block":
                end = text.find("*/", m.end())
                if end < 0:
                    self.setFormat(m.start(), len(text) - m.start(), _format("comment", italic=True))
                    self.setCurrentBlockState(1)
                    return
                self.setFormat(m.start(), end + 2 - m.start(), _format("comment", italic=True))
                pos = end + 2
                continue
            name = {"comment": "comment", "string": "string", "keyword": "keyword", "identifier": "identifier",
                    "number": "number"}[kind]
            self.setFormat(m.start(), m.end() - m.start(),
                           _format(name, bold=kind == "keyword", italic=kind == "comment"))
            pos = max(m.end(), pos + 1)


class JsonHighlighter(_Themed):
    RULES = [(re.compile(r"\"(?:\\.|[^\"\\])*\"(?=\s*:)"), "property"),
             (re.compile(r":\s*(\"(?:\\.|[^\"\\])*\")"), "string"),
             (re.compile(r"\b(true|false|null|-?\d+(\.\d+)?)\b"), "number")]

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        for pattern, name in self.RULES:
            fmt = _format(name)
            for m in pattern.finditer(text):
                group = 1 if pattern.groups and m.group(1) and m.lastindex else 0
                self.setFormat(m.start(group), m.end(group) - m.start(group), fmt)


class DiffHighlighter(_Themed):
    def highlightBlock(self, text: str) -> None:  # noqa: N802
        if text.startswith("+") and not text.startswith("+++"):
            self.setFormat(0, len(text), _format("added"))
        elif text.startswith("-") and not text.startswith("---"):
            self.setFormat(0, len(text), _format("removed"))
        elif text.startswith("@@"):
            self.setFormat(0, len(text), _format("hunk", bold=True))
