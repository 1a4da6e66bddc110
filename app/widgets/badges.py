"""Outcome badges: one look for how a run or an action ended, in every view (Test, the Simulator's result,
status line and earlier runs). A status word is drawn as a small rounded pill in its kind's colour from
the theme (done, denied, failed, suspended, waiting, neutral); the text around it is drawn as usual.

Item views keep their plain text (what tests, copy and accessibility read); the delegate only changes
how the status word inside it is painted. Labels get a `Badge` widget beside them."""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from .. import theme

ROLE = Qt.ItemDataRole.UserRole + 40  # the status word an item's text shows as a badge

# Every outcome the core reports (runtime.results and flows.run), by what it means to the user.
KINDS = {"completed": "ok", "success": "ok", "denied": "denied", "failed": "failed", "error": "failed",
         "suspended": "suspended", "redirected": "suspended", "mfa_required": "waiting", "waiting": "waiting",
         "paused": "waiting", "running": "neutral", "interrupted": "neutral",
         "deployed": "ok", "latest": "ok"}  # the version that runs (an action) or is newest (a module)
PADDING = 6  # px either side of the word


def kind(status: str) -> str:
    return KINDS.get(status, "neutral")


def colors(status: str) -> tuple[QColor, QColor]:
    """(text, fill) of a status's badge in the current theme."""
    text = theme.color(f"status_{kind(status)}")
    fill = QColor(text)
    fill.setAlpha(70 if theme.is_dark() else 38)
    return text, fill


def mark(item, status: str, column: int | None = None) -> None:
    """Show `status` (a word in the item's text) as a badge: a QTreeWidgetItem's `column`, or a list or
    table item."""
    if column is None:
        item.setData(ROLE, status)
    else:
        item.setData(column, ROLE, status)


def install(view) -> "BadgeDelegate":
    delegate = BadgeDelegate(view)
    view.setItemDelegate(delegate)
    return delegate


class BadgeDelegate(QStyledItemDelegate):
    def paint(self, painter, option, index) -> None:
        status = index.data(ROLE)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        if not status or status not in text:
            return super().paint(painter, option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)  # selection, hover
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget).adjusted(2, 0, -2, 0)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        pen = opt.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        fm = opt.fontMetrics
        lines = text.split("\n")
        top = rect.top() + (rect.height() - fm.lineSpacing() * len(lines)) / 2
        painter.save()
        for line in lines:
            x = rect.left()
            before, found, after = line.partition(status)
            for part, badge in ((before, False), (found, True), (after, False)):
                if not part:
                    continue
                if badge:
                    x = self._pill(painter, opt.font, x, top, fm, part)
                    continue
                painter.setPen(pen)
                painter.setFont(opt.font)
                width = fm.horizontalAdvance(part)
                painter.drawText(QRectF(x, top, max(0, rect.right() - x), fm.lineSpacing()),
                                 int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), part)
                x += width
            top += fm.lineSpacing()
        painter.restore()

    def _pill(self, painter, font, x: float, top: float, fm, word: str) -> float:
        bold = QFont(font)
        bold.setWeight(QFont.Weight.DemiBold)
        painter.setFont(bold)
        width = painter.fontMetrics().horizontalAdvance(word) + 2 * PADDING
        box = QRectF(x, top + 1, width, fm.lineSpacing() - 2)
        fg, fill = colors(word)
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(box, box.height() / 2, box.height() / 2)
        painter.setPen(fg)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), word)
        painter.setFont(font)
        return x + width + 2

    def sizeHint(self, option, index) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        return QSize(size.width() + 2 * PADDING + 4, size.height()) if index.data(ROLE) else size


class Badge(QLabel):
    """A status pill on its own, beside a label's text (the Simulator's status line, a finished run)."""

    def __init__(self, status: str | None = None):
        super().__init__()
        self.status: str | None = None
        theme.notifier.changed.connect(self._restyle)
        self.set_status(status)

    def set_status(self, status: str | None) -> None:
        self.status = status
        self.setText(status or "")
        self.setVisible(bool(status))
        self._restyle()

    def _restyle(self, *_args) -> None:
        if not self.status:
            return
        fg, fill = colors(self.status)
        self.setStyleSheet(f"QLabel {{ color: {fg.name()}; background: rgba({fill.red()}, {fill.green()},"
                           f" {fill.blue()}, {fill.alpha()}); border-radius: 8px; padding: 1px {PADDING}px;"
                           f" font-weight: 600; }}")
