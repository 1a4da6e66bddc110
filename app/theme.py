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
    # The app's own look (stylesheet()): one accent, surfaces and lines, from the Auth0 dashboard's
    # indigo and VS Code's neutral greys.
    "accent": ("#635dff", "#7d78ff"),
    "accent_hover": ("#4f48f0", "#948fff"),
    "on_accent": ("#ffffff", "#ffffff"),
    "icon": ("#3b4151", "#c5c5c5"),
    "line": ("#d8dbe2", "#3c3c3c"),
    "line_strong": ("#b8bdc9", "#5a5a5a"),
    "surface": ("#ffffff", "#1e1e1e"),
    "surface_alt": ("#f5f6f8", "#252526"),
    "hover": ("#eceefa", "#2a2d2e"),
    "selection": ("#dcdafe", "#37356b"),
    "muted": ("#5c6370", "#9d9d9d"),
    "scroll": ("#c3c7d1", "#4f4f4f"),
    "check_border": ("#8c93a3", "#8b8b8b"),
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
                        (roles.Highlight, "#37356b"), (roles.HighlightedText, "#ffffff"), (roles.Link, "#4daafc"),
                        (roles.LinkVisited, "#c586c0"), (roles.Light, "#3c3c3c"), (roles.Midlight, "#333333"),
                        (roles.Mid, "#2d2d2d"), (roles.Dark, "#1b1b1b"), (roles.Shadow, "#000000")):
        p.setColor(role, QColor(value))
    for role, value in ((roles.WindowText, "#6e6e6e"), (roles.Text, "#6e6e6e"), (roles.ButtonText, "#6e6e6e"),
                        (roles.Highlight, "#3a3d41")):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(value))
    return p


def light_palette() -> QPalette:
    """Fusion's light palette with the app's surfaces and accent."""
    from PySide6.QtWidgets import QStyleFactory

    p = QStyleFactory.create("Fusion").standardPalette()
    roles = QPalette.ColorRole
    for role, value in ((roles.Window, "#f5f6f8"), (roles.Base, "#ffffff"), (roles.AlternateBase, "#f5f6f8"),
                        (roles.Button, "#ffffff"), (roles.Highlight, "#dcdafe"), (roles.HighlightedText, "#1f2330"),
                        (roles.Link, "#4f48f0"), (roles.WindowText, "#1f2330"), (roles.Text, "#1f2330"),
                        (roles.ButtonText, "#1f2330"), (roles.PlaceholderText, "#7b8190")):
        p.setColor(role, QColor(value))
    return p


def mode() -> str:
    return _mode


RESOURCES = Path(__file__).parent / "resources"
CHECK = RESOURCES / "check-dark.svg"
SPACE = 4  # the grid every padding and margin is a multiple of
RADIUS = 4


def _arrow(name: str, colour: str) -> str:
    """A chevron for combo boxes and spin boxes, written once per colour into the user cache (a
    stylesheet can only point at files)."""
    import hashlib
    import os

    shapes = {"down": "M6 9l6 6 6-6", "up": "M6 15l6-6 6 6"}
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="{colour}" '
           f'stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"><path d="{shapes[name]}"/></svg>')
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "actions-emulator" / "theme"
    path = base / f"{name}-{hashlib.sha1(svg.encode()).hexdigest()[:10]}.svg"
    if not path.is_file():
        try:
            base.mkdir(parents=True, exist_ok=True)
            path.write_text(svg)
        except OSError:
            return ""  # no cache to write: Qt's own arrows, rather than none
    return path.as_posix()


