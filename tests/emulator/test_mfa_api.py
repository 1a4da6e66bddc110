"""Auth0's MFA API on `serve --https`: /mfa/authenticators, /mfa/associate, /mfa/challenge and the
mfa-oob / mfa-otp grants, driven by Auth0's own client (@auth0/auth0-auth-js, from npm, on Node 22)
and by plain HTTP for Auth0's error bodies. The SMS goes out at /mfa/associate or /mfa/challenge, never
at mfa_required. (auth0-python has no MFA API client, so Auth0's JavaScript one stands in for it.)"""
from __future__ import annotations

import json
import os
import subprocess

import jwt
import pytest
import requests

from .mgmt_support import CLIENTS, Served, node22, npm_package
from .test_cli_workspace import cli, ok

PASSWORD = "Str0ng-Passw0rd!"
AUTH_JS = "1.16.1"
PASSWORD_REALM = "http://auth0.com/oauth/grant-type/password-realm"
MFA_OOB = "http://auth0.com/oauth/grant-type/mfa-oob"
MFA_OTP = "http://auth0.com/oauth/grant-type/mfa-otp"
STEP_UP = """exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email.startsWith('mfa')) api.multifactor.enable('any');
};"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mfa-api")
    ws = tmp / "ws.sqlite"
    ok(cli(ws, "tenants", "create", "acme"))
    (tmp / "step-up.js").write_text(STEP_UP)
    ok(cli(ws, "actions", "create", str(tmp / "step-up.js"), "--tenant", "acme", "--trigger", "post-login", "--deploy",
           "--name", "step-up"))
    ok(cli(ws, "bindings", "set", "post-login", "step-up", "--tenant", "acme"))
    for email in ("mfa-js@acme.example", "mfa-http@acme.example", "mfa-limit@acme.example"):
        ok(cli(ws, "users", "create", "--tenant", "acme", "--email", email, "--password", PASSWORD))
    listed = {c["name"]: c for c in json.loads(ok(cli(ws, "clients", "list", "--tenant", "acme", "--json")))}
    server = Served(ws, "acme")
    yield {"server": server, "ws": ws, "client": listed["Default App"]}
    server.stop()


def _sms(served, phone: str) -> list[str]:
    """The codes texted to `phone`, newest first."""
    outbox = json.loads(ok(cli(served["ws"], "outbox", "--tenant", "acme", "--recipient", phone, "--json")))
    return [m["body"].split()[0] for m in outbox]


def _claims(served, id_token: str) -> dict:
    keys = requests.get(served["server"].url + ".well-known/jwks.json", verify=served["server"].ca).json()["keys"]
    return jwt.decode(id_token, jwt.PyJWK(keys[0]).key, algorithms=["RS256"], audience=served["client"]["client_id"],
                      issuer=served["server"].url)


def test_auth0_auth_js_enrols_through_associate_then_challenges(served):
    modules = npm_package("@auth0/auth0-auth-js", AUTH_JS)
    phone = "+14155550101"
    client = served["client"]
    proc = subprocess.Popen([node22(), str(CLIENTS / "auth0_auth_js_mfa.js")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
                            env={**os.environ, "NODE_PATH": str(modules), "NODE_EXTRA_CA_CERTS": served["server"].ca,
                                 "DOMAIN": served["server"].domain, "CLIENT_ID": client["client_id"],
                                 "CLIENT_SECRET": client["client_secret"], "USERNAME": "mfa-js@acme.example",
                                 "PASSWORD": PASSWORD, "PHONE": phone})

    def message() -> dict:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        got = json.loads(line)
        assert "crashed" not in got, got
        return got

    try:
        assert message() == {"need": "code", "step": "enrolment"}
        [code] = _sms(served, phone)  # exactly one SMS: sent by /mfa/associate
        proc.stdin.write(code + "\n")
        assert message() == {"step": "listed"}
        assert len(_sms(served, phone)) == 1  # mfa_required and /mfa/authenticators sent nothing
        proc.stdin.write("\n")
        assert message() == {"need": "code", "step": "challenge"}
        codes = _sms(served, phone)
        assert len(codes) == 2  # the challenge sent the second
        proc.stdin.write(codes[0] + "\n")
        out = message()["done"]
    finally:
        proc.kill() if proc.poll() is None else None
        proc.wait(10)
    assert out["firstRequirements"] == {"enroll": [{"type": "phone"}]}
    assert out["before"] == []
    assert out["enrolment"] == {"authenticatorType": "oob", "oobChannel": "sms", "bindingMethod": "prompt",
                                "hasOobCode": True}
    assert out["wrong"] == {"error": "invalid_grant", "description": "Invalid binding_code.", "status": 403}
    assert out["reused"]["error"] == "invalid_grant" and out["reused"]["description"] == "Malformed mfa_token"
    assert _claims(served, out["enrolledIdToken"])["amr"] == ["mfa"]
    assert out["secondRequirements"] == {"challenge": [{"type": "phone"}]}
    [authenticator] = out["authenticators"]
    assert authenticator["id"].startswith("sms|dev_") and authenticator["authenticatorType"] == "oob"
    assert authenticator["active"] is True and authenticator["name"] == "XXXXXXXX0101" and authenticator["type"] == "phone"
    assert out["enrolAgain"] == {"error": "access_denied", "description": "User is already enrolled.", "status": 403}
    assert out["challenge"] == {"challengeType": "oob", "bindingMethod": "prompt", "hasOobCode": True}
    claims = _claims(served, out["idToken"])
    assert claims["email"] == "mfa-js@acme.example" and claims["amr"] == ["mfa"]
    # The workspace holds the same enrolment id (the Management API and the app show it too).
    from emulator.store import authenticators, open_workspace

    ws = open_workspace(served["ws"])
    user_id = claims["sub"]
    assert [r["id"] for r in authenticators.confirmed(ws, "acme", user_id)] == [authenticator["id"]]
    ws.close()
    logs = json.loads(ok(cli(served["ws"], "logs", "list", "--tenant", "acme", "--user", "mfa-js@acme.example", "--json",
                             "--limit", "200")))
    types = [entry["type"] for entry in logs]
    for expected in ("gd_start_enroll", "gd_send_sms", "gd_auth_failed", "gd_enrollment_complete", "gd_start_auth",
                     "gd_auth_succeed"):
        assert expected in types, types


def _password_login(served, email: str) -> requests.Response:
    client = served["client"]
    return requests.post(served["server"].url + "oauth/token", verify=served["server"].ca, data={
        "grant_type": PASSWORD_REALM, "client_id": client["client_id"], "client_secret": client["client_secret"],
        "username": email, "password": PASSWORD, "realm": "Username-Password-Authentication", "scope": "openid"})


def _post(served, path: str, **kwargs) -> requests.Response:
    return requests.post(served["server"].url + path, verify=served["server"].ca, **kwargs)


def _token(served, **data) -> requests.Response:
    client = served["client"]
    return _post(served, "oauth/token", data={"client_id": client["client_id"], "client_secret": client["client_secret"],
                                              **data})


def test_mfa_api_error_bodies_and_the_sms_timing(served):
    phone = "+14155550102"
    first = _password_login(served, "mfa-http@acme.example")
    assert first.status_code == 403 and first.json()["error"] == "mfa_required"
    mfa_token = first.json()["mfa_token"]
    assert _sms(served, phone) == []
    bearer = {"Authorization": f"Bearer {mfa_token}"}
    assert _post(served, "mfa/associate", json={"authenticator_types": ["oob"]}).status_code == 401
    bad = _post(served, "mfa/associate", headers={"Authorization": "Bearer nope"}, json={"authenticator_types": ["oob"]})
    assert bad.status_code == 401 and bad.json() == {"error": "invalid_token", "error_description": "Malformed mfa_token"}
    otp = _post(served, "mfa/associate", headers=bearer, json={"authenticator_types": ["otp"]})
    assert otp.status_code == 400 and otp.json()["error"] == "unsupported_challenge_type"
    no_phone = _post(served, "mfa/associate", headers=bearer, json={"authenticator_types": ["oob"], "oob_channels": ["sms"]})
    assert no_phone.json() == {"error": "invalid_request", "error_description": "Missing required parameter: phone_number"}
    bad_phone = _post(served, "mfa/associate", headers=bearer,
                      json={"authenticator_types": ["oob"], "oob_channels": ["sms"], "phone_number": "555-0100"})
    assert bad_phone.status_code == 400 and bad_phone.json()["error"] == "invalid_phone_number"
    typed = _post(served, "mfa/associate", headers=bearer, json={"authenticator_types": "oob"})
    assert typed.status_code == 400 and typed.json()["error"] == "invalid_request"
    not_enrolled = _post(served, "mfa/challenge", data={"client_id": served["client"]["client_id"], "mfa_token": mfa_token})
    assert not_enrolled.status_code == 403 and not_enrolled.json()["error"] == "unsupported_challenge_type"
    early = _token(served, grant_type=MFA_OOB, mfa_token=mfa_token, oob_code="x", binding_code="123456")
    assert early.json() == {"error": "invalid_grant", "error_description": "Invalid oob_code."}
    assert _sms(served, phone) == []  # nothing went out yet
    # Form-encoded, with repeated fields, as some clients send it.
    enrolled = _post(served, "mfa/associate", headers=bearer, data=[("authenticator_types", "oob"),
                                                                    ("oob_channels", "sms"), ("phone_number", phone)])
    assert enrolled.status_code == 200, enrolled.text
    assert enrolled.json()["authenticator_type"] == "oob" and enrolled.headers["Cache-Control"] == "no-store"
    assert len(_sms(served, phone)) == 1
    wrong_otp = _token(served, grant_type=MFA_OTP, mfa_token=mfa_token, otp="000000")
    assert wrong_otp.status_code == 403
    assert wrong_otp.json() == {"error": "invalid_grant", "error_description": "Invalid otp_code."}
    no_code = _token(served, grant_type=MFA_OOB, mfa_token=mfa_token, oob_code=enrolled.json()["oob_code"])
    assert no_code.json()["error"] == "invalid_request"
    done = _token(served, grant_type=MFA_OOB, mfa_token=mfa_token, oob_code=enrolled.json()["oob_code"],
                  binding_code=_sms(served, phone)[0])
    assert done.status_code == 200 and "id_token" in done.json(), done.text
    # Enrolled: a challenge sends a code, a second challenge a new one; only the newest works.
    again = _password_login(served, "mfa-http@acme.example").json()
    challenge = {"client_id": served["client"]["client_id"], "client_secret": served["client"]["client_secret"],
                 "mfa_token": again["mfa_token"], "challenge_type": "oob"}
    one = _post(served, "mfa/challenge", data=challenge).json()
    two = _post(served, "mfa/challenge", json=challenge).json()
    assert len(_sms(served, phone)) == 3 and one["oob_code"] != two["oob_code"]
    stale = _token(served, grant_type=MFA_OOB, mfa_token=again["mfa_token"], oob_code=one["oob_code"],
                   binding_code=_sms(served, phone)[0])
    assert stale.json() == {"error": "invalid_grant", "error_description": "Invalid oob_code."}
    other = _post(served, "mfa/challenge", data={**challenge, "client_secret": "wrong"})
    assert other.status_code == 401
    unknown = _post(served, "mfa/challenge", data={**challenge, "authenticator_id": "sms|dev_nope"})
    assert unknown.status_code == 400 and unknown.json()["error_description"] == "Invalid authenticator_id."
    finished = _token(served, grant_type=MFA_OOB, mfa_token=again["mfa_token"], oob_code=two["oob_code"],
                      binding_code=_sms(served, phone)[0])
    assert finished.status_code == 200, finished.text


def test_ten_wrong_codes_end_the_mfa_transaction(served):
    phone = "+14155550103"
    mfa_token = _password_login(served, "mfa-limit@acme.example").json()["mfa_token"]
    enrolled = _post(served, "mfa/associate", headers={"Authorization": f"Bearer {mfa_token}"},
                     json={"authenticator_types": ["oob"], "oob_channels": ["sms"], "phone_number": phone}).json()
    answers = [_token(served, grant_type=MFA_OOB, mfa_token=mfa_token, oob_code=enrolled["oob_code"],
                      binding_code="000000") for _ in range(10)]
    assert [a.json()["error_description"] for a in answers[:9]] == ["Invalid binding_code."] * 9
    assert answers[9].status_code == 429 and answers[9].json()["error"] == "too_many_attempts"
