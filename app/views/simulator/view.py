"""The Simulator area: pick a journey, an application and a user; Step (F10) one state or one action at a
time, or Run (F5) to the next pause; stop at breakpoints and edit the event; answer OTPs, redirects and
forms; see each action's commands and console, the state so far, the tokens and the tenant logs; re-run
or reopen earlier runs; run a batch of many runs with progress and Cancel. All core work is awaited on
the qasync loop, so the window keeps redrawing while Node runs."""
from __future__ import annotations

import asyncio
import html
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea, QSizePolicy, QSpinBox,
                               QSplitter, QTabWidget, QVBoxLayout, QWidget)

from emulator.changes import Changes
from emulator.errors import EmulatorError
from emulator.flows import engine
from emulator.flows.batch import BatchResult, run_batch
from emulator.flows.engine import Answers

# Runs of a batch in flight at once in the app: two keep Node busy while Qt still gets the loop back
# between steps often enough to redraw (four, as the CLI's bench runs, made repaints late here).
APP_IN_FLIGHT = 2

from ... import icons, theme
from ...widgets.badges import Badge
from .details import RunDetails
from .prompt import PromptPanel
from .setup import Breakpoints, RunSetup
from .stepper import RunList, Stepper



def banner_style() -> str:
    """The deterministic-mode banner: the theme's warning colours, light or dark."""
    return (f"background: {theme.css('warning_bg')}; color: {theme.css('warning')}; padding: 4px 8px; "
            f"border: 1px solid {theme.css('warning')}; font-weight: bold")
LIVE_EVERY_S = 1.0  # during a batch, tell the other views what changed at most this often


def _scrolling(widget: QWidget) -> QScrollArea:
    """Tall parts scroll rather than set the window's minimum height."""
    scroll = QScrollArea()
    scroll.setWidget(widget)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    return scroll


