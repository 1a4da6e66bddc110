"""`actions-emulator serve` against real clients: Auth0's own Python SDK (auth0-python, protocol "http"),
and the authorization code flow with PKCE through the HTML login page driven by a plain HTTP client and an
HTML form parser, tokens verified with PyJWT against the published JWKS. The server runs as the README
says, in its own process on localhost (127.0.0.1 and ::1)."""
from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from auth0.authentication import Database, GetToken, Users
from auth0.authentication.exceptions import Auth0Error

from .test_cli_workspace import cli, ok

CLAIM = """exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://acme.example/greeting', `hello ${event.user.email}`);
  api.accessToken.setCustomClaim('https://acme.example/protocol', event.transaction.protocol);
};"""
DENY = """exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email.startsWith('blocked')) api.access.deny('Your account is blocked.');
};"""
MFA_AND_REDIRECT = """exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email.startsWith('mfa')) api.multifactor.enable('any');
  if (event.user.email.startsWith('redir')) api.redirect.sendUserTo('http://localhost:3000/verify');
};
exports.onContinuePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://acme.example/answer', event.request.query.answer);
};"""
MACHINES = """exports.onExecuteCredentialsExchange = async (event, api) => {
  if (event.transaction.requested_scopes.includes('write:orders')) api.access.deny('invalid_scope', 'No writes for machines');
  api.accessToken.setCustomClaim('https://acme.example/client', event.client.name);
};"""
EXCHANGE = """exports.onExecuteCustomTokenExchange = async (event, api) => {
  const [kind, id] = event.transaction.subject_token.split(':');
  if (kind !== 'legacy') return api.access.rejectInvalidSubjectToken('Not a legacy token');
  if (id === 'banned') return api.access.deny('banned_user', 'This user may not exchange tokens');
  api.authentication.setUserById(`auth0|${id}`);
};"""
PASSWORD = "Str0ng-Passw0rd!"
CALLBACK = "http://localhost:3000/callback"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    ws = tmp / "ws.sqlite"
    ok(cli(ws, "tenants", "create", "acme"))
    for name, code in (("greet", CLAIM), ("deny-blocked", DENY), ("step-up", MFA_AND_REDIRECT)):
        (tmp / f"{name}.js").write_text(code)
        ok(cli(ws, "actions", "create", str(tmp / f"{name}.js"), "--tenant", "acme", "--trigger", "post-login",
               "--deploy", "--name", name))
    ok(cli(ws, "bindings", "set", "post-login", "greet", "deny-blocked", "step-up", "--tenant", "acme"))
    (tmp / "machines.js").write_text(MACHINES)
    ok(cli(ws, "actions", "create", str(tmp / "machines.js"), "--tenant", "acme", "--trigger", "credentials-exchange",
           "--deploy", "--name", "machines"))
    ok(cli(ws, "bindings", "set", "credentials-exchange", "machines", "--tenant", "acme"))
    (tmp / "exchange.js").write_text(EXCHANGE)
    ok(cli(ws, "actions", "create", str(tmp / "exchange.js"), "--tenant", "acme", "--trigger", "custom-token-exchange",
           "--deploy", "--name", "exchange"))
    ok(cli(ws, "token-exchange-profiles", "set", "legacy", "--tenant", "acme", "--subject-token-type",
           "urn:acme:legacy-token", "--action", "exchange"))
    ok(cli(ws, "apis", "create", "--tenant", "acme", "--name", "Orders", "--identifier", "https://api.acme.example/",
           "--scope", "read:orders", "--scope", "write:orders"))
    for email in ("ann@acme.example", "blocked@acme.example", "mfa@acme.example", "redir@acme.example"):
        ok(cli(ws, "users", "create", "--tenant", "acme", "--email", email, "--password", PASSWORD))
    from emulator.store import directory, open_workspace

    store_ws = open_workspace(ws)
    directory.upsert_client(store_ws, "acme", "Rotating App", {
        "callbacks": [CALLBACK], "refresh_token": {"rotation_type": "rotating"},
        "grant_types": ["authorization_code", "refresh_token", "http://auth0.com/oauth/grant-type/password-realm"]})
    store_ws.close()
    listed = {c["name"]: c for c in json.loads(ok(cli(ws, "clients", "list", "--tenant", "acme", "--json")))}
    default_app = listed["Default App"]
    proc = subprocess.Popen([sys.executable, "-m", "emulator.cli", "--workspace", str(ws), "serve", "--tenant", "acme",
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.search(r"issuer (http://localhost:\d+/)", line)
    assert m, line + proc.stderr.read()
    yield {"url": m.group(1), "domain": urlsplit(m.group(1)).netloc, "client": default_app, "ws": ws,
           "rotating": listed["Rotating App"]}
    proc.terminate()
    assert proc.wait(10) == 0  # SIGTERM stops it cleanly


class Forms(HTMLParser):
    """The forms of a page: action and input values, as a browser would submit them."""

    def __init__(self, text: str):
        super().__init__()
        self.forms: list[dict] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "fields": {}})
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = a.get("value") or ""


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _authorize(server, http: requests.Session, challenge: str, **extra):
    params = {"client_id": server["client"]["client_id"], "redirect_uri": CALLBACK, "response_type": "code",
              "scope": "openid profile email offline_access", "state": "st-123", "nonce": "n-456",
              "code_challenge": challenge, "code_challenge_method": "S256", **extra}
    return http.get(server["url"] + "authorize?" + urlencode(params), allow_redirects=False)


