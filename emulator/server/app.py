"""The local Auth0: an aiohttp application on the core's own event loop (so the desktop app can host it
under qasync), speaking Auth0's Authentication API and serving Universal-Login-like pages. Runs go to
the same engine and workspace as the Simulator's, so they show up live in its earlier runs, Logs and
Timings, and a breakpoint (before an action, or inside one) holds the HTTP request until the user
continues.
"""
from __future__ import annotations

import asyncio
import errno
import logging
import secrets
import time
from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import flows, store, tokens
from . import clients, oidc
from .errors import OAuthError
from .management import ManagementApi
from .management.errors import MgmtError
from .pages import SESSION_COOKIE, Pages
from .state import ServerState
from .mfa_api import MfaApi
from .tokens_api import TokenApi

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"
MAX_BODY = 64 * 1024  # Auth0 refuses large bodies too; nothing here needs more


@web.middleware
async def _errors(request: web.Request, handler):
    """Auth0's error shapes with the right status, never a traceback or a bare 500."""
    try:
        return await handler(request)
    except OAuthError as exc:
        return exc.response()
    except web.HTTPRequestEntityTooLarge:
        return OAuthError(413, "invalid_request", "The request body is too large.").response()
    except web.HTTPException as exc:
        if exc.status >= 400 and request.path.startswith("/api/v2"):
            return MgmtError(exc.status, "Not Found" if exc.status == 404 else exc.reason).response()
        if exc.status >= 400:
            return web.json_response({"error": "not_found" if exc.status == 404 else "invalid_request",
                                      "error_description": exc.reason}, status=exc.status)
        raise
    except Exception as exc:  # an emulator bug: logged, and answered in Auth0's shape
        log.exception("local server: %s %s failed", request.method, request.path)
        return web.json_response({"error": "server_error", "error_description": f"{type(exc).__name__}: {exc}"},
                                 status=500)


CORS_PATHS = ("/api/v2/", "/oauth/token", "/oauth/revoke", "/userinfo", "/.well-known/", "/mfa/", "/dbconnections/")


def cors_middleware(server):
    """Browsers' cross-origin calls (auth0-spa-js exchanging its code from the app's own origin): allowed
    for loopback origins and for the origins of the tenant's clients' callbacks, web_origins and
    allowed_origins, as Auth0 allows an application's "Allowed Web Origins"."""

    @web.middleware
    async def middleware(request: web.Request, handler):
        origin = request.headers.get("Origin")
        wanted = origin and request.path.startswith(CORS_PATHS) and server.origin_allowed(origin)
        if wanted and request.method == "OPTIONS":
            return web.Response(status=204, headers=_cors_headers(origin, request))
        response = await handler(request)
        if wanted:
            response.headers.update(_cors_headers(origin, request))
        return response

    return middleware


def _cors_headers(origin: str, request: web.Request) -> dict:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin", "Access-Control-Allow-Credentials": "true",
            "Access-Control-Allow-Methods": "GET, POST, PATCH, PUT, DELETE, OPTIONS",
            "Access-Control-Allow-Headers": request.headers.get("Access-Control-Request-Headers",
                                                                "Content-Type, Authorization, Auth0-Client"),
            "Access-Control-Max-Age": "600"}


async def listen(runner: web.AppRunner, host: str, port: int, context) -> int:
    """Start the runner's sites for `host` ("localhost": 127.0.0.1, then ::1 on the same port where this
    machine has IPv6) and return the port bound."""
    if host != "localhost":
        site = web.TCPSite(runner, host, port, ssl_context=context)
        await site.start()
        return site._server.sockets[0].getsockname()[1] if site._server and site._server.sockets else port
    for attempt in range(5):
        first = web.TCPSite(runner, "127.0.0.1", port, ssl_context=context)
        await first.start()
        bound = first._server.sockets[0].getsockname()[1]
        try:
            await web.TCPSite(runner, "::1", bound, ssl_context=context).start()
        except OSError as exc:
            if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):  # no IPv6 loopback here: IPv4 alone
                return bound
            await first.stop()
            if port or attempt == 4:  # the port asked for is taken on ::1 (by another program)
                raise
            continue  # a free IPv4 port that is taken on ::1: pick another
        return bound
    raise OSError(errno.EADDRINUSE, "no port free on both loopback addresses")


