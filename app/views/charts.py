"""The three QtCharts of the Timings area, built from the core's timing data: per-action duration over
recent runs (hover a point for its run, click to open it), the distribution per version (box plots), and
one run's waterfall (triggers, steps and actions as bars on a time axis)."""
from __future__ import annotations

from PySide6.QtCharts import (QBarCategoryAxis, QBarSet, QChart, QChartView,
                              QHorizontalStackedBarSeries, QLineSeries, QLogValueAxis, QValueAxis)
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QPainter, QPalette
from PySide6.QtWidgets import QToolTip

from .. import theme
from ..widgets import empty_hint

KIND_COLORS = ("trigger", "step", "action", "failed")  # bar sets, coloured by the theme
ROW_PX = 24  # the waterfall's row height: it grows (and scrolls) with the run instead of squeezing rows


def _tip(state: bool, text: str) -> None:
    """Show a tooltip while hovered. (Slots return nothing: PySide6 mishandles a bool returned to Qt.)"""
    if state:
        QToolTip.showText(QCursor.pos(), text)
    else:
        QToolTip.hideText()


def _log_axis(low: float, high: float) -> QLogValueAxis:
    axis = QLogValueAxis()
    axis.setTitleText("ms (log)")
    axis.setLabelFormat("%g")
    axis.setRange(max(low / 2, 0.001), max(high, 0.01) * 2)
    return axis


class _ChartView(QChartView):
    """A chart view that owns its chart and can be emptied and refilled."""

    def __init__(self, title: str, empty: str = ""):
        super().__init__()
        self.empty = empty  # said in the middle while the chart has no series
        self.chart_ = QChart()
        self.chart_.setTitle(title)
        self.chart_.setAnimationOptions(QChart.AnimationOption.NoAnimation)  # redraws stay cheap during batches
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_.legend().setShowToolTips(True)  # a name the legend shortens is whole on hover
        self.setChart(self.chart_)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(150)
        self._restyle()
        theme.notifier.changed.connect(self._restyle)

    def _restyle(self, *_: object) -> None:
        """The chart in the app's theme: Qt's dark or light chart theme on the palette's own surfaces, and
        a distinct colour per series (Qt's themes cycle through 5)."""
        dark = theme.is_dark()
        self.chart_.setTheme(QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight)
        palette = theme.QGuiApplication.palette()  # the new one: widgets get theirs a moment later
        self.chart_.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
        self.chart_.setTitleBrush(palette.color(QPalette.ColorRole.Text))
        self.chart_.legend().setLabelColor(palette.color(QPalette.ColorRole.Text))
        self.setBackgroundBrush(palette.color(QPalette.ColorRole.Window))
        self.color_series()

    def color_series(self) -> None:
        for i, series in enumerate(self.chart_.series()):
            if isinstance(series, QLineSeries):
                series.setColor(QColor(theme.SERIES[i % len(theme.SERIES)]))

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.empty and not self.chart_.series():
            empty_hint.paint(self.viewport(), self.empty)

    def clear(self) -> None:
        self.chart_.removeAllSeries()
        for axis in self.chart_.axes():
            self.chart_.removeAxis(axis)


def _value_axis(title: str, top: float) -> QValueAxis:
    axis = QValueAxis()
    axis.setTitleText(title)
    axis.setRange(0, max(top, 1.0) * 1.1)
    axis.applyNiceNumbers()
    return axis