def _log_in(server, http, page, email=("ann@acme.example"), password=PASSWORD):
    form = Forms(page.text).forms[0]
    return http.post(server["url"] + form["action"].lstrip("/"), allow_redirects=False,
                     data={**form["fields"], "username": email, "password": password})


def _verify(server, token: str, audience: str) -> dict:
    jwks = requests.get(server["url"] + ".well-known/jwks.json").json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    return jwt.decode(token, key, algorithms=["RS256"], audience=audience, issuer=server["url"])


def test_discovery_has_what_the_sdks_need(server):
    doc = requests.get(server["url"] + ".well-known/openid-configuration").json()
    assert doc["issuer"] == server["url"] and doc["token_endpoint"] == server["url"] + "oauth/token"
    assert doc["end_session_endpoint"] == server["url"] + "oidc/logout"
    assert "S256" in doc["code_challenge_methods_supported"] and "RS256" in doc["id_token_signing_alg_values_supported"]


def test_an_unknown_audience_is_service_not_found(server):
    page = _authorize(server, requests.Session(), _pkce()[1], audience="https://nope.example/")
    query = parse_qs(urlsplit(page.headers["Location"]).query)
    assert query["error"] == ["access_denied"] and query["error_description"] == ["Service not found: https://nope.example/"]


def test_authorization_code_with_pkce_through_the_login_page(server):
    http = requests.Session()
    verifier, challenge = _pkce()
    page = _authorize(server, http, challenge)
    assert page.status_code == 200 and "Log in to acme" in page.text
    wrong = _log_in(server, http, page, password="nope")
    assert wrong.status_code == 400 and "Wrong email or password." in wrong.text
    back = _log_in(server, http, wrong)
    assert back.status_code == 302
    location = urlsplit(back.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    query = parse_qs(location.query)
    assert query["state"] == ["st-123"]
    code = query["code"][0]
    token_url = server["url"] + "oauth/token"
    bad = requests.post(token_url, data={"grant_type": "authorization_code", "client_id": server["client"]["client_id"],
                                         "code": code, "code_verifier": "wrong-verifier", "redirect_uri": CALLBACK})
    assert bad.status_code == 403 and bad.json()["error"] == "invalid_grant"
    # The code was spent by the failed attempt, as a replay would find it: log in again for a fresh one.
    again = _authorize(server, http, challenge)  # the session cookie logs Ann in without a page
    code = parse_qs(urlsplit(again.headers["Location"]).query)["code"][0]
    tokens = requests.post(token_url, data={"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                                            "client_id": server["client"]["client_id"], "redirect_uri": CALLBACK}).json()
    claims = _verify(server, tokens["id_token"], server["client"]["client_id"])
    assert claims["nonce"] == "n-456" and claims["https://acme.example/greeting"] == "hello ann@acme.example"
    assert claims["sid"] and claims["auth_time"] and claims["email"] == "ann@acme.example"
    digest = hashlib.sha256(tokens["access_token"].encode()).digest()
    assert claims["at_hash"] == base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()
    access = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert access["https://acme.example/protocol"] == "oidc-basic-profile"
    replay = requests.post(token_url, data={"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                                            "client_id": server["client"]["client_id"]})
    assert replay.status_code == 403 and replay.json() == {"error": "invalid_grant",
                                                           "error_description": "Invalid authorization code"}
    refreshed = requests.post(token_url, data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                               "client_id": server["client"]["client_id"]}).json()
    access = jwt.decode(refreshed["access_token"], options={"verify_signature": False})
    assert access["https://acme.example/protocol"] == "oauth2-refresh-token"  # post-login ran again
    info = requests.get(server["url"] + "userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert info["sub"] == claims["sub"] and info["email"] == "ann@acme.example"
    revoked = requests.post(server["url"] + "oauth/revoke", data={"client_id": server["client"]["client_id"],
                                                                 "token": tokens["refresh_token"]})
    assert revoked.status_code == 200
    gone = requests.post(token_url, data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                          "client_id": server["client"]["client_id"]})
    assert gone.status_code == 403 and gone.json()["error"] == "invalid_grant"
    # Silent authentication on the session (fragment, and web_message as auth0-spa-js's iframe asks), then
    # logout ends it.
    silent = _authorize(server, http, challenge, prompt="none", response_mode="fragment")
    assert "code=" in urlsplit(silent.headers["Location"]).fragment
    message = _authorize(server, http, challenge, prompt="none", response_mode="web_message")
    posted = re.search(r"postMessage\((\{.*?\}), \"http://localhost:3000\"\)", message.text)
    payload = json.loads(posted.group(1))
    assert payload["type"] == "authorization_response" and payload["response"]["state"] == "st-123"
    assert payload["response"]["code"]
    posted_form = _authorize(server, http, challenge, prompt="none", response_mode="form_post")
    fields = Forms(posted_form.text).forms[0]
    assert fields["action"] == CALLBACK and fields["fields"]["state"] == "st-123" and fields["fields"]["code"]
    out = http.get(server["url"] + "v2/logout?" + urlencode({"client_id": server["client"]["client_id"],
                                                             "returnTo": "http://localhost:3000/"}), allow_redirects=False)
    assert out.status_code == 302 and out.headers["Location"] == "http://localhost:3000/"
    after = _authorize(server, http, challenge, prompt="none")
    assert parse_qs(urlsplit(after.headers["Location"]).query)["error"] == ["login_required"]


def test_a_deny_reaches_the_application_as_access_denied(server):
    http = requests.Session()
    page = _authorize(server, http, _pkce()[1])
    back = _log_in(server, http, page, email="blocked@acme.example")
    query = parse_qs(urlsplit(back.headers["Location"]).query)
    assert query["error"] == ["access_denied"] and query["error_description"] == ["Your account is blocked."]


def test_auth0_python_sdk_signup_login_userinfo_change_password(server):
    client_id = server["client"]["client_id"]
    db = Database(server["domain"], client_id, protocol="http")
    created = db.signup(email="new@acme.example", password=PASSWORD, connection="Username-Password-Authentication")
    assert created["email"] == "new@acme.example"
    with pytest.raises(Auth0Error) as exists:
        db.signup(email="new@acme.example", password=PASSWORD, connection="Username-Password-Authentication")
    assert exists.value.error_code == "user_exists"
    token = GetToken(server["domain"], client_id, client_secret=server["client"]["client_secret"], protocol="http")
    got = token.login(username="new@acme.example", password=PASSWORD, realm="Username-Password-Authentication",
                      scope="openid email")
    claims = _verify(server, got["id_token"], client_id)
    assert claims["https://acme.example/greeting"] == "hello new@acme.example"
    info = Users(server["domain"], protocol="http").userinfo(got["access_token"])
    assert info["email"] == "new@acme.example"
    with pytest.raises(Auth0Error) as denied:
        token.login(username="blocked@acme.example", password=PASSWORD, realm="Username-Password-Authentication")
    assert denied.value.error_code == "access_denied" and denied.value.message == "Your account is blocked."
    with pytest.raises(Auth0Error) as wrong:
        token.login(username="new@acme.example", password="nope", realm="Username-Password-Authentication")
    assert wrong.value.error_code == "invalid_grant" and wrong.value.message == "Wrong email or password."
    sent = db.change_password(email="new@acme.example", connection="Username-Password-Authentication")
    assert "sent you an email" in sent
    outbox = ok(cli(server["ws"], "outbox", "--tenant", "acme", "--recipient", "new@acme.example"))
    link = re.search(r"(http://localhost:\d+/u/reset-verify\?ticket=[\w-]+)", outbox).group(1)
    page = requests.get(link)
    assert page.status_code == 200, page.text
    form = Forms(page.text).forms[0]
    done = requests.post(server["url"] + form["action"].lstrip("/"),
                         data={**form["fields"], "password": "An0ther-Str0ng-One!"})
    assert "Your password has been changed" in done.text
    assert token.login(username="new@acme.example", password="An0ther-Str0ng-One!",
                       realm="Username-Password-Authentication")["access_token"]


def test_client_credentials(server):
    token = GetToken(server["domain"], server["client"]["client_id"], client_secret=server["client"]["client_secret"],
                     protocol="http")
    got = token.client_credentials(audience="https://api.acme.example/")
    access = _verify(server, got["access_token"], "https://api.acme.example/")
    assert access["sub"] == f"{server['client']['client_id']}@clients" and access["gty"] == "client-credentials"
    assert access["scope"] == "read:orders write:orders"
    assert access["https://acme.example/client"] == server["client"]["name"]  # the credentials-exchange action ran
    denied = requests.post(server["url"] + "oauth/token", data={
        "grant_type": "client_credentials", "client_id": server["client"]["client_id"],
        "client_secret": server["client"]["client_secret"], "audience": "https://api.acme.example/",
        "scope": "write:orders"})
    assert denied.status_code == 403 and denied.json() == {"error": "invalid_scope",
                                                          "error_description": "No writes for machines"}
    with pytest.raises(Auth0Error) as unknown:
        token.client_credentials(audience="https://nope.example/")
    assert unknown.value.error_code == "access_denied" and unknown.value.message == "Service not found: https://nope.example/"
    wrong = GetToken(server["domain"], server["client"]["client_id"], client_secret="not-the-secret", protocol="http")
    with pytest.raises(Auth0Error) as refused:
        wrong.client_credentials(audience="https://api.acme.example/")
    assert refused.value.status_code == 401


def test_custom_token_exchange_with_auth0s_sdk(server):
    """The token-exchange grant: the profile's action picks the user, post-login runs (protocol
    oauth2-token-exchange) and the tokens are the user's; rejections answer 400 with the action's words."""
    users = {u["email"]: u for u in json.loads(ok(cli(server["ws"], "users", "list", "--tenant", "acme", "--json")))}
    ann = users["ann@acme.example"]["user_id"]
    token = GetToken(server["domain"], server["client"]["client_id"], client_secret=server["client"]["client_secret"],
                     protocol="http")
    exchange = "urn:ietf:params:oauth:grant-type:token-exchange"
    got = token.access_token_for_connection("urn:acme:legacy-token", f"legacy:{ann.split('|')[1]}",
                                            "urn:ietf:params:oauth:token-type:access_token", grant_type=exchange)
    access = _verify(server, got["access_token"], "https://api.acme.example/")
    assert access["sub"] == ann and got["issued_token_type"] == "urn:ietf:params:oauth:token-type:access_token"
    assert access["https://acme.example/protocol"] == "oauth2-token-exchange"  # post-login ran, as Auth0 runs it
    for subject, status, body in (
            ("jwt:abc", 400, {"error": "invalid_request", "error_description": "Not a legacy token"}),
            ("legacy:banned", 400, {"error": "banned_user", "error_description": "This user may not exchange tokens"}),
            ("legacy:nobody", 400, {"error": "invalid_request", "error_description": "The user 'auth0|nobody' does not exist."})):
        answer = requests.post(server["url"] + "oauth/token", data={
            "grant_type": exchange, "client_id": server["client"]["client_id"],
            "client_secret": server["client"]["client_secret"], "subject_token_type": "urn:acme:legacy-token",
            "subject_token": subject})
        assert (answer.status_code, answer.json()) == (status, body)
    unknown = requests.post(server["url"] + "oauth/token", data={
        "grant_type": exchange, "client_id": server["client"]["client_id"], "subject_token_type": "urn:nope",
        "subject_token": "x"})
    assert unknown.status_code == 400 and unknown.json()["error_description"] == "Unsupported subject_token_type: urn:nope"


def test_bad_requests_get_auth0_errors_never_a_500(server):
    url = server["url"]
    unknown = requests.post(url + "oauth/token", data={"grant_type": "password", "client_id": "nope",
                                                       "username": "a", "password": "b"})
    assert unknown.status_code == 403 and unknown.json()["error"] == "unauthorized_client"
    page = requests.get(url + "authorize?" + urlencode({"client_id": server["client"]["client_id"], "response_type": "code",
                                                          "redirect_uri": "https://evil.example/cb"}), allow_redirects=False)
    assert page.status_code == 400 and "Callback URL mismatch" in page.text
    bad_state = requests.post(url + "u/login?state=forged", data={"username": "a", "password": "b"})
    assert bad_state.status_code == 400 and bad_state.json()["error"] == "invalid_request"
    http = requests.Session()
    login = _authorize(server, http, _pkce()[1])
    form = Forms(login.text).forms[0]
    no_csrf = http.post(url + form["action"].lstrip("/"), data={"username": "ann@acme.example", "password": PASSWORD})
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.json()["error_description"]
    huge = requests.post(url + "oauth/token", data={"grant_type": "password", "x": "a" * 200_000})
    assert huge.status_code == 413 and huge.json()["error"] == "invalid_request"
    missing = requests.post(url + "oauth/token", data={})
    assert missing.status_code == 400 and missing.json()["error_description"] == "Missing required parameter: grant_type"
    unsupported = requests.post(url + "oauth/token", data={"grant_type": "urn:nope", "client_id": "x"})
    assert unsupported.json()["error"] == "unsupported_grant_type"
    assert requests.get(url + "userinfo", headers={"Authorization": "Bearer garbage"}).status_code == 401


def _code_from_outbox(server, phone: str) -> str:
    outbox = json.loads(ok(cli(server["ws"], "outbox", "--tenant", "acme", "--recipient", phone, "--json")))
    return outbox[0]["body"].split()[0]


def test_sms_mfa_enrolment_on_the_page_then_mfa_required_on_the_token_endpoint(server):
    http = requests.Session()
    verifier, challenge = _pkce()
    page = _authorize(server, http, challenge)
    enrol = _log_in(server, http, page, email="mfa@acme.example")
    assert enrol.status_code == 200 and "Enter your phone number" in enrol.text
    form = Forms(enrol.text).forms[0]
    code_page = http.post(server["url"] + form["action"].lstrip("/"), data={**form["fields"], "phone": "+15550100"},
                          allow_redirects=False)
    assert "Enter the 6-digit code" in code_page.text
    form = Forms(code_page.text).forms[0]
    wrong = http.post(server["url"] + form["action"].lstrip("/"), data={**form["fields"], "code": "000000"},
                      allow_redirects=False)
    assert wrong.status_code == 200 and "Enter the 6-digit code" in wrong.text
    form = Forms(wrong.text).forms[0]
    done = http.post(server["url"] + form["action"].lstrip("/"),
                     data={**form["fields"], "code": _code_from_outbox(server, "+15550100")}, allow_redirects=False)
    assert done.status_code == 302 and "code=" in done.headers["Location"]
    # Enrolled now: the resource-owner grant asks for MFA the OAuth way.
    token_url = server["url"] + "oauth/token"
    client = server["client"]
    first = requests.post(token_url, data={"grant_type": "http://auth0.com/oauth/grant-type/password-realm",
                                           "client_id": client["client_id"], "client_secret": client["client_secret"],
                                           "username": "mfa@acme.example", "password": PASSWORD,
                                           "realm": "Username-Password-Authentication", "scope": "openid"})
    assert first.status_code == 403 and first.json()["error"] == "mfa_required"
    mfa_token = first.json()["mfa_token"]
    challenge = requests.post(server["url"] + "mfa/challenge", data={"client_id": client["client_id"],
                                                                    "mfa_token": mfa_token, "challenge_type": "oob"})
    assert challenge.json()["challenge_type"] == "oob"
    tokens = requests.post(token_url, data={"grant_type": "http://auth0.com/oauth/grant-type/mfa-oob",
                                            "client_id": client["client_id"], "client_secret": client["client_secret"],
                                            "mfa_token": mfa_token, "oob_code": challenge.json()["oob_code"],
                                            "binding_code": _code_from_outbox(server, "+15550100")}).json()
    assert _verify(server, tokens["id_token"], client["client_id"])["sub"].startswith("auth0|")


def test_a_redirect_action_sends_the_browser_away_and_continue_resumes_it(server):
    http = requests.Session()
    verifier, challenge = _pkce()
    page = _authorize(server, http, challenge)
    away = _log_in(server, http, page, email="redir@acme.example")
    target = urlsplit(away.headers["Location"])
    assert away.status_code == 302 and f"{target.scheme}://{target.netloc}{target.path}" == "http://localhost:3000/verify"
    state = parse_qs(target.query)["state"][0]
    back = http.get(server["url"] + "continue?" + urlencode({"state": state, "answer": "yes"}), allow_redirects=False)
    code = parse_qs(urlsplit(back.headers["Location"]).query)["code"][0]
    tokens = requests.post(server["url"] + "oauth/token", data={
        "grant_type": "authorization_code", "code": code, "code_verifier": verifier,
        "client_id": server["client"]["client_id"], "redirect_uri": CALLBACK}).json()
    assert _verify(server, tokens["id_token"], server["client"]["client_id"])["https://acme.example/answer"] == "yes"
    stale = http.get(server["url"] + "continue?" + urlencode({"state": state}), allow_redirects=False)
    assert stale.status_code == 400 and stale.json()["error"] == "invalid_request"


def test_refresh_token_rotation(server):
    client = server["rotating"]
    token_url = server["url"] + "oauth/token"
    auth = {"client_id": client["client_id"], "client_secret": client["client_secret"]}
    first = requests.post(token_url, data={**auth, "grant_type": "http://auth0.com/oauth/grant-type/password-realm",
                                           "username": "ann@acme.example", "password": PASSWORD,
                                           "realm": "Username-Password-Authentication",
                                           "scope": "openid offline_access"}).json()
    second = requests.post(token_url, data={**auth, "grant_type": "refresh_token",
                                            "refresh_token": first["refresh_token"]}).json()
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"]
    # post-login saw the exchange: the protocol and the refresh token being exchanged (an id, not the token).
    from emulator.store import executions, open_workspace

    ws = open_workspace(server["ws"], create=False)
    try:
        event = executions.get(ws, executions.list_(ws, "acme", limit=1)[0]["id"])["event"]
    finally:
        ws.close()
    assert event["transaction"]["protocol"] == "oauth2-refresh-token"
    rt = event["refresh_token"]
    assert rt["client_id"] == client["client_id"] and rt["rotating"] is True and rt["access"] == "offline"
    assert rt["id"].startswith("rt_") and first["refresh_token"] not in str(event)
    third = requests.post(token_url, data={**auth, "grant_type": "refresh_token", "refresh_token": second["refresh_token"]})
    assert third.status_code == 200
    # Reuse detection: the spent first token used again revokes the family, the newest token included.
    reused = requests.post(token_url, data={**auth, "grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert reused.status_code == 403 and reused.json() == {"error": "invalid_grant",
                                                           "error_description": "Unknown or invalid refresh token."}
    newest = requests.post(token_url, data={**auth, "grant_type": "refresh_token",
                                            "refresh_token": third.json()["refresh_token"]})
    assert newest.status_code == 403 and newest.json()["error"] == "invalid_grant"
    logs = json.loads(ok(cli(server["ws"], "logs", "list", "--tenant", "acme", "--type", "ferrt", "--json")))
    assert [entry["description"] for entry in logs] == ["Unsuccessful Refresh Token exchange, reused refresh token detected"]
    assert logs[0]["user_name"] == "ann@acme.example" and logs[0]["client_id"] == client["client_id"]
    password = requests.post(token_url, data={**auth, "grant_type": "password", "username": "ann@acme.example",
                                              "password": PASSWORD})
    assert password.status_code == 403 and password.json()["error"] == "unauthorized_client"
