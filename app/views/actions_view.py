"""The Actions area: the tenant's actions per trigger, and its Actions Modules; for the selected one, its
draft in the code editor (checked for syntax errors as you type), dependencies, secrets and (for an action)
module pins, versions, and (for an action) the Test panel."""
from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QInputDialog, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QSplitter, QTabWidget, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from emulator import triggers
from emulator.errors import EmulatorError

from emulator.editor import dependency_types
from emulator.editor.lint import lint

from ..widgets.editors import EditorHost
from .. import icons, theme
from .action_settings import ActionSettings
from .kinds import ActionKind, ModuleKind
from .test_panel import TestPanel
from .versions_panel import VersionsPanel

NAME_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
MODULES = "Modules"  # the tree's group of Actions Modules
MODULE_SKELETON = """/**
 * An Actions Module: actions that pin a version of it require it as require('actions:<name>').
 * Its own secrets are read here as actions.secrets.NAME.
 */
module.exports = {};
"""


class NewActionDialog(QDialog):
    def __init__(self, parent, trigger_id: str | None):
        super().__init__(parent)
        self.setWindowTitle("New action")
        self.name = QLineEdit()
        self.trigger = QComboBox()
        self.trigger.addItems(triggers.ids())
        if trigger_id:
            self.trigger.setCurrentText(trigger_id)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Trigger", self.trigger)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class ActionsView(QWidget):
    dirty_changed = Signal(bool)
    checked = Signal(object)  # the syntax error found (dict) or None, after each check
    test_finished = Signal(object)  # ChainResult or exception
    deployed = Signal(str)  # the confirmation shown, e.g. "Deployed add-role-claims v3 (bound in post-login)"

    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.tenant: str | None = None
        self.action: dict | None = None  # the action or module shown (see self.kind)
        self.kinds = {"action": ActionKind(ops.core), "module": ModuleKind(ops.core)}
        self.kind = self.kinds["action"]
        self._dirty = False
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Action", "Deployed"])
        self.tree.setColumnWidth(0, 220)
        self.tree.currentItemChanged.connect(self._selected)
        new, new_module, delete = QPushButton("New action…"), QPushButton("New module…"), QPushButton("Delete")
        new.clicked.connect(self.new_action)
        new_module.clicked.connect(self.new_module)
        delete.clicked.connect(self.delete_action)
        for button, name in ((new, "new"), (new_module, "new"), (delete, "delete")):
            icons.use(button, name)
        delete.setText("")  # an icon, so the list keeps its width at 1280 px
        delete.setToolTip("Delete the selected action or module")
        delete.setAccessibleName("Delete")

        self.title = QLabel()
        self.title.setWordWrap(True)  # a long name, trigger and modules take a second line, not the buttons' room
        self.save_button, self.deploy_button = QPushButton("Save draft (Ctrl+S)"), QPushButton("Deploy (Ctrl+Shift+D)")
        self.save_button.clicked.connect(self.save_draft)
        self.deploy_button.clicked.connect(self.deploy)
        self.coverage_button = QPushButton("Coverage")
        self.coverage_button.setCheckable(True)
        self.coverage_button.setToolTip("Shade the lines the last Test run, journey or batch ran: green ran, red "
                                        "did not, the counts on hover. Runs go to a debugging host meanwhile.")
        self.coverage_button.toggled.connect(self._coverage_toggled)
        icons.use(self.save_button, "save")
        icons.use(self.deploy_button, "deploy", primary=True)
        icons.use(self.coverage_button, "coverage")
        self.coverage_summary: str | None = None
        self.editor = EditorHost(ops.editors, "code")
        self.editor.textChanged.connect(self._edited)
        self.editor.enable_breakpoints(True)
        self.editor.breakpoints_changed.connect(self._breakpoints_changed)
        self.editor.shortcut.connect(self._editor_key)
        self.check_status = QLabel()
        self.settings = ActionSettings()
        self.settings.edited.connect(self._settings_edited)
        self.versions = VersionsPanel(ops)
        self.test = TestPanel(ops)
        self.test.run_requested.connect(self.run_test)
        self.test.jump_to_line.connect(self._jump)
        self.tabs = QTabWidget()
        code = QWidget()
        code_layout = QVBoxLayout(code)
        code_layout.setContentsMargins(0, 0, 0, 0)
        code_layout.addWidget(self.editor)
        code_layout.addWidget(self.check_status)
        self.tabs.addTab(code, "Code")
        self.code_tab = code
        self.tabs.addTab(self.settings, "Dependencies && secrets")
        self.tabs.addTab(self.versions, "Versions")
        self.tabs.addTab(self.test, "Test")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.tree)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addWidget(new_module)
        buttons.addWidget(delete)
        left_layout.addLayout(buttons)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.coverage_button)
        header.addWidget(self.save_button)
        header.addWidget(self.deploy_button)
        right_layout.addLayout(header)
        right_layout.addWidget(self.tabs)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        self._check_timer = QTimer(self, singleShot=True, interval=400)
        self._check_timer.timeout.connect(self.check_syntax)
        self._loading = False

    def hideEvent(self, event) -> None:  # noqa: N802
        self._check_timer.stop()  # no syntax check for a view nobody sees (or a closed window)
        super().hideEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self.action:
            self._check_timer.start()  # a check stopped while hidden is done now

    # ---- the list ----------------------------------------------------------------------------------------
    def set_tenant(self, tenant: str | None) -> None:
        self.tenant, self.action = tenant, None
        if tenant and self.coverage_button.isChecked():
            self.ops.core.set_coverage(tenant, True)
        self.reload_tree()

    def _current_key(self) -> tuple[str, str | None]:
        return self.kind.name, (self.action or {}).get("name")

    def reload_tree(self, select: str | None = None, kind: str | None = None) -> None:
        want = (kind or self.kind.name, select or (self.action or {}).get("name"))
        self.tree.blockSignals(True)
        self.tree.clear()
        first = chosen = None
        actions = self.ops.core.actions(self.tenant) if self.tenant else []
        groups = [(t.id, t.doc, "action", [a for a in actions if a["supported_triggers"][0]["id"] == t.id])
                  for t in triggers.all_triggers()]
        groups.append((MODULES, "Actions Modules: shared code with its own dependencies and secrets; an action "
                       "pins a published version and requires it as actions:<name>", "module",
                       self.ops.core.modules(self.tenant) if self.tenant else []))
        for title, doc, kind_name, entities in groups:
            parent = QTreeWidgetItem([title, ""])
            parent.setData(0, NAME_ROLE, None)
            parent.setToolTip(0, doc)
            self.tree.addTopLevelItem(parent)
            for entity in entities:
                child = QTreeWidgetItem([entity["name"], self.kinds[kind_name].tree_state(entity)])
                child.setData(0, NAME_ROLE, entity["name"])
                child.setData(0, KIND_ROLE, kind_name)
                parent.addChild(child)
                first = first or child
                chosen = child if (kind_name, entity["name"]) == want else chosen
            parent.setExpanded(True)
        self.tree.blockSignals(False)
        target = chosen or first
        if target is None:
            self._show(None)
        elif (target.data(0, KIND_ROLE), target.data(0, NAME_ROLE)) != self._current_key():
            self.tree.setCurrentItem(target)
        else:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(target)  # the same action: keep the editor as it is
            self.tree.blockSignals(False)

    def select(self, name: str, kind: str = "action") -> None:
        for i in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(i)
            for j in range(parent.childCount()):
                child = parent.child(j)
                if child.data(0, NAME_ROLE) == name and child.data(0, KIND_ROLE) == kind:
                    self.tree.setCurrentItem(parent.child(j))
                    return
        raise KeyError(name)

    def _selected(self, current: QTreeWidgetItem | None, previous: QTreeWidgetItem | None) -> None:
        name = current.data(0, NAME_ROLE) if current else None
        kind = self.kinds[current.data(0, KIND_ROLE) or "action"] if current else self.kind
        if self.action and (kind.name, name) == self._current_key():
            return
        if self._dirty and not self.confirm_discard():
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(previous)
            self.tree.blockSignals(False)
            return
        self.kind = kind
        self._show(kind.get(self.tenant, name) if name else None)

    def _breakpoints_changed(self, lines: dict) -> None:
        """Kept in the workspace per action; they take effect from the next run."""
        if self.action and self.kind.name == "action":
            self.ops.call(self, self.ops.core.set_breakpoints, self.tenant, self.action["name"],
                          [{"line": line, **bp} for line, bp in sorted(lines.items())])

    def confirm_discard(self) -> bool:
        """Ask before unsaved edits could be lost. True when it is fine to go on."""
        answer = QMessageBox.question(self, "Unsaved changes",
                                      f"Save the changes to {self.action['name']} before leaving it?",
                                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                                      | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save_draft()
        return answer == QMessageBox.StandardButton.Discard

    def _show(self, action: dict | None) -> None:
        self._loading = True
        self.action = action
        for w in (self.save_button, self.deploy_button, self.tabs):
            w.setEnabled(action is not None)
        self.deploy_button.setText(self.kind.commit_label)
        self.tabs.setTabEnabled(self.tabs.indexOf(self.test), self.kind.name == "action")
        if action is None:
            self.title.setText("No action selected: create one with New action…")
            self.editor.set_context(None)
            self.editor.setPlainText("")
            self.editor.set_breakpoints([])
        else:
            self.editor.setPlainText(action["code"])
            self.editor.set_breakpoints(self.ops.core.breakpoints(self.tenant, action["name"])
                                        if self.kind.name == "action" else [])
            self._refresh_meta(action)
            self._update_context()
        self.editor.set_errors({})
        self.editor.set_warnings([])
        self.check_status.setText("")
        self.show_coverage()
        self._loading = False
        self._set_dirty(False)
        if action:
            self._check_timer.start()

    # ---- coverage ---------------------------------------------------------------------------------------------
    def _coverage_toggled(self, on: bool) -> None:
        if self.tenant:
            self.ops.core.set_coverage(self.tenant, on)
        self.show_coverage()

    async def refresh_coverage(self) -> None:
        """Take what the runs since the last take covered (a Test run, a journey, a batch) and show it."""
        if self.tenant and self.coverage_button.isChecked():
            await self.ops.core.take_coverage(self.tenant)
            self.show_coverage()

    def show_coverage(self) -> None:
        """The editor's shading for the code it shows, from the latest report (the draft, or the deployed
        version with the same code); none where that code did not run."""
        found = None
        if self.coverage_button.isChecked() and self.tenant and self.action and self.kind.name == "action":
            found = self.ops.core.coverage_for_code(self.tenant, self.action["name"], self.editor.toPlainText())
        self.editor.set_coverage(found[0] if found else None)
        self.coverage_button.setText("Coverage")
        self.coverage_summary = None
        if found:
            lines = found[0]
            ran = sum(1 for c in lines.values() if c > 0)
            version = "the draft" if found[1] == "draft" else f"v{found[1]}"
            self.coverage_summary = f"Coverage of {version}'s last run: {ran} of {len(lines)} lines ran."
            self.coverage_button.setText(f"Coverage {ran}/{len(lines)}")
            self.check_status.setText(self.coverage_summary)

    def _refresh_meta(self, action: dict) -> None:
        """Everything but the editor's text (which keeps its cursor and undo history)."""
        self.action = action
        self.title.setText(self.kind.title(action))
        if self.kind.name == "action":
            published = {m["name"]: [v["version_number"] for v in self.ops.core.module_versions(self.tenant, m["name"])]
                         for m in self.ops.core.modules(self.tenant)}
            self.settings.load(action, {name: numbers for name, numbers in published.items() if numbers})
            self.test.load(self.tenant, action)
        else:
            self.settings.load(action)
        self.versions.load(self.tenant, action, self.kind)

    # ---- editing -------------------------------------------------------------------------------------------
    def _trigger_id(self) -> str | None:
        return self.action["supported_triggers"][0]["id"] if self.action and self.kind.name == "action" else None

    def _secret_names(self) -> list[str]:
        return self.settings.secret_names()

    def _update_context(self) -> None:
        """The editor's types: the trigger's, with the secrets as edited now, and the type files of its
        dependencies once a run has installed them."""
        libs, typed = dependency_types.for_action(self.settings.dependencies())
        self.editor.set_context(self._trigger_id(), self._secret_names(), libs, typed,
                                module=self.action is not None and self.kind.name == "module")

    def _settings_edited(self) -> None:
        self._set_dirty(True)
        self._update_context()
        self._check_timer.start()

    def _editor_key(self, name: str) -> None:
        """Keys Monaco keeps from the window's shortcuts while it has the focus."""
        if name == "save":
            self.save_draft()
        elif name == "deploy":
            self.deploy()

    def lint(self) -> None:
        """Warnings for what will fail at run time: unknown api methods, secrets, dependencies."""
        if self.action and self._trigger_id():  # a module has no event or api to check against
            found = lint(self.editor.toPlainText(), self._trigger_id(), self._secret_names(),
                         [d["name"] for d in self.settings.dependencies()],
                         [p["module_name"] for p in self.settings.pinned()])
            self.editor.set_warnings([d.to_dict() for d in found])
    def _edited(self) -> None:
        if not self._loading and self.action:
            self._set_dirty(self.editor.toPlainText() != self.action["code"] or self._dirty)
            self._check_timer.start()

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
        # Unsaved edits show where you look: a dot on the Code tab and on the action in the tree.
        self.tabs.setTabText(self.tabs.indexOf(self.code_tab), "Code ●" if dirty else "Code")
        self.tabs.setTabToolTip(self.tabs.indexOf(self.code_tab), "Unsaved edits: Ctrl+S saves the draft" if dirty else "")
        item = self.tree.currentItem()
        if item is not None and self.action and item.data(0, NAME_ROLE) == self.action["name"]:
            name = self.action["name"]
            item.setText(0, f"{name} ●" if dirty else name)

    @property
    def dirty(self) -> bool:
        return self._dirty

    def check_syntax(self) -> None:
        if not self.action:
            return
        name, code = self.action["name"], self.editor.toPlainText()
        self.lint()

        def done(error: dict | None) -> None:
            if not self.action or self.action["name"] != name or self.editor.toPlainText() != code:
                return  # the code changed meanwhile; a newer check is on its way
            if error and error.get("line"):
                self.editor.set_errors({error["line"]: f"{error['name']}: {error['message']}"})
                self.check_status.setText(f"<span style='color:{theme.css('error')}'>Line {error['line']}: "
                                          f"{error['name']}: {error['message']}</span>")
            else:
                self.editor.set_errors({})
                warnings = len(self.editor.warnings)
                note = f" · {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
                self.check_status.setText(f"<span style='color:{theme.css('success')}'>No syntax errors</span>{note}")
            self.checked.emit(error)

        self.ops.run("", self.ops.core.check_code(code, name, self.tenant), done)

    def save_draft(self) -> bool:
        if not self.action:
            return False
        call, args, kwargs = self.kind.save(self.tenant, self.action["name"], self.editor.toPlainText(),
                                            self.settings.dependencies(), self.settings.secret_changes(),
                                            self.settings.pinned(), self.settings.runtime_id())
        result = self.ops.call(self, call, *args, **kwargs)
        if result is None:
            return False
        self._set_dirty(False)
        self._refresh_meta(result[0])
        return True

    def deploy(self) -> None:
        """Deploy the draft (saving edits first). A bound action runs in real journeys at once: ask first."""
        if not self.action:
            return
        if self.kind.name == "module":
            self.publish()
            return
        name, trigger = self.action["name"], self._trigger_id()
        bound = any(b["action"]["name"] == name for b in self.ops.core.bindings(self.tenant, trigger)[trigger])
        if bound and QMessageBox.question(
                self, "Deploy", f"{name} is bound in {trigger}: the next {trigger} runs the new version. Deploy?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel) != QMessageBox.StandardButton.Yes:
            return
        if self._dirty and not self.save_draft():
            return
        if self.ops.call(self, self.ops.core.deploy, self.tenant, name) is not None:
            version = self.ops.core.action(self.tenant, name)["deployed_version"]
            message = f"Deployed {name} v{version}" + (f" (bound in {trigger})" if bound else " (not bound in a flow)")
            self.deployed.emit(message)

    def publish(self) -> None:
        """Publish the module's draft (saving edits first) as its next immutable version."""
        name = self.action["name"]
        if self._dirty and not self.save_draft():
            return
        result = self.ops.call(self, self.ops.core.publish_module, self.tenant, name)
        if result is not None:
            self.deployed.emit(f"Published {name} v{result[0]['version_number']}: pin it in an action's "
                               "Dependencies & secrets")

    def new_module(self) -> None:
        name, ok = QInputDialog.getText(self, "New module", "Name (actions require it as actions:<name>)")
        if ok and name.strip():
            self.create_module(name.strip())

    def create_module(self, name: str) -> None:
        if self._dirty and not self.confirm_discard():
            return
        if self.ops.call(self, self.ops.core.create_module, self.tenant, name, MODULE_SKELETON) is not None:
            self._set_dirty(False)
            self.reload_tree(select=name, kind="module")

    def new_action(self) -> None:
        item = self.tree.currentItem()
        trigger = None
        if item and (item.parent() or item).text(0) != MODULES:
            trigger = (item.parent() or item).text(0)
        dialog = NewActionDialog(self, trigger)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.name.text().strip():
            self.create_action(dialog.name.text().strip(), dialog.trigger.currentText())

    def create_action(self, name: str, trigger_id: str) -> None:
        """A new action prefilled with its trigger's handler skeleton."""
        if self._dirty and not self.confirm_discard():
            return
        if self.ops.call(self, self.ops.core.create_action, self.tenant, name, trigger_id) is not None:
            self._set_dirty(False)
            self.reload_tree(select=name, kind="action")

    def delete_action(self) -> None:
        """Delete the selected action or module (a module still pinned by an action is refused)."""
        if not self.action:
            return
        name, kind = self.action["name"], self.kind.name
        if QMessageBox.question(self, f"Delete {kind}", f"Delete {name} and all its versions?") == \
                QMessageBox.StandardButton.Yes:
            if kind == "module":
                if self.ops.call(self, self.ops.core.delete_module, self.tenant, name) is not None:
                    self._set_dirty(False)
                    self.action = None
                    self.reload_tree()
                return
            self._set_dirty(False)
            self.action = None
            self.ops.call(self, self.ops.core.delete_action, self.tenant, name)

    def spawn_coverage(self) -> None:
        self._coverage_task = asyncio.ensure_future(self.refresh_coverage())

    def run_test(self, version, event: dict) -> None:
        """Run the saved draft (saving edits first) or a version; never deploys."""
        if not self.action or self.kind.name != "action":
            return
        if version == "draft" and self._dirty and not self.save_draft():
            return
        self.test.run_button.setEnabled(False)

        def done(outcome) -> None:
            result, record, _changes = outcome
            self.test.run_button.setEnabled(True)
            self.test.show_result(result, record["id"])
            errors = {a.error.line: f"{a.error.name}: {a.error.message}" for a in result.actions
                      if a.error and a.error.line and version == "draft"}
            if errors:
                self.editor.set_errors(errors)
            self._update_context()  # the run may have installed the dependencies: their types now
            self.show_coverage()  # taken by run_and_cover, in the run's own task
            self.test_finished.emit(result)

        def failed(exc: Exception) -> None:
            self.test.run_button.setEnabled(True)
            QMessageBox.warning(self, "Run failed", str(exc))
            self.test_finished.emit(exc)

        tenant, name = self.tenant, self.action["name"]

        async def run_and_cover():
            outcome = await self.ops.core.run_action(tenant, name, version, event,
                                                     progress=self.ops.busy.emit)  # e.g. "installing lodash@4 with npm"
            if self.coverage_button.isChecked():
                await self.ops.core.take_coverage(tenant)  # what this run covered, before anything else runs
            return outcome

        self.ops.run(f"Running {name} ({version})…", run_and_cover(), done, failed)

    def _jump(self, line: int) -> None:
        self.tabs.setCurrentIndex(0)
        self.editor.go_to_line(line)

    # ---- what changed elsewhere ------------------------------------------------------------------------------
    def apply_changes(self, changes) -> None:
        if not self.tenant:
            return
        touched = {("action", name) for tenant, name in changes.actions if tenant == self.tenant}
        touched |= {("module", name) for tenant, name in changes.modules if tenant == self.tenant}
        if not (touched or self.tenant in changes.tenants):
            return
        kind, current = self._current_key()
        self.reload_tree(select=current)
        modules_changed = any(k == "module" for k, _ in touched)
        if self.action and self.action.get("name") == current and (
                (kind, current) in touched or (kind == "action" and modules_changed and not self._dirty)):
            try:
                fresh = self.kind.get(self.tenant, current)
            except EmulatorError:  # deleted meanwhile: the tree already moved on
                return
            if not self._dirty and fresh["code"] != self.editor.toPlainText():
                self._show(fresh)  # changed elsewhere (a rollback that updated the draft)
            else:
                self._refresh_meta(fresh)