class DurationsChart(_ChartView):
    """ms per action over the recent runs (x = run number, oldest first)."""

    point_clicked = Signal(dict)  # the row behind a clicked point
    point_hovered = Signal(dict)

    def __init__(self):
        super().__init__("Per-action duration over recent runs",
                         "Each action's run time over the tenant's recent runs appears here: run a test, a "
                         "journey or a Simulator batch.")
        # Names in full, one per line, beside the chart (below it, they were cut to "add-ro…").
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        self.rows_by_series: dict[str, dict[int, dict]] = {}
        self.log_scale = False  # one slow action would flatten every other line on a linear axis

    def show_rows(self, rows: list[dict]) -> None:
        chart = self.chart_
        self.clear()
        runs = {e: i + 1 for i, e in enumerate(dict.fromkeys(r["execution_id"] for r in rows))}
        self.rows_by_series = {}
        for r in rows:
            self.rows_by_series.setdefault(r["action"], {})[runs[r["execution_id"]]] = r
        x_axis = _value_axis("run", len(runs))
        x_axis.setLabelFormat("%d")
        top = max((r["ms"] for r in rows), default=1)
        if self.log_scale:
            y_axis = _log_axis(min((r["ms"] for r in rows if r["ms"] > 0), default=0.01), top)
        else:
            y_axis = _value_axis("ms", top)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for action, points in sorted(self.rows_by_series.items()):
            series = QLineSeries()
            series.setName(action)
            series.setPointsVisible(True)
            floor = 0.001 if self.log_scale else 0.0  # a log axis has no zero
            series.append([QPointF(x, max(r["ms"], floor)) for x, r in sorted(points.items())])
            series.hovered.connect(lambda point, state, a=action: self._hovered(a, point, state))
            series.clicked.connect(lambda point, a=action: self._clicked(a, point))
            chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
        self.color_series()

    def row_at(self, action: str, point: QPointF) -> dict | None:
        points = self.rows_by_series.get(action) or {}
        if not points:
            return None
        x = min(points, key=lambda k: abs(k - point.x()))
        return points[x]

    def _hovered(self, action: str, point: QPointF, state: bool) -> None:
        row = self.row_at(action, point) if state else None
        if row is None:
            QToolTip.hideText()
            return
        QToolTip.showText(QCursor.pos(), describe(row))
        self.point_hovered.emit(row)

    def _clicked(self, action: str, point: QPointF) -> None:
        row = self.row_at(action, point)
        if row:
            self.point_clicked.emit(row)


def describe(row: dict) -> str:
    where = f"flow run {row['flow_run']}" if row.get("flow_run") else "a single run (Test panel or CLI)"
    debug = f" (debug run: own time; the debugger held it {row['paused_ms']:.0f} ms)" if row.get("debug") else ""
    return (f"{row['action']} v{row['version']}: {row['ms']:.2f} ms{' (failed)' if row['failed'] else ''}{debug}\n"
            f"{row['trigger']} execution {row['execution_id']}\n{where}\nat {row['created_at']}")


class WaterfallChart(_ChartView):
    """One run's bars: an invisible offset bar, then the duration, coloured by kind."""

    def __init__(self):
        super().__init__("Waterfall (click a point above to pick a run)",
                         "One run's actions and steps as bars, where each started and how long it took: "
                         "click a point in the chart above.")
        self.bars: list[dict] = []

    def show_bars(self, title: str, bars: list[dict]) -> None:
        chart = self.chart_
        self.clear()
        chart.setTitle(title)
        self.bars = list(reversed(bars))  # the first bar on top
        offset = QBarSet("offset")
        offset.setColor(QColor(0, 0, 0, 0))
        offset.setBorderColor(QColor(0, 0, 0, 0))
        sets = {kind: QBarSet(kind) for kind in KIND_COLORS}
        for kind, bar_set in sets.items():
            bar_set.setColor(theme.color("error" if kind == "failed" else kind))
        for bar in self.bars:
            offset.append(bar["start_ms"])
            kind = "failed" if bar.get("failed") else bar["kind"]
            for name, bar_set in sets.items():
                bar_set.append(bar["ms"] if name == kind else 0)
        series = QHorizontalStackedBarSeries()
        series.append(offset)
        for bar_set in sets.values():
            series.append(bar_set)
            bar_set.hovered.connect(self._hovered)
        series.setBarWidth(0.8)
        chart.addSeries(series)
        chart.legend().markers(series)[0].setVisible(False)  # no legend entry for the invisible offsets
        y_axis = QBarCategoryAxis()
        # Categories must be unique (a repeated label would merge rows): number them.
        y_axis.append([f"{i}. {b['label']}" for i, b in zip(range(len(self.bars), 0, -1), self.bars)])
        y_axis.setTruncateLabels(False)
        font = y_axis.labelsFont()
        font.setPointSizeF(max(6.5, font.pointSizeF() - 1.5))
        y_axis.setLabelsFont(font)
        x_axis = _value_axis("ms of active time", max((b["start_ms"] + b["ms"] for b in bars), default=1))
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(y_axis)
        series.attachAxis(x_axis)
        self.setMinimumHeight(ROW_PX * len(self.bars) + 130)  # title, axis and legend

    def _hovered(self, state: bool, index: int) -> None:
        bar = self.bars[index]
        failed = " (failed)" if bar.get("failed") else ""
        _tip(state, f"{bar['label']}{failed}: starts at {bar['start_ms']:.1f} ms, takes {bar['ms']:.2f} ms")
