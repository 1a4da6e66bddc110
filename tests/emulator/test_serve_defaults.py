"""`serve` as Auth0's SDKs use it by default (issue: every SDK's default set-up works): the Express
quickstart of express-openid-connect (implicit id_token, form_post) as a real npm client; implicit and
hybrid response types with nonce, c_hash and at_hash; one sid per login session (login, silent login,
refresh) and amr after MFA; Auth0's default profile fields; brute-force protection; the localhost issuer
and --allow-remote."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import subprocess
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests

from .mgmt_support import CLIENTS, NPM_CACHE, Served, machine_client, node22
from .test_cli_workspace import cli, ok
from .test_serve import PASSWORD, Forms, _code_from_outbox, _log_in, _pkce

MFA = """exports.onExecutePostLogin = async (event, api) => {
  // Auth0's step-up pattern: challenge once per session (its methods say whether MFA was done).
  const done = (event.authentication?.methods || []).some((m) => m.name === 'mfa');
  if (event.user.email.startsWith('mfa') && !done) api.multifactor.enable('any');
};"""
CALLBACK = "http://localhost:3000/callback"
PASSWORD_REALM = "http://auth0.com/oauth/grant-type/password-realm"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve-defaults")
    ws = tmp / "ws.sqlite"
    ok(cli(ws, "tenants", "create", "acme"))
    (tmp / "mfa.js").write_text(MFA)
    ok(cli(ws, "actions", "create", str(tmp / "mfa.js"), "--tenant", "acme", "--trigger", "post-login", "--deploy",
           "--name", "mfa"))
    ok(cli(ws, "bindings", "set", "post-login", "mfa", "--tenant", "acme"))
    for email in ("ann@acme.example", "mfa@acme.example", "bob@acme.example", "eve@acme.example"):
        ok(cli(ws, "users", "create", "--tenant", "acme", "--email", email, "--password", PASSWORD))
    ok(cli(ws, "clients", "create", "Code Only", "--tenant", "acme", "--callback", CALLBACK,
           "--grant-type", "authorization_code"))
    machine_client(ws, "acme")  # the admin of the Management API calls
    listed = {c["name"]: c for c in json.loads(ok(cli(ws, "clients", "list", "--tenant", "acme", "--json")))}
    server = Served(ws, "acme", https=False)
    yield {"url": server.url, "ws": ws, "client": listed["Default App"], "code_only": listed["Code Only"]}
    server.stop()


def _authorize(served, http, **params):
    query = {"client_id": served["client"]["client_id"], "redirect_uri": CALLBACK, "scope": "openid profile email",
             "state": "st-1", **params}
    return http.get(served["url"] + "authorize?" + urlencode(query), allow_redirects=False)


def _claims(served, token: str, audience: str) -> dict:
    key = jwt.PyJWK(requests.get(served["url"] + ".well-known/jwks.json").json()["keys"][0]).key
    return jwt.decode(token, key, algorithms=["RS256"], audience=audience, issuer=served["url"])


def _half_hash(value: str) -> str:
    digest = hashlib.sha256(value.encode()).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def _fragment(response) -> dict:
    assert response.status_code == 302, response.text
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).fragment).items()}


def _answer(response) -> dict:
    """An authorization response's parameters, from the fragment or (response_mode query) the query."""
    location = urlsplit(response.headers["Location"])
    return {k: v[0] for k, v in parse_qs(location.fragment or location.query).items()}


def test_the_issuer_is_localhost_and_discovery_lists_what_is_supported(served):
    assert urlsplit(served["url"]).hostname == "localhost"
    doc = requests.get(served["url"] + ".well-known/openid-configuration").json()
    assert doc["issuer"] == served["url"]
    assert set(doc["response_types_supported"]) == {"code", "token", "id_token", "code token", "code id_token",
                                                    "id_token token", "code id_token token"}
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]  # what tokens.py signs with, nothing else
    assert "implicit" in doc["grant_types_supported"] and "end_session_endpoint_supported" not in doc
    assert "token_endpoint_auth_signing_alg_values_supported" not in doc  # no private_key_jwt here
    # Both loopback addresses answer (Node resolves localhost to ::1 first).
    port = urlsplit(served["url"]).port
    for family, address in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        try:
            with socket.socket(family) as s:
                s.settimeout(5)
                s.connect((address, port))
        except OSError as exc:
            if family == socket.AF_INET6 and not socket.has_ipv6:
                continue
            raise AssertionError(f"{address}:{port}: {exc}") from None


