"""The Tenant area: what the actions run against, editable in the app. Users (e-mail, phone, metadata,
roles, a new password, MFA enrolments), applications (callbacks, logout URLs, grant types), APIs and
their scopes, the MFA policy, and outbound HTTP (mode and stubs, as YAML). Every change goes through the
core, which checks it and logs it as Auth0 logs a Management API call; a refusal is shown, one line."""
from __future__ import annotations

import json

import yaml

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFormLayout, QHeaderView, QInputDialog, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
                               QPushButton, QScrollArea, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout,
                               QWidget)

from emulator import safe_yaml
from emulator.changes import Changes
from emulator.errors import EmulatorError
from emulator.runtime.http_stubs import MODES

from .. import theme
from ..widgets.highlighter import JsonHighlighter

GRANTS = ("authorization_code", "refresh_token", "client_credentials", "password", "implicit",
          "urn:ietf:params:oauth:grant-type:token-exchange")


def _mono(edit: QPlainTextEdit, lines: int) -> QPlainTextEdit:
    edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    edit.setMaximumHeight(edit.fontMetrics().height() * lines + 12)
    return edit


def _table(headings: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setHorizontalHeaderLabels(headings)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    return table


def _fill(table: QTableWidget, rows: list[tuple]) -> None:
    table.blockSignals(True)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(str(value))
            item.setToolTip(str(value))
            table.setItem(r, c, item)
    table.blockSignals(False)


def _words(text: str) -> list[str]:
    return [w for w in text.replace(",", " ").split() if w]


class _Pane(QWidget):
    """One editor: a status line for what was done or refused."""

    def __init__(self, ops):
        super().__init__()
        self.ops, self.tenant = ops, None
        self.status = QLabel()
        self.status.setWordWrap(True)

    def done(self, text: str) -> None:
        self.status.setStyleSheet(f"color: {theme.css('success')}")
        self.status.setText(text)

    def refuse(self, text: str) -> None:
        self.status.setStyleSheet(f"color: {theme.css('error')}")
        self.status.setText(text)

    def stack(self, table: QTableWidget, form: QFormLayout, save: QPushButton) -> None:
        """The pane's layout: the list, the form for the selected row, its Save button, the status."""
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addLayout(form)
        layout.addWidget(save)
        layout.addWidget(self.status)

    def call(self, fn, *args, **kwargs):
        """A core call; a refusal is shown here (one line) instead of a dialog. None when refused."""
        try:
            value = fn(*args, **kwargs)
        except (EmulatorError, ValueError) as exc:
            self.refuse(str(exc))
            return None
        changes = value[-1] if isinstance(value, tuple) else value
        if isinstance(changes, Changes):
            self.ops.changed.emit(changes)
        return value

    def rows(self, headings: list[str]) -> QTableWidget:
        """The pane's list; selecting a row shows it in the form (`_show(row)`)."""
        table = _table(headings)
        table.currentCellChanged.connect(lambda row, *_: self._show(row))
        return table


class UsersPane(_Pane):
    def __init__(self, ops):
        super().__init__(ops)
        self.users: list[dict] = []
        self.table = self.rows(["E-mail", "User id", "Roles"])
        new = QPushButton("New user…")
        new.clicked.connect(self.new_user)
        self.email, self.phone, self.roles, self.password = QLineEdit(), QLineEdit(), QLineEdit(), QLineEdit()
        self.roles.setPlaceholderText("role names, separated by commas")
        self.password.setPlaceholderText("a new password (empty: unchanged)")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.app_metadata, self.user_metadata = _mono(QPlainTextEdit(), 5), _mono(QPlainTextEdit(), 5)
        self._highlighters = [JsonHighlighter(e.document()) for e in (self.app_metadata, self.user_metadata)]
        self.factors = QListWidget()
        self.factors.setMaximumHeight(70)
        remove = QPushButton("Remove enrolment")
        remove.clicked.connect(self.remove_factor)
        self.save_button = QPushButton("Save user")
        self.save_button.clicked.connect(self.save)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, widget in (("E-mail", self.email), ("Phone", self.phone), ("Roles", self.roles),
                              ("app_metadata", self.app_metadata), ("user_metadata", self.user_metadata),
                              ("Password", self.password), ("MFA enrolments", self.factors), ("", remove)):
            form.addRow(label, widget)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addLayout(form)
        rl.addWidget(self.save_button)
        rl.addWidget(self.status)
        rl.addStretch(1)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.table)
        ll.addWidget(new)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([520, 740])  # e-mail and user id readable at 1280 px
        QVBoxLayout(self).addWidget(split)
        self.user: dict | None = None

    def load(self, tenant: str | None, select: str | None = None) -> None:
        self.tenant = tenant
        select = select or (self.user or {}).get("user_id")
        self.users = self.ops.core.users(tenant) if tenant else []
        _fill(self.table, [(u.get("email") or u.get("username") or "", u["user_id"], ", ".join(u["roles"]))
                           for u in self.users])
        row = next((i for i, u in enumerate(self.users) if u["user_id"] == select), 0 if self.users else -1)
        if row >= 0:
            self.table.blockSignals(True)
            self.table.setCurrentCell(row, 0)
            self.table.blockSignals(False)
        self._show(row)

    def _show(self, row: int) -> None:
        self.user = self.users[row] if 0 <= row < len(self.users) else None
        u = self.user or {}
        self.email.setText(u.get("email") or "")
        self.phone.setText(u.get("phone_number") or "")
        self.roles.setText(", ".join(u.get("roles", [])))
        self.app_metadata.setPlainText(json.dumps(u.get("app_metadata", {}), indent=2))
        self.user_metadata.setPlainText(json.dumps(u.get("user_metadata", {}), indent=2))
        self.password.clear()
        self.factors.clear()
        if self.user:
            for f in self.ops.core.authenticators(self.tenant, self.user["user_id"]):
                item = QListWidgetItem(f"SMS {f['phone_number']} (since {f['created_at'][:10]})")
                item.setData(Qt.ItemDataRole.UserRole, f["id"])
                self.factors.addItem(item)
        self.save_button.setEnabled(self.user is not None)

    def save(self) -> dict | None:
        if not self.user:
            return None
        try:
            app_metadata = json.loads(self.app_metadata.toPlainText() or "{}")
            user_metadata = json.loads(self.user_metadata.toPlainText() or "{}")
        except json.JSONDecodeError as exc:
            self.refuse(f"Metadata: line {exc.lineno}: {exc.msg}")
            return None
        fields = {"email": self.email.text().strip() or None, "phone_number": self.phone.text().strip() or None,
                  "roles": _words(self.roles.text()), "app_metadata": app_metadata, "user_metadata": user_metadata}
        if self.password.text():
            fields["password"] = self.password.text()
        result = self.call(self.ops.core.update_user, self.tenant, self.user["user_id"], **fields)
        if result:
            self.done(f"Saved {result[0].get('email') or result[0]['user_id']}: the next journey sees it.")
            self.load(self.tenant, result[0]["user_id"])
            return result[0]
        return None

    def new_user(self) -> None:
        email, ok = QInputDialog.getText(self, "New user", "E-mail:")
        if not ok or not email.strip():
            return
        password, ok = QInputDialog.getText(self, "New user", "Password:", QLineEdit.EchoMode.Password)
        if ok:
            result = self.call(self.ops.core.create_user, self.tenant, email=email.strip(), password=password or None)
            if result:
                self.done(f"Created {email.strip()}.")
                self.load(self.tenant, result[0]["user_id"])

    def remove_factor(self) -> None:
        item = self.factors.currentItem()
        if self.user and item:
            if self.call(self.ops.core.delete_authenticator, self.tenant, self.user["user_id"],
                         item.data(Qt.ItemDataRole.UserRole)) is not None:
                self.done("Enrolment removed: the user enrols again at the next login that asks for MFA.")
                self._show(self.table.currentRow())


