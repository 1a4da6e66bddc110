"""`actions-emulator flow`, `outbox`, `jwks` and `redirect-token` as a newcomer runs them on the sample
tenant."""
from __future__ import annotations

import json

import jwt
import pytest

from emulator.emulator import SAMPLE_TENANT_DIR

from .test_cli_workspace import cli, ok


@pytest.fixture
def sample_ws(tmp_path):
    ws = tmp_path / "flows.sqlite"
    ok(cli(ws, "import", str(SAMPLE_TENANT_DIR), "--tenant", "sample", "--keywords",
           str(SAMPLE_TENANT_DIR / "keywords.json")))
    return ws


def test_admin_login_with_sms_enrolment_auto(sample_ws):
    out = json.loads(ok(cli(sample_ws, "flow", "login", "--tenant", "sample", "--email", "jane.doe@example.com",
                            "--password", "Correct-Horse-9", "--auto")))
    assert out["status"] == "success" and out["error"] is None
    assert out["tokens"]["signature_verified"] is True
    assert out["tokens"]["claims"]["id_token"]["https://example.com/roles"] == ["admin"]
    assert list(out["executions"]) == ["login-post-identifier", "post-login", "send-phone-message"]
    assert [l["type"] for l in out["logs"]] == ["gd_start_enroll", "gd_send_sms", "gd_enrollment_complete", "s"]
    jwks = json.loads(ok(cli(sample_ws, "jwks", "--tenant", "sample")))
    key = jwt.PyJWK(jwks["keys"][0]).key
    claims = jwt.decode(out["tokens"]["access_token"], key, algorithms=["RS256"],
                        options={"verify_aud": False, "verify_exp": False, "verify_iat": False})
    assert claims["sub"] == out["tokens"]["claims"]["id_token"]["sub"]
    outbox = ok(cli(sample_ws, "outbox", "--tenant", "sample"))
    assert "to +14255550123 (via send-phone-message)" in outbox


def test_stepwise_otp_with_resume(sample_ws):
    first = json.loads(ok(cli(sample_ws, "flow", "login", "--tenant", "sample", "--email", "jane.doe@example.com",
                              "--password", "Correct-Horse-9", "--phone", "+14255550123", "--deterministic")))
    assert first["status"] == "mfa_required" and first["waiting"]["for"] == "otp" and first["deterministic"]
    wrong = json.loads(ok(cli(sample_ws, "flow", "resume", first["run_id"], "--otp", "999999")))
    assert wrong["status"] == "mfa_required" and wrong["waiting"]["error"]["error"] == "invalid_grant"
    done = json.loads(ok(cli(sample_ws, "flow", "resume", first["run_id"], "--otp", "123456")))
    assert done["status"] == "success"
    shown = json.loads(ok(cli(sample_ws, "flow", "show", first["run_id"])))
    assert shown["status"] == "success" and shown["tokens"]["id_token"] == done["tokens"]["id_token"]


def test_redirect_then_continue_with_a_signed_token(sample_ws):
    out = json.loads(ok(cli(sample_ws, "flow", "login", "--tenant", "sample", "--email", "sam.lee@example.org",
                            "--password", "Battery-Staple-7")))
    assert out["status"] == "redirected" and out["waiting"]["url"].startswith("https://age-check.example.com/verify?")
    token = ok(cli(sample_ws, "redirect-token", out["run_id"], "--secret", "sample-session-secret-change-me-please",
                   "--claim", "age_verified=true")).strip()
    done = json.loads(ok(cli(sample_ws, "flow", "resume", out["run_id"], "--continue", f"session_token={token}")))
    assert done["status"] == "success"
    users = json.loads(ok(cli(sample_ws, "users", "list", "--tenant", "sample", "--json")))
    assert next(u for u in users if u["email"] == "sam.lee@example.org")["app_metadata"]["age_verified"] is True


