"""Universal-Login-like pages and /authorize: each request is turned into a step of the same journey
state machines the Simulator steps (emulator.flows), and each state the journey reaches into a page or
a response to the application. No journey rule lives here: who may log in, what actions do, when MFA
or a redirect happens is the journey's."""
from __future__ import annotations

import hmac
from aiohttp import web

from .. import flows, store, tokens
from ..flows.run import DENIED, FAILED, MFA_REQUIRED, REDIRECTED, SUCCESS, WAITING
from . import clients, forms, oidc
from .errors import OAuthError
from .state import Grant, ServerPart, Transaction

SESSION_COOKIE = "auth0"
WRONG_PASSWORD = "Wrong email or password."


class Pages(ServerPart):
    def render(self, template: str, tx: Transaction | None = None, status: int = 200, **values) -> web.Response:
        context = {"tenant": self.server.tenant, "state": tx.id if tx else "", "csrf": tx.csrf if tx else "",
                   "client_name": tx.client["name"] if tx else "", "login_hint": tx.login_hint if tx else ""}
        page = self.server.jinja.get_template(template).render({**context, **values})
        return web.Response(text=page, content_type="text/html", status=status,
                            headers={"Cache-Control": "no-store", "X-Frame-Options": "deny"})

    # ---- /authorize ------------------------------------------------------------------------------------
    async def authorize(self, request: web.Request) -> web.Response:
        q = request.query
        client = clients.find(self.emu, self.server.tenant, q.get("client_id"))
        redirect_uri = q.get("redirect_uri") or (client.get("callbacks") or [None])[0]
        if not redirect_uri or not clients.callback_allowed(client, redirect_uri):
            # Never redirect to a URL the application did not register: an error page instead.
            return self.render("message.html", status=400, title="Callback URL mismatch",
                               text=f"The provided redirect_uri is not in the list of allowed callback URLs "
                                    f"of {client['name']}: {redirect_uri}")
        types = oidc.response_types(q.get("response_type") or "code")
        default_mode = "query" if types == {"code"} else "fragment"
        mode = q.get("response_mode") or default_mode
        if mode not in oidc.RESPONSE_MODES:
            return oidc.respond(redirect_uri, {"error": "invalid_request", "state": q.get("state"),
                                               "error_description": f"Unsupported response_mode: {mode}"}, default_mode)
        params = {k: q.get(k) for k in ("redirect_uri", "state", "nonce", "scope", "audience", "response_type",
                                         "code_challenge", "code_challenge_method", "prompt", "login_hint",
                                         "screen_hint", "connection")}
        params.update(redirect_uri=redirect_uri, response_mode=mode, scope=q.get("scope") or "openid",
                      response_type=q.get("response_type") or "code")
        refused = oidc.check_response_type(types, mode, params, lambda grant: clients.grant_allowed(client, grant))
        if refused:
            return self._to_app(params, refused)
        params["response_type"] = " ".join(sorted(types))
        if q.get("code_challenge") and q.get("code_challenge_method", "plain") not in ("S256", "plain"):
            return self._to_app(params, {"error": "invalid_request",
                                         "error_description": "Unsupported code_challenge_method."})
        if params.get("audience") and store.apis.find(self.emu.ws, self.server.tenant, params["audience"]) is None:
            return self._to_app(params, {"error": "access_denied",
                                         "error_description": f"Service not found: {params['audience']}"})
        tx = self.state.add_transaction(client, params)
        if {"code", "id_token"} <= types:
            tx.code = self.server.new_token()
        session = self.state.sessions.get(request.cookies.get(SESSION_COOKIE, ""))
        if params["prompt"] == "none" or (session and params["prompt"] != "login"):
            if session is None:
                return self._to_app(params, {"error": "login_required", "error_description": "Login required"})
            return await self._start_login(request, tx, sso=session)
        if params["screen_hint"] == "signup":
            return self.render("signup.html", tx)
        return self.render("login.html", tx)

    def _to_app(self, params: dict, values: dict) -> web.Response:
        return oidc.respond(params["redirect_uri"], {**values, "state": params.get("state")}, params["response_mode"])

    # ---- pages -----------------------------------------------------------------------------------------
    async def _form(self, request: web.Request) -> tuple[Transaction, dict]:
        tx = self.state.transactions.get(request.query.get("state", ""))
        if tx is None:
            raise OAuthError(400, "invalid_request", "Invalid state: the login transaction is unknown or expired.")
        form = await forms.read(request)
        if request.method == "POST" and not hmac.compare_digest(str(form.get("_csrf", "")), tx.csrf):
            raise OAuthError(403, "invalid_request", "Invalid CSRF token: reload the page and try again.")
        return tx, form

    async def login_page(self, request: web.Request) -> web.Response:
        tx, form = await self._form(request)
        if request.method == "GET":
            return self.render("login.html", tx)
        tx.login_hint = str(form.get("username", ""))
        return await self._start_login(request, tx, email=tx.login_hint, password=str(form.get("password", "")))

    async def signup_page(self, request: web.Request) -> web.Response:
        tx, form = await self._form(request)
        if request.method == "GET":
            return self.render("signup.html", tx)
        tx.login_hint = str(form.get("email", ""))
        run = flows.start(self.emu, self.server.tenant, "signup",
                          self._inputs(request, tx, email=tx.login_hint, password=str(form.get("password", ""))),
                          client=tx.client["client_id"], connection=tx.params.get("connection"))
        self.state.bind(tx, run)
        return await self._drive(request, tx)

    async def mfa_page(self, request: web.Request) -> web.Response:
        tx, form = await self._form(request)
        if tx.run is None or not tx.run.waiting:
            return self.render("login.html", tx)
        if request.method == "GET":
            return self._page_for(tx, tx.run)
        need = tx.run.waiting["for"]
        answer = {"phone": str(form.get("phone", "")).strip()} if need == "phone" else {"otp": str(form.get("code", "")).strip()}
        return await self._drive(request, tx, answer)

    async def form_page(self, request: web.Request) -> web.Response:
        tx, form = await self._form(request)
        if tx.run is None or (tx.run.waiting or {}).get("for") != "form":
            return self.render("login.html", tx)
        if request.method == "GET":
            return self._page_for(tx, tx.run)
        fields = {k: str(v) for k, v in form.items() if not k.startswith("_")}
        extra = str(form.get("_extra", ""))
        if "=" in extra:
            key, _, value = extra.partition("=")
            fields[key.strip()] = value.strip()
        return await self._drive(request, tx, {"fields": fields})

    async def continue_(self, request: web.Request) -> web.Response:
        """Auth0's /continue: the browser comes back from an action's redirect with `state`."""
        run_id = request.query.get("state", "")
        tx = self.state.transactions.get(self.state.by_run.get(run_id, ""))
        if tx is None or tx.run is None or (tx.run.waiting or {}).get("for") != "continue":
            raise OAuthError(400, "invalid_request", "The state parameter is missing or does not match a login "
                                                     "waiting at /continue.")
        body = await forms.read(request)
        query = {k: v for k, v in request.query.items()}
        return await self._drive(request, tx, {"query": query, "body": {k: str(v) for k, v in body.items()}})

    async def reset_request_page(self, request: web.Request) -> web.Response:
        tx, form = await self._form(request)
        if request.method == "GET":
            return self.render("password.html", tx, title="Forgot your password?", field="email", input_type="email",
                               label="Email address", action=f"/u/reset-password?state={tx.id}",
                               text="Enter your email address and we will send you instructions to reset your password.")
        await self.server.change_password_request(request, str(form.get("email", "")), tx.client, None)
        return self.render("message.html", tx, title="Check your email",
                           text="Please check your email to reset your password (the emulator's Outbox has it).")

    async def email_verification(self, request: web.Request) -> web.Response:
        """The link of a verification e-mail (a Management API ticket or job): the e-mail is verified."""
        from ..errors import ManagementError

        try:
            self.emu.verify_email_ticket(self.server.tenant, request.query.get("ticket", ""))
        except ManagementError as exc:
            return self.render("message.html", status=400, title="Email verification failed", text=str(exc))
        return self.render("message.html", title="Email verified", text="Your email address was successfully verified.")

    async def reset_verify_page(self, request: web.Request) -> web.Response:
        """The e-mailed link: the reset journey goes on (password-reset-post-challenge runs), then asks for
        the new password."""
        ticket = request.query.get("ticket", "")
        run = self.server.reset_runs.get(ticket)
        if run is None:
            return self.render("message.html", status=400, title="Link expired",
                               text="This link has expired or was already used.")
        if request.method == "POST":
            form = await forms.read(request)
            if not hmac.compare_digest(str(form.get("_csrf", "")), run.ctx.get("csrf", "")):
                raise OAuthError(403, "invalid_request", "Invalid CSRF token: reload the page and try again.")
            run = await flows.step(self.emu, run, {"new_password": str(form.get("password", ""))})
        elif (run.waiting or {}).get("for") == "link":
            run = await flows.step(self.emu, run, {"ticket": ticket})
        run = await flows.run_to_end(self.emu, run)
        self.server.reset_runs[ticket] = run
        if (run.waiting or {}).get("for") == "new_password":
            run.ctx.setdefault("csrf", self.server.new_token())
            error = (run.waiting or {}).get("error")
            return self.render("password.html", title="Change your password", field="password",
                               input_type="password", label="New password", action=f"/u/reset-verify?ticket={ticket}",
                               text="Enter a new password.", csrf=run.ctx["csrf"],
                               error=(error.get("description") or error.get("error_description"))
                               if isinstance(error, dict) else error)
        self.server.reset_runs.pop(ticket, None)
        if run.status == SUCCESS:
            return self.render("message.html", title="Password changed", text="Your password has been changed successfully.")
        return self.render("message.html", status=400, title="Password not changed",
                           text=(run.error or {}).get("error_description", "The password could not be changed."))

    # ---- driving the journey ---------------------------------------------------------------------------
    def _inputs(self, request: web.Request, tx: Transaction, **values) -> dict:
        p = tx.params
        inputs = {**values, "scope": p["scope"], "audience": p.get("audience"), "issuer": self.server.issuer,
                  "nonce": p.get("nonce"), "event": self.server.event_for(request, "oidc-basic-profile", p),
                  "c_hash": tokens.at_hash(tx.code) if tx.code else None}
        return {k: v for k, v in inputs.items() if v is not None}

    async def _start_login(self, request: web.Request, tx: Transaction, *, email: str | None = None,
                           password: str | None = None, sso: dict | None = None) -> web.Response:
        values = {"email": email, "password": password}
        if sso:
            user = store.directory.get_user(self.emu.ws, self.server.tenant, sso["user_id"])
            values = {"email": user["email"], "sso_user_id": sso["user_id"], "sid": sso["sid"],
                      "auth_time": sso["auth_time"], "amr": sso.get("amr") or None,
                      "sso_methods": sso.get("methods") or None}
        run = flows.start(self.emu, self.server.tenant, "login", self._inputs(request, tx, **values),
                          client=tx.client["client_id"], connection=tx.params.get("connection"))
        self.state.bind(tx, run)
        return await self._drive(request, tx)

    async def _drive(self, request: web.Request, tx: Transaction, answer: dict | None = None) -> web.Response:
        run = tx.run
        if answer is not None:
            run = await flows.step(self.emu, run, answer)
        run = await flows.run_to_end(self.emu, run)
        tx.run = run
        self.server.ran(run)
        if run.kind == "signup" and run.status == SUCCESS:
            # A Universal Login signup logs the new user in: post-login runs next, as in Auth0.
            sso = {"user_id": run.ctx["user_id"], "sid": f"sess_{run.id[:12]}", "auth_time": self.server.now_s(),
                   "methods": run.ctx.get("methods")}
            return await self._start_login(request, tx, sso=sso)
        if run.status == SUCCESS:
            return self._issue(request, tx, run)
        return self._page_for(tx, run)

    def _page_for(self, tx: Transaction, run) -> web.Response:
        waiting = run.waiting or {}
        need = waiting.get("for")
        error = waiting.get("error")
        message = error.get("error_description") if isinstance(error, dict) else error
        if run.status == MFA_REQUIRED and need in ("otp", "phone"):
            return self.render("mfa.html", tx, need=need, phone=waiting.get("phone", ""), error=message)
        if run.status == REDIRECTED and need == "continue":
            return oidc.redirect(waiting["url"])
        if run.status == REDIRECTED and need == "form":
            options = waiting.get("options") or {}
            fields = sorted((options.get("fields") or {}).items())
            return self.render("form.html", tx, form_id=waiting.get("form_id", "Form"), fields=fields, error=message)
        if run.status in (FAILED, DENIED):
            err = run.error or {}
            if err.get("error") == "invalid_user_password":
                return self.render("login.html", tx, status=400, error=WRONG_PASSWORD)
            if err.get("error") == "too_many_attempts":
                return self.render("login.html", tx, status=429, error=err["error_description"])
            if run.kind == "signup":
                return self.render("signup.html", tx, status=400,
                                   error=err.get("description") or err.get("error_description"))
            return self._to_app(tx.params, {"error": err.get("error", "access_denied"),
                                            "error_description": err.get("error_description", "")})
        if run.status == WAITING:
            return self.render("message.html", tx, title="Waiting", text=f"The journey waits for {need}.")
        return self.render("message.html", tx, status=500, title="Unexpected state",
                           text=f"The journey stopped in state {run.state} ({run.status}).")

    def _issue(self, request: web.Request, tx: Transaction, run) -> web.Response:
        """The authorization response the application asked for (code, tokens or both), and the login
        session's cookie: a login on an existing session keeps it (same `sid`), a new login starts one."""
        minted = (run.result or {}).get("tokens") or {}
        session = {**run.ctx["session"], "user_id": run.ctx["user_id"], "methods": run.ctx.get("methods")}
        grant = Grant(client_id=tx.client["client_id"], user_id=session["user_id"], scope=tx.params["scope"],
                      audience=tx.params.get("audience"), tokens=minted, redirect_uri=tx.params["redirect_uri"],
                      code_challenge=tx.params.get("code_challenge"),
                      code_challenge_method=tx.params.get("code_challenge_method") or "plain",
                      nonce=tx.params.get("nonce"), sid=session["sid"], auth_time=session["auth_time"],
                      amr=session["amr"], methods=session["methods"])
        types = set(tx.params["response_type"].split())
        values: dict = {}
        if "code" in types:
            values["code"] = self.state.code_for(grant, tx.code)
        if "token" in types:
            values.update(access_token=minted["access_token"], token_type="Bearer", expires_in=minted["expires_in"],
                          scope=minted.get("scope"))
        if "id_token" in types:
            values["id_token"] = minted["id_token"]
        response = self._to_app(tx.params, values)
        cookie = request.cookies.get(SESSION_COOKIE, "")
        if (self.state.sessions.get(cookie) or {}).get("sid") != session["sid"]:
            cookie = self.server.new_token()
        self.state.sessions[cookie] = session
        self.server.set_session_cookie(response, cookie)
        self.state.transactions.pop(tx.id, None)
        self.state.by_run.pop(run.id, None)
        return response
