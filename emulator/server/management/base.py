"""The Management API's frame: a registry of endpoints (method, path, the scopes any of which lets a
token in), bearer-token checks as Auth0 makes them (401 for a missing, foreign or expired token, 403 with
`insufficient_scope`), Auth0's rate-limit headers, bodies and query strings, paging and `fields`. The
resource modules beside this one only turn requests into core calls and core results into Auth0's JSON."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import jwt
from aiohttp import web

from ... import store, tokens
from ...changes import Changes
from ...errors import EmulatorError, ManagementError
from . import validate
from .errors import MgmtError, bad_body, from_core, insufficient_scope, unauthorized

RATE_LIMIT = 100  # requests per second per client (Auth0's headers; past it, 429 as Auth0 answers)
PER_PAGE_MAX = 100


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    scopes: tuple[str, ...]
    handler: Callable[..., Awaitable[Any]]
    status: int = 200


ENDPOINTS: list[Endpoint] = []
CLAIMS = web.RequestKey("claims", dict)  # the bearer token's claims, for handlers that look at its scopes


def endpoint(method: str, path: str, *scopes: str, status: int = 200):
    """Register a handler `async (api, request) -> JSON value` at /api/v2<path>; None answers 204."""
    def register(fn):
        ENDPOINTS.append(Endpoint(method, "/api/v2" + path, scopes, fn, status))
        return fn
    return register


class ManagementApi:
    def __init__(self, server):
        self.server = server
        self._window: dict[str, tuple[int, int]] = {}  # client -> (second, requests in it)

    @property
    def emu(self):
        return self.server.emu

    @property
    def ws(self):
        return self.server.emu.ws

    @property
    def tenant(self) -> str:
        return self.server.tenant

    def add_routes(self, router: web.UrlDispatcher) -> None:
        from . import actions, attack_protection, directory, logs, roles, users  # noqa: F401  (they register)

        for ep in ENDPOINTS:
            router.add_route(ep.method, ep.path, self._handler(ep))

    def _handler(self, ep: Endpoint):
        async def handle(request: web.Request) -> web.StreamResponse:
            headers: dict[str, str] = {}
            try:
                claims = self.authorize(request, ep.scopes)
                headers = self.rate(claims.get("azp") or claims.get("sub") or "")
                request[CLAIMS] = claims
                result = await ep.handler(self, request)
            except MgmtError as exc:
                exc.headers = {**headers, **exc.headers}
                return exc.response()
            except ManagementError as exc:
                err = from_core(exc)
                err.headers = headers
                return err.response()
            except EmulatorError as exc:  # bad input the core refused in its own words
                err = bad_body(str(exc))
                err.headers = headers
                return err.response()
            if result is None:
                return web.Response(status=204, headers=headers)
            return web.json_response(result, status=ep.status, headers=headers)
        return handle

    # ---- tokens, scopes, rate limits -------------------------------------------------------------------
    def hosts(self) -> tuple[str, ...]:
        """The host:port forms the local server answers on (node-auth0 asks for the domain it was given)."""
        from urllib.parse import urlsplit

        out = set()
        for url in (self.server.url, self.server.issuer):
            if url:
                netloc = urlsplit(url).netloc.lower()
                out.add(netloc)
                port = urlsplit(url).port
                if port:
                    out.update({f"localhost:{port}", f"127.0.0.1:{port}"})
        return tuple(out)

    def authorize(self, request: web.Request, scopes: tuple[str, ...]) -> dict:
        header = request.headers.get("Authorization", "")
        if not header:
            raise unauthorized("Missing authentication")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized("Bad HTTP authentication header format")
        try:
            claims = tokens.verify_signed(self.ws, self.tenant, token.strip())
        except (jwt.InvalidTokenError, ValueError, KeyError):
            raise unauthorized("Invalid token") from None
        audiences = claims.get("aud") if isinstance(claims.get("aud"), list) else [claims.get("aud")]
        if not any(store.system_api.is_audience(self.ws, self.tenant, a, self.hosts()) for a in audiences):
            raise unauthorized(f"Bad audience: {' '.join(str(a) for a in audiences)}")
        if int(claims.get("exp") or 0) < self.ws.clock.now_ms() // 1000:
            raise unauthorized("Expired token received for JSON Web Token validation")
        granted = set(str(claims.get("scope") or "").split())
        if scopes and not granted.intersection(scopes):
            raise insufficient_scope(scopes)
        return claims

    def rate(self, client: str) -> dict[str, str]:
        now = int(time.time())
        second, used = self._window.get(client, (now, 0))
        if second != now:
            second, used = now, 0
        used += 1
        self._window[client] = (second, used)
        headers = {"x-ratelimit-limit": str(RATE_LIMIT), "x-ratelimit-remaining": str(max(0, RATE_LIMIT - used)),
                   "x-ratelimit-reset": str(now + 1)}
        if used > RATE_LIMIT:
            raise MgmtError(429, "Global limit has been reached", "too_many_requests", headers)
        return headers

    # ---- bodies, queries, pages --------------------------------------------------------------------------
    async def body(self, request: web.Request, schema: dict, required: tuple[str, ...] = (),
                   open_: bool = False) -> dict:
        if request.content_length and request.content_length > validate.MAX_BODY:
            raise MgmtError(413, "Payload too large", "payload_too_large")
        raw = await request.read()
        return validate.check(validate.parse_json(raw), schema, required, open_)

    def page(self, request: web.Request, items: list, key: str) -> Any:
        """Auth0's paging: `page` (from 0) and `per_page` (50 by default, at most 100); with
        `include_totals=true` the page is wrapped with start, limit, length and total."""
        q = request.query
        per_page = validate.integer(q, "per_page", 50, 1, PER_PAGE_MAX)
        page = validate.integer(q, "page", 0, 0)
        chosen = [self.fields(request, i) for i in items[page * per_page:(page + 1) * per_page]]
        if validate.boolean(q, "include_totals"):
            return {"start": page * per_page, "limit": per_page, "length": len(chosen), "total": len(items), key: chosen}
        return chosen

    def fields(self, request: web.Request, item: dict) -> dict:
        """`fields=a,b` keeps those (or, with `include_fields=false`, leaves them out)."""
        names = [f for f in (request.query.get("fields") or "").split(",") if f]
        if not names or not isinstance(item, dict):
            return item
        if validate.boolean(request.query, "include_fields", True):
            return {k: v for k, v in item.items() if k in names}
        return {k: v for k, v in item.items() if k not in names}

    def changed(self, changes: Changes) -> None:
        """Tell whoever hosts the server (the app refreshes its views) what a write changed."""
        self.server.changed(changes)
