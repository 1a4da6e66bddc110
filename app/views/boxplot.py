"""Horizontal box plots of action durations per version: one row per action version, its full name on
the category axis at the left, whiskers from min to max, the box from q1 to q3 and the median, on a
linear or log ms axis; hovering a row gives its five numbers. QtCharts draws box plots vertically only,
where long names must be slanted and get clipped, so this one widget paints its own."""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from .. import theme

ROW, PAD = 26, 10


def _ticks(low: float, high: float, log: bool) -> list[float]:
    if log:
        return [10.0 ** e for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)]
    step = 10 ** math.floor(math.log10(max(high, 1e-9) / 4))
    for factor in (1, 2, 5, 10):
        if high / (step * factor) <= 6:
            step *= factor
            break
    return [i * step for i in range(int(high / step) + 2)]


class BoxPlot(QWidget):
    def __init__(self, title: str = "Duration distribution per version"):
        super().__init__()
        self.title = title
        self.log_scale = False
        self.boxes: list[tuple[str, dict]] = []  # (label, five numbers and count), top to bottom
        self.setMouseTracking(True)
        self.setMinimumHeight(150)

    def show_stats(self, stats: dict[str, dict[int, dict]]) -> None:
        self.boxes = [(f"{action} v{version}", s) for action, versions in stats.items()
                      for version, s in versions.items()]
        self.setMinimumHeight(ROW * len(self.boxes) + 80)
        self.update()

    # ---- geometry ----------------------------------------------------------------------------------------
    def _range(self) -> tuple[float, float]:
        high = max((s["max"] for _, s in self.boxes), default=1.0) * 1.05
        if self.log_scale:
            low = max(min((s["min"] for _, s in self.boxes), default=0.01), 1e-3)
            return 10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(max(high, low * 10)))
        return 0.0, max(high, 1e-3)

    def _plot(self) -> QRectF:
        metrics = self.fontMetrics()
        label_w = min(max((metrics.horizontalAdvance(label) for label, _ in self.boxes), default=40) + PAD,
                      self.width() * 0.45)
        top = metrics.height() * 2 + PAD
        return QRectF(label_w + PAD, top, self.width() - label_w - 3 * PAD, max(ROW * len(self.boxes), ROW))

    def _x(self, value: float, plot: QRectF, low: float, high: float) -> float:
        if self.log_scale:
            value = max(value, low)
            share = (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low))
        else:
            share = (value - low) / (high - low)
        return plot.left() + share * plot.width()

    def row_at(self, y: float) -> int | None:
        plot = self._plot()
        row = int((y - plot.top()) // ROW)
        return row if 0 <= row < len(self.boxes) and y >= plot.top() else None

    # ---- painting ------------------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text, muted = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.PlaceholderText)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        painter.setPen(text)
        painter.drawText(QRectF(0, PAD / 2, self.width(), self.fontMetrics().height() * 1.5),
                         Qt.AlignmentFlag.AlignHCenter, self.title + (" (log ms)" if self.log_scale else " (ms)"))
        if not self.boxes:
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No runs of deployed versions yet")
            return
        plot = self._plot()
        low, high = self._range()
        grid = QColor(muted)
        grid.setAlpha(80)
        for tick in _ticks(low if self.log_scale else 0.0, high, self.log_scale):
            if tick < low or tick > high:
                continue
            x = self._x(tick, plot, low, high)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.setPen(muted)
            label = f"{tick:g}"
            painter.drawText(QRectF(x - 30, plot.bottom() + 2, 60, self.fontMetrics().height()),
                             Qt.AlignmentFlag.AlignHCenter, label)
        for row, (label, s) in enumerate(self.boxes):
            y = plot.top() + row * ROW
            mid = y + ROW / 2
            painter.setPen(text)
            painter.drawText(QRectF(0, y, plot.left() - PAD, ROW), Qt.AlignmentFlag.AlignRight |
                             Qt.AlignmentFlag.AlignVCenter,
                             self.fontMetrics().elidedText(label, Qt.TextElideMode.ElideMiddle, int(plot.left() - PAD)))
            color = QColor(theme.SERIES[row % len(theme.SERIES)])
            x = {k: self._x(s[k], plot, low, high) for k in ("min", "q1", "median", "q3", "max")}
            painter.setPen(QPen(text, 1))
            painter.drawLine(QPointF(x["min"], mid), QPointF(x["q1"], mid))
            painter.drawLine(QPointF(x["q3"], mid), QPointF(x["max"], mid))
            for end in (x["min"], x["max"]):
                painter.drawLine(QPointF(end, mid - ROW * 0.2), QPointF(end, mid + ROW * 0.2))
            fill = QColor(color)
            fill.setAlpha(170)
            painter.setBrush(fill)
            painter.drawRect(QRectF(x["q1"], y + ROW * 0.2, max(x["q3"] - x["q1"], 1.5), ROW * 0.6))
            painter.setPen(QPen(text, 2))
            painter.drawLine(QPointF(x["median"], y + ROW * 0.2), QPointF(x["median"], y + ROW * 0.8))

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        row = self.row_at(event.position().y())
        if row is None:
            QToolTip.hideText()
            return
        label, s = self.boxes[row]
        QToolTip.showText(event.globalPosition().toPoint(), (
            f"{label}: {s['count']} runs\nmin {s['min']:.2f} · q1 {s['q1']:.2f} · median {s['median']:.2f} · "
            f"q3 {s['q3']:.2f} · max {s['max']:.2f} ms"), self)