class LocalAuth0:
    """`await start(host, port)`; `issuer` fixes the tokens' `iss` (default: the server's URL)."""

    def __init__(self, emu, tenant: str, *, issuer: str | None = None):
        store.tenants.require(emu.ws, tenant)
        self.emu, self.tenant = emu, tenant
        self.fixed_issuer = issuer.rstrip("/") + "/" if issuer else None
        self.issuer = self.fixed_issuer or ""
        self.url = ""
        self.port = 0
        self.secure = False
        self.ca_file = None  # with https: the CA certificate clients trust
        self.state = ServerState()
        self.reset_runs: dict[str, object] = {}  # e-mailed ticket -> the password-reset run
        self.jinja = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
        self.pages = Pages(self)
        self.api = TokenApi(self)
        self.mfa = MfaApi(self)
        self.management = ManagementApi(self)
        self._runner: web.AppRunner | None = None
        self.on_run: list = []  # callables told of every journey run a request advanced (the app refreshes)
        self.on_changes: list = []  # callables told what a Management API write changed (the app refreshes)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)

    def now_s(self) -> int:
        return int(time.time())

    def build(self) -> web.Application:
        app = web.Application(middlewares=[cors_middleware(self), _errors], client_max_size=MAX_BODY)
        r = app.router
        r.add_get("/.well-known/openid-configuration", self.discovery)
        r.add_get("/.well-known/jwks.json", self.jwks)
        r.add_get("/authorize", self.pages.authorize)
        r.add_route("*", "/u/login", self.pages.login_page)
        r.add_route("*", "/u/signup", self.pages.signup_page)
        r.add_route("*", "/u/mfa", self.pages.mfa_page)
        r.add_route("*", "/u/form", self.pages.form_page)
        r.add_route("*", "/u/reset-password", self.pages.reset_request_page)
        r.add_route("*", "/u/reset-verify", self.pages.reset_verify_page)
        r.add_route("*", "/continue", self.pages.continue_)
        r.add_post("/oauth/token", self.api.token)
        r.add_post("/oauth/revoke", self.api.revoke)
        r.add_post("/mfa/challenge", self.mfa.challenge)
        r.add_post("/mfa/associate", self.mfa.associate)
        r.add_get("/mfa/authenticators", self.mfa.authenticators)
        r.add_route("*", "/userinfo", self.api.userinfo)
        r.add_get("/v2/logout", self.logout)
        r.add_get("/oidc/logout", self.oidc_logout)
        r.add_post("/dbconnections/signup", self.api.db_signup)
        r.add_post("/dbconnections/change_password", self.api.db_change_password)
        r.add_get("/u/email-verification", self.pages.email_verification)
        self.management.add_routes(r)
        return app

    async def start(self, host: str = "localhost", port: int = 4000, *, https: bool = False) -> str:
        """Listen on host:port; with `https`, TLS with a certificate of the workspace's own CA (`ca_file`).
        "localhost" listens on both loopback addresses (127.0.0.1 and ::1, one port) and is the URL and
        issuer: an application on http://localhost:* is then the same site, so the Lax session cookie
        reaches silent logins in its hidden iframe, and clients that resolve localhost to ::1 first (Node)
        connect too."""
        await tokens.ensure_key(self.emu.ws, self.tenant)
        store.system_api.ensure(self.emu.ws, self.tenant)
        context = None
        if https:
            from . import tls

            context, self.ca_file = await asyncio.get_event_loop().run_in_executor(
                None, tls.server_context, tls.folder(self.emu.ws.path), [host, *store.tenants.domains(self.emu.ws, self.tenant)])
            self.secure = True
        # A request still running at stop (an action mid-run) gets a second to finish: Ctrl+C is quick.
        self._runner = web.AppRunner(self.build(), access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        try:
            bound = await listen(self._runner, host, port, context)
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            from ..errors import UsageError

            raise UsageError(f"serve: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        self.port = bound
        shown = f"[{host}]" if ":" in host else host
        self.url = f"{'https' if https else 'http'}://{shown}:{bound}/"
        self.issuer = self.fixed_issuer or self.url
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def ran(self, run) -> None:
        for callback in self.on_run:
            callback(run)

    def changed(self, changes) -> None:
        for callback in self.on_changes:
            callback(changes)
        self.emu.notify(changes)

    def is_management_audience(self, audience: str | None) -> bool:
        return store.system_api.is_audience(self.emu.ws, self.tenant, audience, self.management.hosts())

    def check_audience(self, audience: str | None) -> None:
        """An access token is issued for an API of the tenant only (Auth0: "Service not found")."""
        if audience and store.apis.find(self.emu.ws, self.tenant, audience) is None:
            raise OAuthError(403, "access_denied", f"Service not found: {audience}")

    def origin_allowed(self, origin: str) -> bool:
        from urllib.parse import urlsplit

        split = urlsplit(origin)
        if split.scheme in ("http", "https") and (split.hostname or "") in clients.LOOPBACK_HOSTS:
            return True
        for client in store.directory.clients(self.emu.ws, self.tenant):
            for url in [*client.get("callbacks", []), *client.get("web_origins", []), *client.get("allowed_origins", [])]:
                u = urlsplit(url)
                if f"{u.scheme}://{u.netloc}" == origin:
                    return True
        return False

    # ---- what journeys see of a request --------------------------------------------------------------
    def event_for(self, request: web.Request, protocol: str, params: dict) -> dict:
        """What the request adds to every event of its journey: the request, and the transaction."""
        query = {k: v for k, v in request.query.items()}
        transaction = {"protocol": protocol, "requested_scopes": (params.get("scope") or "").split()}
        if params.get("redirect_uri"):
            transaction["redirect_uri"] = params["redirect_uri"]
        if params.get("response_mode"):
            transaction["response_mode"] = params["response_mode"]
        if params.get("state"):
            transaction["state"] = params["state"]
        if params.get("login_hint"):
            transaction["login_hint"] = params["login_hint"]
        return {"request": {"ip": request.remote or "127.0.0.1", "hostname": request.host.split(":")[0],
                            "method": request.method, "query": query,
                            "user_agent": request.headers.get("User-Agent", ""),
                            "language": (request.headers.get("Accept-Language") or "en").split(",")[0]},
                "transaction": transaction}

    async def change_password_request(self, request: web.Request, email: str, client: dict,
                                      connection: str | None) -> None:
        run = flows.start(self.emu, self.tenant, "password_reset",
                          {"email": email, "base_url": self.url, "issuer": self.issuer,
                           "event": self.event_for(request, "oidc-basic-profile", {})},
                          client=client["client_id"], connection=connection)
        run = await flows.run_to_end(self.emu, run)
        ticket = run.ctx.get("ticket")
        if ticket:
            self.reset_runs[ticket] = run
        return ticket

    async def password_ticket(self, request: web.Request, user: dict) -> str:
        """A password-change ticket (the Management API's): the reset journey, its link in the outbox."""
        if not user.get("email"):
            raise OAuthError(400, "invalid_request", "The user has no e-mail address.")
        clients_ = store.directory.clients(self.emu.ws, self.tenant)
        ticket = await self.change_password_request(request, user["email"], clients_[0], user["connection"])
        if not ticket:
            raise OAuthError(400, "invalid_request", "The password reset could not start.")
        return f"{self.url}u/reset-verify?ticket={ticket}#"

    # ---- discovery, keys, logout ---------------------------------------------------------------------
    async def discovery(self, request: web.Request) -> web.Response:
        return web.json_response(oidc.discovery(self.issuer))

    async def jwks(self, request: web.Request) -> web.Response:
        return web.json_response(tokens.jwks(self.emu.ws, self.tenant))

    def set_session_cookie(self, response: web.Response, value: str) -> None:
        """Auth0's session cookie: over https `SameSite=None; Secure`, so that silent login in an
        application's hidden iframe sends it (Auth0 does the same); over http `Lax`, which works for an
        application on the issuer's own site (serve advertises http://localhost:PORT/ for that)."""
        response.set_cookie(SESSION_COOKIE, value, httponly=True, samesite="None" if self.secure else "Lax",
                            secure=self.secure, path="/")

    def _end_session(self, request: web.Request, response: web.Response) -> web.Response:
        self.state.sessions.pop(request.cookies.get(SESSION_COOKIE, ""), None)
        response.del_cookie(SESSION_COOKIE, path="/")
        return response

    def _logout_target(self, client_id: str | None, url: str | None) -> str | None:
        if not url:
            return None
        client = clients.find(self.emu, self.tenant, client_id) if client_id else next(
            (c for c in store.directory.clients(self.emu.ws, self.tenant) if c["name"] == clients.DEFAULT_APP), None)
        if client is None or not clients.logout_allowed(client, url):
            raise OAuthError(400, "invalid_request",
                             f'The "returnTo" querystring parameter "{url}" is not defined as a valid URL in '
                             f'"Allowed Logout URLs".')
        return url

    async def logout(self, request: web.Request) -> web.Response:
        target = self._logout_target(request.query.get("client_id"), request.query.get("returnTo"))
        response = oidc.redirect(target) if target else web.Response(text="OK")
        return self._end_session(request, response)

    async def oidc_logout(self, request: web.Request) -> web.Response:
        q = request.query
        client_id = q.get("client_id")
        if not client_id and q.get("id_token_hint"):
            try:
                client_id = tokens.verify(self.emu.ws, self.tenant, q["id_token_hint"], iss=self.issuer)["aud"]
            except Exception:
                raise OAuthError(400, "invalid_request", "Invalid id_token_hint.") from None
        target = self._logout_target(client_id, q.get("post_logout_redirect_uri"))
        if target and q.get("state"):
            target += ("&" if "?" in target else "?") + f"state={q['state']}"
        response = oidc.redirect(target) if target else web.Response(text="OK")
        return self._end_session(request, response)
