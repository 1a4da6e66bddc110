"""The toolbar's Serve switch: the current tenant as a local Auth0 (emulator.server) on localhost, hosted
on the app's own event loop, so logins from a real application run here and show up live in the
Simulator's earlier runs, Logs and Timings, and stop at the debugger's breakpoints."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from emulator import store
from emulator.changes import Changes

DEFAULT_PORT = 4000


class ServeControl(QWidget):
    serving_changed = Signal(str)  # the issuer URL, or "" when stopped

    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.tenant: str | None = None
        self.server = None
        self.switch = QCheckBox("Serve")
        self.switch.setToolTip("Serve this tenant as a local Auth0 that real apps can log in against")
        self.switch.toggled.connect(self._toggled)
        self.port = QSpinBox()
        self.port.setRange(0, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setToolTip("Port on localhost: 127.0.0.1 and ::1 (0: any free port)")
        self.label = QLabel("")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy = QPushButton("Copy client id")
        self.copy.setEnabled(False)
        self.copy.clicked.connect(self._copy)
        self.apps = QPushButton("Applications…")
        self.apps.setToolTip("Each application's client id, secret, callbacks and grant types")
        self.apps.clicked.connect(self.show_applications)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        for w in (self.switch, self.port, self.label, self.copy, self.apps):
            layout.addWidget(w)
        ops.core.closers.append(self.stop)

    def set_tenant(self, tenant: str | None) -> None:
        changed = tenant != self.tenant
        self.tenant = tenant
        if changed and self.server is not None:
            self.ops.run("Restarting the local server…", self._restart(), lambda _: None, self._failed)

    def _toggled(self, on: bool) -> None:
        if on:
            self.ops.run("Starting the local server…", self._start(), lambda _: None, self._failed)
        else:
            self.ops.run("Stopping the local server…", self.stop(), lambda _: None)

    async def _restart(self) -> None:
        await self.stop()
        await self._start()

    async def _start(self) -> None:
        from emulator.server import LocalAuth0

        if not self.tenant or self.server is not None:
            return
        server = LocalAuth0(self.ops.core, self.tenant)
        server.on_run.append(self._ran)
        await server.start("localhost", self.port.value())
        self.server = server
        self.port.setEnabled(False)
        default = self._default_app()
        self.label.setText(f"Issuer {server.issuer} · Default App client id {default['client_id'] if default else '?'}")
        self.copy.setEnabled(default is not None)
        self.serving_changed.emit(server.issuer)

    def _ran(self, run) -> None:
        """A real login advanced a journey: the views that show runs, logs and timings refresh."""
        self.ops.changed.emit(Changes(flow_runs=frozenset([(run.tenant, run.id)]), logs=frozenset([run.tenant]),
                                      executions=frozenset(e["id"] for e in run.executions)))

    def _default_app(self) -> dict | None:
        return next((c for c in store.directory.clients(self.ops.core.ws, self.tenant) if c["name"] == "Default App"),
                    None)

    async def stop(self) -> None:
        server, self.server = self.server, None
        if server is None:
            return
        await server.stop()
        self.serving_changed.emit("")
        self.port.setEnabled(True)
        self.label.setText("")
        self.copy.setEnabled(False)

    def _failed(self, exc: Exception) -> None:
        self.switch.blockSignals(True)
        self.switch.setChecked(False)
        self.switch.blockSignals(False)
        self.label.setText(f"Not serving: {exc}")

    def show_applications(self) -> QDialog | None:
        if not self.tenant:
            return None
        rows = store.directory.client_listing(self.ops.core.ws, self.tenant)
        dialog = QDialog(self)
        dialog.setWindowTitle(f"Applications of {self.tenant}")
        table = QTableWidget(len(rows), 5, dialog)
        table.setHorizontalHeaderLabels(["Name", "Client id", "Client secret", "Callback URLs", "Grant types"])
        for r, row in enumerate(rows):
            for c, value in enumerate((row["name"], row["client_id"], row["client_secret"], ", ".join(row["callbacks"]),
                                       ", ".join(row["grant_types"]) or "(all)")):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                table.setItem(r, c, item)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel("Cells can be selected and copied (Ctrl+C). Secrets are made on first use and "
                                "never exported."))
        layout.addWidget(table)
        layout.addWidget(buttons)
        dialog.resize(1000, 300)
        dialog.table = table
        dialog.setModal(False)
        dialog.show()
        return dialog

    def _copy(self) -> None:
        default = self._default_app()
        if default:
            QGuiApplication.clipboard().setText(default["client_id"])
