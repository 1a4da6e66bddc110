"""What a paused run asks of the person stepping it, one page per kind of wait: the event about to be
sent at a breakpoint (editable), an OTP, a phone number to enrol, the /continue request after a redirect
(with a session token signed for it), a form's fields, the reset link, a new password. Each page emits
the answer the engine expects."""
from __future__ import annotations

import json

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QStackedWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ... import theme
from ...widgets.editors import EditorHost, EditorKit


def _page(*widgets) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    for w in widgets:
        layout.addWidget(w) if isinstance(w, QWidget) else layout.addLayout(w)
    layout.addStretch(1)
    return page


def _pairs_table() -> QTableWidget:
    table = QTableWidget(4, 2)
    table.setHorizontalHeaderLabels(["Name", "Value"])
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _pairs(table: QTableWidget) -> dict:
    out = {}
    for row in range(table.rowCount()):
        key, value = table.item(row, 0), table.item(row, 1)
        if key and key.text().strip():
            out[key.text().strip()] = value.text() if value else ""
    return out


def _set_pair(table: QTableWidget, key: str, value: str) -> None:
    rows = [r for r in range(table.rowCount()) if table.item(r, 0) and table.item(r, 0).text() == key]
    row = rows[0] if rows else next((r for r in range(table.rowCount())
                                     if not (table.item(r, 0) and table.item(r, 0).text())), None)
    if row is None:
        row = table.rowCount()
        table.insertRow(row)
    table.setItem(row, 0, QTableWidgetItem(key))
    table.setItem(row, 1, QTableWidgetItem(value))


