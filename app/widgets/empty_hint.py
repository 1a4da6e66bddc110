"""What an empty pane will show and how to fill it: a line of placeholder text drawn in the middle of an
item view (or a chart) while it has nothing in it, so a new user never faces a blank box.

`hint(view, text)` installs it; `text` may be a function, for views whose reason for being empty changes
(no runs yet, or filters that match nothing)."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QWidget

MARGIN = 24


def paint(widget: QWidget, text: str, area: QRect | None = None) -> None:
    """Draw `text` centred and wrapped in `widget` (or in `area` of it), in the palette's placeholder
    colour."""
    painter = QPainter(widget)
    painter.setPen(widget.palette().color(QPalette.ColorRole.PlaceholderText))
    rect = (area or widget.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text)
    painter.end()


class EmptyHint(QObject):
    def __init__(self, view: QAbstractItemView, text: str | Callable[[], str]):
        super().__init__(view)
        self.view, self._text = view, text
        view.viewport().installEventFilter(self)

    def text(self) -> str:
        return self._text() if callable(self._text) else self._text

    def showing(self) -> bool:
        model = self.view.model()
        return model is not None and model.rowCount() == 0

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        # The view paints nothing over an empty model, so the hint drawn first stays visible.
        if event.type() == QEvent.Type.Paint and self.showing():
            paint(obj, self.text())
        return False


def hint(view: QAbstractItemView, text: str | Callable[[], str]) -> EmptyHint:
    view._empty_hint = EmptyHint(view, text)  # kept with the view, gone with it
    return view._empty_hint
