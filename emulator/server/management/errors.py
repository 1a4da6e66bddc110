"""The Management API's error bodies, in one place: `{"statusCode", "error", "message", "errorCode"}`
with the HTTP reason phrase as `error`, as Auth0 answers them."""
from __future__ import annotations

from http import HTTPStatus

from aiohttp import web

from ...errors import ManagementError

# Auth0's errorCode for the core's codes, by status (a 404 of a user is `inexistent_user`, and so on).
_CODES = {("not_found", "user"): "inexistent_user", ("not_found", "role"): "inexistent_role",
          ("not_found", "client"): "inexistent_client", ("not_found", "connection"): "inexistent_connection",
          ("not_found", "resource server"): "inexistent_resource_server", ("not_found", "action"): "not_found",
          ("conflict", "user"): "auth0_idp_error"}


class MgmtError(Exception):
    def __init__(self, status: int, message: str, error_code: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.error_code, self.headers = status, message, error_code, headers or {}

    def response(self) -> web.Response:
        body = {"statusCode": self.status, "error": HTTPStatus(self.status).phrase, "message": self.message}
        if self.error_code:
            body["errorCode"] = self.error_code
        return web.json_response(body, status=self.status, headers=self.headers)


def from_core(exc: ManagementError) -> MgmtError:
    """A core refusal (the same the CLI and the app get) in the Management API's shape."""
    lower = str(exc).lower()
    code = next((c for (kind, noun), c in _CODES.items() if kind == exc.code and noun in lower), None)
    if code is None:
        code = {"invalid_body": "invalid_body", "conflict": "conflict", "not_found": "not_found",
                "too_many_entities": "too_many_entities"}.get(exc.code, exc.code)
    message = str(exc)
    if exc.code == "not_found":  # Auth0 does not repeat the id: "The user does not exist."
        noun = next((n for (kind, n) in _CODES if kind == "not_found" and n in lower), None)
        if noun in ("user", "role"):
            message = f"The {noun} does not exist."
    return MgmtError(exc.status, message, code)


def bad_body(message: str) -> MgmtError:
    return MgmtError(400, message, "invalid_body")


def bad_query(message: str) -> MgmtError:
    return MgmtError(400, message, "invalid_query_string")


def not_found(message: str, code: str = "not_found") -> MgmtError:
    return MgmtError(404, message, code)


def unauthorized(message: str) -> MgmtError:
    return MgmtError(401, message, None, {"WWW-Authenticate": 'Bearer realm="Auth0 Management API"'})


def insufficient_scope(scopes: tuple[str, ...]) -> MgmtError:
    return MgmtError(403, f"Insufficient scope, expected any of: {','.join(scopes)}", "insufficient_scope")
