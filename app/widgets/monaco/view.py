"""The web view holding one Monaco page, and its QWebChannel bridge. Commands sent before the page is
ready wait in a queue; the page is loaded when the view is first shown, so hidden editors cost nothing.
The theme (palette and the app's colours) is sent on load and whenever it changes."""
from __future__ import annotations

import json
import logging
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView

from ... import theme
from . import scheme

log = logging.getLogger(__name__)


class _Bridge(QObject):
    command = Signal(str)  # to the page: {"op": ...}

    def __init__(self, view: MonacoView):
        super().__init__(view)
        self.view = view

    @Slot(str)
    def post(self, text: str) -> None:  # from the page: {"type": ...}
        self.view._received(json.loads(text))


class _Page(QWebEnginePage):
    def javaScriptConsoleMessage(self, level, message, line, source) -> None:  # noqa: N802
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            log.warning("editor page: %s (%s:%s)", message, source, line)


def _hex(c) -> str:
    """#rrggbb, or #rrggbbaa when translucent (CSS's order; Qt's HexArgb puts alpha first)."""
    return c.name() if c.alpha() == 255 else f"{c.name()}{c.alpha():02x}"


def theme_message() -> dict:
    """The palette and the app's colours, as Monaco theme colours, token rules and CSS variables."""
    p = theme.QGuiApplication.palette()
    r = QPalette.ColorRole
    highlight = p.color(r.Highlight)
    line = theme.color("exec", 60)
    current = p.color(r.Highlight)
    current.setAlpha(40)
    colors = {"editor.background": _hex(p.color(r.Base)), "editor.foreground": _hex(p.color(r.Text)),
              "editorGutter.background": _hex(p.color(r.Base)),
              "editorLineNumber.foreground": _hex(p.color(r.PlaceholderText)),
              "editorLineNumber.activeForeground": _hex(p.color(r.Text)),
              "editor.selectionBackground": _hex(highlight),
              "editor.lineHighlightBackground": _hex(current),
              "editorWidget.background": _hex(p.color(r.Window)), "editorWidget.foreground": _hex(p.color(r.WindowText)),
              "editorHoverWidget.background": _hex(p.color(r.ToolTipBase)),
              "editorHoverWidget.foreground": _hex(p.color(r.ToolTipText)),
              "editorSuggestWidget.background": _hex(p.color(r.Window)),
              "editorSuggestWidget.foreground": _hex(p.color(r.WindowText)),
              "editorSuggestWidget.selectedBackground": _hex(highlight),
              "input.background": _hex(p.color(r.Base)), "input.foreground": _hex(p.color(r.Text)),
              "editorError.foreground": theme.css("error"), "editorWarning.foreground": theme.css("warning"),
              "diffEditor.insertedLineBackground": _hex(theme.color("added", 40)),
              "diffEditor.removedLineBackground": _hex(theme.color("removed", 40))}
    rules = [{"token": token, "foreground": theme.css(name).lstrip("#")}
             for token, name in (("keyword", "keyword"), ("string", "string"), ("string.key.json", "property"),
                                 ("string.value.json", "string"), ("number", "number"), ("comment", "comment"),
                                 ("regexp", "string"), ("keyword.json", "keyword"))]
    css_vars = {"base": _hex(p.color(r.Base)), "breakpoint": theme.css("breakpoint"),
                "conditional": theme.css("conditional"), "exec": theme.css("exec"),
                "exec-line": _hex(line), "covered": theme.css("covered"), "uncovered": theme.css("uncovered")}
    return {"dark": theme.is_dark(), "colors": colors, "rules": rules, "vars": css_vars}


class MonacoView(QWebEngineView):
    ready = Signal()  # the page is loaded and took the queued commands
    page_error = Signal(str)

    def __init__(self, mode: str, folder: Path, parent=None):
        super().__init__(parent)
        scheme.install(folder)
        self.mode = mode
        self.setPage(_Page(self))
        self.bridge = _Bridge(self)
        self.channel = QWebChannel(self.page())
        self.channel.registerObject("bridge", self.bridge)
        self.page().setWebChannel(self.channel)
        self.page().setBackgroundColor(theme.QGuiApplication.palette().color(QPalette.ColorRole.Base))
        self.is_ready = False
        self._queue: list[str] = []
        self._loading = False
        theme.notifier.changed.connect(self._send_theme)

    def ensure_loaded(self) -> None:
        if not self._loading:
            self._loading = True
            self.load(QUrl(f"{scheme.ORIGIN}/page/index.html?mode={self.mode}"))

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.ensure_loaded()

    def send(self, op: str, **args) -> None:
        message = json.dumps({"op": op, **args})
        if self.is_ready:
            self.bridge.command.emit(message)
        else:
            # Only the newest of each kind matters (text, theme...), except markers per owner.
            key = (op, args.get("owner"))
            self._queue = [m for m in self._queue if m[0] != key] + [(key, message)]

    def _send_theme(self, *_: object) -> None:
        self.page().setBackgroundColor(theme.QGuiApplication.palette().color(QPalette.ColorRole.Base))
        self.send("theme", **theme_message())

    def _received(self, message: dict) -> None:
        if message["type"] == "ready":
            self.is_ready = True
            queued, self._queue = self._queue, []
            self._send_theme()
            for _key, text in queued:
                self.bridge.command.emit(text)
            self.ready.emit()
        elif message["type"] == "error":
            log.warning("editor page: %s", message["message"])
            self.page_error.emit(message["message"])
        else:
            self.on_message(message)

    def on_message(self, message: dict) -> None:
        """Messages from the page other than ready and error (subclasses)."""

    def run_js(self, script: str, callback=None) -> None:
        """Evaluate in the page (tests read the editor's state with it)."""
        if callback is None:
            self.page().runJavaScript(script)
        else:
            self.page().runJavaScript(script, 0, callback)
