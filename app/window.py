"""The main window: a tenant switcher, the Actions and Flows areas, menus with shortcuts, import and
export with progress, settings, and a window that remembers its layout and last tenant. It renders what
the core returns and calls the core; every Auth0 rule lives in emulator/."""
from __future__ import annotations

import asyncio

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QComboBox, QDockWidget, QFileDialog, QInputDialog, QLabel, QMainWindow,
                               QMessageBox, QProgressDialog, QTabWidget, QToolBar)

from emulator.emulator import Emulator
from emulator.errors import EmulatorError

from . import edit_menu, theme
from .ops import Ops
from .startup import open_core
from .views.actions_view import ActionsView
from .views.bindings_view import BindingsView
from .views.compare_view import CompareView
from .views.debugger import DebuggerPane
from .views.serve_control import ServeControl
from .views.logs_view import LogsView
from .views.settings_dialog import SettingsDialog
from .views.simulator import SimulatorView
from .views.tenant_view import TenantView
from .views.timings_view import TimingsView
from .widgets.editors import EditorKit
from .widgets.monaco import assets

# What the status bar says about containment (the README's behaviour notes say the same).
CONFINED_TIP = ("Node's permission model confines action code: it reads only its dependencies, writes no "
                "file, starts no process and signals none.")
NOT_CONFINED_TIP = ("This Node has no permission model: action code can read any file you can read (your "
                    "workspace included) and start processes. Give the action the node22 runtime, or choose "
                    "Node 22 in Settings (type 22), to confine it.")
ISOLATED_TIP = ("On every Node each action version runs in a V8 isolate of its own: what one action does "
                "cannot change what is reported for another, nor reach another's secrets.")
RUNTIME_TIP = ("Each action runs on the Node of its runtime (Dependencies & secrets): node22, Auth0's default, on "
               "the official Node 22, downloaded once (about 30 MB, 185 MB on disk) and reused offline; node18 on the bundled "
               "Node. Offline with no Node 22 yet, a node22 action runs on the bundled Node and its console "
               "says so. A Node chosen in Settings runs every action.")


