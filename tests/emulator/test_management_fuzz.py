"""Every Management API route, in process, fed malformed, non-UTF-8, oversized and wrongly typed input:
Auth0's 4xx body each time, never a 500 or a traceback, and nothing half-written. Also: a write over HTTP
reaches the facade's change listeners (what the app's views refresh on)."""
from __future__ import annotations

import asyncio

import aiohttp
import pytest

from emulator import tokens
from emulator.server import LocalAuth0
from emulator.server.management import ENDPOINTS

BODIES = [b"", b"{", b"\xff\xfe\xfa", b"[]", b'"text"', b"null", b"5", b'{"name": 5, "email": [], "roles": {}}',
          b'{"permissions": [5], "bindings": [{"ref": 5}], "users": [5], "roles": [""], "scope": "x"}',
          b'{"unknown_property": true}', b"{" + b'"a": "' + b"x" * 70_000 + b'"}']


@pytest.fixture
def served(sample):
    from emulator.store import system_api

    server = LocalAuth0(sample.emu, "sample")
    sample.run(server.start("127.0.0.1", 0))
    system_api.ensure(sample.emu.ws, "sample")
    token = tokens.mint_client(sample.emu.ws, "sample", client_id="x", audience=system_api.identifier("sample"),
                               scopes=list(system_api.SCOPES))
    yield sample, server, token
    sample.run(server.stop())


def _counts(ws) -> list:
    return [ws.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("users", "roles", "clients", "actions", "bindings", "client_grants", "connections")]


def test_no_route_answers_500(served):
    core, server, token = served

    async def probe():
        bad = []
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"}) as http:
            for ep in ENDPOINTS:
                path = ep.path.replace("{", "").replace("}", "")  # ids that do not exist
                for body in BODIES if ep.method in ("POST", "PATCH", "DELETE", "PUT") else [b""]:
                    for query in ("", "?page=-1&per_page=x&include_totals=maybe&q=(((&sort=x:9&from=&take=0"):
                        async with http.request(ep.method, server.url.rstrip("/") + path + query, data=body) as r:
                            text = await r.text()
                            if r.status >= 500 or "Traceback" in text:
                                bad.append((ep.method, ep.path, body[:40], query, r.status, text[:200]))
                            elif r.status >= 400:
                                assert r.headers["Content-Type"].startswith("application/json"), (ep.path, text)
        return bad
    before = _counts(core.emu.ws)
    assert core.run(probe()) == []
    assert _counts(core.emu.ws) == before  # refused input wrote nothing


def test_a_write_over_http_reaches_the_change_listeners(served):
    core, server, token = served
    heard = []
    core.emu.change_listeners.append(heard.append)

    async def create():
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
            async with http.post(server.url + "api/v2/roles", json={"name": "ops"}) as r:
                assert r.status == 200, await r.text()
    core.run(create())
    assert heard and heard[0].logs == frozenset(["sample"]) and heard[0].directory == frozenset(["sample"])