class ApplicationsPane(_Pane):
    def __init__(self, ops):
        super().__init__(ops)
        self.clients: list[dict] = []
        self.table = self.rows(["Name", "Client id", "Callbacks", "Grant types"])
        self.callbacks, self.logout_urls, self.grants = QLineEdit(), QLineEdit(), QListWidget()
        self.callbacks.setPlaceholderText("allowed callback URLs, separated by commas")
        self.logout_urls.setPlaceholderText("allowed logout URLs, separated by commas")
        for grant in GRANTS:
            item = QListWidgetItem(grant)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.grants.addItem(item)
        self.grants.setMaximumHeight(self.grants.sizeHintForRow(0) * len(GRANTS) + 8)
        save = QPushButton("Save application")
        save.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow("Callbacks", self.callbacks)
        form.addRow("Logout URLs", self.logout_urls)
        form.addRow("Grant types (none ticked: all)", self.grants)
        self.stack(self.table, form, save)

    def load(self, tenant: str | None) -> None:
        self.tenant = tenant
        self.clients = self.ops.core.clients(tenant) if tenant else []
        _fill(self.table, [(c["name"], c["client_id"], ", ".join(c.get("callbacks") or []),
                            ", ".join(c.get("grant_types") or []) or "(all)") for c in self.clients])
        if self.clients:
            self.table.setCurrentCell(max(0, self.table.currentRow()), 0)
            self._show(max(0, self.table.currentRow()))

    def _show(self, row: int) -> None:
        c = self.clients[row] if 0 <= row < len(self.clients) else {}
        self.callbacks.setText(", ".join(c.get("callbacks") or []))
        self.logout_urls.setText(", ".join(c.get("allowed_logout_urls") or []))
        grants = set(c.get("grant_types") or [])
        for i in range(self.grants.count()):
            item = self.grants.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in grants else Qt.CheckState.Unchecked)

    def save(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.clients):
            return
        grants = [self.grants.item(i).text() for i in range(self.grants.count())
                  if self.grants.item(i).checkState() == Qt.CheckState.Checked]
        name = self.clients[row]["name"]
        if self.call(self.ops.core.update_client, self.tenant, name, callbacks=_words(self.callbacks.text()),
                     allowed_logout_urls=_words(self.logout_urls.text()), grant_types=grants):
            self.done(f"Saved {name}.")
            self.load(self.tenant)


