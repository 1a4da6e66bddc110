"""Auth0's MFA API over an `mfa_token` (the one an `mfa_required` answer from /oauth/token carries):
GET /mfa/authenticators, POST /mfa/associate (enrol an SMS phone), POST /mfa/challenge (send the SMS),
and the mfa-oob / mfa-otp grants that finish the login. The login journey waits at its MFA step; these
routes give it a phone or a challenge request, and the grant gives it the code.

Only SMS is modelled (the factor the emulator emulates): other authenticator types are refused with
`unsupported_challenge_type`, and no recovery codes are issued, since the emulator cannot redeem them.
"""
from __future__ import annotations

import re

from aiohttp import web

from .. import flows, store
from ..flows.run import MFA_REQUIRED
from . import clients, forms
from .errors import NO_STORE, OAuthError, invalid_grant, invalid_request
from .state import PendingMfa, ServerPart, token

MFA_OOB = "http://auth0.com/oauth/grant-type/mfa-oob"
MFA_OTP = "http://auth0.com/oauth/grant-type/mfa-otp"
E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def requirements(run) -> dict:
    """The `mfa_requirements` of an mfa_required answer: challenge the enrolled phone, or enrol one."""
    need = (run.waiting or {}).get("for")
    return {"enroll": [{"type": "phone"}]} if need == "associate" else {"challenge": [{"type": "phone"}]}