class PromptPanel(QStackedWidget):
    answered = Signal(dict)  # the answer for the waiting run
    sign_requested = Signal(str, dict)  # secret name, claims: the view asks the core for a session token
    auto_requested = Signal()  # "answer as the emulator would" (code from the outbox, the e-mailed link)
    link_activated = Signal(str)  # a link in the done page ("run:<id>", "timings:")

    def __init__(self, editors: EditorKit | None = None):
        super().__init__()
        self.title = QLabel()
        self.idle_label = QLabel("Pick a flow and press Step (F10) or Run (F5).")
        self.idle_label.setWordWrap(True)
        self.idle = _page(self.idle_label)
        # breakpoint: the event
        self.event_label = QLabel()
        self.event_editor = EditorHost(editors or EditorKit("basic"), "json")  # checked against the event schema
        self.event_editor.textChanged.connect(self._check_event)
        self.event_error = QLabel()
        self.send_event = QPushButton("Send this event to the action")
        self.send_event.clicked.connect(self._event_answer)
        self._original_event = ""
        event_page = QWidget()
        el = QVBoxLayout(event_page)
        for w in (self.event_label, self.event_editor, self.event_error, self.send_event):
            el.addWidget(w)
        # OTP
        self.otp_label, self.otp_error, self.otp = QLabel(), QLabel(), QLineEdit()
        self.otp.setPlaceholderText("6-digit code")
        self.otp.returnPressed.connect(lambda: self.answered.emit({"otp": self.otp.text().strip()}))
        verify, from_outbox = QPushButton("Verify code"), QPushButton("Use the code from the outbox")
        verify.clicked.connect(lambda: self.answered.emit({"otp": self.otp.text().strip()}))
        from_outbox.clicked.connect(self.auto_requested)
        row = QHBoxLayout()
        for w in (self.otp, verify, from_outbox):
            row.addWidget(w)
        otp_page = _page(self.otp_label, row, self.otp_error)
        # phone
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("+15550100")
        self.send_phone = QPushButton("Send the code")
        self.send_phone.clicked.connect(lambda: self.answered.emit({"phone": self.phone.text().strip()}))
        self.phone.returnPressed.connect(self.send_phone.click)
        phone_page = _page(QLabel("Enrol a phone for SMS: the number to send the code to."), self.phone,
                           self.send_phone)
        # redirect: /continue
        self.url = QLineEdit(readOnly=True)
        self.query = _pairs_table()
        self.body = QLineEdit()
        self.body.setPlaceholderText('POST body as JSON, e.g. {"answer": "yes"} (empty: a GET)')
        self.secret_box = QComboBox()
        self.secret_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # the whole name
        self.claims = QPlainTextEdit('{"age_verified": true}')  # several lines of JSON, not a 40 px field
        self.claims.setMaximumHeight(self.claims.fontMetrics().height() * 4 + 12)
        self.sign_button = QPushButton("Sign session_token")
        self.sign_button.clicked.connect(self._sign)
        self.continue_error = QLabel()
        self.continue_button = QPushButton("Continue (/continue)")
        self.continue_button.clicked.connect(self._continue_answer)
        signer = QHBoxLayout()
        signer.addWidget(self.secret_box, 1)
        signer.addWidget(self.sign_button)
        # A full-width key/value grid: every field gets the whole width of the pane.
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Redirected to", self.url)
        form.addRow("Query", self.query)
        form.addRow("Token secret", signer)
        form.addRow("Token claims", self.claims)
        form.addRow("Body", self.body)
        continue_page = _page(QLabel("The action sent the user away. Come back to /continue with:"), form,
                              self.continue_error, self.continue_button)
        # form (prompt.render)
        self.form_label, self.fields = QLabel(), _pairs_table()
        self.submit_form = QPushButton("Submit the form")
        self.submit_form.clicked.connect(lambda: self.answered.emit({"fields": _pairs(self.fields)}))
        form_page = _page(self.form_label, self.fields, self.submit_form)
        # reset link and new password
        follow = QPushButton("Follow the link in the e-mail")
        follow.clicked.connect(self.auto_requested)
        link_page = _page(QLabel("A reset e-mail is in the outbox."), follow)
        self.new_password, self.password_error = QLineEdit(), QLabel()
        change = QPushButton("Change password")
        change.clicked.connect(lambda: self.answered.emit({"new_password": self.new_password.text()}))
        password_page = _page(QLabel("Choose a new password."), self.new_password, self.password_error, change)
        self.title.linkActivated.connect(self.link_activated)
        self.done = _page(self.title)
        self.pages = {None: self.idle, "event": event_page, "otp": otp_page, "phone": phone_page,
                      "continue": continue_page, "form": form_page, "link": link_page,
                      "new_password": password_page, "done": self.done}
        for page in self.pages.values():
            self.addWidget(page)
        for label in (self.event_error, self.otp_error, self.continue_error, self.password_error):
            label.setStyleSheet(f"color: {theme.css('error')}")
        for label in (self.event_label, self.otp_label, self.form_label, self.title, self.event_error,
                      self.continue_error):
            label.setWordWrap(True)

    def show_wait(self, waiting: dict | None, *, done_text: str | None = None, secrets: list[str] = (),
                  idle_text: str | None = None) -> None:
        """Show the page for what the run waits for (or the idle or done page). `idle_text` says where a
        run between steps is and what the keys do."""
        need = (waiting or {}).get("for")
        self.idle_label.setText(idle_text or "Pick a flow and press Step (F10) or Run (F5).")
        if done_text is not None:
            self.title.setText(done_text)
            self.setCurrentWidget(self.done)
            return
        self.setCurrentWidget(self.pages.get(need, self.idle))
        error = (waiting or {}).get("error") or {}
        message = error.get("error_description") or error.get("description") or ""
        if need == "event":
            handler = f", {waiting['handler']}" if waiting.get("handler") else ""
            self.event_label.setText(f"Breakpoint: the event {waiting['action']} ({waiting['trigger']}{handler}) is "
                                     f"about to receive. Edit it, then send.")
            self._original_event = json.dumps(waiting["event"], indent=2)
            self.event_editor.set_schema(waiting["trigger"])
            self.event_editor.setPlainText(self._original_event)
        elif need == "otp":
            self.otp_label.setText(f"A code was sent to {waiting['phone']} ({waiting['action']}). "
                                   f"The outbox shows the SMS.")
            self.otp.clear()
            self.otp_error.setText(message)
        elif need == "continue":
            self.url.setText(waiting["url"])
            self.query.clearContents()
            self.secret_box.clear()
            self.secret_box.addItems(list(secrets))
            self.continue_error.clear()
        elif need == "form":
            self.form_label.setText(f"The action rendered the form {waiting['form_id']!r}.")
            self.fields.clearContents()
        elif need == "new_password":
            self.password_error.setText(message)

    def set_session_token(self, token: str) -> None:
        _set_pair(self.query, "session_token", token)

    def set_otp(self, code: str) -> None:
        self.otp.setText(code)

    def _check_event(self) -> None:
        try:
            json.loads(self.event_editor.toPlainText())
        except json.JSONDecodeError as exc:
            self.event_error.setText(f"Line {exc.lineno}: {exc.msg}")
            self.event_editor.set_errors({exc.lineno: exc.msg})
            self.send_event.setEnabled(False)
            return
        self.event_editor.set_errors({})
        self.event_error.clear()
        self.send_event.setEnabled(True)

    def event_answer(self) -> dict | None:
        """The breakpoint's answer: the edited event, or {} when it was left as shown (None if invalid)."""
        text = self.event_editor.toPlainText()
        if text == self._original_event:
            return {}
        try:
            return {"event": json.loads(text)}
        except json.JSONDecodeError:
            return None

    def _event_answer(self) -> None:
        answer = self.event_answer()
        if answer is not None:
            self.answered.emit(answer)

    def continue_answer(self) -> dict | None:
        text = self.body.text().strip()
        try:
            body = json.loads(text) if text else {}
        except json.JSONDecodeError as exc:
            self.continue_error.setText(f"Body: {exc.msg} (column {exc.colno})")
            return None
        return {"query": _pairs(self.query), "body": body}

    def _continue_answer(self) -> None:
        answer = self.continue_answer()
        if answer is not None:
            self.answered.emit(answer)

    def _sign(self) -> None:
        try:
            claims = json.loads(self.claims.toPlainText() or "{}")
        except json.JSONDecodeError as exc:
            self.continue_error.setText(f"Claims: {exc.msg} (column {exc.colno})")
            return
        self.sign_requested.emit(self.secret_box.currentText(), claims)

    def current_answer(self) -> dict | None:
        """What Step/Run send for the visible page (None: nothing to send yet)."""
        need = next((k for k, page in self.pages.items() if page is self.currentWidget()), None)
        if need == "event":
            return self.event_answer()
        if need == "otp" and self.otp.text().strip():
            return {"otp": self.otp.text().strip()}
        if need == "phone" and self.phone.text().strip():
            return {"phone": self.phone.text().strip()}
        if need == "continue":
            return self.continue_answer()
        if need == "form":
            return {"fields": _pairs(self.fields)}
        if need == "new_password" and self.new_password.text():
            return {"new_password": self.new_password.text()}
        return None
