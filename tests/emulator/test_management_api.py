"""The Management API on `serve --https`, with plain HTTP (requests) and Auth0's own Python SDK
(auth0-python's management client): tokens and scopes, Auth0's error bodies, user search, metadata
merge, roles, client grants, tickets landing in the outbox, `mgmt-token`, and writes logged as `sapi`."""
from __future__ import annotations

import json

import pytest
import requests

from .mgmt_support import Served, machine_client
from .test_cli_workspace import cli, ok

PASSWORD = "Str0ng-Passw0rd!"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    ws = tmp_path_factory.mktemp("mgmt") / "ws.sqlite"
    ok(cli(ws, "tenants", "create", "acme"))
    ok(cli(ws, "apis", "create", "--tenant", "acme", "--name", "Orders", "--identifier", "https://api.acme.example/",
           "--scope", "read:orders", "--scope", "write:orders"))
    backend = machine_client(ws, "acme")
    reader = machine_client(ws, "acme", "Reader", scopes=("read:users",))
    served = Served(ws, "acme")
    yield {"served": served, "ws": ws, "backend": backend, "reader": reader}
    served.stop()


def _token(api, client: dict, audience: str | None = None) -> str:
    s = api["served"]
    r = requests.post(s.url + "oauth/token", verify=s.ca, json={
        "grant_type": "client_credentials", "client_id": client["client_id"], "client_secret": client["client_secret"],
        "audience": audience or f"https://{s.domain}/api/v2/"})
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


@pytest.fixture(scope="module")
def call(api):
    token = _token(api, api["backend"])
    s = api["served"]

    def call(method: str, path: str, token_: str | None = None, **kw) -> requests.Response:
        return requests.request(method, s.url + "api/v2" + path, verify=s.ca,
                                headers={"Authorization": f"Bearer {token_ or token}", **kw.pop("headers", {})}, **kw)
    return call


def _user(call, email: str, **extra) -> dict:
    r = call("POST", "/users", json={"email": email, "password": PASSWORD,
                                     "connection": "Username-Password-Authentication", **extra})
    assert r.status_code == 201, r.text
    return r.json()


def test_tokens_need_a_grant_and_carry_its_scopes(api):
    s = api["served"]
    granted = requests.post(s.url + "oauth/token", verify=s.ca, json={
        "grant_type": "client_credentials", "client_id": api["reader"]["client_id"],
        "client_secret": api["reader"]["client_secret"], "audience": "https://acme.emulator.local/api/v2/"}).json()
    assert granted["scope"] == "read:users"
    ok(cli(api["ws"], "clients", "create", "Nobody", "--tenant", "acme", "--type", "non_interactive"))
    nobody = next(c for c in json.loads(ok(cli(api["ws"], "clients", "list", "--tenant", "acme", "--json")))
                  if c["name"] == "Nobody")
    r = requests.post(s.url + "oauth/token", verify=s.ca, json={
        "grant_type": "client_credentials", "client_id": nobody["client_id"], "client_secret": nobody["client_secret"],
        "audience": f"https://{s.domain}/api/v2/"})
    assert r.status_code == 403 and r.json()["error"] == "access_denied"
    assert 'You need to create a "client-grant" associated to this API' in r.json()["error_description"]


def test_missing_foreign_and_unscoped_tokens(api, call):
    s = api["served"]
    r = requests.get(s.url + "api/v2/users", verify=s.ca)
    assert (r.status_code, r.json()["message"]) == (401, "Missing authentication")
    assert call("GET", "/users", "not-a-jwt").json() == {"statusCode": 401, "error": "Unauthorized",
                                                          "message": "Invalid token"}
    orders = _token(api, api["backend"], "https://api.acme.example/")  # an ordinary API's token
    assert call("GET", "/users", orders).json()["message"].startswith("Bad audience:")
    reader = _token(api, api["reader"])
    assert call("GET", "/users", reader).status_code == 200
    r = call("POST", "/users", reader, json={"email": "x@acme.example", "connection": "Username-Password-Authentication",
                                             "password": PASSWORD})
    assert r.status_code == 403
    assert r.json() == {"statusCode": 403, "error": "Forbidden", "message": "Insufficient scope, expected any of: "
                        "create:users", "errorCode": "insufficient_scope"}


