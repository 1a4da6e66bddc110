"""/api/v2/attack-protection/brute-force-protection and /api/v2/user-blocks: the tenant's brute-force
setting (Auth0's shape; `enabled: false` turns it off) and the blocks it put on users, which an admin
lifts as in Auth0."""
from __future__ import annotations

from ... import store
from .base import endpoint
from .errors import bad_body, bad_query

SETTING_FIELDS = {"enabled": "boolean", "shields": "array", "allowlist": "array", "mode": "string",
                  "max_attempts": "integer"}
SHIELDS = ("block", "user_notification")
MODES = ("count_per_identifier_and_ip", "count_per_identifier")


@endpoint("GET", "/attack-protection/brute-force-protection", "read:attack_protection")
async def get_setting(api, request):
    return store.brute_force.settings(api.ws, api.tenant)


@endpoint("PATCH", "/attack-protection/brute-force-protection", "update:attack_protection")
async def patch_setting(api, request):
    body = await api.body(request, SETTING_FIELDS)
    for shield in body.get("shields", []):
        if shield not in SHIELDS:
            raise bad_body(f"Payload validation error: 'No enum match for: \"{shield}\"' on property shields.")
    if "mode" in body and body["mode"] not in MODES:
        raise bad_body(f"Payload validation error: 'No enum match for: \"{body['mode']}\"' on property mode.")
    if "max_attempts" in body and not 1 <= body["max_attempts"] <= 100:
        raise bad_body("Payload validation error: 'Value must be between 1 and 100' on property max_attempts.")
    if not all(isinstance(ip, str) for ip in body.get("allowlist", [])):
        raise bad_body("Payload validation error: 'Expected type string' on property allowlist.")
    settings, changes = api.emu.update_brute_force(api.tenant, body)
    api.changed(changes)
    return settings


def _blocked_for(api, user: dict) -> dict:
    identifier = user.get("email") or user.get("username") or user.get("phone_number")
    return {"blocked_for": [{"identifier": identifier, "ip": b["ip"], "connection": user["connection"]}
                            for b in store.brute_force.blocks(api.ws, api.tenant, user["user_id"])]}


def _by_identifier(api, request) -> list[dict]:
    identifier = request.query.get("identifier")
    if not identifier:
        raise bad_query("Query validation error: 'Missing required property: identifier'.")
    wanted = identifier.lower()
    return [u for u in store.directory.users(api.ws, api.tenant)
            if wanted in {(u.get(k) or "").lower() for k in ("email", "username", "phone_number")}]


@endpoint("GET", "/user-blocks/{id}", "read:users")
async def user_blocks(api, request):
    return _blocked_for(api, store.directory.get_user(api.ws, api.tenant, request.match_info["id"]))


@endpoint("DELETE", "/user-blocks/{id}", "update:users")
async def unblock(api, request):
    api.changed(api.emu.unblock_user(api.tenant, request.match_info["id"]))
    return None


@endpoint("GET", "/user-blocks", "read:users")
async def blocks_by_identifier(api, request):
    found = [_blocked_for(api, u)["blocked_for"] for u in _by_identifier(api, request)]
    return {"blocked_for": [b for blocks in found for b in blocks]}


@endpoint("DELETE", "/user-blocks", "update:users")
async def unblock_by_identifier(api, request):
    for user in _by_identifier(api, request):
        api.changed(api.emu.unblock_user(api.tenant, user["user_id"]))
    return None
