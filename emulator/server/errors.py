"""Auth0's error shapes, in one place (design §10): the OAuth JSON of /oauth/token and friends, the
/dbconnections shape, and errors sent back to an application's callback."""
from __future__ import annotations

from aiohttp import web


class OAuthError(Exception):
    """An error a client sees as `{"error", "error_description"}` with an HTTP status."""

    def __init__(self, status: int, error: str, description: str, **extra):
        super().__init__(description)
        self.status, self.error, self.description, self.extra = status, error, description, extra

    def response(self) -> web.Response:
        return web.json_response({"error": self.error, "error_description": self.description, **self.extra},
                                 status=self.status, headers=NO_STORE)


NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def invalid_request(description: str) -> OAuthError:
    return OAuthError(400, "invalid_request", description)


def invalid_grant(description: str) -> OAuthError:
    return OAuthError(403, "invalid_grant", description)


def unauthorized_client(description: str) -> OAuthError:
    return OAuthError(403, "unauthorized_client", description)


def access_denied(description: str) -> OAuthError:
    return OAuthError(403, "access_denied", description)


def db_error(error: dict, status: int = 400) -> web.Response:
    """/dbconnections errors as Auth0 sends them: {name, code, description, statusCode}."""
    body = {"name": error.get("name", "BadRequestError"), "code": error.get("code") or error.get("error"),
            "description": error.get("description") or error.get("error_description"), "statusCode": status}
    for key in ("policy",):
        if key in error:
            body[key] = error[key]
    return web.json_response(body, status=status)