def stylesheet(dark: bool) -> str:
    """The app's look, in one place: flat tabs with an accent underline, rounded controls on a 4 px grid,
    quiet headers and slim scroll bars, primary buttons (`primary` property) in the accent. Colours come
    from _COLORS, so light and dark are the same design."""
    c = {name: pair[1 if dark else 0] for name, pair in _COLORS.items()}
    down, up = _arrow("down", c["icon"]), _arrow("up", c["icon"])
    pad = f"3px {SPACE * 2}px"
    qss = f"""
    QMainWindow, QDialog {{ background: {c['surface_alt']}; }}
    QTabWidget::pane {{ border: 1px solid {c['line']}; border-radius: {RADIUS}px; top: -1px;
                        background: {c['surface_alt']}; }}
    QTabBar::tab {{ padding: {SPACE + 2}px {SPACE * 3}px; margin-right: 2px; border: none;
                    border-bottom: 2px solid transparent; background: transparent; color: {c['muted']}; }}
    QTabBar::tab:selected {{ color: palette(window-text); border-bottom-color: {c['accent']}; font-weight: 600; }}
    QTabBar::tab:hover:!selected {{ color: palette(window-text); background: {c['hover']}; }}
    QTabBar::tab:disabled {{ color: {c['line_strong']}; }}
    QPushButton {{ padding: {pad}; border: 1px solid {c['line_strong']}; border-radius: {RADIUS}px;
                   background: {c['surface']}; min-height: 18px; }}
    QPushButton:hover {{ background: {c['hover']}; border-color: {c['accent']}; }}
    QPushButton:pressed, QPushButton:checked {{ background: {c['selection']}; border-color: {c['accent']}; }}
    QPushButton:disabled {{ color: {c['line_strong']}; border-color: {c['line']}; background: {c['surface_alt']}; }}
    QPushButton[primary="true"] {{ background: {c['accent']}; border-color: {c['accent']}; color: {c['on_accent']};
                                   font-weight: 600; }}
    QPushButton[primary="true"]:hover {{ background: {c['accent_hover']}; border-color: {c['accent_hover']}; }}
    QPushButton[primary="true"]:disabled {{ background: {c['line']}; border-color: {c['line']}; color: {c['muted']}; }}
    QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QPlainTextEdit, QTextEdit {{
        border: 1px solid {c['line_strong']}; border-radius: {RADIUS}px; background: {c['surface']};
        selection-background-color: {c['selection']}; selection-color: palette(text); }}
    QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox {{ padding: 2px {SPACE + 2}px; min-height: 18px; }}
    QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QPlainTextEdit:focus, QTextEdit:focus {{
        border-color: {c['accent']}; }}
    QLineEdit:disabled, QComboBox:disabled, QSpinBox:disabled {{ color: {c['muted']}; background: {c['surface_alt']}; }}
    QComboBox::drop-down {{ border: none; width: 20px; }}
    QSpinBox::up-button, QSpinBox::down-button {{ border: none; width: 16px; }}
    QComboBox QAbstractItemView {{ border: 1px solid {c['line_strong']}; background: {c['surface']};
                                   selection-background-color: {c['selection']}; selection-color: palette(text); }}
    QTreeView, QListView, QTableView {{ border: 1px solid {c['line']}; border-radius: {RADIUS}px;
        background: {c['surface']}; alternate-background-color: {c['surface_alt']};
        selection-background-color: {c['selection']}; selection-color: palette(text); gridline-color: {c['line']}; }}
    QTreeView::item:hover, QListView::item:hover, QTableView::item:hover {{ background: {c['hover']}; }}
    QTreeView::item:selected, QListView::item:selected, QTableView::item:selected {{
        background: {c['selection']}; color: palette(text); }}
    QHeaderView::section {{ background: {c['surface_alt']}; color: {c['muted']}; border: none;
        border-bottom: 1px solid {c['line']}; border-right: 1px solid {c['line']}; padding: {SPACE}px {SPACE * 2}px;
        font-weight: 600; }}
    QHeaderView::section:last {{ border-right: none; }}
    QTableCornerButton::section {{ background: {c['surface_alt']}; border: none; }}
    QSplitter::handle {{ background: transparent; }}
    QSplitter::handle:hover {{ background: {c['accent']}; }}
    QSplitter::handle:horizontal {{ width: 5px; }}
    QSplitter::handle:vertical {{ height: 5px; }}
    QScrollBar:vertical {{ width: 10px; background: transparent; margin: 0; }}
    QScrollBar:horizontal {{ height: 10px; background: transparent; margin: 0; }}
    QScrollBar::handle {{ background: {c['scroll']}; border-radius: 4px; margin: 2px; }}
    QScrollBar::handle:hover {{ background: {c['line_strong']}; }}
    QScrollBar::handle:vertical {{ min-height: 28px; }}
    QScrollBar::handle:horizontal {{ min-width: 28px; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
    QScrollBar::add-page, QScrollBar::sub-page {{ background: transparent; }}
    QStatusBar {{ border-top: 1px solid {c['line']}; color: {c['muted']}; }}
    QToolBar {{ border: none; border-bottom: 1px solid {c['line']}; spacing: {SPACE * 2}px; padding: {SPACE}px; }}
    QMenuBar {{ border-bottom: 1px solid {c['line']}; }}
    QMenu {{ border: 1px solid {c['line_strong']}; padding: {SPACE}px 0; }}
    QMenu::item {{ padding: {SPACE}px {SPACE * 6}px {SPACE}px {SPACE * 4}px; }}
    QMenu::item:selected {{ background: {c['selection']}; color: palette(text); }}
    QGroupBox {{ border: 1px solid {c['line']}; border-radius: {RADIUS + 2}px; margin-top: {SPACE * 3}px;
                 padding-top: {SPACE * 2}px; }}
    QGroupBox::title {{ subcontrol-origin: margin; left: {SPACE * 2}px; padding: 0 {SPACE}px; color: {c['muted']};
                        font-weight: 600; }}
    QProgressBar {{ border: 1px solid {c['line']}; border-radius: {RADIUS}px; background: {c['surface']};
                    text-align: center; min-height: 14px; }}
    QProgressBar::chunk {{ background: {c['accent']}; border-radius: {RADIUS - 1}px; }}
    QToolTip {{ border: 1px solid {c['line_strong']}; padding: {SPACE}px; }}
    QDockWidget::title {{ padding: {SPACE}px {SPACE * 2}px; background: {c['surface_alt']};
                          border-bottom: 1px solid {c['line']}; }}
    """
    if down:
        qss += f"QComboBox::down-arrow, QSpinBox::down-arrow {{ image: url({down}); width: 10px; height: 10px; }}"
    if up:
        qss += f"QSpinBox::up-arrow {{ image: url({up}); width: 10px; height: 10px; }}"
    return qss + check_stylesheet(c)