def test_expired_token_is_refused(api, call):
    from emulator import tokens
    from emulator.clock import FixedClock
    from emulator.store import open_workspace

    ws = open_workspace(api["ws"], clock=FixedClock(0))  # minted long ago: expired a day later
    old = tokens.mint_client(ws, "acme", client_id=api["backend"]["client_id"],
                             audience="https://acme.emulator.local/api/v2/", scopes=["read:users"])
    ws.close()
    r = call("GET", "/users", old)
    assert (r.status_code, r.json()["message"]) == (401, "Expired token received for JSON Web Token validation")


def test_rate_limit_headers(call):
    r = call("GET", "/users")
    assert int(r.headers["x-ratelimit-limit"]) >= int(r.headers["x-ratelimit-remaining"]) >= 0
    assert int(r.headers["x-ratelimit-reset"]) > 0


def test_errors_in_auth0s_shape(call):
    _user(call, "dup@acme.example")
    r = call("POST", "/users", json={"email": "dup@acme.example", "password": PASSWORD,
                                     "connection": "Username-Password-Authentication"})
    assert r.status_code == 409
    assert r.json() == {"statusCode": 409, "error": "Conflict", "message": "The user already exists.",
                        "errorCode": "auth0_idp_error"}
    r = call("GET", "/users/auth0|nobody")
    assert r.json() == {"statusCode": 404, "error": "Not Found", "message": "The user does not exist.",
                        "errorCode": "inexistent_user"}
    r = call("POST", "/users", json={"email": "a@acme.example", "connection": "Username-Password-Authentication",
                                     "password": PASSWORD, "favourite": 1})
    assert r.status_code == 400
    assert r.json()["message"] == "Payload validation error: 'Additional properties not allowed: favourite'."
    r = call("PATCH", "/users/auth0|x", json={"email": 5})
    assert r.json()["message"] == ("Payload validation error: 'Expected type string but found type integer' on "
                                   "property email.")
    for raw in (b"{not json", b"\xff\xfe\x00{}"):
        r = call("POST", "/users", data=raw, headers={"Content-Type": "application/json"})
        assert (r.status_code, r.json()["message"]) == (400, "Invalid request payload JSON format")
    r = call("POST", "/users", json={"connection": "Username-Password-Authentication", "email": "weak@acme.example",
                                     "password": "short"})
    assert r.status_code == 400 and "PasswordStrengthError" in r.json()["message"]
    assert call("GET", "/users?per_page=1000").json()["errorCode"] == "invalid_query_string"
    assert call("GET", "/no-such-resource").status_code == 404


def test_search_by_email_metadata_and_wildcard(call):
    pro = _user(call, "Pat.Pro@acme.example", app_metadata={"plan": "pro", "seats": 5})
    _user(call, "fran.free@acme.example", app_metadata={"plan": "free", "seats": 1})

    def emails(q):
        r = call("GET", "/users", params={"q": q, "search_engine": "v3"})
        assert r.status_code == 200, r.text
        return sorted(u["email"] for u in r.json())
    assert emails('email:"pat.pro@acme.example"') == ["Pat.Pro@acme.example"]
    assert emails('app_metadata.plan:"pro"') == ["Pat.Pro@acme.example"]
    assert emails("email:fran*") == ["fran.free@acme.example"]
    assert emails('app_metadata.plan:pro OR app_metadata.plan:free') == ["Pat.Pro@acme.example", "fran.free@acme.example"]
    assert emails('app_metadata.plan:pro AND email:fran*') == []
    assert emails("app_metadata.seats:[2 TO 10]") == ["Pat.Pro@acme.example"]
    assert emails(f'user_id:"{pro["user_id"]}"') == ["Pat.Pro@acme.example"]
    by_email = call("GET", "/users-by-email", params={"email": "PAT.PRO@acme.example"}).json()
    assert [u["user_id"] for u in by_email] == [pro["user_id"]]
    page = call("GET", "/users", params={"include_totals": "true", "per_page": 1, "page": 1, "sort": "email:1"}).json()
    assert page["start"] == 1 and page["limit"] == 1 and page["length"] == 1 and page["total"] >= 2
    only = call("GET", f"/users/{pro['user_id']}", params={"fields": "email,user_id"}).json()
    assert only == {"email": "Pat.Pro@acme.example", "user_id": pro["user_id"]}


