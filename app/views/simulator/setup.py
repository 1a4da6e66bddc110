"""What a simulated run starts from: the journey, the application, an existing user or new credentials,
and deterministic mode (fixed seed, clock and OTP); and the breakpoints, set before any bound action of
the triggers the journey steps through."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QSpinBox, QTreeWidget,
                               QTreeWidgetItem, QWidget)

NEW_USER = "(new credentials)"
EVERY = "*"
TOKEN_EXCHANGE = "token_exchange"  # the user comes from the profile's action: a subject token instead


class RunSetup(QWidget):
    kind_changed = Signal(str)

    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.tenant: str | None = None
        self._passwords: dict[str, str] = {}  # typed this session, so re-picking a user keeps its password
        self.flow_box, self.client_box, self.user_box = QComboBox(), QComboBox(), QComboBox()
        for kind, label in ops.core.flow_kinds().items():
            self.flow_box.addItem(label, kind)
        self.flow_box.currentIndexChanged.connect(lambda _: self.kind_changed.emit(self.kind))
        self.user_box.currentTextChanged.connect(self._user_picked)
        self.email, self.password, self.phone, self.new_password = QLineEdit(), QLineEdit(), QLineEdit(), QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.password.textEdited.connect(lambda text: self._passwords.__setitem__(self.email.text(), text))
        self.phone.setPlaceholderText("for SMS enrolment (optional: asked when needed)")
        self.new_password.setPlaceholderText("password reset (optional: asked when needed)")
        self.subject_type, self.subject_token = QComboBox(), QLineEdit()
        self.subject_type.setEditable(True)
        self.subject_type.setToolTip("The subject_token_type: a Custom Token Exchange profile maps it to its action")
        self.subject_token.setPlaceholderText("the token the application exchanges")
        self.deterministic = QCheckBox("Deterministic")
        self.deterministic.setToolTip("Fixed seed, clock and OTP (123456): the same run gives the same results")
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        self.seed.setValue(42)
        self.seed.setPrefix("seed ")
        det = QHBoxLayout()
        det.setContentsMargins(0, 0, 0, 0)
        det.addWidget(self.deterministic)
        det.addWidget(self.seed)
        det_row = QWidget()
        det_row.setLayout(det)
        self.form = form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        for label, w in (("Flow", self.flow_box), ("Application", self.client_box), ("User", self.user_box),
                         ("E-mail", self.email), ("Password", self.password), ("Phone", self.phone),
                         ("New password", self.new_password), ("Subject token type", self.subject_type),
                         ("Subject token", self.subject_token), ("Mode", det_row)):
            form.addRow(label, w)
        self.flow_box.currentIndexChanged.connect(lambda _: self._rows_for_kind())
        self._rows_for_kind()

    def _rows_for_kind(self) -> None:
        """A token exchange has no user to type: its subject token instead."""
        exchange = self.kind == TOKEN_EXCHANGE
        for w in (self.user_box, self.email, self.password, self.phone, self.new_password):
            self.form.setRowVisible(w, not exchange)
        for w in (self.subject_type, self.subject_token):
            self.form.setRowVisible(w, exchange)

    @property
    def kind(self) -> str:
        return self.flow_box.currentData()

    def set_kind(self, kind: str) -> None:
        self.flow_box.setCurrentIndex(max(0, self.flow_box.findData(kind)))

    def set_tenant(self, tenant: str | None) -> None:
        self.tenant = tenant
        for box in (self.client_box, self.user_box):
            box.blockSignals(True)
            box.clear()
        if tenant:
            clients = self.ops.core.clients(tenant)
            for c in clients:
                self.client_box.addItem(c["name"], c["name"])
            # The first application other than the one every tenant starts with, as the engine picks.
            self.client_box.setCurrentIndex(next((i for i, c in enumerate(clients) if c["name"] != "Default App"), 0))
            self.user_box.addItem(NEW_USER)
            self.user_box.addItems([u["email"] for u in self.ops.core.users(tenant) if u.get("email")])
            self.subject_type.clear()
            self.subject_type.addItems([p["subject_token_type"] for p in self.ops.core.token_exchange_profiles(tenant)])
        for box in (self.client_box, self.user_box):
            box.blockSignals(False)
        if self.user_box.count() > 1:
            self.user_box.setCurrentIndex(1)
        self._user_picked(self.user_box.currentText())

    def reload_users(self) -> None:
        """New or changed users (a signup just ran): refill the list, keeping what is picked and typed."""
        picked, email, password = self.user_box.currentText(), self.email.text(), self.password.text()
        self.user_box.blockSignals(True)
        self.user_box.clear()
        self.user_box.addItem(NEW_USER)
        self.user_box.addItems([u["email"] for u in self.ops.core.users(self.tenant) if u.get("email")])
        self.user_box.setCurrentIndex(max(0, self.user_box.findText(picked)))
        self.user_box.blockSignals(False)
        self.email.setText(email)
        self.password.setText(password)

    def _user_picked(self, email: str) -> None:
        if email and email != NEW_USER:
            self.email.setText(email)
            self.password.setText(self._passwords.get(email, ""))
        # The bundled sample's users come with known passwords: say which (unless changed since).
        known = self.ops.core.sample_password(email) if email and email != NEW_USER else None
        self.password.setPlaceholderText(f"the sample's password for this user: {known}" if known
                                         else "the password the user types")

    def params(self) -> dict:
        """Arguments for Emulator.start_flow (the run's inputs, application and mode)."""
        if self.kind == TOKEN_EXCHANGE:
            inputs = {"subject_token_type": self.subject_type.currentText().strip(),
                      "subject_token": self.subject_token.text().strip()}
        else:
            inputs = {"email": self.email.text().strip(), "password": self.password.text(),
                      "phone": self.phone.text().strip(), "new_password": self.new_password.text()}
        return {"kind": self.kind, "inputs": {k: v for k, v in inputs.items() if v},
                "client": self.client_box.currentData(), "deterministic": self.deterministic.isChecked(),
                "seed": self.seed.value()}


class Breakpoints(QTreeWidget):
    """Bound actions of the journey's stepped triggers, each with a checkbox: stop before it."""

    changed = Signal(list)

    def __init__(self):
        super().__init__()
        self.setHeaderLabels(["Break before"])
        self.every = QTreeWidgetItem(["every action"])
        self.itemChanged.connect(lambda *_: self.changed.emit(self.selected()))

    def set_choices(self, choices: list[dict], selected: list[str]) -> None:
        self.blockSignals(True)
        self.clear()
        self.every = QTreeWidgetItem(["every action"])
        self.every.setCheckState(0, Qt.CheckState.Checked if EVERY in selected else Qt.CheckState.Unchecked)
        self.addTopLevelItem(self.every)
        for choice in choices:
            trigger = QTreeWidgetItem([choice["trigger"]])
            trigger.setFlags(trigger.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for name in choice["actions"]:
                item = QTreeWidgetItem([name])
                item.setCheckState(0, Qt.CheckState.Checked if name in selected else Qt.CheckState.Unchecked)
                trigger.addChild(item)
            if not choice["actions"]:
                trigger.addChild(QTreeWidgetItem(["(no action bound)"]))
            self.addTopLevelItem(trigger)
            trigger.setExpanded(True)
        self.blockSignals(False)

    def selected(self) -> list[str]:
        names = [EVERY] if self.every.checkState(0) == Qt.CheckState.Checked else []
        for i in range(1, self.topLevelItemCount()):
            trigger = self.topLevelItem(i)
            for j in range(trigger.childCount()):
                item = trigger.child(j)
                if item.checkState(0) == Qt.CheckState.Checked:
                    names.append(item.text(0))
        return names

    def set_checked(self, name: str, on: bool = True) -> None:
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            items = [top] + [top.child(j) for j in range(top.childCount())]
            for item in items:
                if item.text(0) == name or (name == EVERY and item is self.every):
                    item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
