"""The events a flow sends to each trigger: the registry's default event for the shape, filled with the
real tenant, client, connection, user and request of this run, then the user's own overrides (a run's
`event` input, e.g. a different country) and the trigger-specific parts."""
from __future__ import annotations

import copy

from .. import store, tokens, triggers
from ..runtime import build_event, deep_merge
from ..triggers.events_common import SITUATIONAL, SITUATIONAL_PARTS, device
from .run import FlowRun

# Auth0's default session lifetimes: 3 days idle, 7 days in all.
SESSION_IDLE_MS, SESSION_ABSOLUTE_MS = 3 * 86400_000, 7 * 86400_000

def user_profile(emu, run: FlowRun) -> dict:
    """The user as actions see `event.user` (full profile, metadata, identities, enrolled factors)."""
    return stored_profile(emu.ws, run.tenant, run.ctx["user_id"])


def stored_profile(ws, tenant: str, user_id: str) -> dict:
    """A stored user's whole profile as `event.user` carries it."""
    u = store.directory.get_user(ws, tenant, user_id)
    profile = {k: v for k, v in u.items() if k not in ("roles", "connection") and v is not None}
    provider = u["user_id"].split("|", 1)[0]
    profile.setdefault("email_verified", False)
    bare_id = u["user_id"].split("|", 1)[-1]
    profile["identities"] = [{"connection": u["connection"], "provider": provider, "isSocial": False,
                              "user_id": bare_id, "userId": bare_id, "profileData": {}}]
    factors = store.authenticators.confirmed(ws, tenant, u["user_id"])
    profile["multifactor"] = ["guardian"] if store.authenticators.confirmed_phone(ws, tenant, u["user_id"]) else []
    profile["enrolledFactors"] = [{"type": "phone", "options": {"phone_number": r["phone_number"]}} for r in factors]
    return profile


def _trigger_user(trigger, profile: dict) -> dict:
    """The part of a profile a trigger's `event.user` has (some triggers carry only a few fields)."""
    keep = trigger.user_fields
    if keep and "id" in keep:
        profile = {**profile, "id": profile["user_id"].split("|", 1)[-1]}
    return {k: v for k, v in profile.items() if k in keep} if keep else profile


def as_user(ws, tenant: str, trigger_id: str, user_id: str, event: dict) -> dict:
    """`event` with the stored user in it, as a journey would send it for that user: `event.user`, and
    `event.authorization` where the trigger has one. The rest of the event is left as it was."""
    trigger = triggers.get(trigger_id)
    event = copy.deepcopy(event)
    if "user" in event:
        event["user"] = _trigger_user(trigger, stored_profile(ws, tenant, user_id))
    if "authorization" in event:
        event["authorization"] = {"roles": store.directory.get_user(ws, tenant, user_id)["roles"]}
    return event


def _without_situational(event: dict) -> dict:
    """Auth0's example event has fields only some transactions carry (an organization, a refresh-token
    exchange, token exchange, Adaptive MFA...): a journey keeps only those it fills for real."""
    event = {k: v for k, v in event.items() if k not in SITUATIONAL}
    for part, keys in SITUATIONAL_PARTS.items():
        if isinstance(event.get(part), dict):
            event[part] = {k: v for k, v in event[part].items() if k not in keys}
    return event


def _session(emu, run: FlowRun, event: dict) -> dict:
    """The login's session as post-login sees it: this run's id, user, client, device and lifetimes."""
    now = emu.ws.clock.now_ms()
    auth_ms = (run.inputs.get("auth_time") or now // 1000) * 1000
    req = event.get("request") or {}
    return {**event["session"],
            "id": run.inputs.get("sid") or f"sess_{run.id[:12]}", "user_id": run.ctx["user_id"],
            "created_at": emu.ws.clock.iso(auth_ms), "authenticated_at": emu.ws.clock.iso(auth_ms),
            "updated_at": emu.ws.clock.iso(now), "last_interacted_at": emu.ws.clock.iso(now),
            "idle_expires_at": emu.ws.clock.iso(now + SESSION_IDLE_MS),
            "expires_at": emu.ws.clock.iso(auth_ms + SESSION_ABSOLUTE_MS),
            "device": device({"ip": req.get("ip", ""), "user_agent": req.get("user_agent", ""),
                              **({"asn": req["asn"]} if "asn" in req else {})}),
            "clients": [{"client_id": run.ctx["client"]["client_id"]}] if run.ctx.get("client") else []}


def build(emu, run: FlowRun, trigger_id: str, extra: dict | None = None) -> dict:
    trigger = triggers.get(trigger_id)
    event = _without_situational(build_event(trigger.id, None))
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
        event["user"] = _trigger_user(trigger, user_profile(emu, run))
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
    if isinstance(event.get("session"), dict) and ctx.get("user_id"):
        event["session"] = _session(emu, run, event)
    return deep_merge(event, extra) if extra else event