def test_implicit_and_hybrid_responses(served):
    http = requests.Session()
    page = _authorize(served, http, response_type="id_token token", nonce="n-1")
    implicit = _fragment(_log_in({"url": served["url"]}, http, page))
    claims = _claims(served, implicit["id_token"], served["client"]["client_id"])
    assert implicit["state"] == "st-1" and implicit["token_type"] == "Bearer" and int(implicit["expires_in"]) > 0
    assert claims["nonce"] == "n-1" and claims["at_hash"] == _half_hash(implicit["access_token"])
    assert claims["name"] == "ann@acme.example" and claims["nickname"] == "ann"  # Auth0's profile defaults
    assert claims["picture"].startswith("https://s.gravatar.com/avatar/")
    hybrid = _fragment(_authorize(served, http, response_type="code id_token", nonce="n-2"))  # on the session
    claims = _claims(served, hybrid["id_token"], served["client"]["client_id"])
    assert claims["c_hash"] == _half_hash(hybrid["code"]) and claims["nonce"] == "n-2"
    posted = _authorize(served, http, response_type="id_token", nonce="n-3", response_mode="form_post")
    fields = Forms(posted.text).forms[0]["fields"]
    assert set(fields) == {"id_token", "state"}
    # What Auth0 refuses, sent back to the application.
    for params, error, description in (
            ({"response_type": "id_token"}, "invalid_request", "Missing required parameter: nonce"),
            ({"response_type": "id_token", "nonce": "n", "response_mode": "query"}, "invalid_request",
             'response_mode "query" is not allowed for response_type "id_token".'),
            ({"response_type": "code banana"}, "unsupported_response_type", "Unsupported response type: code banana")):
        answer = _answer(_authorize(served, requests.Session(), **params))
        assert (answer["error"], answer["error_description"]) == (error, description)
    refused = _fragment(_authorize(served, requests.Session(), client_id=served["code_only"]["client_id"],
                                   response_type="id_token", nonce="n"))
    assert refused["error"] == "unauthorized_client" and "'implicit'" in refused["error_description"]


def test_one_sid_per_session_through_silent_login_and_refresh(served):
    http = requests.Session()
    verifier, challenge = _pkce()
    page = _authorize(served, http, response_type="code", code_challenge=challenge, code_challenge_method="S256",
                      scope="openid profile email offline_access")
    code = parse_qs(urlsplit(_log_in({"url": served["url"]}, http, page, email="bob@acme.example")
                             .headers["Location"]).query)["code"][0]
    token_url = served["url"] + "oauth/token"
    client_id = served["client"]["client_id"]
    first = requests.post(token_url, data={"grant_type": "authorization_code", "client_id": client_id, "code": code,
                                           "code_verifier": verifier, "redirect_uri": CALLBACK}).json()
    login = _claims(served, first["id_token"], client_id)
    time.sleep(1.1)  # a later second: auth_time must stay the login's
    silent = _fragment(_authorize(served, http, response_type="id_token", nonce="n", prompt="none"))
    again = _claims(served, silent["id_token"], client_id)
    refreshed = requests.post(token_url, data={"grant_type": "refresh_token", "client_id": client_id,
                                               "refresh_token": first["refresh_token"]}).json()
    later = _claims(served, refreshed["id_token"], client_id)
    assert login["sid"] == again["sid"] == later["sid"]
    assert login["auth_time"] == again["auth_time"] == later["auth_time"] and again["iat"] > login["auth_time"]
    assert "amr" not in login  # no MFA in this session


