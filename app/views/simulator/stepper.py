"""Where a run is: the journey's states (done, current, to do), the trigger chain being stepped with each
action's breakpoint, and the earlier runs of the tenant, any of which can be reopened."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ... import theme
from ...widgets import badges
from ...widgets.empty_hint import hint

MARKS = {"done": "✓", "current": "▶", "next": "▶", "todo": "○", "failed": "✗", "skipped": "–"}
CURRENT_ALPHA = 70  # the current row: the palette's highlight, faint, so its text stays readable in any theme


class Stepper(QWidget):
    def __init__(self):
        super().__init__()
        self.states, self.chain = QListWidget(), QListWidget()
        self.chain_title = QLabel("Chain")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Flow states"))
        layout.addWidget(self.states)
        layout.addWidget(self.chain_title)
        layout.addWidget(self.chain)

    def show_view(self, view: dict | None) -> None:
        self.states.clear()
        self.chain.clear()
        if view is None:
            self.chain_title.setText("Chain")
            return
        for s in view["stepper"]:
            suffix = {"failed": "  (the run ended here)", "skipped": "  (not run)"}.get(s["mark"], "")
            self._add(self.states, f"{MARKS[s['mark']]}  {s['label']}{suffix}", s["mark"] == "current", s["mark"])
        self._fit(self.states, self.states.count())  # a handful of states: no empty space below them
        chain = view["chain"]
        self.chain_title.setText(f"Chain: {chain['trigger']}" if chain else "Chain (none running)")
        for a in (chain or {}).get("actions", []):
            dot = "● " if a["breakpoint"] else ""
            self._add(self.chain, f"{MARKS[a['mark']]}  {dot}{a['name']} v{a['version']}", a["mark"] == "next")
        self._fit(self.chain, max(4, self.chain.count()))

    @staticmethod
    def _fit(widget: QListWidget, rows: int) -> None:
        row = widget.sizeHintForRow(0) if widget.count() else widget.fontMetrics().height() + 2
        widget.setMaximumHeight(row * rows + 2 * widget.frameWidth() + 4)

    @staticmethod
    def _add(widget: QListWidget, text: str, current: bool, mark: str = "") -> None:
        item = QListWidgetItem(text)
        if mark == "failed":
            item.setForeground(theme.color("error"))
        elif mark == "skipped":
            item.setForeground(widget.palette().color(QPalette.ColorRole.PlaceholderText))
        if current:
            tint = QColor(widget.palette().color(QPalette.ColorRole.Highlight))
            tint.setAlpha(CURRENT_ALPHA)
            item.setBackground(QBrush(tint))
            font = QFont(item.font())
            font.setBold(True)
            item.setFont(font)
        widget.addItem(item)

    def current_state(self) -> str:
        for i in range(self.states.count()):
            if self.states.item(i).text().startswith(MARKS["current"]):
                return self.states.item(i).text()
        return ""


class RunList(QListWidget):
    """The tenant's recent runs, newest first; activating one reopens it."""

    reopen = Signal(str)  # run id

    def __init__(self):
        super().__init__()
        self.itemActivated.connect(lambda item: self.reopen.emit(item.data(Qt.ItemDataRole.UserRole)))
        badges.install(self)
        hint(self, "The tenant's journeys appear here, newest first: from this view, `serve` or the CLI. "
                   "Click one to reopen it.")
        self.itemClicked.connect(lambda item: self.reopen.emit(item.data(Qt.ItemDataRole.UserRole)))

    def show_runs(self, runs: list[dict], kinds: dict[str, str], current: str | None) -> None:
        self.blockSignals(True)
        self.clear()
        for r in runs:
            who = " · ".join(x for x in (r.get("user"), r.get("application")) if x)
            took = f" · {r['ms']:.0f} ms" if r.get("ms") is not None else ""
            item = QListWidgetItem(f"{r['created_at'][11:19]}  {kinds.get(r['kind'], r['kind'])}  {r['status']}"
                                   f"{took}\n        {who}" if who else
                                   f"{r['created_at'][11:19]}  {kinds.get(r['kind'], r['kind'])}  {r['status']}{took}")
            item.setData(Qt.ItemDataRole.UserRole, r["id"])
            badges.mark(item, r["status"])
            item.setToolTip(f"run {r['id']}, created {r['created_at']}, last step {r['updated_at']}")
            self.addItem(item)
            if r["id"] == current:
                self.setCurrentItem(item)
        self.blockSignals(False)