def test_user_profile_is_filled_and_metadata_merges(call):
    user = _user(call, "meg@acme.example", app_metadata={"plan": "free", "flags": {"a": 1}}, user_metadata={"lang": "en"})
    assert (user["name"], user["nickname"]) == ("meg@acme.example", "meg")
    assert user["picture"].startswith("https://s.gravatar.com/avatar/")
    assert user["identities"] == [{"connection": "Username-Password-Authentication", "user_id": user["user_id"][6:],
                                   "provider": "auth0", "isSocial": False}]
    r = call("PATCH", f"/users/{user['user_id']}", json={"app_metadata": {"plan": None, "flags": {"b": 2}, "tier": 1},
                                                          "user_metadata": {"theme": "dark"}})
    assert r.status_code == 200, r.text
    assert r.json()["app_metadata"] == {"flags": {"b": 2}, "tier": 1}  # top level merges; null deletes; objects replace
    assert r.json()["user_metadata"] == {"lang": "en", "theme": "dark"}
    assert call("DELETE", f"/users/{user['user_id']}").status_code == 204
    assert call("GET", f"/users/{user['user_id']}").status_code == 404


def test_roles_permissions_and_members(api, call):
    user = _user(call, "rob@acme.example")
    role = call("POST", "/roles", json={"name": "orders-admin", "description": "Orders"}).json()
    assert call("POST", "/roles", json={"name": "orders-admin"}).status_code == 409
    r = call("POST", f"/roles/{role['id']}/permissions", json={"permissions": [
        {"resource_server_identifier": "https://api.acme.example/", "permission_name": "write:orders"}]})
    assert r.status_code == 201, r.text
    bad = call("POST", f"/roles/{role['id']}/permissions", json={"permissions": [
        {"resource_server_identifier": "https://api.acme.example/", "permission_name": "fly:planes"}]})
    assert bad.status_code == 400
    assert call("POST", f"/users/{user['user_id']}/roles", json={"roles": [role["id"]]}).status_code == 204
    assert [r["name"] for r in call("GET", f"/users/{user['user_id']}/roles").json()] == ["orders-admin"]
    assert [u["user_id"] for u in call("GET", f"/roles/{role['id']}/users").json()] == [user["user_id"]]
    perms = call("GET", f"/users/{user['user_id']}/permissions").json()
    assert [(p["permission_name"], p["resource_server_name"]) for p in perms] == [("write:orders", "Orders")]
    renamed = call("PATCH", f"/roles/{role['id']}", json={"name": "order-admins"}).json()
    assert renamed["name"] == "order-admins"
    assert [r["name"] for r in call("GET", f"/users/{user['user_id']}/roles").json()] == ["order-admins"]
    users = json.loads(ok(cli(api["ws"], "users", "list", "--tenant", "acme", "--json")))
    assert next(u for u in users if u["user_id"] == user["user_id"])["roles"] == ["order-admins"]  # what actions see
    assert call("DELETE", f"/users/{user['user_id']}/roles", json={"roles": [role["id"]]}).status_code == 204
    assert call("GET", f"/users/{user['user_id']}/roles").json() == []
    assert call("DELETE", f"/roles/{role['id']}").status_code == 204
    assert call("GET", f"/roles/{role['id']}").json()["errorCode"] == "inexistent_role"