def test_amr_carries_mfa_after_the_challenge(served):
    http = requests.Session()
    page = _authorize(served, http, response_type="id_token", nonce="n-mfa")
    enrol = _log_in({"url": served["url"]}, http, page, email="mfa@acme.example")
    form = Forms(enrol.text).forms[0]
    code_page = http.post(served["url"] + form["action"].lstrip("/"), data={**form["fields"], "phone": "+15550111"},
                          allow_redirects=False)
    form = Forms(code_page.text).forms[0]
    done = http.post(served["url"] + form["action"].lstrip("/"),
                     data={**form["fields"], "code": _code_from_outbox({"ws": served["ws"]}, "+15550111")},
                     allow_redirects=False)
    first = _claims(served, _fragment(done)["id_token"], served["client"]["client_id"])
    assert first["amr"] == ["mfa"]
    silent = _fragment(_authorize(served, http, response_type="id_token", nonce="n", prompt="none"))
    assert _claims(served, silent["id_token"], served["client"]["client_id"])["amr"] == ["mfa"]  # the session's


def _password_login(served, email: str, password: str):
    client = served["client"]
    return requests.post(served["url"] + "oauth/token", data={
        "grant_type": PASSWORD_REALM, "client_id": client["client_id"], "client_secret": client["client_secret"],
        "username": email, "password": password, "realm": "Username-Password-Authentication", "scope": "openid"})


def _management(served, method: str, path: str, **kw):
    token = ok(cli(served["ws"], "mgmt-token", "--tenant", "acme", "--issuer", served["url"])).strip()
    return requests.request(method, served["url"] + "api/v2/" + path, headers={"Authorization": f"Bearer {token}"}, **kw)


def test_ten_wrong_passwords_block_the_user_from_that_ip_until_an_admin_lifts_it(served):
    answers = [_password_login(served, "eve@acme.example", "wrong") for _ in range(10)]
    assert [a.status_code for a in answers[:9]] == [403] * 9
    assert answers[9].status_code == 429 and answers[9].json()["error"] == "too_many_attempts"
    right = _password_login(served, "eve@acme.example", PASSWORD)  # blocked even with the right password
    assert right.status_code == 429 and "blocked after multiple consecutive login attempts" in right.json()["error_description"]
    logs = json.loads(ok(cli(served["ws"], "logs", "list", "--tenant", "acme", "--type", "limit_wc", "--json")))
    assert len(logs) == 1 and logs[0]["user_name"] == "eve@acme.example"
    mail = json.loads(ok(cli(served["ws"], "outbox", "--tenant", "acme", "--recipient", "eve@acme.example", "--json")))
    assert mail[0]["subject"] == "Your account has been blocked"
    eve = json.loads(ok(cli(served["ws"], "users", "list", "--tenant", "acme", "--json")))
    eve_id = next(u["user_id"] for u in eve if u["email"] == "eve@acme.example")
    blocks = _management(served, "GET", f"user-blocks/{eve_id}").json()
    assert [(b["identifier"], b["ip"]) for b in blocks["blocked_for"]] == [("eve@acme.example", "127.0.0.1")]
    assert _management(served, "DELETE", "user-blocks", params={"identifier": "eve@acme.example"}).status_code == 204
    assert _password_login(served, "eve@acme.example", PASSWORD).status_code == 200
    # The setting turns it off (what test suites do).
    off = _management(served, "PATCH", "attack-protection/brute-force-protection", json={"enabled": False})
    assert off.status_code == 200 and off.json()["enabled"] is False and off.json()["max_attempts"] == 10
    assert all(_password_login(served, "eve@acme.example", "wrong").status_code == 403 for _ in range(12))
    assert _password_login(served, "eve@acme.example", PASSWORD).status_code == 200
    _management(served, "PATCH", "attack-protection/brute-force-protection", json={"enabled": True})


