"""/oauth/token and the endpoints around it (/oauth/revoke, /userinfo, /dbconnections/*), in Auth0's
shapes (the MFA API is mfa_api.py). Grants that log a user in run the login journey (post-login
actions included) through emulator.flows; this module only turns requests into journey inputs and
journey outcomes into Auth0's JSON."""
from __future__ import annotations

import hashlib

import jwt
from aiohttp import web

from .. import flows, store, tokens
from ..errors import EmulatorError
from ..triggers.custom_token_exchange import ACCESS_TOKEN_TYPE, GRANT_TYPE
from ..flows.run import DENIED, FAILED, MFA_REQUIRED, SUCCESS
from . import clients, forms, oidc
from .errors import NO_STORE, OAuthError, access_denied, db_error, invalid_grant, invalid_request
from .mfa_api import MFA_OOB, MFA_OTP, requirements
from .state import Grant, ServerPart, token

PASSWORD_REALM = "http://auth0.com/oauth/grant-type/password-realm"
TOKEN_EXCHANGE = GRANT_TYPE


class TokenApi(ServerPart):
    async def _params(self, request: web.Request) -> dict:
        return await forms.read(request)

    # ---- /oauth/token ----------------------------------------------------------------------------------
    async def token(self, request: web.Request) -> web.Response:
        form = await self._params(request)
        grant = form.get("grant_type")
        if not grant:
            raise invalid_request("Missing required parameter: grant_type")
        handler = {"authorization_code": self._authorization_code, "refresh_token": self._refresh,
                   "password": self._password, PASSWORD_REALM: self._password, MFA_OOB: self._mfa,
                   MFA_OTP: self._mfa, "client_credentials": self._client_credentials,
                   TOKEN_EXCHANGE: self._token_exchange}.get(grant)
        if handler is None:
            raise OAuthError(400, "unsupported_grant_type", f"Unsupported grant type: {grant}")
        confidential = grant in ("client_credentials",)
        client = clients.authenticate(self.emu, self.server.tenant, form, request.headers.get("Authorization"),
                                      required=confidential)
        if not clients.grant_allowed(client, grant):
            raise OAuthError(403, "unauthorized_client", f"Grant type '{grant}' not allowed for the client.")
        body = await handler(request, client, form)
        return web.json_response(body, headers=NO_STORE)

    def _body(self, minted: dict, scope: str, refresh: str | None = None) -> dict:
        body = {"access_token": minted["access_token"], "id_token": minted["id_token"], "scope": scope,
                "expires_in": minted["expires_in"], "token_type": "Bearer"}
        if "openid" not in scope.split():
            body.pop("id_token")
        if refresh:
            body["refresh_token"] = refresh
        return body

    def _refresh_token_for(self, client: dict, grant: Grant) -> str | None:
        if "offline_access" not in grant.scope.split() or not clients.grant_allowed(client, "refresh_token"):
            return None
        value = token(32)
        self.state.refresh_tokens[value] = grant
        return value

    async def _authorization_code(self, request, client: dict, form: dict) -> dict:
        code = form.get("code")
        if not code:
            raise invalid_request("Missing required parameter: code")
        grant = self.state.take_code(code)
        if grant is None or grant.client_id != client["client_id"]:
            raise invalid_grant("Invalid authorization code")
        if form.get("redirect_uri") and form["redirect_uri"] != grant.redirect_uri:
            raise invalid_grant("Invalid redirect_uri: it does not match the one of /authorize.")
        if grant.code_challenge:
            verifier = forms.ascii_param(form, "code_verifier")
            if not verifier or not oidc.pkce_ok(verifier, grant.code_challenge, grant.code_challenge_method):
                raise invalid_grant("Failed to verify code verifier")
        elif form.get("client_secret") is None and "Authorization" not in request.headers:
            raise OAuthError(401, "access_denied", "Unauthorized")  # a public client must use PKCE
        return self._body(grant.tokens, grant.scope, self._refresh_token_for(client, grant))

    async def _login(self, request, client: dict, inputs: dict, protocol: str, connection: str | None = None,
                     event: dict | None = None):
        self.server.check_audience(inputs.get("audience"))
        params = {"scope": inputs.get("scope"), "audience": inputs.get("audience")}
        # mfa_api: MFA waits for the application's /mfa/associate or /mfa/challenge (mfa_api.py)
        run_inputs = {**inputs, "issuer": self.server.issuer, "mfa_api": True,
                      "event": {**self.server.event_for(request, protocol, params), **(event or {})}}
        run = flows.start(self.emu, self.server.tenant, "login", {k: v for k, v in run_inputs.items() if v is not None},
                          client=client["client_id"], connection=connection)
        run = await flows.run_to_end(self.emu, run)
        self.server.ran(run)
        return run

    def _outcome(self, client: dict, run, scope: str, audience: str | None) -> dict:
        if run.status == SUCCESS:
            session = run.ctx["session"]
            grant = Grant(client_id=client["client_id"], user_id=run.ctx["user_id"], scope=scope, audience=audience,
                          tokens=run.result["tokens"], sid=session["sid"], auth_time=session["auth_time"],
                          amr=session["amr"], methods=run.ctx.get("methods"))
            return self._body(run.result["tokens"], scope, self._refresh_token_for(client, grant))
        if run.status == MFA_REQUIRED:
            mfa_token = self.server.mfa.issue(run, client["client_id"], scope, audience)
            raise OAuthError(403, "mfa_required", "Multifactor authentication required", mfa_token=mfa_token,
                             mfa_requirements=requirements(run))
        err = run.error or {}
        if err.get("error") == "invalid_user_password":
            raise invalid_grant("Wrong email or password.")
        if err.get("error") == "too_many_attempts":
            raise OAuthError(429, "too_many_attempts", err["error_description"])
        if run.status in (FAILED, DENIED):
            raise access_denied(err.get("error_description", "Access denied"))
        raise OAuthError(403, "access_denied", f"The login stopped waiting for {(run.waiting or {}).get('for')}, "
                                               f"which this grant cannot provide.")

    async def _password(self, request, client: dict, form: dict) -> dict:
        if not form.get("username") or form.get("password") is None:
            raise invalid_request("Missing required parameter: username and password")
        scope = form.get("scope") or "openid"
        run = await self._login(request, client, {"email": form["username"], "password": form["password"],
                                                  "scope": scope, "audience": form.get("audience")},
                                "oauth2-resource-owner", connection=form.get("realm"))
        return self._outcome(client, run, scope, form.get("audience"))

    async def _refresh(self, request, client: dict, form: dict) -> dict:
        presented = form.get("refresh_token", "")
        reused = self.state.rotated.get(presented)
        if reused is not None and reused.client_id == client["client_id"]:
            # Auth0's reuse detection: a rotated token used again revokes its whole family (the newer
            # tokens too), logged as a failed exchange of a rotating refresh token.
            self.state.revoke_family(reused.family)
            user = store.directory.get_user(self.emu.ws, self.server.tenant, reused.user_id)
            store.logs.add(self.emu.ws, self.server.tenant, "ferrt",
                           "Unsuccessful Refresh Token exchange, reused refresh token detected",
                           user=user, client=client, request=self.server.event_for(request, "", {})["request"],
                           details={"family_revoked": True})
            raise invalid_grant("Unknown or invalid refresh token.")
        old = self.state.refresh_tokens.get(presented)
        if old is None or old.client_id != client["client_id"]:
            raise invalid_grant("Unknown or invalid refresh token.")
        rotating = (client.get("refresh_token") or {}).get("rotation_type") == "rotating"
        user = store.directory.get_user(self.emu.ws, self.server.tenant, old.user_id)
        scope = form.get("scope") or old.scope
        run = await self._login(request, client, {"email": user["email"], "sso_user_id": old.user_id, "scope": scope,
                                                  "audience": old.audience, "sid": old.sid, "auth_time": old.auth_time,
                                                  "amr": old.amr or None, "sso_methods": old.methods or None},
                                "oauth2-refresh-token", event={"refresh_token": self._refresh_event(form, old, rotating)})
        if run.status != SUCCESS:
            return self._outcome(client, run, scope, old.audience)
        body = self._body(run.result["tokens"], scope)
        if rotating:  # the old token is spent (kept to detect its reuse); a new one of the family comes back
            self.state.rotated[presented] = self.state.refresh_tokens.pop(presented)
            body["refresh_token"] = token(32)
            self.state.refresh_tokens[body["refresh_token"]] = old
        return body

    @staticmethod
    def _refresh_event(form: dict, grant: Grant, rotating: bool) -> dict:
        """`event.refresh_token` for the token being exchanged: an id derived from it (never the token)."""
        rt_id = "rt_" + hashlib.sha256(form["refresh_token"].encode()).hexdigest()[:20]
        out = {"id": rt_id, "client_id": grant.client_id, "user_id": grant.user_id, "rotating": rotating,
               "access": "offline", "metadata": {}}
        if grant.sid:
            out["session_id"] = grant.sid
        if grant.audience:
            out["resource_servers"] = [{"audience": grant.audience, "scopes": grant.scope}]
        return out

    async def _mfa(self, request, client: dict, form: dict) -> dict:
        run, entry = await self.server.mfa.grant(form["grant_type"], client, form)
        return self._outcome(client, run, entry.scope, entry.audience)

    async def _client_credentials(self, request, client: dict, form: dict) -> dict:
        """The client_credentials grant as a journey: the credentials-exchange actions run first (a deny
        answers 403 with the action's OAuth code and reason)."""
        audience = form.get("audience")
        if not audience:
            raise access_denied("No audience parameter was provided, and no default audience has been configured")
        management = self.server.is_management_audience(audience)
        if management:
            if flows.client_credentials.grant_for(self.emu, self.server.tenant, client["client_id"], audience,
                                                  True) is None:
                raise access_denied(f'Client is not authorized to access "{audience}". You need to create a '
                                    '"client-grant" associated to this API. See: '
                                    'https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants')
        else:
            self.server.check_audience(audience)
        minted = await self._grant_journey(request, client, "client_credentials", "oauth2-client-credentials",
                                           {"audience": audience, "scope": form.get("scope"),
                                            "management": management},
                                           refused=(403, "access_denied", "Access denied"))
        return {"access_token": minted["access_token"], "scope": minted["scope"], "expires_in": minted["expires_in"],
                "token_type": "Bearer"}

    async def _grant_journey(self, request, client: dict, kind: str, protocol: str, inputs: dict, *,
                             refused: tuple[int, str, str]) -> dict:
        """Run a grant's journey for `client` (this request as its events' request) and return its tokens; a
        run that did not succeed answers `refused` (status, default error, default description) with the
        run's own error where it has one."""
        request_part = self.server.event_for(request, protocol, {})["request"]
        inputs = {k: v for k, v in {**inputs, "issuer": self.server.issuer, "event": {"request": request_part}}.items()
                  if v}
        try:
            run = flows.start(self.emu, self.server.tenant, kind, inputs, client=client["client_id"])
        except EmulatorError as exc:
            raise invalid_request(str(exc)) from None
        run = await flows.run_to_end(self.emu, run)
        self.server.ran(run)
        if run.status != SUCCESS:
            err, (status, error, description) = run.error or {}, refused
            raise OAuthError(status, err.get("error", error), err.get("error_description", description))
        return run.result["tokens"]

    async def _token_exchange(self, request, client: dict, form: dict) -> dict:
        """Custom Token Exchange as a journey: the profile's action sets the user (or rejects the request
        with its code and reason, 400), then post-login runs; tokens as for a login."""
        for name in ("subject_token_type", "subject_token"):
            if not form.get(name):
                raise invalid_request(f"Missing required parameter: {name}")
        if store.token_exchange.for_type(self.emu.ws, self.server.tenant, form["subject_token_type"]) is None:
            raise invalid_request(f"Unsupported subject_token_type: {form['subject_token_type']}")
        if form.get("audience"):
            self.server.check_audience(form["audience"])
        inputs = {k: form.get(k) for k in ("subject_token_type", "subject_token", "actor_token", "actor_token_type",
                                           "audience", "scope")}
        minted = await self._grant_journey(request, client, "token_exchange", "oauth2-token-exchange", inputs,
                                           refused=(400, "invalid_request", "Rejected"))
        body = {"access_token": minted["access_token"], "scope": minted["scope"], "expires_in": minted["expires_in"],
                "token_type": "Bearer", "issued_token_type": ACCESS_TOKEN_TYPE}
        if "id_token" in minted:
            body["id_token"] = minted["id_token"]
        return body

    # ---- the rest --------------------------------------------------------------------------------------
    async def revoke(self, request: web.Request) -> web.Response:
        form = await self._params(request)
        client = clients.authenticate(self.emu, self.server.tenant, form, request.headers.get("Authorization"),
                                      required=False)
        grant = self.state.refresh_tokens.get(form.get("token", ""))
        if grant is not None and grant.client_id == client["client_id"]:
            self.state.revoke_family(grant.family)  # Auth0 revokes the grant: the token and its rotations
        return web.json_response({})  # Auth0 answers 200 whether or not the token existed

    async def userinfo(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization", "")
        if not auth.lower().startswith("bearer "):
            return web.Response(status=401, text="Unauthorized", headers={"WWW-Authenticate": 'Bearer realm="userinfo"'})
        try:
            claims = tokens.verify(self.emu.ws, self.server.tenant, auth[7:].strip(), iss=self.server.issuer)
        except (jwt.PyJWTError, KeyError, ValueError):
            return web.Response(status=401, text="Unauthorized", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if claims.get("exp", 0) < self.server.now_s():
            return web.Response(status=401, text="Unauthorized", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        user = store.directory.get_user(self.emu.ws, self.server.tenant, claims["sub"])
        scopes = claims.get("scope", "").split()
        info = {"sub": claims["sub"]}
        if "profile" in scopes:
            info.update({k: user[k] for k in ("name", "nickname", "picture", "given_name", "family_name", "updated_at")
                         if user.get(k) is not None})
        if "email" in scopes:
            info.update(email=user.get("email"), email_verified=bool(user.get("email_verified")))
        return web.json_response(info)

    async def db_signup(self, request: web.Request) -> web.Response:
        form = await self._params(request)
        client = clients.find(self.emu, self.server.tenant, form.get("client_id"))
        if not form.get("email") or not form.get("password") or not form.get("connection"):
            return db_error({"code": "invalid_signup", "description": "Missing email, password or connection."})
        run = flows.start(self.emu, self.server.tenant, "signup",
                          {"email": form["email"], "password": form["password"], "issuer": self.server.issuer,
                           "event": self.server.event_for(request, "oauth2-resource-owner", {})},
                          client=client["client_id"], connection=form["connection"])
        run = await flows.run_to_end(self.emu, run)
        if run.status == SUCCESS:
            return web.json_response(run.result["user"])
        return db_error(run.error or {"code": "invalid_signup", "description": "Invalid sign up"})

    async def db_change_password(self, request: web.Request) -> web.Response:
        form = await self._params(request)
        client = clients.find(self.emu, self.server.tenant, form.get("client_id"))
        if not form.get("email"):
            return db_error({"code": "invalid_request", "description": "Missing email."})
        await self.server.change_password_request(request, form["email"], client, form.get("connection"))
        return web.Response(text="We've just sent you an email to reset your password.")