class MfaApi(ServerPart):
    def issue(self, run, client_id: str, scope: str, audience: str | None) -> str:
        """A new mfa_token for a login waiting at its MFA step."""
        mfa_token = token(32)
        self.state.mfa_tokens[mfa_token] = PendingMfa(run=run, client_id=client_id, scope=scope, audience=audience)
        return mfa_token

    def pending(self, mfa_token: str | None, *, status: int = 403) -> PendingMfa:
        entry = self.state.mfa_tokens.get(mfa_token or "")
        if entry is None:
            raise OAuthError(status, "invalid_token" if status == 401 else "invalid_grant", "Malformed mfa_token")
        if entry.expired():
            del self.state.mfa_tokens[mfa_token]
            raise OAuthError(status, "expired_token", "mfa_token is expired")
        return entry

    def _bearer(self, request: web.Request) -> tuple[str, PendingMfa]:
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise OAuthError(401, "unauthorized", "Missing authorization header with a Bearer mfa_token.")
        return value.strip(), self.pending(value.strip(), status=401)

    def _user_id(self, entry: PendingMfa) -> str:
        return entry.run.ctx["user_id"]

    # ---- GET /mfa/authenticators -----------------------------------------------------------------------
    async def authenticators(self, request: web.Request) -> web.Response:
        _, entry = self._bearer(request)
        rows = store.authenticators.confirmed(self.emu.ws, self.server.tenant, self._user_id(entry))
        return web.json_response([{"id": r["id"], "authenticator_type": "oob", "active": True, "oob_channel": "sms",
                                   "name": store.authenticators.masked(r["phone_number"]), "type": "phone",
                                   "created_at": r["created_at"]} for r in rows],
                                 headers=NO_STORE)

    # ---- POST /mfa/associate ---------------------------------------------------------------------------
    async def associate(self, request: web.Request) -> web.Response:
        form = await forms.read(request, lists=("authenticator_types", "oob_channels"))
        mfa_token, entry = self._bearer(request)
        types, channels = form.get("authenticator_types", "").split(), form.get("oob_channels", "").split()
        if not types:
            raise invalid_request("Missing required parameter: authenticator_types")
        if types != ["oob"] or channels != ["sms"]:
            raise OAuthError(400, "unsupported_challenge_type",
                             "The emulator enrols SMS only: authenticator_types [\"oob\"] with oob_channels [\"sms\"].")
        phone = form.get("phone_number", "").strip()
        if not phone:
            raise invalid_request("Missing required parameter: phone_number")
        if not E164.fullmatch(phone):
            raise OAuthError(400, "invalid_phone_number", "Invalid phone number format: use E.164, like +14155550100.")
        if (entry.run.waiting or {}).get("for") != "associate":
            raise OAuthError(403, "access_denied", "User is already enrolled.")
        run = await self._answer(entry, {"phone": phone})
        self._check_sent(run)
        entry.oob_code = token(24)
        return web.json_response({"authenticator_type": "oob", "binding_method": "prompt", "oob_channel": "sms",
                                  "oob_code": entry.oob_code}, headers=NO_STORE)

    # ---- POST /mfa/challenge ---------------------------------------------------------------------------
    async def challenge(self, request: web.Request) -> web.Response:
        form = await forms.read(request)  # challenge_type: the accepted types, separated by spaces
        client = clients.authenticate(self.emu, self.server.tenant, form, request.headers.get("Authorization"),
                                      required=False)
        entry = self.pending(form.get("mfa_token"))
        if entry.client_id != client["client_id"]:
            raise invalid_grant("Malformed mfa_token")
        wanted = form.get("challenge_type", "oob").split()
        if "oob" not in wanted:
            raise OAuthError(400, "unsupported_challenge_type", "The user's only factor is SMS: ask for challenge_type oob.")
        if form.get("authenticator_id"):
            owned = [r["id"] for r in store.authenticators.confirmed(self.emu.ws, self.server.tenant, self._user_id(entry))]
            if form["authenticator_id"] not in owned:
                raise invalid_request("Invalid authenticator_id.")
        need = (entry.run.waiting or {}).get("for")
        if need == "associate":
            raise OAuthError(403, "unsupported_challenge_type", "User is not enrolled. Enrol a phone with /mfa/associate.")
        if need not in ("challenge", "otp"):
            raise invalid_grant("Malformed mfa_token")
        run = await self._answer(entry, {"challenge": True})
        self._check_sent(run)
        entry.oob_code = token(24)
        return web.json_response({"challenge_type": "oob", "binding_method": "prompt", "oob_code": entry.oob_code},
                                 headers=NO_STORE)

    async def _answer(self, entry: PendingMfa, answer: dict):
        entry.run = await flows.step(self.emu, entry.run, answer)
        entry.run = await flows.run_to_end(self.emu, entry.run)
        self.server.ran(entry.run)
        return entry.run

    @staticmethod
    def _check_sent(run) -> None:
        """The SMS went out (the run waits for its code); otherwise Auth0's error for why not."""
        if run.status == MFA_REQUIRED and (run.waiting or {}).get("for") == "otp":
            return
        err = run.error or {}
        if err.get("error") == "too_many_attempts":
            raise OAuthError(429, "too_many_attempts", err["error_description"])
        raise OAuthError(503 if err.get("error") == "sms_provider_error" else 403, err.get("error", "access_denied"),
                         err.get("error_description", "The SMS could not be sent."))

    # ---- the mfa-oob and mfa-otp grants (called by /oauth/token) ----------------------------------------
    async def grant(self, grant: str, client: dict, form: dict):
        """Give the login its code; the finished run (the caller turns it into tokens) and the entry."""
        entry = self.pending(form.get("mfa_token"))
        if entry.client_id != client["client_id"]:
            raise invalid_grant("Malformed mfa_token")
        if grant == MFA_OOB:
            if not form.get("oob_code"):
                raise invalid_request("Missing required parameter: oob_code")
            if entry.oob_code is None or form["oob_code"] != entry.oob_code:
                raise invalid_grant("Invalid oob_code.")
            code, wrong = form.get("binding_code"), "Invalid binding_code."
            if not code:
                raise invalid_request("Missing required parameter: binding_code")
        else:
            code, wrong = form.get("otp"), "Invalid otp_code."
            if not code:
                raise invalid_request("Missing required parameter: otp")
        if (entry.run.waiting or {}).get("for") != "otp":
            raise invalid_grant("The user has no pending challenge: call /mfa/challenge first.")
        run = await self._answer(entry, {"otp": code})
        if run.status == MFA_REQUIRED:
            raise invalid_grant(wrong)  # wrong or expired: Auth0 says the same; the tenant's log says which
        del self.state.mfa_tokens[form["mfa_token"]]
        return run, entry