def test_serve_on_a_remote_address_needs_allow_remote(served, tmp_path):
    refused = cli(served["ws"], "serve", "--tenant", "acme", "--host", "0.0.0.0", "--port", "0")
    assert refused.returncode == 2 and "--allow-remote" in refused.stderr and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def test_express_openid_connect_with_its_default_configuration(served):
    """The Express quickstart: response_type id_token, response_mode form_post, as the SDK defaults."""
    from emulator.runtime.deps import DependencyCache

    modules = DependencyCache(NPM_CACHE).ensure_sync([("express", "4.21.2"), ("express-openid-connect", "2.17.1")])
    port = _free_port()
    base = f"http://localhost:{port}"
    app = subprocess.Popen([node22(), str(CLIENTS / "express_oidc.js")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env={**os.environ, "NODE_PATH": str(modules / "node_modules"),
                                           "ISSUER": served["url"], "BASE_URL": base, "PORT": str(port),
                                           "CLIENT_ID": served["client"]["client_id"]})
    try:
        line = app.stdout.readline()
        assert json.loads(line or "{}").get("port") == port, line + app.stderr.read()
        http = requests.Session()
        login_page = http.get(base + "/login")  # the app redirects to /authorize, which shows the login page
        assert login_page.status_code == 200 and "Log in to acme" in login_page.text, login_page.text[:300]
        form = Forms(login_page.text).forms[0]
        posted = http.post(served["url"] + form["action"].lstrip("/"), allow_redirects=False,
                           data={**form["fields"], "username": "ann@acme.example", "password": PASSWORD})
        back = Forms(posted.text).forms[0]  # the form_post page the browser submits to the app
        assert back["action"] == base + "/callback" and set(back["fields"]) == {"id_token", "state"}
        done = http.post(back["action"], data=back["fields"])
        assert done.status_code == 200 and done.json() == {"authenticated": True}, done.text
        profile = http.get(base + "/profile").json()
        assert profile["user"]["email"] == "ann@acme.example" and profile["claims"]["iss"] == served["url"]
        out = http.get(base + "/logout")
        assert out.status_code == 200 and http.get(base + "/").json() == {"authenticated": False}
    finally:
        app.terminate()
        app.wait(10)


def _wait_for(url: str, proc: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        try:
            requests.get(url, timeout=60)
            return
        except requests.ConnectionError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def test_nextjs_auth0_with_the_readme_set_up(served, tmp_path):
    """The README's Next.js app (tests/clients/nextjs_app: @auth0/nextjs-auth0 v4's Auth0Client and
    middleware, configured from the environment) under `next dev`: login, the session, logout."""
    import shutil

    from emulator.runtime.deps import DependencyCache

    modules = DependencyCache(NPM_CACHE).ensure_sync([("next", "15.5.9"), ("react", "19.2.1"), ("react-dom", "19.2.1"),
                                                      ("@auth0/nextjs-auth0", "4.30.0")]) / "node_modules"
    app = tmp_path / "app"
    shutil.copytree(CLIENTS / "nextjs_app", app)
    (app / "node_modules").symlink_to(modules, target_is_directory=True)
    port = _free_port()
    base = f"http://localhost:{port}"
    client = served["client"]
    proc = subprocess.Popen([node22(), str(modules / "next" / "dist" / "bin" / "next"), "dev", "-p", str(port)], cwd=app,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "AUTH0_DOMAIN": served["url"].rstrip("/"), "APP_BASE_URL": base,
                                 "AUTH0_CLIENT_ID": client["client_id"], "AUTH0_CLIENT_SECRET": client["client_secret"],
                                 "AUTH0_SECRET": hashlib.sha256(b"nextjs-test").hexdigest(),
                                 "NEXT_TELEMETRY_DISABLED": "1"})

    def state(http) -> dict:
        page = http.get(base + "/", timeout=120)
        assert page.status_code == 200, page.text[:500]
        raw = page.text.split('<p id="out">', 1)[1].split("</p>", 1)[0]
        return json.loads(raw.replace("&quot;", '"'))

    try:
        _wait_for(base + "/", proc)
        http = requests.Session()
        assert state(http) == {"loggedIn": False}
        login_page = http.get(base + "/auth/login", timeout=120)  # the SDK redirects to /authorize
        assert "Log in to acme" in login_page.text, login_page.text[:300]
        form = Forms(login_page.text).forms[0]
        back = http.post(served["url"] + form["action"].lstrip("/"), timeout=120,
                         data={**form["fields"], "username": "ann@acme.example", "password": PASSWORD})
        assert back.status_code == 200 and back.url.rstrip("/") == base, back.url  # callback, then home
        after = state(http)
        assert after["loggedIn"] is True and after["email"] == "ann@acme.example" and after["hasAccessToken"] is True
        out = http.get(base + "/auth/logout", timeout=120)  # through /oidc/logout and back home
        assert out.status_code == 200 and state(http) == {"loggedIn": False}
    finally:
        proc.terminate()
        proc.wait(20)