def test_linking_and_unlinking(call):
    a, b = _user(call, "main@acme.example"), _user(call, "other@acme.example")
    provider, rest = b["user_id"].split("|")
    linked = call("POST", f"/users/{a['user_id']}/identities", json={"provider": provider, "user_id": rest})
    assert linked.status_code == 201, linked.text
    assert [i["user_id"] for i in linked.json()] == [a["user_id"][6:], rest]
    assert call("GET", f"/users/{b['user_id']}").status_code == 404
    undone = call("DELETE", f"/users/{a['user_id']}/identities/{provider}/{rest}").json()
    assert len(undone) == 1 and call("GET", f"/users/{b['user_id']}").json()["email"] == "other@acme.example"


def test_clients_grants_apis_and_settings(call):
    client = call("POST", "/clients", json={"name": "Worker", "app_type": "non_interactive",
                                            "grant_types": ["client_credentials"]})
    assert client.status_code == 201, client.text
    cid, secret = client.json()["client_id"], client.json()["client_secret"]
    rotated = call("POST", f"/clients/{cid}/rotate-secret").json()["client_secret"]
    assert rotated != secret
    assert call("PATCH", f"/clients/{cid}", json={"callbacks": ["https://w.example/cb"]}).json()["callbacks"] == [
        "https://w.example/cb"]
    grant = call("POST", "/client-grants", json={"client_id": cid, "audience": "https://api.acme.example/",
                                                 "scope": ["read:orders"]})
    assert grant.status_code == 201, grant.text
    assert call("POST", "/client-grants", json={"client_id": cid, "audience": "https://api.acme.example/",
                                                "scope": []}).status_code == 409
    listed = call("GET", "/client-grants", params={"client_id": cid}).json()
    assert [g["scope"] for g in listed] == [["read:orders"]]
    api_ = call("POST", "/resource-servers", json={"name": "Billing", "identifier": "https://billing.example/",
                                                   "scopes": [{"value": "pay", "description": "Pay"}]})
    assert api_.status_code == 201, api_.text
    servers = call("GET", "/resource-servers").json()
    assert {s["name"] for s in servers} >= {"Auth0 Management API", "Orders", "Billing"}
    system = next(s for s in servers if s["is_system"])
    assert call("DELETE", f"/resource-servers/{system['id']}").status_code == 400
    assert call("DELETE", f"/resource-servers/{api_.json()['id']}").status_code == 204
    conn = call("POST", "/connections", json={"name": "staff-db", "strategy": "auth0",
                                              "options": {"passwordPolicy": "excellent"}})
    assert conn.status_code == 201, conn.text
    assert call("GET", f"/connections/{conn.json()['id']}").json()["options"] == {"passwordPolicy": "excellent"}
    assert call("PATCH", "/tenants/settings", json={"friendly_name": "Acme"}).json()["friendly_name"] == "Acme"
    assert call("GET", "/tenants/settings").json()["friendly_name"] == "Acme"
    assert call("DELETE", f"/clients/{cid}").status_code == 204
    assert call("GET", f"/clients/{cid}").status_code == 404


def test_tickets_and_jobs_land_in_the_outbox(api, call):
    user = _user(call, "tia@acme.example")
    ticket = call("POST", "/tickets/password-change", json={"user_id": user["user_id"]})
    assert ticket.status_code == 201, ticket.text
    assert "/u/reset-verify?ticket=" in ticket.json()["ticket"]
    job = call("POST", "/jobs/verification-email", json={"user_id": user["user_id"]})
    assert job.status_code == 201 and job.json()["type"] == "verification_email"
    outbox = json.loads(ok(cli(api["ws"], "outbox", "--tenant", "acme", "--json")))
    kinds = {m["meta"].get("kind") for m in outbox if m["recipient"] == "tia@acme.example"}
    assert kinds == {"reset_link", "verification_link"}
    link = next(m["meta"]["link"] for m in outbox if m["meta"].get("kind") == "verification_link")
    assert "verified" in requests.get(link, verify=api["served"].ca).text
    assert call("GET", f"/users/{user['user_id']}").json()["email_verified"] is True


