"""Every Authentication API route of the local server (everything but /api/v2, which
test_management_fuzz.py covers), in process, fed malformed, non-UTF-8, oversized and wrongly typed input
as forms, JSON and queries: a 4xx (or a page) each time, never a 500 or a traceback."""
from __future__ import annotations

import aiohttp
import pytest

from emulator.server import LocalAuth0

FORMS = [b"", b"\xff\xfe\xfa=\xff", b"grant_type=\xff", b"a=%ff%fe", b"%zz=1&&&==",
         b"grant_type=authorization_code&code=x&code_verifier=%C3%A9t%C3%A9&client_id=nope",
         b"grant_type=password&username=a&password=b&client_id=" + b"x" * 20_000,
         b"email=a@b.c&password=x&connection=5&client_id=nope"]
JSONS = [b"{", b"[]", b'"text"', b"null", b"5", b"\xff\xfe", b'{"connection": 5, "email": [], "client_id": {}}',
         b'{"grant_type": true, "client_id": null, "code_verifier": "\\u00e9"}']
QUERIES = ["", "?state=%ff%fe&client_id=\xff&response_type=code%20banana", "?client_id=&redirect_uri=javascript:x",
           "?ticket=&state=" + "x" * 5000]


@pytest.fixture
def served(sample):
    server = LocalAuth0(sample.emu, "sample")
    sample.run(server.start("127.0.0.1", 0))
    yield sample, server
    sample.run(server.stop())


def _routes(server) -> list[tuple[str, str]]:
    out = []
    for route in server.build().router.routes():
        path = route.resource.canonical if route.resource else ""
        if path.startswith("/api/v2") or route.method == "HEAD":
            continue
        for method in (("GET", "POST") if route.method == "*" else (route.method,)):
            out.append((method, path))
    return out


def test_no_authentication_route_answers_500(served):
    core, server = served
    routes = _routes(server)
    assert len(routes) > 20

    async def probe():
        bad = []
        async with aiohttp.ClientSession() as http:
            for method, path in routes:
                bodies = ([("application/x-www-form-urlencoded", b) for b in FORMS]
                          + [("application/json", b) for b in JSONS]) if method == "POST" else [(None, b"")]
                for content_type, body in bodies:
                    for query in QUERIES:
                        headers = {"Content-Type": content_type} if content_type else {}
                        async with http.request(method, server.url.rstrip("/") + path + query, data=body or None,
                                                headers=headers, allow_redirects=False) as r:
                            text = await r.text(errors="replace")
                            if r.status >= 500 or "Traceback" in text:
                                bad.append((method, path, body[:30], query[:40], r.status, text[:200]))
        return bad
    assert core.run(probe()) == []
