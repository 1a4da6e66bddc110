"""The client_credentials grant (POST /oauth/token by a machine-to-machine application, spec §10):

exchange -> credentials-exchange chain: deny (with its OAuth error code), custom claims, target scopes
tokens   -> an access token for the API: the scopes granted (the client's asked scopes the API defines,
            all of them when none are asked), as the actions changed them; `seccft` log (`feccft` on
            a deny or a failure)
"""
from __future__ import annotations

from .. import store, tokens, triggers
from ..errors import UsageError
from ..store.db import transaction
from . import events, steps
from .run import FAILED, FlowRun

EXCHANGE, TOKENS = "exchange", "tokens"
STATES = (EXCHANGE, TOKENS)
TRIGGER = triggers.CREDENTIALS_EXCHANGE


def check_inputs(emu, tenant: str, inputs: dict) -> None:
    """An audience that is one of the tenant's APIs (Auth0's own words otherwise); without one (the app's
    Simulator), the tenant's first API."""
    audience = inputs.get("audience")
    if not audience:
        apis = store.apis.list_(emu.ws, tenant)
        if not apis:
            raise UsageError("--audience is required: the API the token is for (the tenant has no API)")
        inputs["audience"] = audience = apis[0]["identifier"]
    if store.system_api.is_audience(emu.ws, tenant, audience) or inputs.get("management"):
        store.system_api.ensure(emu.ws, tenant)
        inputs["management"] = True
    elif store.apis.find(emu.ws, tenant, audience) is None:
        raise UsageError(f"Service not found: {audience}")


def grant_for(emu, tenant: str, client_id: str, audience: str, management: bool) -> dict | None:
    """The client grant that lets this client have tokens for `audience` (for the Management API, a grant
    for any of the tenant's Management API audiences)."""
    for grant in store.client_grants.list_(emu.ws, tenant, client_id=client_id):
        if grant["audience"] == audience or (management and store.system_api.is_audience(
                emu.ws, tenant, grant["audience"], (grant["audience"][8:].split("/")[0],))):
            return grant
    return None


def granted_scopes(emu, run: FlowRun) -> list[str]:
    """The scopes the client's grant for the API allows (Auth0). A client without a grant for an ordinary
    API still gets the API's defined scopes, as before client grants existed (Auth0 would refuse it); the
    Management API always needs a grant. Asked scopes narrow that down."""
    audience, management = run.inputs["audience"], bool(run.inputs.get("management"))
    grant = grant_for(emu, run.tenant, run.ctx["client"]["client_id"], audience, management)
    if grant is not None:
        allowed = grant["scope"]
    elif management:
        allowed = []
    else:
        allowed = store.apis.scope_names(store.apis.find(emu.ws, run.tenant, audience))
    asked = (run.inputs.get("scope") or "").split()
    return [s for s in asked if s in allowed] if asked else list(allowed)


async def step(emu, run: FlowRun, answer: dict | None) -> None:
    if run.state == EXCHANGE:
        if run.cursor is None:
            run.ctx["granted"] = granted_scopes(emu, run)
        await steps.blocking_chain(emu, run, TRIGGER, answer, event=lambda: _event(emu, run),
                                   on_end=lambda: _end_of_chain(run),
                                   on_fail=lambda error, status: _fail(emu, run, error, status))
    elif run.state == TOKENS:
        await tokens.ensure_key(emu.ws, run.tenant)
        with transaction(emu.ws):
            _issue(emu, run)


def _event(emu, run: FlowRun) -> dict:
    client = run.ctx["client"]
    asked = (run.inputs.get("scope") or "").split()
    return events.build(emu, run, TRIGGER, {
        "accessToken": {"scope": run.ctx["granted"], "customClaims": {}},
        "transaction": {"requested_scopes": asked},
        "resource_server": {"identifier": run.inputs["audience"]},
        "request": {"method": "POST", "body": {
            "client_id": client["client_id"], "audience": run.inputs["audience"], "grant_type": "client_credentials",
            **({"scope": run.inputs["scope"]} if run.inputs.get("scope") else {})}},
    })


def _end_of_chain(run: FlowRun) -> None:
    state = (run.cursor.state if run.cursor else None) or {}
    if "target_scopes" in state:  # an action changed them
        run.ctx["granted"] = state["target_scopes"]
    run.cursor, run.state = None, TOKENS


def _fail(emu, run: FlowRun, error: dict, status: str) -> None:
    steps.log(emu, run, "feccft", error["error_description"], with_executions=True,
              details={"error": {"message": error["error_description"], "oauthError": error["error"]}})
    steps.finish(run, status, error=error)


def _issue(emu, run: FlowRun) -> None:
    claims = run.ctx.get("claims", {}).get("access_token", {})
    kept, dropped = tokens.custom_claims(claims)
    access = tokens.mint_client(emu.ws, run.tenant, client_id=run.ctx["client"]["client_id"],
                                audience=run.inputs["audience"], scopes=run.ctx["granted"], claims=kept,
                                iss=run.inputs.get("issuer"))
    steps.log(emu, run, "seccft", "Client Credentials for Access Token", with_executions=True,
              details={"audience": run.inputs["audience"], "scope": " ".join(run.ctx["granted"])})
    steps.success(run, {"tokens": {"access_token": access, "token_type": "Bearer",
                                   "expires_in": tokens.ACCESS_TOKEN_LIFETIME_S,
                                   "scope": " ".join(run.ctx["granted"]), "dropped_claims": dropped}})


__all__ = ["STATES", "EXCHANGE", "TOKENS", "step", "check_inputs", "FAILED"]