def test_denied_and_failed_exit_codes(sample_ws, tmp_path):
    denied = cli(sample_ws, "flow", "login", "--tenant", "sample", "--email", "spy@competitor.example",
                 "--password", "Not-Welcome-1")
    # Exit codes say what happened: 4, the journey did not succeed though no action failed.
    assert denied.returncode == 4 and json.loads(denied.stdout)["error"]["error_description"] == \
        "Accounts from competitor.example cannot use this application."
    wrong = cli(sample_ws, "flow", "login", "--tenant", "sample", "--email", "jane.doe@example.com", "--password", "x")
    assert wrong.returncode == 4 and json.loads(wrong.stdout)["error"]["error"] == "invalid_user_password"
    event = tmp_path / "kp.json"
    event.write_text('{"request": {"geoip": {"countryCode": "KP", "countryName": "North Korea"}}}')
    p = cli(sample_ws, "flow", "login", "--tenant", "sample", "--email", "jane.doe@example.com",
            "--password", "Correct-Horse-9", "--event", str(event))
    assert p.returncode == 4
    blocked = json.loads(p.stdout)
    assert blocked["status"] == "denied" and "North Korea" in blocked["error"]["error_description"]


def test_signup_and_reset_from_the_command_line(sample_ws):
    signup = json.loads(ok(cli(sample_ws, "flow", "signup", "--tenant", "sample", "--email", "new@example.net",
                               "--password", "Str0ng-Passw0rd!")))
    assert signup["status"] == "success" and signup["user"]["email"] == "new@example.net"
    assert "post-user-registration" in signup["executions"]  # notify-crm failed there, the signup did not
    reset = json.loads(ok(cli(sample_ws, "flow", "reset-password", "--tenant", "sample", "--email", "new@example.net",
                              "--new-password", "An0ther-Passw0rd!", "--auto")))
    assert reset["status"] == "success" and reset["result_url"] == "https://app.example.com/password-changed"
    listing = ok(cli(sample_ws, "flow", "list", "--tenant", "sample"))
    assert "password_reset  success" in listing and "signup          success" in listing


def test_flow_usage_errors(sample_ws):
    p = cli(sample_ws, "flow", "login", "--tenant", "sample", "--email", "a@b.co")
    assert p.returncode == 2 and p.stderr.strip() == "actions-emulator: error: --password is required"
    p = cli(sample_ws, "flow", "resume", "nope")
    assert p.returncode == 2 and "The flow run 'nope' does not exist." in p.stderr


def test_sms_mfa_journey_for_a_user_no_action_asks_mfa_of(sample_ws):
    args = ("flow", "sms-mfa", "--tenant", "sample", "--email", "sam.lee@example.org", "--password",
            "Battery-Staple-7", "--event", "-")
    waiting = json.loads(ok(cli(sample_ws, *args, stdin='{"user": {"app_metadata": {"age_verified": true}}}')))
    assert waiting["status"] == "mfa_required" and waiting["waiting"] == {"for": "phone"}
    done = json.loads(ok(cli(sample_ws, "flow", "resume", waiting["run_id"], "--phone", "+15550100", "--auto")))
    assert done["status"] == "success" and done["flow"] == "sms_mfa"
    assert [l["type"] for l in done["logs"]][-3:] == ["gd_send_sms", "gd_enrollment_complete", "s"]


def test_auto_comes_back_from_a_token_redirect_with_the_claims_given(sample_ws):
    """sam.lee's age check validates a session token: --auto alone says what it needs (one line, exit 4);
    with --continue-claim it signs the token with the action's secret, as the page would."""
    args = ["flow", "login", "--tenant", "sample", "--email", "sam.lee@example.org", "--password", "Battery-Staple-7",
            "--auto"]
    bare = cli(sample_ws, *args)
    assert bare.returncode == 4
    assert json.loads(bare.stdout)["status"] == "redirected"
    [line] = bare.stderr.strip().splitlines()
    assert line.startswith("actions-emulator: verify-age-redirect redirected with a session token") and \
        "--continue-claim age_verified=true" in line and "SESSION_TOKEN_SECRET" in line
    done = json.loads(ok(cli(sample_ws, *args, "--continue-claim", "age_verified=true")))
    assert done["status"] == "success"
