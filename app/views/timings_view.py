"""The Timings area: per-action durations over the tenant's recent runs, their distribution per version,
and one run's waterfall. Hovering a point names its run; clicking it shows that run's waterfall and, for
a flow run, opens it in the Simulator. It refreshes when runs happen, at most once a second, and only
while visible, so batches don't spend the UI thread on charts nobody sees."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSpinBox, QSplitter, QVBoxLayout,
                               QWidget)

from emulator.timings import by_version

from .. import icons
from .boxplot import BoxPlot
from .charts import DurationsChart, WaterfallChart

REFRESH_MS = 1000


class TimingsView(QWidget):
    refreshed = Signal(int)  # action invocations charted
    open_run = Signal(str)  # a flow run id to open in the Simulator

    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.tenant: str | None = None
        self.rows: list[dict] = []
        self._stale = True
        self.action_box = QComboBox()
        self.action_box.currentIndexChanged.connect(lambda _: self.refresh())
        self.runs = QSpinBox()
        self.runs.setRange(10, 10_000)
        self.runs.setValue(200)
        self.runs.setPrefix("last ")
        self.runs.setSuffix(" runs")
        self.runs.valueChanged.connect(lambda _: self._debounce.start())
        self.log_scale = QCheckBox("log scale")
        self.log_scale.setToolTip("One slow action flattens the others on a linear axis")
        self.log_scale.toggled.connect(self._log_scale)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        icons.use(refresh, "refresh")
        self.summary = QLabel()
        self.durations, self.versions, self.waterfall = DurationsChart(), BoxPlot(), WaterfallChart()
        self.durations.point_clicked.connect(self.open_row)
        self._debounce = QTimer(singleShot=True, interval=REFRESH_MS)
        self._debounce.timeout.connect(self.refresh)
        top = QHBoxLayout()
        for w in (QLabel("Action"), self.action_box, self.runs, self.log_scale, refresh, self.summary):
            top.addWidget(w)
        top.addStretch(1)
        upper = QSplitter()
        upper.addWidget(self.durations)
        upper.addWidget(self.versions)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 2)
        self.waterfall_area = QScrollArea()  # a long run scrolls, its rows keep their height
        self.waterfall_area.setWidgetResizable(True)
        self.waterfall_area.setWidget(self.waterfall)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(self.waterfall_area)
        split.setSizes([400, 500])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split)

    def set_tenant(self, tenant: str | None) -> None:
        self.tenant = tenant
        self.action_box.blockSignals(True)
        self.action_box.clear()
        self.action_box.addItem("all actions", None)
        if tenant:
            for a in self.ops.core.actions(tenant):
                self.action_box.addItem(a["name"], a["name"])
        self.action_box.blockSignals(False)
        self._stale = True
        if self.isVisible():
            self.refresh()

    def apply_changes(self, changes) -> None:
        if not self.tenant:
            return
        if any(t == self.tenant for t, _ in changes.actions):
            current = self.action_box.currentData()
            self.set_tenant(self.tenant)
            self.action_box.setCurrentIndex(max(0, self.action_box.findData(current)))
        if changes.executions or self.tenant in changes.logs:
            self._stale = True
            if self.isVisible() and not self._debounce.isActive():
                self._debounce.start()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def hideEvent(self, event) -> None:  # noqa: N802
        self._debounce.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        if not self.tenant:
            return
        self._stale = False
        self.rows = self.ops.core.action_durations(self.tenant, self.runs.value(), self.action_box.currentData())
        self.durations.show_rows(self.rows)
        self.versions.show_stats(by_version(self.rows))
        runs = len({r["execution_id"] for r in self.rows})
        debug = sum(1 for r in self.rows if r.get("debug"))
        self.summary.setText(f"{len(self.rows)} action runs in {runs} executions"
                             + (f"; {debug} in the debugger (own time only, left out of the distributions)"
                                if debug else ""))
        if self.rows and not self.waterfall.bars:
            self.show_waterfall(self.rows[-1])
        self.refreshed.emit(len(self.rows))

    def _log_scale(self, on: bool) -> None:
        self.durations.log_scale = self.versions.log_scale = on
        self.durations.show_rows(self.rows)
        self.versions.show_stats(by_version(self.rows))

    def show_waterfall(self, row: dict) -> None:
        if row.get("flow_run"):
            bars = self.ops.core.waterfall(run_id=row["flow_run"])
            title = f"Waterfall of flow run {row['flow_run'][:8]}"
        else:
            bars = self.ops.core.waterfall(execution_id=row["execution_id"])
            title = f"Waterfall of execution {row['execution_id'][:8]}"
        self.waterfall.show_bars(title, bars)

    def open_row(self, row: dict) -> None:
        """A clicked point: its run's waterfall here, and the flow run in the Simulator."""
        self.show_waterfall(row)
        if row.get("flow_run"):
            self.open_run.emit(row["flow_run"])
