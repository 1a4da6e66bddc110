"""The app hosts the local server: the Serve switch starts it on the app's event loop; a real HTTP login
(an aiohttp client, as a browser would post the login form) stops at a breakpoint inside an action,
the request waits while the debugger holds it, and F5 lets it finish; the run is then among the
Simulator's runs. No sleeps but the one pause that proves the deadline does not run."""
from __future__ import annotations

import asyncio
from html.parser import HTMLParser
from urllib.parse import urlencode

import aiohttp
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.startup import open_core
from app.window import MainWindow

from .conftest import basic_settings

from .test_debugger import _until, wait_signal


@pytest.fixture
def win(qtbot, aloop, tmp_path):
    core = open_core(str(tmp_path / "ws.sqlite"))
    core.deadline_ms = 1000
    window = MainWindow(core, basic_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    aloop.run_until_complete(window.start_core())
    yield window
    aloop.run_until_complete(window.core.close())


class _Form(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.action, self.fields = None, {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.action = a["action"]
        elif tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value") or ""


def test_serve_switch_and_a_real_login_held_at_a_breakpoint(win, aloop):
    win.serve.port.setValue(0)
    wait_signal(aloop, win.serve.serving_changed, lambda: win.serve.switch.setChecked(True))
    issuer = win.serve.server.issuer
    client_id = next(c for c in win.core.clients("sample") if c["name"] == "Default App")["client_id"]
    assert issuer.startswith("http://localhost:") and client_id in win.serve.label.text()
    win.core.set_breakpoints("sample", "add-role-claims", [{"line": 8}])

    async def browser():
        async with aiohttp.ClientSession() as http:
            async with http.get(issuer + ".well-known/openid-configuration") as r:
                assert (await r.json())["issuer"] == issuer
            query = urlencode({"client_id": client_id, "redirect_uri": "http://localhost:3000/cb",
                               "response_type": "code", "scope": "openid", "state": "s1"})
            async with http.get(issuer + "authorize?" + query) as r:
                form = _Form(await r.text())
            data = {**form.fields, "username": "sam.lee@example.org", "password": "Battery-Staple-7"}
            async with http.post(issuer + form.action.lstrip("/"), data=data, allow_redirects=False) as r:
                return r.status, r.headers.get("Location")

    request = aloop.create_task(browser())
    _until(aloop, lambda: win.debugger.paused, timeout=30)
    assert win.debugger.pause.top.file.startswith("actions/sample/add-role-claims/")
    aloop.run_until_complete(asyncio.sleep(1.5))  # longer than the 1 s deadline: a paused run does not spend it
    assert not request.done()  # the HTTP request waits while the debugger holds the run
    QTest.keyClick(win, Qt.Key.Key_F5)
    status, location = aloop.run_until_complete(asyncio.wait_for(request, 30))
    # add-role-claims finished; the sample's age check then sends Sam to its page, with the run's state.
    assert status == 302 and location.startswith("https://age-check.example.com/verify?")
    runs = win.core.flow_runs("sample")
    assert runs and runs[0]["status"] == "redirected"
    # Live in the Simulator's Earlier runs, without touching it.
    runs_list = win.simulator_view.runs
    shown = [runs_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(runs_list.count())]
    assert runs[0]["id"] in shown
    wait_signal(aloop, win.serve.serving_changed, lambda: win.serve.switch.setChecked(False))
    assert win.serve.server is None


def test_the_applications_dialog_lists_every_client_with_its_secret(win):
    dialog = win.serve.show_applications()
    table = dialog.table
    names = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    assert set(names) == {c["name"] for c in win.core.clients("sample")}
    row = names["My Web App"]
    assert table.item(row, 3).text() == "https://app.example.com/callback"
    assert len(table.item(row, 2).text()) > 40  # a secret was made for it
    assert "authorization_code" in table.item(row, 4).text()
    dialog.close()
