"""/api/v2/roles: CRUD, the users who hold a role, and its permissions."""
from __future__ import annotations

from ... import store
from .base import endpoint
from .errors import bad_body
from .users import permissions_body, render

ROLE_FIELDS = {"name": "string", "description": "string"}


@endpoint("GET", "/roles", "read:roles")
async def list_roles(api, request):
    return api.page(request, store.roles.list_(api.ws, api.tenant, request.query.get("name_filter")), "roles")


@endpoint("POST", "/roles", "create:roles", status=200)
async def create_role(api, request):
    body = await api.body(request, ROLE_FIELDS, ("name",))
    role, changes = api.emu.create_role(api.tenant, body["name"], body.get("description", ""))
    api.changed(changes)
    return role


@endpoint("GET", "/roles/{id}", "read:roles")
async def get_role(api, request):
    return store.roles.get(api.ws, api.tenant, request.match_info["id"])


@endpoint("PATCH", "/roles/{id}", "update:roles")
async def update_role(api, request):
    body = await api.body(request, ROLE_FIELDS)
    role, changes = api.emu.update_role(api.tenant, request.match_info["id"], **body)
    api.changed(changes)
    return role


@endpoint("DELETE", "/roles/{id}", "delete:roles")
async def delete_role(api, request):
    api.changed(api.emu.delete_role(api.tenant, request.match_info["id"]))
    return None


@endpoint("GET", "/roles/{id}/users", "read:users", "read:roles", "read:role_members")
async def role_users(api, request):
    ids = store.roles.user_ids(api.ws, api.tenant, request.match_info["id"])
    users = [render(api, store.directory.get_user(api.ws, api.tenant, u)) for u in ids]
    return api.page(request, [{k: u.get(k) for k in ("user_id", "email", "picture", "name")} for u in users], "users")


@endpoint("POST", "/roles/{id}/users", "update:roles", "create:role_members")
async def assign_role_users(api, request):
    body = await api.body(request, {"users": "array"}, ("users",))
    if not body["users"] or not all(isinstance(u, str) for u in body["users"]):
        raise bad_body("Payload validation error: 'Array is too short (0), minimum 1' on property users.")
    api.changed(api.emu.assign_role_users(api.tenant, request.match_info["id"], body["users"]))
    return None


@endpoint("GET", "/roles/{id}/permissions", "read:roles")
async def role_permissions(api, request):
    role = store.roles.get(api.ws, api.tenant, request.match_info["id"])
    return api.page(request, store.roles.permissions(api.ws, api.tenant, store.roles.ROLE + role["id"]), "permissions")


@endpoint("POST", "/roles/{id}/permissions", "update:roles", status=201)
async def add_role_permissions(api, request):
    role_id = request.match_info["id"]
    api.changed(api.emu.change_permissions(api.tenant, store.roles.ROLE + role_id, await permissions_body(api, request),
                                           path=f"/api/v2/roles/{role_id}/permissions"))
    return {}


@endpoint("DELETE", "/roles/{id}/permissions", "update:roles")
async def remove_role_permissions(api, request):
    role_id = request.match_info["id"]
    api.changed(api.emu.change_permissions(api.tenant, store.roles.ROLE + role_id, await permissions_body(api, request),
                                           remove=True, path=f"/api/v2/roles/{role_id}/permissions"))
    return None
