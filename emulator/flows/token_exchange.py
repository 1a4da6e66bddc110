"""Custom Token Exchange (the token-exchange grant, POST /oauth/token, spec §10):

subject_token -> the custom-token-exchange action of the profile for the request's subject_token_type: it
              rejects the request (access.deny, rejectInvalidSubjectToken) or says whom tokens are for
              (exactly one of setUserById, setUserByConnection, which may create or replace the user),
              with an organization, an actor and metadata
post_login -> the post-login chain, with transaction.protocol "oauth2-token-exchange"
tokens     -> an access token for the audience (with `act` and org claims), an ID token when openid is
              asked; `secte` log (`fecte` on a rejection or a failure)
"""
from __future__ import annotations

from .. import store, tokens, triggers
from ..errors import ManagementError, UsageError
from ..store.db import transaction
from ..triggers.custom_token_exchange import ACCESS_TOKEN_TYPE, GRANT_TYPE
from . import events, steps
from .run import FAILED, Cursor, FlowRun

EXCHANGE, POST_LOGIN, TOKENS = "subject_token", "post_login", "tokens"
STATES = (EXCHANGE, POST_LOGIN, TOKENS)
TRIGGER, POST_LOGIN_TRIGGER = triggers.CUSTOM_TOKEN_EXCHANGE, triggers.POST_LOGIN
PROTOCOL = "oauth2-token-exchange"
PROFILE_FIELDS = ("name", "nickname", "given_name", "family_name", "picture")
FIXED_FIELDS = ("email", "email_verified", "phone_number", "phone_verified", "username")  # not replaced


def check_inputs(emu, tenant: str, inputs: dict) -> None:
    """A subject token and a type that a profile of the tenant handles; an audience that is one of the
    tenant's APIs (the first one when none is given)."""
    for name in ("subject_token_type", "subject_token"):
        if not inputs.get(name):
            raise UsageError(f"--{name.replace('_', '-')} is required")
    if store.token_exchange.for_type(emu.ws, tenant, inputs["subject_token_type"]) is None:
        known = ", ".join(p["subject_token_type"] for p in store.token_exchange.list_(emu.ws, tenant)) or "none"
        raise UsageError(f"--subject-token-type: no Custom Token Exchange profile handles "
                         f"{inputs['subject_token_type']!r} (profiles handle: {known})")
    if not inputs.get("audience"):
        apis = store.apis.list_(emu.ws, tenant)
        if not apis:
            raise UsageError("--audience is required: the API the token is for (the tenant has no API)")
        inputs["audience"] = apis[0]["identifier"]
    if store.apis.find(emu.ws, tenant, inputs["audience"]) is None:
        raise UsageError(f"Service not found: {inputs['audience']}")


async def step(emu, run: FlowRun, answer: dict | None) -> None:
    if run.state == EXCHANGE:
        if run.cursor is None:
            profile = store.token_exchange.for_type(emu.ws, run.tenant, run.inputs["subject_token_type"])
            action = store.actions.get(emu.ws, run.tenant, profile["action"])
            if action["deployed_version"] is None:
                _fail(emu, run, {"error": "server_error", "error_description":
                                 f"The action {profile['action']!r} of profile {profile['name']!r} is not deployed."})
                return
            run.ctx["profile"] = profile["name"]
            run.cursor = Cursor(trigger=TRIGGER, event=_event(emu, run),
                                actions=[{"name": action["name"], "version": action["deployed_version"]}])
        await steps.blocking_chain(emu, run, TRIGGER, answer, on_end=lambda: _resolve_user(emu, run),
                                   on_fail=lambda error, status: _fail(emu, run, error, status))
    elif run.state == POST_LOGIN:
        await steps.blocking_chain(
            emu, run, POST_LOGIN_TRIGGER, answer, on_end=lambda: _after_post_login(emu, run),
            on_fail=lambda error, status: _fail(emu, run, error, status),
            event=lambda: events.build(emu, run, POST_LOGIN_TRIGGER, {"transaction": {"protocol": PROTOCOL}}),
            # No browser to send anywhere, and Auth0 supports no MFA here: the exchange fails instead.
            on_suspend=lambda command: _fail(emu, run, {"error": "invalid_request", "error_description":
                                                        f"api.{command['name']} is not supported in a Custom Token "
                                                        "Exchange (post-login)."}))
    elif run.state == TOKENS:
        await tokens.ensure_key(emu.ws, run.tenant)
        with transaction(emu.ws):
            _issue(emu, run)


