"""Light and dark themes. "system" (the default) follows the OS; "light" and "dark" override it (Settings).
Every colour the app draws comes from here: the palette for surfaces and text, and `color(name)` for
the few meanings a palette has no role for (error, warning, success, diff lines, syntax, breakpoints),
each with a light and a dark value. Views that draw colours themselves listen to `notifier.changed`."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette

MODES = ("system", "light", "dark")

# name -> (light, dark)
_COLORS = {
    "error": ("#c41a16", "#f48771"),
    "error_bg": ("#fde7e9", "#5a1d1d"),
    "warning": ("#9a6700", "#d7ba7d"),
    "warning_bg": ("#fff1b8", "#4d3d00"),
    "success": ("#067d17", "#89d185"),
    "added": ("#067d17", "#89d185"),
    "removed": ("#c41a16", "#f48771"),
    "hunk": ("#0033b3", "#6cb6ff"),
    "keyword": ("#0033b3", "#569cd6"),
    "identifier": ("#871094", "#c586c0"),
    "string": ("#067d17", "#ce9178"),
    "number": ("#1750eb", "#b5cea8"),
    "comment": ("#8c8c8c", "#6a9955"),
    "property": ("#871094", "#9cdcfe"),
    "breakpoint": ("#c41a16", "#e51400"),
    "conditional": ("#d9822b", "#e8a33d"),
    "exec": ("#e8a600", "#ffcc00"),
    "covered": ("#2da44e", "#3fb950"),  # a line the last run ran (Coverage)
    "uncovered": ("#cf222e", "#f85149"),  # ... and one it did not
    "trigger": ("#7a5af8", "#a48bff"),
    "step": ("#8a9bb4", "#6b7a90"),
    "action": ("#0e7c86", "#2bb5c0"),
    # How a run or an action ended (widgets/badges.py): one palette for every view.
    "status_ok": ("#1a7f37", "#3fb950"),
    "status_denied": ("#bc4c00", "#f0883e"),
    "status_failed": ("#cf222e", "#f85149"),
    "status_suspended": ("#8250df", "#bc8cff"),
    "status_waiting": ("#9a6700", "#d29922"),
    "status_neutral": ("#57606a", "#8b949e"),
}
# A distinct colour per chart series (Tableau 20's order: neighbours differ in hue and lightness).
SERIES = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
          "#bab0ac", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")


class _Notifier(QObject):
    changed = Signal(bool)  # dark


notifier = _Notifier()
_mode = "system"


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def color(name: str, alpha: int | None = None) -> QColor:
    value = QColor(_COLORS[name][1 if is_dark() else 0])
    if alpha is not None:
        value.setAlpha(alpha)
    return value


def css(name: str) -> str:
    return _COLORS[name][1 if is_dark() else 0]


def dark_palette() -> QPalette:
    p = QPalette()
    roles = QPalette.ColorRole
    for role, value in ((roles.Window, "#252526"), (roles.WindowText, "#d4d4d4"), (roles.Base, "#1e1e1e"),
                        (roles.AlternateBase, "#2a2d2e"), (roles.ToolTipBase, "#252526"),
                        (roles.ToolTipText, "#d4d4d4"), (roles.PlaceholderText, "#9d9d9d"), (roles.Text, "#d4d4d4"),
                        (roles.Button, "#333333"), (roles.ButtonText, "#d4d4d4"), (roles.BrightText, "#ffffff"),
                        (roles.Highlight, "#264f78"), (roles.HighlightedText, "#ffffff"), (roles.Link, "#4daafc"),
                        (roles.LinkVisited, "#c586c0"), (roles.Light, "#3c3c3c"), (roles.Midlight, "#333333"),
                        (roles.Mid, "#2d2d2d"), (roles.Dark, "#1b1b1b"), (roles.Shadow, "#000000")):
        p.setColor(role, QColor(value))
    for role, value in ((roles.WindowText, "#6e6e6e"), (roles.Text, "#6e6e6e"), (roles.ButtonText, "#6e6e6e"),
                        (roles.Highlight, "#3a3d41")):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(value))
    return p


def mode() -> str:
    return _mode


CHECK = Path(__file__).parent / "resources" / "check-dark.svg"


def dark_stylesheet() -> str:
    """What the dark palette alone leaves invisible: Fusion outlines an unchecked box with the window colour
    darkened, which on a dark window is no outline at all."""
    check = CHECK.as_posix()
    return (f"QCheckBox::indicator, QTreeView::indicator, QListView::indicator {{ width: 13px; height: 13px;"
            f" border: 1px solid #8b8b8b; border-radius: 2px; background: #1e1e1e; }}"
            f"QCheckBox::indicator:hover {{ border-color: #c8c8c8; }}"
            f"QCheckBox::indicator:checked, QTreeView::indicator:checked, QListView::indicator:checked"
            f" {{ background: #0e639c; border-color: #0e639c; image: url({check}); }}"
            f"QCheckBox::indicator:disabled {{ border-color: #555555; background: #252526; }}")


def apply(app, requested: str = "system") -> None:
    """Use the theme `requested` ("system", "light" or "dark"); announce it when it changed."""
    global _mode
    _mode = requested if requested in MODES else "system"
    hints = QGuiApplication.styleHints()
    want = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(_mode, Qt.ColorScheme.Unknown)
    hints.setColorScheme(want)  # the platform's own dark or light look where it has one
    system_dark = hints.colorScheme() == Qt.ColorScheme.Dark
    dark = system_dark if _mode == "system" else _mode == "dark"
    if is_dark(app.style().standardPalette()) == dark:
        app.setPalette(app.style().standardPalette())
    elif dark:
        app.setStyle("Fusion")  # a style that draws with the palette it is given
        app.setPalette(dark_palette())
    else:
        app.setStyle("Fusion")
        app.setPalette(app.style().standardPalette())
    app.setStyleSheet(dark_stylesheet() if dark else "")
    if not getattr(apply, "_watching", False):
        hints.colorSchemeChanged.connect(lambda _scheme: apply(app, _mode) if _mode == "system" else None)
        apply._watching = True
    notifier.changed.emit(is_dark())