class SimulatorView(QWidget):
    stepped = Signal(object)  # the FlowRun, once a Step or Run has been rendered
    batch_finished = Signal(object)  # the BatchResult (cut short if cancelled)
    show_timings = Signal()  # the batch summary's link into Timings

    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.tenant: str | None = None
        self.run = None
        self._task: asyncio.Task | None = None
        self._batch: asyncio.Task | None = None
        self.redirect_answer: tuple[str, dict] | None = None  # (secret name, claims) the user signed once
        self.setup = RunSetup(ops)
        self.setup.kind_changed.connect(self._kind_changed)
        self.setup.deterministic.toggled.connect(self._show_banner)
        self.setup.seed.valueChanged.connect(self._show_banner)
        self.breakpoints = Breakpoints()
        self.breakpoints.changed.connect(self._breakpoints_changed)
        self.stepper, self.runs, self.prompt, self.details = Stepper(), RunList(), PromptPanel(ops.editors), RunDetails()
        self.runs.reopen.connect(self.reopen)
        self.prompt.link_activated.connect(self._link)
        # An answer goes on the way the person last moved: one step after Step, to the next pause after Run.
        self._run_all = False
        self.prompt.answered.connect(lambda answer: self.advance(self._run_all, answer))
        self.prompt.sign_requested.connect(self._sign)
        self.prompt.auto_requested.connect(self._auto_answer)
        self.banner = QLabel()
        self.banner.setStyleSheet(banner_style())
        theme.notifier.changed.connect(self._restyle_banner)  # a bound method: gone with the view
        self.banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)  # one line, not half the view
        self.status = QLabel("No run yet.")
        self.status_badge = Badge()  # the run's status as every view shows it
        self.step_button, self.run_button = QPushButton("Step  (F10)"), QPushButton("Run  (F5)")
        self.rerun_button, self.new_button = QPushButton("Re-run"), QPushButton("New run")
        self.step_button.clicked.connect(lambda: self.advance(False))
        self.run_button.clicked.connect(lambda: self.advance(True))
        self.rerun_button.clicked.connect(self.rerun)
        self.new_button.clicked.connect(self.new_run)
        for button, name, primary in ((self.step_button, "step", False), (self.run_button, "run", True),
                                      (self.rerun_button, "rerun", False), (self.new_button, "new", False)):
            icons.use(button, name, primary)
        self.step_keys = []
        for text, key, slot in (("Step", "F10", lambda: self.advance(False)), ("Run", "F5", lambda: self.advance(True))):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            self.step_keys.append(action)
        self.batch_count = QSpinBox()
        self.batch_count.setRange(1, 100_000)
        self.batch_count.setValue(1000)
        self.batch_count.setSuffix(" runs")
        self.batch_button, self.cancel_button = QPushButton("Run batch"), QPushButton("Cancel")
        self.batch_button.setToolTip("Run the journey end to end many times, answering as the user would "
                                     "(codes from the outbox, redirects come back)")
        self.batch_button.clicked.connect(self.start_batch)
        self.cancel_button.clicked.connect(self.cancel_batch)
        self.cancel_button.setEnabled(False)
        icons.use(self.batch_button, "batch")
        icons.use(self.cancel_button, "cancel")
        self.batch_progress = QProgressBar()
        self.batch_progress.setFormat("%v / %m runs")
        self.batch_label = QLabel()
        self._layout()

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for w in (self.new_button, self.step_button, self.run_button, self.rerun_button):
            buttons.addWidget(w)
        batch = QHBoxLayout()
        for w in (self.batch_count, self.batch_button, self.cancel_button):
            batch.addWidget(w)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.setup)
        ll.addLayout(buttons)
        ll.addLayout(batch)
        ll.addWidget(self.batch_progress)
        ll.addWidget(self.batch_label)
        lower = QTabWidget()
        lower.addTab(self.breakpoints, "Breakpoints")
        lower.addTab(self.runs, "Earlier runs")
        ll.addWidget(lower, 1)
        middle = QWidget()
        ml = QVBoxLayout(middle)
        ml.setContentsMargins(0, 0, 0, 0)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_badge)
        status_row.addWidget(self.status, 1)
        ml.addLayout(status_row)
        ml.addWidget(self.stepper)  # as tall as its rows
        ml.addWidget(_scrolling(self.prompt), 1)
        split = QSplitter()
        for w in (_scrolling(left), middle, self.details):
            split.addWidget(w)
        split.setStretchFactor(1, 2)
        split.setStretchFactor(2, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(split)
        self._show_banner()

    # ---- tenant and setup -------------------------------------------------------------------------------
    def set_tenant(self, tenant: str | None) -> None:
        self.tenant = tenant
        self.run = None
        self.setup.set_tenant(tenant)
        self._kind_changed(self.setup.kind)
        self.render()

    def apply_changes(self, changes: Changes) -> None:
        if not self.tenant:
            return
        batch_running = self._batch and not self._batch.done()
        if any(t == self.tenant for t, _ in changes.users) and not batch_running:
            self.setup.reload_users()
        if any(t == self.tenant for t, _ in changes.bindings):
            self._kind_changed(self.setup.kind)
        if any(t == self.tenant for t, _ in changes.flow_runs) and not batch_running and not self.busy:
            # Runs made elsewhere (a real login through Serve): the Earlier runs list shows them.
            self.runs.show_runs(self.ops.core.flow_runs(self.tenant), self.ops.core.flow_kinds(),
                                self.run.id if self.run else None)

    def _kind_changed(self, kind: str) -> None:
        if self.tenant and kind:
            selected = self.breakpoints.selected() if self.breakpoints.topLevelItemCount() else []
            self.breakpoints.set_choices(self.ops.core.breakpoint_choices(self.tenant, kind), selected)

    def _breakpoints_changed(self, names: list[str]) -> None:
        if self.run and not self.run.done:  # applies from the next step of the current run
            self.run.breakpoints = names
            self.render()

    def _show_banner(self, *_: object) -> None:
        det = self.run.deterministic if self.run else None
        if det or (self.run is None and self.setup.deterministic.isChecked()):
            self.banner.setText(engine.describe_deterministic(det, self.setup.seed.value()))
            self.banner.show()
        else:
            self.banner.hide()

    # ---- running ------------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return bool(self._task and not self._task.done())

    def new_run(self) -> bool:
        if not self.tenant or self.busy:
            return False
        p = self.setup.params()
        started = self.ops.call(self, self.ops.core.start_flow, self.tenant, p["kind"], p["inputs"],
                                client=p["client"], breakpoints=self.breakpoints.selected(),
                                deterministic=p["deterministic"], seed=p["seed"])
        if started is None:
            return False
        self.run = started[0]
        self.render()
        return True

    def _restyle_banner(self, *_: object) -> None:
        self.banner.setStyleSheet(banner_style())

    def show_debugger_pause(self, pause) -> None:
        """While the debugger holds this view's journey inside an action, say so (the event page, already
        sent, would mislead); when it goes on, the usual pages come back."""
        if pause is None:
            if self.run is not None and not self.busy:
                self.render()
            elif self.run is not None:
                self.status.setText(self.status.text().split(" · paused in ")[0])
                self.prompt.show_wait(None, idle_text="Running…")
            return
        if self.run is None or self.run.done:
            return  # the pause belongs to a Test run or a served login, not to this view's journey
        where = pause.describe()
        self.prompt.show_wait(None, idle_text=f"Paused in {where} (debugger). The Debugger pane continues (F5) "
                                              f"or steps (F10, F11).")
        self.status.setText(f"{self.status.text().split(' · paused in ')[0]} · paused in {where} (debugger)")

    def set_step_keys(self, on: bool) -> None:
        """F10 and F5 belong to the debugger while it holds a run."""
        for action in self.step_keys:
            action.setEnabled(on)

    def advance(self, run_all: bool, answer: dict | None = None) -> asyncio.Task | None:
        """Step (one unit) or Run (until the run ends or pauses), starting a new run if none is open."""
        if self.busy or not self.tenant:
            return None
        if (self.run is None or self.run.done) and not self.new_run():
            return None
        if self.run.waiting and answer is None:
            answer = self.prompt.current_answer()
            if answer is None:
                self.status.setText(f"The run waits for {self.run.waiting['for']}: answer it first.")
                return None
        self._run_all = run_all
        self._set_running(True)
        self._task = self.ops.run("Stepping…" if not run_all else "Running…", self._go(run_all, answer),
                                  self._stepped, self._failed)
        return self._task

    async def _go(self, run_all: bool, answer: dict | None):
        core = self.ops.core
        run, changes = await core.step_flow(self.run, answer)
        while run_all and not run.done and not run.waiting:
            run, more = await core.step_flow(run)
            changes |= more
        return run, changes

    def _stepped(self, result) -> None:
        self.run = result[0]
        self._set_running(False)
        self.render()
        self.stepped.emit(self.run)

    def _failed(self, exc: Exception) -> None:
        self._set_running(False)
        self.status.setText(f"Not done: {exc}")
        self.stepped.emit(self.run)

    def _set_running(self, on: bool) -> None:
        for w in (self.step_button, self.run_button, self.rerun_button, self.new_button, self.batch_button):
            w.setEnabled(not on)

    def rerun(self) -> asyncio.Task | None:
        """The same inputs and settings again, run to the first pause."""
        if self.run is None or self.busy:
            return None
        started = self.ops.call(self, self.ops.core.rerun_flow, self.run)
        if started is None:
            return None
        self.run = started[0]
        return self.advance(True)

    def reopen(self, run_id: str) -> None:
        if self.busy:
            return
        try:
            self.run = self.ops.core.flow_run(run_id)
        except EmulatorError as exc:
            self.status.setText(str(exc))
            return
        self.setup.set_kind(self.run.kind)
        self.breakpoints.set_choices(self.ops.core.breakpoint_choices(self.tenant, self.run.kind), self.run.breakpoints)
        self.render()

    def _sign(self, secret_name: str, claims: dict) -> None:
        token = self.ops.call(self, self.ops.core.redirect_token, self.run, claims, secret_name=secret_name)
        if token:
            self.prompt.set_session_token(token)
            # The answer given once: a batch comes back from the same redirect with these claims.
            self.redirect_answer = (secret_name, claims)

    def _auto_answer(self) -> None:
        answer = self.ops.core.auto_answer(self.run) if self.run else None
        if answer is None:
            self.status.setText("Nothing in the outbox answers this yet.")
        elif "otp" in answer:
            self.prompt.set_otp(answer["otp"])
        else:
            self.advance(self._run_all, answer)

    # ---- rendering ---------------------------------------------------------------------------------------
    def render(self) -> None:
        core, run = self.ops.core, self.run
        kinds = core.flow_kinds()
        self._show_banner()
        if self.tenant:
            self.runs.show_runs(core.flow_runs(self.tenant), kinds, run.id if run else None)
            self.details.show_outbox(core.outbox(self.tenant))
        if run is None:
            self.stepper.show_view(None)
            self.prompt.show_wait(None)
            self.status_badge.set_status(None)
            self.status.setText("No run yet: Step (F10) or Run (F5) starts one.")
            return
        view = core.flow_view(run)
        self.stepper.show_view(view)
        self.details.show_view(view)
        waiting = run.waiting or {}
        self.status_badge.set_status(run.status)
        self.status.setText(f"{kinds.get(run.kind, run.kind)} run {run.id[:8]} · {run.status}"
                            + (f" · waiting for {waiting['for']}" if waiting else ""))
        if run.done:
            error = run.error or {}  # /oauth shape {error, error_description}, or /dbconnections {code, description}
            code = error.get("error") or error.get("code")
            message = error.get("error_description") or error.get("description") or error.get("message")
            text = run.status.upper() + (f": {code}: {message}" if error else "")
            self.prompt.show_wait(None, done_text=text + "\n\nRe-run repeats it with the same inputs.")
        else:
            secrets = core.redirect_secret_names(run) if waiting.get("for") == "continue" else []
            self.prompt.show_wait(run.waiting, secrets=secrets, idle_text=self._where(view))

    def _link(self, target: str) -> None:
        kind, _, value = target.partition(":")
        if kind == "run":
            self.reopen(value)
        elif kind == "timings":
            self.show_timings.emit()

    @staticmethod
    def _where(view: dict) -> str:
        """Where a run between steps is, and what the keys do next."""
        keys = "F10 steps, F5 continues"
        chain = view.get("chain") or {}
        following = next((a for a in chain.get("actions", []) if a["mark"] == "next"), None)
        if following:
            return f"Paused before {following['name']} ({chain['trigger']}): {keys}."
        current = next((s for s in view["stepper"] if s["mark"] == "current"), None)
        return f"Next: {current['label']}: {keys}." if current else f"Paused: {keys}."

    # ---- batch ----------------------------------------------------------------------------------------------
    def start_batch(self) -> asyncio.Task | None:
        if not self.tenant or self.busy or (self._batch and not self._batch.done()):
            return None
        p, count = self.setup.params(), self.batch_count.value()
        self.batch_result = BatchResult()
        self.batch_progress.setRange(0, count)
        self.batch_progress.setValue(0)
        self._set_running(True)
        self.cancel_button.setEnabled(True)
        started, last_emit = time.perf_counter(), [time.perf_counter()]

        def progress(done: int, run) -> None:
            self.batch_progress.setValue(done)
            rate = done / max(time.perf_counter() - started, 1e-6)
            self.batch_label.setText(f"{done}/{count} runs · {rate:.1f} runs/s · {self._statuses()}")
            if time.perf_counter() - last_emit[0] >= LIVE_EVERY_S:  # live logs and charts, not per run
                last_emit[0] = time.perf_counter()
                self.ops.changed.emit(Changes(logs=frozenset([self.tenant]), executions=frozenset(
                    e["id"] for e in run.executions)))

        async def batch():
            try:
                secret, claims = self.redirect_answer or (None, {})
                await run_batch(self.ops.core, self.tenant, p["kind"], p["inputs"], count, client=p["client"],
                                deterministic=p["deterministic"], seed=p["seed"], on_progress=progress,
                                result=self.batch_result, in_flight=APP_IN_FLIGHT,
                                answers=Answers(auto=True, continue_claims=claims, continue_secret=secret))
            except EmulatorError as exc:
                self.batch_label.setText(f"Not done: {exc}")
            finally:
                self._batch_done(time.perf_counter() - started)

        self._batch = asyncio.ensure_future(batch())
        self.ops.tasks.add(self._batch)
        self._batch.add_done_callback(self.ops.tasks.discard)
        return self._batch

    def _statuses(self) -> str:
        return ", ".join(f"{n} {s}" for s, n in sorted(self.batch_result.statuses.items()))

    def _batch_done(self, seconds: float) -> None:
        result = self.batch_result
        self._set_running(False)
        self.cancel_button.setEnabled(False)
        cancelled = " (cancelled)" if result.runs < self.batch_count.value() else ""
        self.batch_label.setText(f"{result.runs} runs in {seconds:.1f} s{cancelled} · {self._statuses()}")
        self.ops.changed.emit(Changes(logs=frozenset([self.tenant]), flow_runs=frozenset(
            (self.tenant, i) for i in result.run_ids[-50:])))
        # The batch's own summary replaces whatever run was showing before it.
        self.run = None
        self.render()
        self.status.setText(f"Batch: {result.runs} runs{cancelled}")
        self.prompt.show_wait(None, done_text=self.batch_summary(result, seconds, cancelled))
        self.batch_finished.emit(result)

    def batch_summary(self, result: BatchResult, seconds: float, cancelled: str = "") -> str:
        """Rich text: the counts, the times, the first failures (each opens its run), a link to Timings."""
        ms = sorted(result.ms)
        p50 = ms[len(ms) // 2] if ms else 0.0
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))] if ms else 0.0
        lines = [f"<b>Batch: {result.runs} runs in {seconds:.1f} s{cancelled}</b> "
                 f"({result.runs / max(seconds, 1e-6):.1f} runs/s)", f"Outcomes: {self._statuses() or 'none'}",
                 f"Run time: p50 {p50:.0f} ms, p95 {p95:.0f} ms"]
        if result.failures:
            lines.append(f"<span style='color:{theme.css('error')}'>Failures (first {len(result.failures)}):</span>")
            lines += [f"<a href='run:{run_id}'>{run_id[:8]}</a> {status}{': ' + html.escape(text) if text else ''}"
                      for run_id, status, text in result.failures]
        lines.append("<a href='timings:'>See the batch in Timings</a>")
        return "<br>".join(lines)

    def cancel_batch(self) -> None:
        if self._batch and not self._batch.done():
            self._batch.cancel()
