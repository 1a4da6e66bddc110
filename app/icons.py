"""The app's icons: a small set of line icons (24x24, 2 px strokes, in the style of VS Code's codicons)
drawn in the theme's colours, so they read in light and dark. `use(button, name)` puts one on a button
and redraws it when the theme changes; a primary button's icon is drawn in its text colour."""
from __future__ import annotations

import weakref

import shiboken6

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from . import theme

# name -> SVG body (stroked with the colour, no fill unless said)
SHAPES = {
    "run": '<path d="M7 4.5v15l12-7.5z" fill="{c}"/>',
    "step": '<path d="M4 14a8 8 0 0 1 15-3.5"/><path d="M20 5v6h-6"/><circle cx="12" cy="19" r="2" fill="{c}"/>',
    "rerun": '<path d="M4 12a8 8 0 1 0 2.5-5.8"/><path d="M4 4v5h5"/>',
    "new": '<path d="M12 5v14M5 12h14"/>',
    "delete": '<path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13"/>',
    "save": '<path d="M5 4h11l3 3v13H5z"/><path d="M8 4v5h7V4M8 20v-6h8v6"/>',
    "deploy": '<path d="M12 16V4M7 9l5-5 5 5"/><path d="M5 15v5h14v-5"/>',
    "coverage": '<path d="M12 3l8 3v6c0 4.5-3.5 8-8 9-4.5-1-8-4.5-8-9V6z"/><path d="M8.5 12l2.5 2.5 4.5-5"/>',
    "compare": '<rect x="3" y="4" width="7" height="16" rx="1"/><rect x="14" y="4" width="7" height="16" rx="1"/>',
    "batch": '<path d="M5 6h14M5 12h14M5 18h9"/><path d="M17 15l4 3-4 3z" fill="{c}"/>',
    "cancel": '<circle cx="12" cy="12" r="8"/><path d="M8.5 8.5l7 7M15.5 8.5l-7 7"/>',
    "export": '<path d="M12 4v11M7 10l5 5 5-5"/><path d="M5 19h14"/>',
    "refresh": '<path d="M20 12a8 8 0 1 1-2.3-5.7"/><path d="M20 4v5h-5"/>',
    "up": '<path d="M12 19V5M6 11l6-6 6 6"/>',
    "down": '<path d="M12 5v14M6 13l6 6 6-6"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 20c1-4 4-6 8-6s7 2 8 6"/>',
}
SIZE = 16
_used: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # button -> (name, primary)


def _svg(name: str, colour: str) -> bytes:
    body = SHAPES[name].replace("{c}", colour)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="{colour}" '
            f'stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{body}</svg>').encode()


def icon(name: str, colour: str | None = None) -> QIcon:
    """`name` drawn in `colour` (the theme's text colour by default), crisp at 1x and 2x."""
    colour = colour or theme.css("icon")
    renderer = QSvgRenderer(QByteArray(_svg(name, colour)))
    out = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(SIZE * scale, SIZE * scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter, QRectF(0, 0, SIZE * scale, SIZE * scale))
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        out.addPixmap(pixmap)
    return out


def use(button, name: str, primary: bool = False) -> None:
    """Give `button` the icon `name`; a primary button is drawn in the accent (theme.stylesheet)."""
    if primary:
        button.setProperty("primary", True)
    _used[button] = (name, primary)
    _draw(button, name, primary)


def _draw(button, name: str, primary: bool) -> None:
    button.setIcon(icon(name, theme.css("on_accent") if primary else None))


def _redraw(_dark: bool) -> None:
    for button, (name, primary) in list(_used.items()):
        if shiboken6.isValid(button):  # Qt may have deleted a closed view's button already
            _draw(button, name, primary)


theme.notifier.changed.connect(_redraw)