def _event(emu, run: FlowRun) -> dict:
    inputs, client = run.inputs, run.ctx["client"]
    transaction_ = {"subject_token_type": inputs["subject_token_type"], "subject_token": inputs["subject_token"],
                    "requested_scopes": (inputs.get("scope") or "").split(),
                    "requested_token_type": ACCESS_TOKEN_TYPE}
    body = {"grant_type": GRANT_TYPE, "client_id": client["client_id"], "audience": inputs["audience"],
            "subject_token_type": inputs["subject_token_type"], "subject_token": inputs["subject_token"],
            **({"scope": inputs["scope"]} if inputs.get("scope") else {})}
    if inputs.get("actor_token"):
        transaction_ |= {"actor_token": inputs["actor_token"], "actor_token_type": inputs.get("actor_token_type")
                         or "urn:ietf:params:oauth:token-type:id_token"}
        body |= {"actor_token": inputs["actor_token"], "actor_token_type": transaction_["actor_token_type"]}
    return events.build(emu, run, TRIGGER, {"transaction": transaction_, "request": {"method": "POST", "body": body},
                                            "resource_server": {"identifier": inputs["audience"]}})


def _resolve_user(emu, run: FlowRun) -> None:
    """After the action: exactly one user-setting command, and the user it names (created or replaced as
    its options say); then the organization, actor and metadata it set."""
    commands = run.ctx.pop("exchange_commands", [])
    setters = [c for c in commands if c["name"] in ("authentication.setUserById", "authentication.setUserByConnection")]
    if len(setters) != 1:
        said = "neither" if not setters else "both or one twice"
        _fail(emu, run, {"error": "invalid_request", "error_description":
                         f"The Custom Token Exchange action must call exactly one of api.authentication.setUserById "
                         f"and api.authentication.setUserByConnection ({said} was called)."})
        return
    try:
        user_id = _user_for(emu, run, setters[0])
    except _Refused as exc:
        _fail(emu, run, {"error": "invalid_request", "error_description": str(exc)})
        return
    run.ctx["user_id"] = user_id
    pending = {"app_metadata": {}, "user_metadata": {}}
    for c in commands:
        if c["name"] == "authentication.setOrganization":
            run.ctx["organization"] = c["args"][0]
        elif c["name"] == "authentication.setActor":
            run.ctx["actor"] = c["args"][0]
        elif c["name"] in ("user.setAppMetadata", "user.setUserMetadata"):
            field = "app_metadata" if c["name"] == "user.setAppMetadata" else "user_metadata"
            pending[field][c["args"][0]] = c["args"][1] if len(c["args"]) > 1 else None
    if pending["app_metadata"] or pending["user_metadata"]:
        store.directory.apply_metadata(emu.ws, run.tenant, user_id, pending)
    run.ctx["logins_count"] = store.directory.logins_count(emu.ws, run.tenant, user_id) + 1
    run.cursor, run.state = None, POST_LOGIN


class _Refused(Exception):
    pass


