"""The Simulator's right-hand side: the action that just ran (commands, console, HTTP, error, timings),
the run's state so far, the result (outcome, the ID and access tokens decoded with their signature
verified, the tenant log lines the run produced), and the outbox of e-mails and SMS "sent"."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QTabWidget, QTreeWidgetItem

from ... import theme
from ...widgets import badges, json_tree
from ...widgets.empty_hint import hint



class RunDetails(QTabWidget):
    outbox_activated = Signal(dict)  # a message double-clicked in the outbox

    def __init__(self):
        super().__init__()
        self.action = json_tree.tree(("Last action", ""))
        self.state = json_tree.tree(("State so far", ""))
        self.result = json_tree.tree(("Result", ""))
        badges.install(self.result)
        hint(self.result, "When a run ends, its outcome, the tokens it issued (decoded, signature checked) "
                          "and the tenant's log lines appear here.")
        hint(self.state, "What the journey carries (user, session, claims, a denial) appears here as it runs.")
        # The message first (it holds the code, or the link), whole on hover; then to whom and when (the
        # channel and provider on hover): the pane is narrow at 1280 px, the message gets the room.
        self.outbox = QTableWidget(0, 3)
        self.outbox.setHorizontalHeaderLabels(["Message", "To", "Sent"])
        header = self.outbox.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.outbox.setColumnWidth(1, 110)
        self.outbox.verticalHeader().hide()
        self.outbox.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.outbox.setWordWrap(False)
        self.outbox.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.outbox.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.outbox.cellDoubleClicked.connect(lambda row, _: self.outbox_activated.emit(self.messages[row]))
        self.messages: list[dict] = []
        hint(self.outbox, "E-mails and SMS the tenant sends (codes, links) appear here; double-click one to "
                          "answer the run with it.")
        for widget, title in ((self.action, "Last action"), (self.state, "State so far"), (self.result, "Result"),
                              (self.outbox, "Outbox")):
            self.addTab(widget, title)

    def show_view(self, view: dict) -> None:
        self._last_action(view["last_action"])
        self.state.clear()
        for key, value in view["state"].items():
            item = json_tree.add(self.state, key, value, expand=2)
            if key == "denial":
                item.setForeground(0, QBrush(theme.color("error")))
        self._result(view["report"])

    def _last_action(self, action: dict | None) -> None:
        self.action.clear()
        if action is None:
            json_tree.add(self.action, "(no action has run yet)", "")
            return
        head = json_tree.add(self.action, "Action", f"{action['name']} v{action['version']} ({action['trigger']}, "
                                                   f"{action['handler']})")
        head.setExpanded(True)
        if action.get("error"):
            err = action["error"]
            where = f" (line {err['line']})" if err.get("line") else ""
            item = json_tree.add(self.action, "Error", f"{err['class']}: {err['name']}: {err['message']}{where}")
            item.setForeground(1, QBrush(theme.color("error")))
        commands = json_tree.add(self.action, "Commands", str(len(action["commands"])))
        for cmd in action["commands"]:
            args = ", ".join(json.dumps(a) for a in cmd["args"])
            suffix = f"  ✗ {cmd['error']}" if cmd.get("error") else ""
            commands.addChild(QTreeWidgetItem([cmd["name"], f"({args}){suffix}"]))
        commands.setExpanded(True)
        console = json_tree.add(self.action, "Console", str(len(action["logs"])))
        for entry in action["logs"]:
            console.addChild(QTreeWidgetItem([entry["level"], entry["message"]]))
        console.setExpanded(True)
        calls = json_tree.add(self.action, "HTTP", str(len(action.get("http") or [])))
        for call in action.get("http") or []:
            calls.addChild(QTreeWidgetItem([f"{call['method']} {call['url']}",
                                            call.get("error") or f"{call.get('status')} in {call.get('duration_ms')} ms"]))
        json_tree.add(self.action, "Timings", ", ".join(f"{k} {v} ms" for k, v in action["timings"].items()))

    def _result(self, report: dict) -> None:
        self.result.clear()
        outcome = json_tree.add(self.result, "Outcome", report["status"] + (" (deterministic)"
                                                                            if report["deterministic"] else ""))
        badges.mark(outcome, report["status"], 1)
        if report.get("error"):
            item = json_tree.add(self.result, "Error", report["error"], expand=1)
            item.setForeground(0, QBrush(theme.color("error")))
            outcome.setForeground(1, QBrush(theme.color("error")))
        if report.get("tokens"):
            tokens = report["tokens"]
            verified = "signature verified (RS256, tenant JWKS)" if tokens["signature_verified"] else "NOT verified"
            if "id_token" in tokens:  # a machine's exchange has an access token only
                json_tree.add(self.result, "ID token", tokens["claims"]["id_token"], expand=1).setText(1, verified)
            json_tree.add(self.result, "Access token", tokens["claims"]["access_token"], expand=1).setText(1, verified)
            json_tree.add(self.result, "Scope", tokens["scope"])
            if tokens["dropped_claims"]:
                json_tree.add(self.result, "Dropped claims", tokens["dropped_claims"])
            json_tree.add(self.result, "Raw ID token" if "id_token" in tokens else "Raw access token",
                          tokens.get("id_token") or tokens["access_token"], expand=0)
        for key in ("user", "message", "result_url"):
            if report.get(key):
                json_tree.add(self.result, key, report[key])
        logs = json_tree.add(self.result, "Tenant logs", str(len(report["logs"])))
        for line in report["logs"]:
            logs.addChild(QTreeWidgetItem([line["type"], line.get("description") or ""]))
        logs.setExpanded(True)
        self._fit_names(self.result)

    @staticmethod
    def _fit_names(tree) -> None:
        """Claim names are what a person checks in a result: the name column takes their whole width (up to
        two thirds of the pane), rather than eliding them in the middle."""
        wanted = tree.sizeHintForColumn(0) + tree.indentation()
        tree.setColumnWidth(0, max(170, min(wanted, tree.viewport().width() * 2 // 3 or wanted)))

    def show_outbox(self, messages: list[dict]) -> None:
        self.messages = messages
        self.outbox.setRowCount(len(messages))
        for row, m in enumerate(messages):
            via = m["meta"].get("via")
            channel = m["channel"] + (f" via {via}" if via else "")
            message = m["body"] if m["channel"] == "sms" else f"{m.get('subject') or ''}: {m['body']}".strip(": ")
            outcome = m["meta"].get("outcome")
            if outcome and outcome != "delivered":  # what the custom provider did with it, first
                reason = m["meta"].get("reason")
                message = f"[{outcome}{': ' + reason if reason else ''}] {message}"
            for col, text in enumerate((message, m["recipient"], m["created_at"][11:19])):
                self.outbox.setItem(row, col, QTableWidgetItem(text))
            if outcome and outcome != "delivered":
                self.outbox.item(row, 0).setForeground(theme.color("error"))
            if m["meta"].get("attempts", 1) > 1:
                channel += f" ({m['meta']['attempts']} attempts)"
            self.outbox.item(row, 0).setToolTip(m["body"])
            self.outbox.item(row, 1).setToolTip(f"{m['recipient']} · {channel}")
            self.outbox.item(row, 2).setToolTip(m["created_at"])