def check_stylesheet(c: dict) -> str:
    """Checkboxes in the accent. (Fusion outlines an unchecked box with the window colour darkened, which
    on a dark window is no outline at all.)"""
    check = CHECK.as_posix()
    return (f"QCheckBox::indicator, QTreeView::indicator, QListView::indicator {{ width: 13px; height: 13px;"
            f" border: 1px solid {c['check_border']}; border-radius: 3px;"
            f" background: {c['surface']}; }}"
            f"QCheckBox::indicator:hover {{ border-color: {c['accent']}; }}"
            f"QCheckBox::indicator:checked, QTreeView::indicator:checked, QListView::indicator:checked"
            f" {{ background: {c['accent']}; border-color: {c['accent']}; image: url({check}); }}"
            f"QCheckBox::indicator:disabled {{ border-color: {c['line']}; background: {c['surface_alt']}; }}")


def apply(app, requested: str = "system") -> None:
    """Use the theme `requested` ("system", "light" or "dark"); announce it when it changed."""
    global _mode
    _mode = requested if requested in MODES else "system"
    hints = QGuiApplication.styleHints()
    want = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(_mode, Qt.ColorScheme.Unknown)
    hints.setColorScheme(want)  # the platform's own dark or light look where it has one
    system_dark = hints.colorScheme() == Qt.ColorScheme.Dark
    dark = system_dark if _mode == "system" else _mode == "dark"
    # Fusion everywhere: the stylesheet is drawn over it, so the app looks the same on every desktop.
    if not getattr(apply, "_fusion", False):  # (under a stylesheet, style().name() no longer says)
        app.setStyle("Fusion")
        apply._fusion = True
    app.setPalette(dark_palette() if dark else light_palette())
    app.setStyleSheet(stylesheet(dark))
    if not getattr(apply, "_watching", False):
        hints.colorSchemeChanged.connect(lambda _scheme: apply(app, _mode) if _mode == "system" else None)
        apply._watching = True
    notifier.changed.emit(is_dark())
