"""Every Authentication API route of the local server (everything but /api/v2, which
test_management_fuzz.py covers), in process, fed malformed, non-UTF-8, oversized and wrongly typed input
as forms, JSON and queries: a 4xx (or a page) each time, never a 500 or a traceback."""
from __future__ import annotations

import aiohttp
import pytest

from emulator import store
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


def test_the_mfa_api_with_a_live_mfa_token_answers_4xx_to_bad_input(served):
    """The same table at the MFA API, past its Bearer check: a live mfa_token in the header and the body."""
    core, server = served
    core.emu.set_mfa_policy("sample", "all-applications")
    client = next(c for c in core.emu.clients("sample") if "password" in " ".join(c.get("grant_types", [])))
    secret = store.directory.client_secret(core.emu.ws, "sample", client["client_id"])

    async def probe():
        bad = []
        async with aiohttp.ClientSession() as http:
            async with http.post(server.url + "oauth/token", data={
                    "grant_type": "password", "username": "jane.doe@example.com", "password": "Correct-Horse-9",
                    "client_id": client["client_id"], "client_secret": secret, "scope": "openid"}) as r:
                answer = await r.json()
                assert answer.get("error") == "mfa_required", answer
            mfa_token = answer["mfa_token"]
            forms = FORMS + [b"mfa_token=" + mfa_token.encode() + b"&challenge_type=\xff",
                             b"authenticator_types=oob&oob_channels=sms&phone_number=%ff"]
            jsons = JSONS + [b'{"authenticator_types": [5], "oob_channels": "sms"}',
                             b'{"authenticator_types": ["oob"], "oob_channels": ["sms"], "phone_number": ["+1"]}',
                             b'{"mfa_token": "' + mfa_token.encode() + b'", "challenge_type": ["oob"]}']
            for method, path in (("GET", "/mfa/authenticators"), ("POST", "/mfa/associate"), ("POST", "/mfa/challenge"),
                                 ("POST", "/oauth/token")):
                bodies = ([("application/x-www-form-urlencoded", b) for b in forms]
                          + [("application/json", b) for b in jsons]) if method == "POST" else [(None, b"")]
                for content_type, body in bodies:
                    headers = {"Authorization": f"Bearer {mfa_token}", **({"Content-Type": content_type}
                                                                          if content_type else {})}
                    async with http.request(method, server.url.rstrip("/") + path, data=body or None,
                                            headers=headers) as r:
                        text = await r.text(errors="replace")
                        if r.status >= 500 or "Traceback" in text:
                            bad.append((method, path, body[:40], r.status, text[:200]))
        return bad
    assert core.run(probe()) == []
