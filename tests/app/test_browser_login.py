"""A real browser engine logs in: QtWebEngine (Chromium, offscreen) loads a tiny single-page app that uses
Auth0's own @auth0/auth0-spa-js (installed with the bundled npm when the test runs, then cached), which
redirects to the local Auth0's login page, comes back with a code and exchanges it (PKCE, CORS) for
tokens it validates itself. Once plainly, with a post-login action adding a claim, then reloaded (still
logged in through auth0-spa-js's default hidden iframe); once held at a breakpoint inside that action
and continued."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from aiohttp import web
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineWidgets import QWebEngineView

from app.startup import open_core
from emulator.runtime.deps import DependencyCache, DependencyError
from emulator.server import LocalAuth0

from .test_debugger import _until

SPA = Path(__file__).parent.parent / "web" / "spa.html"
CLAIM = """exports.onExecutePostLogin = async (event, api) => {
  const greeting = `hello ${event.user.email}`;
  api.idToken.setCustomClaim('https://acme.example/greeting', greeting);
};"""


@pytest.fixture(scope="module")
def spa_js():
    try:
        deps = asyncio.run(DependencyCache.default().ensure([("@auth0/auth0-spa-js", "2")]))
    except DependencyError as exc:  # only when the npm registry can't be reached and nothing is cached
        pytest.skip(f"@auth0/auth0-spa-js is not available: {exc}")
    return deps / "node_modules" / "@auth0" / "auth0-spa-js" / "dist" / "auth0-spa-js.production.js"


@pytest.fixture
def stack(aloop, tmp_path, spa_js, qtbot):
    core = open_core(str(tmp_path / "ws.sqlite"))
    aloop.run_until_complete(core.start("sample"))
    core.create_action("sample", "greet", "post-login", CLAIM)
    core.deploy("sample", "greet")
    core.set_bindings("sample", "post-login", ["greet"])
    core.create_user("sample", email="pat@example.com", password="Str0ng-Passw0rd!")
    server = LocalAuth0(core, "sample")
    issuer = aloop.run_until_complete(server.start("localhost", 0))  # serve's default: the app's own site
    client_id = next(c for c in core.clients("sample") if c["name"] == "Default App")["client_id"]
    config = json.dumps({"domain": issuer.rstrip("/"), "clientId": client_id})
    page = SPA.read_text().replace("__CONFIG__", config)

    async def index(request):
        return web.Response(text=page, content_type="text/html")

    async def script(request):
        return web.FileResponse(spa_js)

    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_get("/auth0-spa-js.production.js", script)
    runner = web.AppRunner(app)
    aloop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "localhost", 0)
    aloop.run_until_complete(site.start())
    spa_url = f"http://localhost:{site._server.sockets[0].getsockname()[1]}/"
    # No session cookie from another test (the login page must show).
    view = QWebEngineView()
    profile = view.page().profile()
    cookies = profile.cookieStore()
    cookies.deleteAllCookies()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    yield {"core": core, "view": view, "spa": spa_url, "issuer": issuer}
    aloop.run_until_complete(runner.cleanup())
    aloop.run_until_complete(server.stop())
    aloop.run_until_complete(core.close())


def _js(aloop, view, script: str):
    future = aloop.create_future()
    view.page().runJavaScript(script, 0, lambda result: future.done() or future.set_result(result))
    return aloop.run_until_complete(asyncio.wait_for(future, 10))


def _wait_for(aloop, view, script: str, timeout: float = 90):
    """Poll the page until `script` is truthy (the page changes as the browser is redirected)."""
    async def poll():
        while True:
            future = asyncio.get_running_loop().create_future()
            view.page().runJavaScript(script, 0, lambda r: future.done() or future.set_result(r))
            try:
                result = await asyncio.wait_for(future, 2)
            except asyncio.TimeoutError:  # a page that navigated away never answers: ask the next one
                continue
            if result:
                return result
            await asyncio.sleep(0.1)
    try:
        return aloop.run_until_complete(asyncio.wait_for(poll(), timeout))
    except asyncio.TimeoutError:
        url = view.url().toString()
        text = _js(aloop, view, "document.body ? document.body.innerText.slice(0, 500) : ''")
        raise AssertionError(f"waited {timeout} s for {script!r} at {url}: {text!r}") from None


def _log_in(aloop, view, email: str, password: str) -> None:
    _wait_for(aloop, view, "!!document.querySelector('#username')")
    _js(aloop, view, f"document.querySelector('#username').value = {json.dumps(email)};"
                     f"document.querySelector('#password').value = {json.dumps(password)};"
                     f"document.querySelector('form').submit(); true")


@pytest.mark.timeout(300)
def test_auth0_spa_js_logs_in_and_gets_the_actions_claim(stack, aloop):
    view = stack["view"]
    view.load(QUrl(stack["spa"]))
    _log_in(aloop, view, "pat@example.com", "Str0ng-Passw0rd!")
    title = _wait_for(aloop, view, "['logged-in', 'error'].includes(document.title) && document.title")
    out = _js(aloop, view, "document.querySelector('#out').textContent")
    assert title == "logged-in", out
    claims = json.loads(out)
    assert claims["https://acme.example/greeting"] == "hello pat@example.com"
    assert claims["iss"] == stack["issuer"]
    # A reload keeps the user logged in: the hidden iframe's silent login sends the session cookie (the
    # issuer is localhost, the app's own site, so SameSite=Lax allows it), with the same session.
    view.load(QUrl(stack["spa"]))
    title = _wait_for(aloop, view, "['still-logged-in', 'redirecting', 'error'].includes(document.title) && document.title")
    out = _js(aloop, view, "document.querySelector('#out').textContent")
    assert title == "still-logged-in", out
    again = json.loads(out)
    assert again["sid"] == claims["sid"] and again["auth_time"] == claims["auth_time"]


@pytest.mark.timeout(300)
def test_a_browser_login_held_at_a_breakpoint_then_continued(stack, aloop):
    core, view = stack["core"], stack["view"]
    core.debug_breakpoints = True
    core.set_breakpoints("sample", "greet", [{"line": 3}])
    pauses = []
    core.debuggers.on_pause.append(lambda tenant, session, pause: pauses.append((session, pause)))
    view.load(QUrl(stack["spa"]))
    _log_in(aloop, view, "pat@example.com", "Str0ng-Passw0rd!")
    _until(aloop, lambda: pauses, timeout=60)
    session, pause = pauses[0]
    assert pause.top.file == "actions/sample/greet/v1.js" and pause.top.line == 3
    value = aloop.run_until_complete(session.evaluate("greeting"))
    assert value.preview == "hello pat@example.com"
    assert _js(aloop, view, "document.title") != "logged-in"  # the browser is still waiting
    aloop.run_until_complete(session.resume())
    title = _wait_for(aloop, view, "['logged-in', 'error'].includes(document.title) && document.title")
    assert title == "logged-in", _js(aloop, view, "document.querySelector('#out').textContent")
