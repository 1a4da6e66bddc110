"""The events a flow sends to each trigger: the registry's default event for the shape, filled with the
real tenant, client, connection, user and request of this run, then the user's own overrides (a run's
`event` input, e.g. a different country) and the trigger-specific parts."""
from __future__ import annotations

import copy

from .. import store, tokens, triggers
from ..runtime import build_event, deep_merge
from . import mfa
from .run import FlowRun

def user_profile(emu, run: FlowRun) -> dict:
    """The user as actions see `event.user` (full profile, metadata, identities, enrolled factors)."""
    u = store.directory.get_user(emu.ws, run.tenant, run.ctx["user_id"])
    profile = {k: v for k, v in u.items() if k not in ("roles", "connection") and v is not None}
    provider = u["user_id"].split("|", 1)[0]
    profile.setdefault("email_verified", False)
    profile["identities"] = [{"connection": u["connection"], "provider": provider, "isSocial": False,
                              "user_id": u["user_id"].split("|", 1)[-1], "profileData": {}}]
    profile["multifactor"] = ["guardian"] if mfa.confirmed_phone(emu, run) else []
    profile["enrolledFactors"] = mfa.enrolled_factors(emu, run)
    return profile


def build(emu, run: FlowRun, trigger_id: str, extra: dict | None = None) -> dict:
    trigger = triggers.get(trigger_id)
    event = build_event(trigger.id, None)
    ctx = run.ctx
    event["tenant"] = {"id": run.tenant}
    if "request" in event:
        event["request"]["hostname"] = tokens.domain(run.tenant)
    if "client" in event and ctx.get("client"):
        client = ctx["client"]
        event["client"] = {"client_id": client["client_id"], "name": client["name"],
                           "metadata": client.get("client_metadata", {})}
    if "connection" in event and ctx.get("connection"):
        conn = ctx["connection"]
        event["connection"] = {"id": conn["id"], "name": conn["name"], "strategy": conn["strategy"],
                               "metadata": conn.get("metadata", {})}
    if "user" in event and ctx.get("user_id"):
        profile = user_profile(emu, run)
        keep = trigger.user_fields
        event["user"] = {k: v for k, v in profile.items() if k in keep} if keep else profile
    if "authorization" in event and ctx.get("user_id"):
        event["authorization"] = {"roles": store.directory.get_user(emu.ws, run.tenant, ctx["user_id"])["roles"]}
    if "authentication" in event and ctx.get("methods") is not None:
        event["authentication"] = {**event["authentication"], "methods": copy.deepcopy(ctx["methods"])}
    if "stats" in event and "logins_count" in ctx:
        event["stats"] = {"logins_count": ctx["logins_count"]}
    if "transaction" in event and isinstance(event["transaction"], dict):
        if "id" in event["transaction"]:
            event["transaction"]["id"] = run.id
        if "metadata" in event["transaction"]:
            event["transaction"]["metadata"] = {}
        if ctx.get("client") and "redirect_uri" in event["transaction"]:
            callbacks = ctx["client"].get("callbacks") or [event["transaction"]["redirect_uri"]]
            event["transaction"]["redirect_uri"] = callbacks[0]
    event = {k: v for k, v in event.items() if v is not None}
    if run.inputs.get("event"):
        event = deep_merge(event, run.inputs["event"])
    return deep_merge(event, extra) if extra else event