class ApisPane(_Pane):
    def __init__(self, ops):
        super().__init__(ops)
        self.apis: list[dict] = []
        self.table = self.rows(["Name", "Identifier (audience)", "Scopes"])
        self.name, self.identifier, self.scopes = QLineEdit(), QLineEdit(), QLineEdit()
        self.identifier.setPlaceholderText("https://api.example.com")
        self.scopes.setPlaceholderText("read:things write:things")
        save = QPushButton("Save API (a new identifier adds one)")
        save.clicked.connect(self.save)
        form = QFormLayout()
        for label, widget in (("Name", self.name), ("Identifier", self.identifier), ("Scopes", self.scopes)):
            form.addRow(label, widget)
        self.stack(self.table, form, save)

    def load(self, tenant: str | None) -> None:
        self.tenant = tenant
        self.apis = self.ops.core.apis(tenant) if tenant else []
        _fill(self.table, [(a["name"], a["identifier"], " ".join(s["value"] for s in a.get("scopes", [])))
                           for a in self.apis])

    def _show(self, row: int) -> None:
        a = self.apis[row] if 0 <= row < len(self.apis) else {}
        self.name.setText(a.get("name", ""))
        self.identifier.setText(a.get("identifier", ""))
        self.scopes.setText(" ".join(s["value"] for s in a.get("scopes", [])))

    def save(self) -> None:
        result = self.call(self.ops.core.upsert_api, self.tenant, self.name.text().strip(),
                           self.identifier.text().strip(), _words(self.scopes.text()))
        if result:
            self.done(f"Saved {result[0]['name']}.")
            self.load(self.tenant)