class MainWindow(QMainWindow):
    imported = Signal(str)  # tenant, once an import finished (or was refused: then "")
    exported = Signal(str)  # folder, once an export finished (or failed: then "")

    def __init__(self, core: Emulator, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or QSettings()
        self.ops = Ops(core)
        self.ops.editors = EditorKit(self.settings.value("editor", "monaco", str))
        self.resize(1320, 820)
        self.tenant_box = QComboBox()
        self.tenant_box.setMinimumWidth(180)
        self.tenant_box.currentTextChanged.connect(self._tenant_changed)
        self.actions_view = ActionsView(self.ops)
        self.bindings_view = BindingsView(self.ops)
        self.simulator_view = SimulatorView(self.ops)
        self.compare_view = CompareView(self.ops)
        self.logs_view = LogsView(self.ops)
        self.timings_view = TimingsView(self.ops)
        self.tenant_view = TenantView(self.ops)
        self.timings_view.open_run.connect(self.open_flow_run)
        self.logs_view.open_run.connect(self.open_flow_run)
        self.logs_view.open_action.connect(self.open_action_version)
        self.simulator_view.show_timings.connect(lambda: self.tabs.setCurrentWidget(self.timings_view))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.actions_view, "Actions")
        self.tabs.addTab(self.bindings_view, "Flows")
        self.tabs.addTab(self.simulator_view, "Simulator")
        self.tabs.addTab(self.compare_view, "Compare")
        self.tabs.addTab(self.logs_view, "Logs")
        self.tabs.addTab(self.timings_view, "Timings")
        self.tabs.addTab(self.tenant_view, "Tenant")
        self.setCentralWidget(self.tabs)
        self.debugger = DebuggerPane(self.ops)
        self.debugger_dock = QDockWidget("Debugger", self)
        self.debugger_dock.setObjectName("debugger-dock")
        self.debugger_dock.setWidget(self.debugger)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.debugger_dock)
        self.debugger_dock.hide()
        self.debugger.show_requested.connect(self._show_debugger)
        # While the debugger holds a run, F5/F10 are its keys, not the Simulator's Run and Step.
        self.debugger.paused_changed.connect(lambda paused: self.simulator_view.set_step_keys(not paused))
        # ...and the Simulator says where the debugger holds its journey, instead of the page it had.
        self.debugger.paused_changed.connect(
            lambda paused: self.simulator_view.show_debugger_pause(self.debugger.pause if paused else None))
        # The pane opens by itself at a pause and closes by itself once the run has gone on for a moment
        # without pausing again (a step pauses again at once: no flicker), giving the views their room back.
        self._debugger_hide = QTimer(self)
        self._debugger_hide.setSingleShot(True)
        self._debugger_hide.setInterval(1500)
        self._debugger_hide.timeout.connect(lambda: self.debugger.paused or self.debugger_dock.hide())
        self.debugger.paused_changed.connect(lambda paused: paused or self._debugger_hide.start())
        self.node_label = QLabel("Node: starting…")
        self.editor_label = QLabel(self.ops.editors.describe())
        self.ops.editors.status.connect(self.editor_label.setText)
        self.statusBar().addPermanentWidget(self.editor_label)
        self.statusBar().addPermanentWidget(self.node_label)
        self._build_menus()
        # Bound methods, not lambdas: Qt disconnects them when this window goes, so late work never
        # reaches a deleted widget.
        self.ops.changed.connect(self._changed)
        self.ops.busy.connect(self._show_busy)
        self.actions_view.dirty_changed.connect(self._update_title)
        # Coverage: a journey's or a batch's lines, once it is over (a step of a journey is not a run).
        self.simulator_view.stepped.connect(lambda run: run.done and self.actions_view.spawn_coverage())
        self.simulator_view.batch_finished.connect(lambda _result: self.actions_view.spawn_coverage())
        self.actions_view.deployed.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.bindings_view.notice.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self._update_title()
        self.reload_tenants(self.settings.value("last_tenant", "", str))
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.tabs.setCurrentIndex(int(self.settings.value("tab", 0)))

    def _show_debugger(self) -> None:
        self._debugger_hide.stop()
        opening = not self.debugger_dock.isVisible()
        self.debugger_dock.show()
        self.debugger_dock.raise_()
        if opening:  # a third of the window: the view above keeps its room (and can be dragged back)
            self.resizeDocks([self.debugger_dock], [max(240, self.height() // 3)], Qt.Orientation.Vertical)

    def _show_busy(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    @property
    def views(self) -> tuple:
        return (self.actions_view, self.bindings_view, self.simulator_view, self.compare_view, self.logs_view,
                self.timings_view, self.tenant_view)

    def open_flow_run(self, run_id: str) -> None:
        """Reopen a stored run in the Simulator (from a point clicked in Timings)."""
        self.simulator_view.reopen(run_id)
        self.tabs.setCurrentWidget(self.simulator_view)

    def open_action_version(self, name: str, version: int | None) -> None:
        """Show an action's versions (from a log line), with that version selected."""
        self.tabs.setCurrentWidget(self.actions_view)
        self.actions_view.select(name)
        self.actions_view.tabs.setCurrentWidget(self.actions_view.versions)
        if version is not None:
            self.actions_view.versions.select_version(version)

    @property
    def core(self) -> Emulator:
        return self.ops.core

    def _build_menus(self) -> None:
        toolbar = QToolBar("Tenant")
        toolbar.setObjectName("tenant-toolbar")
        toolbar.addWidget(QLabel(" Tenant: "))
        toolbar.addWidget(self.tenant_box)
        self.serve = ServeControl(self.ops)
        toolbar.addWidget(self.serve)
        self.addToolBar(toolbar)
        menus = {name: self.menuBar().addMenu(name) for name in ("&File", "&Action")}

        def add(menu: str, text: str, slot, shortcut: str | QKeySequence | None = None) -> QAction:
            action = QAction(text, self)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            menus[menu].addAction(action)
            return action

        add("&File", "New tenant…", self.new_tenant)
        add("&File", "Import Deploy CLI folder…", self.import_dialog, "Ctrl+I")
        add("&File", "Import tenant.yaml…", self.import_yaml_dialog)
        add("&File", "Export tenant…", self.export_dialog, "Ctrl+E")
        add("&File", "Settings…", self.settings_dialog, QKeySequence.StandardKey.Preferences)
        add("&File", "Quit", self.close, QKeySequence.StandardKey.Quit)
        add("&Action", "New action…", self.actions_view.new_action, "Ctrl+N")
        self.save_action = add("&Action", "Save draft", self.actions_view.save_draft, QKeySequence.StandardKey.Save)
        # Ctrl+D is the editor's "add the next match to the selection", as in VS Code.
        add("&Action", "Deploy", self.actions_view.deploy, "Ctrl+Shift+D")
        add("&Action", "Run test", self._run_test, "Ctrl+Return")
        edit_menu.build(self, self.menuBar())

    def _run_test(self) -> None:
        self.tabs.setCurrentWidget(self.actions_view)
        self.actions_view.tabs.setCurrentWidget(self.actions_view.test)
        self.actions_view.test.run()

    # ---- tenants -----------------------------------------------------------------------------------------
    def reload_tenants(self, select: str | None = None) -> None:
        select = select or self.tenant_box.currentText()
        self.tenant_box.blockSignals(True)
        self.tenant_box.clear()
        self.tenant_box.addItems([t["name"] for t in self.core.tenants()])
        self.tenant_box.blockSignals(False)
        self.tenant_box.setCurrentIndex(max(0, self.tenant_box.findText(select)))
        self._tenant_changed(self.tenant_box.currentText())

    @property
    def tenant(self) -> str:
        return self.tenant_box.currentText()

    def _tenant_changed(self, tenant: str) -> None:
        if self.actions_view.dirty and not self.actions_view.confirm_discard():
            self.tenant_box.blockSignals(True)
            self.tenant_box.setCurrentText(self.actions_view.tenant or "")
            self.tenant_box.blockSignals(False)
            return
        for view in self.views:
            view.set_tenant(tenant or None)
        self.debugger.set_tenant(tenant or None)
        self.serve.set_tenant(tenant or None)
        if tenant:
            self.settings.setValue("last_tenant", tenant)
        self._update_title()

    def new_tenant(self) -> None:
        name, ok = QInputDialog.getText(self, "New tenant", "Name (lowercase letters, digits, hyphens):")
        if ok and self.ops.call(self, self.core.create_tenant, name.strip()) is not None:
            self.reload_tenants(name.strip())

    def _changed(self, changes) -> None:
        if changes.tenants - {self.tenant_box.itemText(i) for i in range(self.tenant_box.count())}:
            self.reload_tenants()
        for view in self.views:
            view.apply_changes(changes)

    # ---- import and export (with progress) -----------------------------------------------
    def import_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a Deploy CLI folder")
        if not folder:
            return
        tenant, ok = QInputDialog.getText(self, "Import", "Into tenant (created if needed):", text=self.tenant)
        if ok and tenant.strip():
            self.import_path(folder, tenant.strip())

    def import_yaml_dialog(self) -> None:
        path = QFileDialog.getOpenFileName(self, "Import a Deploy CLI tenant.yaml", "", "YAML (*.yaml *.yml)")[0]
        if not path:
            return
        tenant, ok = QInputDialog.getText(self, "Import", "Into tenant (created if needed):", text=self.tenant)
        if ok and tenant.strip():
            self.import_path(path, tenant.strip())

    def import_path(self, path: str, tenant: str, mappings: dict | None = None) -> None:
        """Import with a progress dialog. It runs here on the UI thread: it touches only SQLite and takes
        well under a second at Auth0's sizes, and no worker thread ever shares the workspace connection."""
        progress = self._progress(f"Importing {path} into {tenant}…")
        try:
            changes, warnings = self.core.import_tenant(path, tenant, mappings)
        except EmulatorError as exc:
            self._done_with(progress)
            QMessageBox.warning(self, "Import refused", str(exc))
            self.imported.emit("")
            return
        self._done_with(progress)
        self.ops.changed.emit(changes)
        self.reload_tenants(tenant)
        if warnings:
            QMessageBox.information(self, "Imported with warnings", "\n".join(warnings))
        self.imported.emit(tenant)

    def export_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export into an empty folder")
        if folder:
            self.export_path(folder, "directory")

    def export_path(self, path: str, fmt: str) -> None:
        progress = self._progress(f"Exporting {self.tenant}…")
        try:
            target = self.core.export_tenant(self.tenant, path, fmt)
        except EmulatorError as exc:
            self._done_with(progress)
            QMessageBox.warning(self, "Export failed", str(exc))
            self.exported.emit("")
            return
        self._done_with(progress)
        self.statusBar().showMessage(f"Exported {self.tenant} to {target}", 8000)
        self.exported.emit(str(target))

    @staticmethod
    def _done_with(progress: QProgressDialog) -> None:
        # reset() also stops the dialog's own show-after-a-delay timer; close() would leave it running,
        # to pop the dialog up later (even over a window that is gone).
        progress.reset()
        progress.deleteLater()

    def _progress(self, text: str) -> QProgressDialog:
        progress = QProgressDialog(text, None, 0, 0, self)  # busy indicator: no steps to count
        progress.setWindowTitle("Working")
        progress.setMinimumDuration(0)
        progress.show()
        progress.repaint()  # painted before the work starts (processEvents could re-enter the asyncio loop)
        return progress

    # ---- settings -------------------------------------------------------------------------------------------
    def settings_dialog(self) -> None:
        dialog = SettingsDialog(self, node=self.settings.value("node", "", str),
                                deadline_ms=self.core.deadline_ms, workspace=str(self.core.ws.path),
                                editor=self.settings.value("editor", "monaco", str), theme_mode=theme.mode())
        if dialog.exec():
            self.apply_settings(dialog.node.text().strip(), dialog.deadline.value(), dialog.workspace.text().strip(),
                                editor=dialog.editor.currentData(), theme_mode=dialog.theme.currentData())

    def apply_appearance(self, editor: str | None = None, theme_mode: str | None = None) -> None:
        """The theme applies at once; Monaco too when it was off (back to basic: from the next start)."""
        if theme_mode:
            self.settings.setValue("theme", theme_mode)
            theme.apply(QApplication.instance(), theme_mode)
        if editor:
            self.settings.setValue("editor", editor)
            kit = self.ops.editors
            if editor == "monaco" and kit.prefer != "monaco":
                kit.prefer, kit.problem = "monaco", None
                kit.folder = assets.find(kit.cache)
                if kit.monaco:
                    kit.available.emit()
                else:
                    self.ops.keep(asyncio.ensure_future(kit.obtain()))
                self.editor_label.setText(kit.describe())

    def apply_settings(self, node: str, deadline_ms: int, workspace: str, *, editor: str | None = None,
                       theme_mode: str | None = None) -> asyncio.Task | None:
        self.apply_appearance(editor, theme_mode)
        # A version (`22`) is installed from the npm registry the first time: a few seconds.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.statusBar().showMessage(f"Getting Node {node}…" if node else "")
        self.statusBar().repaint()
        try:
            self.core.set_node(node or None)
        except EmulatorError as exc:
            QMessageBox.warning(self, "Node binary", str(exc))
            return None
        finally:
            QApplication.restoreOverrideCursor()
            self.statusBar().clearMessage()
        self.core.deadline_ms = deadline_ms
        self.settings.setValue("node", node)
        self.settings.setValue("deadline_ms", deadline_ms)
        if workspace and workspace != str(self.core.ws.path):
            try:
                new_core = open_core(workspace, node or None, deadline_ms)
            except EmulatorError as exc:
                QMessageBox.warning(self, "Workspace", str(exc))
            else:
                self.settings.setValue("workspace", workspace)
                old, self.ops.core = self.ops.core, new_core
                asyncio.ensure_future(old.close())
                self.reload_tenants()
                self._update_title()
        return asyncio.ensure_future(self.start_core())

    async def start_core(self) -> None:
        if not self.ops.editors.monaco and self.ops.editors.prefer == "monaco":
            # Monaco's first use: installed in the background; the editors move into it when it is done.
            self.ops.keep(asyncio.ensure_future(self.ops.editors.obtain()))
        version = await self.core.start(self.tenant or "default")
        # Retention in the background: now, then every half hour (short batches; the UI keeps drawing).
        self._prune_timer = QTimer(self)
        self._prune_timer.timeout.connect(self._prune)
        self._prune_timer.start(30 * 60 * 1000)
        self._prune()
        by_runtime = not self.settings.value("node", "", str)
        confined = await self.core.actions_confined()
        if by_runtime:  # each action's runtime picks its Node: Node 22 confines, the bundled Node 18 does not
            self.node_label.setText(f"Node by runtime — node22: Node 22, confined · node18: {version} (bundled), "
                                    "not confined")
            self.node_label.setToolTip(f"{RUNTIME_TIP}\n\nnode22: {CONFINED_TIP}\n\nnode18: {NOT_CONFINED_TIP}"
                                       f"\n\n{ISOLATED_TIP}")
        else:
            self.node_label.setText(f"Node {version} for every action — "
                                    f"{'actions confined' if confined else 'actions not confined'}")
            self.node_label.setToolTip(f"{CONFINED_TIP if confined else NOT_CONFINED_TIP}\n\n{ISOLATED_TIP}")

    def _prune(self) -> None:
        days = float(self.settings.value("retention_days", 10))
        self.ops.run("", self.core.prune(days), lambda removed: None, lambda exc: None)

    # ---- window ----------------------------------------------------------------------------------------------
    def _update_title(self, *_: object) -> None:
        dirty = " *" if self.actions_view.dirty else ""
        self.setWindowTitle(f"Actions Emulator — {self.tenant or 'no tenant'}{dirty} — {self.core.ws.path}")

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.actions_view.dirty and not self.actions_view.confirm_discard():
            event.ignore()
            return
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("tab", self.tabs.currentIndex())
        for task in list(self.ops.tasks):  # nothing may call back into a closed window
            task.cancel()
        super().closeEvent(event)