def _user_for(emu, run: FlowRun, command: dict) -> str:
    args = command["args"]
    if command["name"] == "authentication.setUserById":
        if _find_user(emu, run.tenant, args[0]) is None:
            raise _Refused(f"The user {args[0]!r} does not exist.")
        return args[0]
    name, attributes, options = args[0], args[1], args[2]
    try:
        conn = store.directory.connection(emu.ws, run.tenant, name)
    except ManagementError:
        raise _Refused(f"The connection {name!r} does not exist.") from None
    prefix = "auth0" if conn["strategy"] == "auth0" else conn["strategy"]
    user_id = f"{prefix}|{attributes['user_id']}"
    profile = {k: attributes[k] for k in PROFILE_FIELDS if attributes.get(k) is not None}
    if attributes.get("email_verified") is not None:
        profile["email_verified"] = bool(attributes["email_verified"])
    existing = _find_user(emu, run.tenant, user_id)
    if existing is None:
        if options["creationBehavior"] != "create_if_not_exists":
            raise _Refused(f"No user {attributes['user_id']!r} in connection {name!r} (creationBehavior is none).")
        store.directory.create_user(emu.ws, run.tenant, email=attributes.get("email"), connection_name=name,
                                    username=attributes.get("username"), phone_number=attributes.get("phone_number"),
                                    profile=profile, user_id=user_id)
        return user_id
    changed = [f for f in FIXED_FIELDS if attributes.get(f) is not None and attributes[f] != existing.get(f)]
    if changed:
        raise _Refused(f"The user {user_id!r} exists and its {', '.join(changed)} cannot be changed by "
                       "setUserByConnection.")
    if options["updateBehavior"] == "replace" and profile:
        store.directory.update_user(emu.ws, run.tenant, user_id,
                                    profile={**{k: existing[k] for k in PROFILE_FIELDS if k in existing}, **profile})
    return user_id


def _find_user(emu, tenant: str, user_id: str) -> dict | None:
    try:
        return store.directory.get_user(emu.ws, tenant, user_id)
    except ManagementError:
        return None


def _after_post_login(emu, run: FlowRun) -> None:
    steps.persist_metadata(emu, run)
    run.cursor, run.state = None, TOKENS


def _fail(emu, run: FlowRun, error: dict, status: str = FAILED) -> None:
    steps.log(emu, run, "fecte", error["error_description"], with_executions=True,
              details={"error": {"message": error["error_description"], "oauthError": error["error"]},
                       "subject_token_type": run.inputs["subject_token_type"]})
    steps.finish(run, status, error=error)


def _scopes(emu, run: FlowRun) -> list[str]:
    """The asked scopes the API defines, plus openid/profile/email/offline_access (OIDC scopes)."""
    api = store.apis.find(emu.ws, run.tenant, run.inputs["audience"])
    defined = set(store.apis.scope_names(api)) | {"openid", "profile", "email"}
    return [s for s in (run.inputs.get("scope") or "").split() if s in defined]


def _issue(emu, run: FlowRun) -> None:
    ctx = run.ctx
    count = store.directory.record_login(emu.ws, run.tenant, ctx["user_id"])
    profile = events.user_profile(emu, run)
    claims = ctx.get("claims", {"id_token": {}, "access_token": {}})
    access_claims = dict(claims["access_token"])
    # Claims Auth0 sets itself (custom claims cannot: `act` and org_* are restricted names).
    own = {}
    if ctx.get("actor"):
        own["act"] = ctx["actor"]
    if ctx.get("organization"):
        org = ctx["organization"]
        own["org_id" if org.startswith("org_") else "org_name"] = org
    scopes = _scopes(emu, run)
    minted = tokens.mint(emu.ws, run.tenant, user=profile, client_id=ctx["client"]["client_id"],
                         audience=run.inputs["audience"], scopes=scopes, id_claims=claims["id_token"],
                         access_claims=access_claims, session_id=f"sess_{run.id[:12]}",
                         auth_time_s=emu.ws.clock.now_ms() // 1000, iss=run.inputs.get("issuer"), extra_access=own)
    if "openid" not in scopes:
        minted.pop("id_token")
    steps.log(emu, run, "secte", "Successful Custom Token Exchange", with_executions=True,
              details={"stats": {"loginsCount": count}, "subject_token_type": run.inputs["subject_token_type"],
                       "profile": ctx.get("profile")})
    steps.success(run, {"tokens": minted})


__all__ = ["STATES", "EXCHANGE", "POST_LOGIN", "TOKENS", "step", "check_inputs", "GRANT_TYPE"]