class SecurityPane(_Pane):
    """The MFA policy, and outbound HTTP: its mode and its stubs (YAML, as `--stubs` files are)."""

    def __init__(self, ops):
        super().__init__(ops)
        self.policy = QComboBox()
        self.policy.addItem("Never (only when an action asks)", "never")
        self.policy.addItem("Always (every login asks for the second factor)", "all-applications")
        self.policy.activated.connect(lambda _: self.save_policy())
        self.mode = QComboBox()
        self.mode.addItems(list(MODES))
        self.mode.activated.connect(lambda _: self.save_mode())
        self.stubs = _mono(QPlainTextEdit(), 18)
        self.stubs.setMaximumHeight(16777215)
        self.stubs.setPlaceholderText("- method: GET\n  url: https://api.example.com/users/*\n  status: 200\n"
                                      "  json: {plan: gold}")
        save = QPushButton("Save stubs")
        save.clicked.connect(self.save_stubs)
        form = QFormLayout()
        form.addRow("MFA policy", self.policy)
        form.addRow("Outbound HTTP", self.mode)
        form.addRow("Stubs (YAML)", self.stubs)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(save)
        layout.addWidget(self.status)

    def load(self, tenant: str | None) -> None:
        self.tenant = tenant
        if not tenant:
            return
        self.policy.setCurrentIndex(max(0, self.policy.findData(self.ops.core.mfa_policy(tenant))))
        config = self.ops.core.http_config(tenant)
        self.mode.setCurrentText(config["mode"])
        self.stubs.setPlainText(yaml.safe_dump(config["stubs"], sort_keys=False) if config["stubs"] else "")

    def save_policy(self) -> None:
        if self.call(self.ops.core.set_mfa_policy, self.tenant, self.policy.currentData()) is not None:
            self.done(f"MFA policy: {self.policy.currentText()}.")

    def save_mode(self) -> None:
        if self.call(self.ops.core.set_http_mode, self.tenant, self.mode.currentText()) is not None:
            self.done(f"Outbound HTTP: {self.mode.currentText()}.")

    def save_stubs(self) -> bool:
        try:
            stubs = safe_yaml.load(self.stubs.toPlainText()) or []
        except Exception as exc:  # noqa: BLE001 - the parser's message, one line
            self.refuse(f"Stubs: {str(exc).splitlines()[0]}")
            return False
        if self.call(self.ops.core.set_http_stubs, self.tenant, stubs) is not None:
            self.done(f"Saved {len(stubs)} stub{'s' if len(stubs) != 1 else ''}.")
            return True
        return False


class TenantView(QTabWidget):
    changed = Signal()

    def __init__(self, ops):
        super().__init__()
        self.ops = ops
        self.users, self.applications = UsersPane(ops), ApplicationsPane(ops)
        self.apis, self.security = ApisPane(ops), SecurityPane(ops)
        for pane, title in ((self.users, "Users"), (self.applications, "Applications"), (self.apis, "APIs"),
                            (self.security, "MFA && HTTP")):
            area = QScrollArea()  # a small window scrolls the form instead of growing its minimum size
            area.setWidgetResizable(True)
            area.setFrameShape(QScrollArea.Shape.NoFrame)
            area.setWidget(pane)
            self.addTab(area, title)
        self.tenant: str | None = None

    def set_tenant(self, tenant: str | None) -> None:
        self.tenant = tenant
        for pane in (self.users, self.applications, self.apis, self.security):
            pane.load(tenant)

    def apply_changes(self, changes) -> None:
        if not self.tenant:
            return
        if any(t == self.tenant for t, _ in changes.users):
            self.users.load(self.tenant)
        if self.tenant in changes.directory or self.tenant in changes.tenants:
            self.applications.load(self.tenant)
            self.apis.load(self.tenant)