def test_writes_are_logged_as_sapi_and_logs_read_by_checkpoint(call):
    _user(call, "log@acme.example")
    first = call("GET", "/logs", params={"from": "", "take": 3}).json()
    rest = call("GET", "/logs", params={"from": first[-1]["log_id"], "take": 100}).json()
    ids = [log["log_id"] for log in first + rest]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    sapi = call("GET", "/logs", params={"q": "type:sapi", "per_page": 100}).json()
    assert any(log["description"] == "Create a User" for log in sapi) and all(l["type"] == "sapi" for l in sapi)
    one = call("GET", f"/logs/{ids[0]}").json()
    assert one["log_id"] == ids[0]


def test_mgmt_token_for_scripts(api, call):
    token = ok(cli(api["ws"], "mgmt-token", "--tenant", "acme", "--scope", "read:users")).strip()
    assert call("GET", "/users", token).status_code == 200
    assert call("DELETE", "/users/auth0|x", token).json()["errorCode"] == "insufficient_scope"
    bad = cli(api["ws"], "mgmt-token", "--tenant", "acme", "--scope", "fly:planes")
    assert bad.returncode == 2 and "not a Management API scope" in bad.stderr and "Traceback" not in bad.stderr


def test_auth0_python_management_client(api, monkeypatch):
    """Auth0's own Python SDK (auth0-python's ManagementClient, with client credentials): users and roles."""
    import ssl

    import httpx
    from auth0.management import ManagementClient
    from auth0.management.errors import NotFoundError

    s = api["served"]
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", s.ca)
    monkeypatch.setenv("SSL_CERT_FILE", s.ca)
    mgmt = ManagementClient(domain=s.domain, client_id=api["backend"]["client_id"],
                            client_secret=api["backend"]["client_secret"], httpx_client=httpx.Client(verify=ssl.create_default_context(cafile=s.ca)))
    user = mgmt.users.create(connection="Username-Password-Authentication", email="py@acme.example",
                             password=PASSWORD, app_metadata={"plan": "pro"})
    found = mgmt.users.list(q='email:"py@acme.example"')
    assert [u.user_id for u in found] == [user.user_id]
    role = mgmt.roles.create(name="py-role", description="From Python")
    mgmt.users.roles.assign(user.user_id, roles=[role.id])
    assert [r.name for r in mgmt.users.roles.list(user.user_id)] == ["py-role"]
    assert mgmt.users.update(user.user_id, app_metadata={"plan": None}).app_metadata == {}
    with pytest.raises(NotFoundError):
        mgmt.users.get("auth0|missing")


def test_login_cookies_over_https_are_samesite_none_and_secure(api, call):
    """As Auth0's: a login over https sets its session cookie `SameSite=None; Secure`."""
    from .test_serve import _authorize, _log_in, _pkce

    _user(call, "cookie@acme.example")
    s = api["served"]
    app = next(c for c in json.loads(ok(cli(api["ws"], "clients", "list", "--tenant", "acme", "--json")))
               if c["name"] == "Default App")
    http = requests.Session()
    http.verify, http.trust_env = s.ca, False  # REQUESTS_CA_BUNDLE in the environment would win over verify
    server = {"url": s.url, "client": app}
    page = _authorize(server, http, _pkce()[1])
    assert page.status_code == 200, page.text
    done = _log_in(server, http, page, email="cookie@acme.example", password=PASSWORD)
    assert done.status_code in (302, 303), done.text
    cookie = done.headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie
