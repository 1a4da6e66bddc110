"""What the app's tenant editors change, through the core: users (metadata, roles, password, MFA
enrolments), the MFA policy (honoured by the login journey), applications and APIs. Each change is
logged as Auth0 logs a Management API call (sapi), and bad values get one-line errors."""
from __future__ import annotations

import pytest

from emulator import flows
from emulator.errors import EmulatorError

from .conftest import PASSWORD, flow, tenant_with

PL = "post-login"


def _ann(core) -> dict:
    return next(u for u in core.emu.users("acme") if u["email"] == "ann@example.com")


def test_a_users_metadata_and_roles_are_what_the_next_login_sees(core):
    tenant_with(core, {PL: ["api.idToken.setCustomClaim('https://x/plan', event.user.app_metadata.plan);"
                            "api.idToken.setCustomClaim('https://x/roles', event.authorization.roles);"]})
    user, changes = core.emu.update_user("acme", _ann(core)["user_id"], app_metadata={"plan": "gold"},
                                         roles=["admin"])
    assert user["app_metadata"] == {"plan": "gold"} and user["roles"] == ["admin"]
    assert ("acme", user["user_id"]) in changes.users
    assert core.emu.logs("acme", limit=1)[0]["description"] == "Update a user"
    run = flow(core, "login", {})
    report = core.emu.flow_view(run)["report"]["tokens"]["claims"]["id_token"]
    assert report["https://x/plan"] == "gold" and report["https://x/roles"] == ["admin"]
    with pytest.raises(EmulatorError, match="app_metadata must be an object"):
        core.emu.update_user("acme", user["user_id"], app_metadata=["nope"])
    with pytest.raises(EmulatorError, match="roles must be a list of role names"):
        core.emu.update_user("acme", user["user_id"], roles="admin")


def test_the_mfa_policy_makes_every_login_ask_and_an_enrolment_can_be_removed(core):
    tenant_with(core, {PL: ["console.log('no MFA asked by any action');"]})
    assert core.emu.mfa_policy("acme") == "never" and flow(core, "login", {}).status == "success"
    core.emu.set_mfa_policy("acme", "all-applications")
    run = flow(core, "login", {"phone": "+64211234567"})
    assert run.status == "mfa_required" and run.waiting["for"] == "otp"  # enrolment: a code to the phone
    code = core.emu.outbox("acme")[0]["body"].split()[0]
    run = core.run(flows.run_to_end(core.emu, run, flows.Answers(otp=code)))
    assert run.status == "success"
    user_id = _ann(core)["user_id"]
    [enrolment] = core.emu.authenticators("acme", user_id)
    assert enrolment["phone_number"] == "+64211234567" and enrolment["type"] == "sms"
    core.emu.delete_authenticator("acme", user_id, enrolment["id"])
    assert core.emu.authenticators("acme", user_id) == []
    again = flow(core, "login", {})
    assert again.waiting["for"] == "phone"  # enrols again
    with pytest.raises(EmulatorError, match="Invalid MFA policy 'sometimes'"):
        core.emu.set_mfa_policy("acme", "sometimes")
    # An action that says "none" skips it.
    tenant_with(core, {PL: ["api.multifactor.enable('none');"]}, tenant="beta")
    core.emu.set_mfa_policy("beta", "all-applications")
    skipped = core.run(flows.run_to_end(core.emu, flows.start(core.emu, "beta", "login", {
        "email": "ann@example.com", "password": PASSWORD}), None))
    assert skipped.status == "success"


def test_applications_and_apis_are_edited(core):
    tenant_with(core, {})
    client, _ = core.emu.update_client("acme", "Default App", callbacks=["https://app.example.com/cb"],
                                       grant_types=["authorization_code", "refresh_token"])
    listed = next(c for c in core.emu.clients("acme") if c["name"] == "Default App")
    assert listed["callbacks"] == ["https://app.example.com/cb"] and "refresh_token" in listed["grant_types"]
    with pytest.raises(EmulatorError, match="callbacks must be a list of strings"):
        core.emu.update_client("acme", "Default App", callbacks="https://x")
    with pytest.raises(EmulatorError, match="does not exist"):
        core.emu.update_client("acme", "Nope", callbacks=[])
    api, _ = core.emu.upsert_api("acme", "Orders", "https://orders.example.com", ["read:orders", "write:orders"])
    assert [s["value"] for s in core.emu.apis("acme")[0]["scopes"]] == ["read:orders", "write:orders"]
    assert api["identifier"] == "https://orders.example.com"
