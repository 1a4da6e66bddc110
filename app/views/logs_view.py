"""The Logs area: the tenant's logs (Auth0's shape and type codes) and the console output of recent
executions, appearing live as runs happen (here, or in another process such as the CLI), filterable by
type code, user, action, trigger and free text, with a detail view and an export of the filtered set as
JSON lines."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from emulator import triggers
from emulator.store.logs import is_failure

from .. import icons, theme
from ..widgets.empty_hint import hint

LIMIT = 500
LEVELS = ("log", "info", "warn", "error", "debug", "trace", "stdout", "stderr")  # what the harness records
# (key, heading, width): fixed widths, so User and Application stay on screen at 1280 px; the
# description takes what is left. Long values are elided in the middle, whole on hover.
COLUMNS = [("date", "Date", 190), ("type", "Type", 80), ("description", "Description", 0),
           ("user_name", "User", 190), ("client_name", "Application", 140)]


def _table(headings: list[str], widths: list[int] | None = None) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setHorizontalHeaderLabels(headings)
    header = table.horizontalHeader()
    if widths:
        for col, width in enumerate(widths):
            if width:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
                table.setColumnWidth(col, width)
            else:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        table.setWordWrap(False)
    else:
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return table


class LogsView(QWidget):
    refreshed = Signal(int)  # rows shown, after each refresh
    open_run = Signal(str)  # a flow run id, to reopen in the Simulator
    open_action = Signal(str, object)  # action name, version number (or None): its versions

    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.tenant: str | None = None
        self.records: list[dict] = []
        self._shown: dict | None = None  # the record in the detail pane
        self._links: dict[tuple, dict] = {}  # (tenant, log id) -> its links
        self.type_box = QComboBox()
        self.type_box.addItem("all types", None)
        for code in ("s", "f", "fp", "fu", "ss", "fs", "scpr", "fcpr", "scp", "fcp", "sapi", "actions_execution_failed",
                     "gd_start_enroll", "gd_enrollment_complete", "gd_start_auth", "gd_auth_succeed", "gd_auth_failed",
                     "gd_send_sms", "gd_send_sms_failure", "gd_otp_rate_limit_exceed"):
            self.type_box.addItem(code, code)
        self.trigger_box = QComboBox()
        self.trigger_box.addItem("all triggers", None)
        for trigger_id in triggers.ids():
            self.trigger_box.addItem(trigger_id, trigger_id)
        self.user, self.action, self.search = QLineEdit(), QLineEdit(), QLineEdit()
        for line, placeholder in ((self.user, "user id or e-mail"), (self.action, "action"), (self.search, "search")):
            line.setPlaceholderText(placeholder)
            line.textChanged.connect(lambda _: self._debounce.start())
        self.type_box.currentIndexChanged.connect(lambda _: self.refresh())
        self.trigger_box.currentIndexChanged.connect(lambda _: self.refresh())
        export = QPushButton("Export JSON lines…")
        export.clicked.connect(self.export_dialog)
        icons.use(export, "export")
        self.table = _table([h for _, h, _w in COLUMNS], [w for _k, _h, w in COLUMNS])
        self.table.currentCellChanged.connect(lambda row, *_: self._detail(row))
        hint(self.table, lambda: "No log line matches these filters." if any(self.filters().values()) else
             "The tenant's logs (Auth0's types: s, f, fp, sapi…) appear here as logins, signups and API calls "
             "happen, here or in the CLI and `serve` on this workspace.")
        self.detail = QPlainTextEdit(readOnly=True)
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        # Where the selected line leads: its run, its executions, the failed action's version.
        self.links = QLabel()
        self.links.setWordWrap(True)
        self.links.linkActivated.connect(self._follow)
        self.console = _table(["Time", "Trigger", "Action", "Level", "Message"])
        # The console reads as a terminal does: oldest at the top, newest at the bottom, whatever run it
        # came from; filtered by level and action.
        self.level_box = QComboBox()
        self.level_box.addItem("all levels", None)
        for level in LEVELS:
            self.level_box.addItem(level, level)
        self.console_action = QComboBox()
        self.console_action.addItem("all actions", None)
        hint(self.console, lambda: "No console line matches these filters." if self.level_box.currentData()
             or self.console_action.currentData() else
             "What actions print (console.log, warn, error) appears here, oldest first, from every run.")
        for box in (self.level_box, self.console_action):
            box.currentIndexChanged.connect(lambda _: self._refresh_console())

        filters = QHBoxLayout()
        for w in (self.type_box, self.trigger_box, self.user, self.action, self.search, export):
            filters.addWidget(w)
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.links)
        dl.addWidget(self.detail)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        tenant_logs = QWidget()
        tl = QVBoxLayout(tenant_logs)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addLayout(filters)
        tl.addWidget(split)
        self.tabs = QTabWidget()
        self.tabs.addTab(tenant_logs, "Tenant logs")
        console = QWidget()
        cl = QVBoxLayout(console)
        cl.setContentsMargins(0, 0, 0, 0)
        console_filters = QHBoxLayout()
        for w in (QLabel("Level:"), self.level_box, QLabel("Action:"), self.console_action):
            console_filters.addWidget(w)
        console_filters.addStretch()
        cl.addLayout(console_filters)
        cl.addWidget(self.console)
        self.tabs.addTab(console, "Console output")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.refresh)
        # Records written by other processes (the CLI on the same workspace) show up too, checked while
        # the view is on screen (a hidden or closed view does no work).
        self._stale = False
        self._poll = QTimer(self, interval=1000)
        self._poll.timeout.connect(self._poll_new)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()
        else:
            self._poll_new()
        self._poll.start()

    def hideEvent(self, event) -> None:  # noqa: N802
        self._poll.stop()
        super().hideEvent(event)

    def set_tenant(self, tenant: str | None) -> None:
        self.tenant = tenant
        self.refresh()

    def filters(self) -> dict:
        return {"type_": self.type_box.currentData(), "trigger_id": self.trigger_box.currentData(),
                "user": self.user.text().strip() or None, "action": self.action.text().strip() or None,
                "search": self.search.text().strip() or None}

    def refresh(self) -> None:
        self._stale = False
        shown = self._shown_id()
        self.records = self.ops.core.logs(self.tenant, limit=LIMIT, **self.filters()) if self.tenant else []
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for record in self.records:
            row = self.table.rowCount()
            self.table.insertRow(row)
            failed = is_failure(record.get("type") or "")
            for col, (key, _h, _w) in enumerate(COLUMNS):
                item = QTableWidgetItem(str(record.get(key) or ""))
                item.setToolTip(item.text())
                if failed:
                    item.setForeground(theme.color("error"))
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)
        # The detail pane keeps its record while that record is listed, and is cleared when it is not.
        row = next((i for i, r in enumerate(self.records) if shown and r.get("log_id") == shown), None)
        if row is None:
            self._shown = None
            self.detail.clear()
            self.links.clear()
        else:
            self.table.selectRow(row)
        self._refresh_console()
        self.refreshed.emit(len(self.records))

    def console_lines(self) -> list[dict]:
        """The recent executions' console lines, oldest first, as the console's filters leave them."""
        if not self.tenant:
            return []
        lines = []
        executions = self.ops.core.executions(self.tenant, limit=50)
        for age, execution in enumerate(executions):
            for step, result in enumerate(execution["results"]):
                for n, entry in enumerate(result["emulator"]["logs"]):
                    # Runs are listed newest first and lines within a run oldest first: ordered by the
                    # line's own time, then (within one millisecond) by run, action in its chain, line.
                    lines.append({"time": entry["time"], "n": (-age, step, n), "trigger_id": execution["trigger_id"],
                                  "action": result["action_name"], "level": entry["level"],
                                  "message": entry["message"]})
        lines.sort(key=lambda line: (line["time"], line["n"]))
        level, action = self.level_box.currentData(), self.console_action.currentData()
        return [line for line in lines if (level is None or line["level"] == level)
                and (action is None or line["action"] == action)]

    def _refresh_console(self) -> None:
        lines = self.console_lines()
        self._fill_console_actions()
        self.console.setRowCount(0)
        for line in lines:
            row = self.console.rowCount()
            self.console.insertRow(row)
            values = (self.ops.core.ws.clock.iso(line["time"]), line["trigger_id"], line["action"], line["level"],
                      line["message"])
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if line["level"] in ("error", "stderr", "warn"):
                    item.setForeground(theme.color("warning" if line["level"] == "warn" else "error"))
                self.console.setItem(row, col, item)
        self.console.scrollToBottom()

    def _fill_console_actions(self) -> None:
        """The action filter offers the tenant's actions; the chosen one stays chosen."""
        names = sorted(a["name"] for a in self.ops.core.actions(self.tenant)) if self.tenant else []
        shown = [self.console_action.itemText(i) for i in range(1, self.console_action.count())]
        if names == shown:
            return
        chosen = self.console_action.currentData()
        self.console_action.blockSignals(True)
        self.console_action.clear()
        self.console_action.addItem("all actions", None)
        for name in names:
            self.console_action.addItem(name, name)
        index = self.console_action.findData(chosen)
        self.console_action.setCurrentIndex(max(index, 0))
        self.console_action.blockSignals(False)

    def _poll_new(self) -> None:
        if not self.tenant:
            return
        newest = self.ops.core.logs(self.tenant, limit=1)
        if newest and (not self.records or newest[0]["log_id"] != self.records[0].get("log_id")):
            self.refresh()

    def _shown_id(self) -> str | None:
        return self._shown.get("log_id") if self._shown else None

    def _detail(self, row: int) -> None:
        if 0 <= row < len(self.records):
            self._shown = self.records[row]
            self.detail.setPlainText(json.dumps(self._shown, indent=2))
            # Once a line's run is found its links never change: looked up once (a refresh reselects
            # the row); without a run yet (its journey still being stored), asked again next time.
            key = (self.tenant, self._shown.get("log_id"))
            links = self._links.get(key) or self.ops.core.log_links(self.tenant, self._shown)
            if links["run"]:
                self._links[key] = links
            parts = []
            if links["run"]:
                parts.append(f"<a href='run:{links['run']}'>Open its run in the Simulator</a>")
            parts += [f"<a href='execution:{e}'>Execution {e[:12]}…</a>" for e in links["executions"]]
            action = links["action"]
            if action:
                version = f" v{action['version']}" if action.get("version") else ""
                parts.append(f"<a href='action:{action['name']}:{action.get('version') or ''}'>"
                             f"{action['name']}{version}</a>")
            self.links.setText(" · ".join(parts))

    def _follow(self, target: str) -> None:
        kind, _, value = target.partition(":")
        if kind == "run":
            self.open_run.emit(value)
        elif kind == "execution":
            self.detail.setPlainText(json.dumps(self.ops.core.execution(value), indent=2))
            self.links.setText(self.links.text() + " · <a href='record:'>Back to the log line</a>")
        elif kind == "record" and self._shown:
            self._detail(self.records.index(self._shown) if self._shown in self.records else -1)
        elif kind == "action":
            name, _, version = value.partition(":")
            self.open_action.emit(name, int(version) if version else None)

    def export(self, path: str) -> int:
        """The filtered records as JSON lines, oldest first. Returns how many were written."""
        with open(path, "w", encoding="utf-8") as f:
            for record in reversed(self.records):
                f.write(json.dumps(record) + "\n")
        return len(self.records)

    def export_dialog(self) -> None:
        path = QFileDialog.getSaveFileName(self, "Export logs", "logs.jsonl", "JSON lines (*.jsonl)")[0]
        if path:
            self.export(path)

    def apply_changes(self, changes) -> None:
        if self.tenant and (self.tenant in changes.logs or changes.executions):
            if self.isVisible():
                self.refresh()
            else:  # a batch's runs are not redrawn into a table nobody sees; caught up when shown
                self._stale = True
