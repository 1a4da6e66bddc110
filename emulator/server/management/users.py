"""/api/v2/users and what hangs off a user: search, by e-mail, create, patch, delete, roles, permissions,
linked identities, the user's logs and MFA enrolments (SMS: the factor the emulator models)."""
from __future__ import annotations

from ... import store
from ...store import user_defaults
from . import validate
from .base import endpoint
from .errors import bad_body, bad_query
from .query import compile_query

USER_FIELDS = {"email": "string", "phone_number": "string", "user_metadata": "object", "blocked": "boolean",
               "email_verified": "boolean", "phone_verified": "boolean", "app_metadata": "object",
               "given_name": "string", "family_name": "string", "name": "string", "nickname": "string",
               "picture": "string", "user_id": "string", "connection": "string", "password": "string",
               "verify_email": "boolean", "username": "string", "client_id": "string"}
PATCH_FIELDS = {k: (v, "null") if k in ("app_metadata", "user_metadata") else v for k, v in USER_FIELDS.items()
                if k != "user_id"}


def render(api, user: dict) -> dict:
    """A user as the Management API shows one (Auth0 fills name, nickname and picture of database users)."""
    ws, tenant = api.ws, api.tenant
    email = user.get("email")
    # Stored since users are created with them; filled here for users of workspaces from before that.
    shown = user_defaults.filled({k: user.get(k) for k in ("name", "nickname", "picture")}, email=email,
                                 username=user.get("username"), phone_number=user.get("phone_number"))
    out = {"user_id": user["user_id"], "email": email, "email_verified": bool(user.get("email_verified", False)),
           "username": user.get("username"), "phone_number": user.get("phone_number"),
           "name": shown.get("name"), "nickname": shown.get("nickname"), "picture": shown.get("picture"),
           "created_at": user["created_at"], "updated_at": user["updated_at"],
           "identities": store.directory.public_identities(ws, tenant, user["user_id"]),
           "app_metadata": user["app_metadata"], "user_metadata": user["user_metadata"],
           "logins_count": store.directory.logins_count(ws, tenant, user["user_id"])}
    for key in ("given_name", "family_name", "blocked", "phone_verified", "last_password_reset"):
        if user.get(key) is not None:
            out[key] = user[key]
    last = store.directory.last_login(ws, tenant, user["user_id"])
    if last:
        out["last_login"] = last
    return {k: v for k, v in out.items() if v is not None}


def _user(api, user_id: str) -> dict:
    return store.directory.get_user(api.ws, api.tenant, user_id)


def _sort(users: list[dict], sort: str | None) -> list[dict]:
    if not sort:
        return users
    field, _, direction = sort.partition(":")
    if direction not in ("1", "-1", ""):
        raise bad_query(f"Query validation error: 'String does not match pattern' on property sort ({sort}).")
    present = [u for u in users if u.get(field) is not None]
    absent = [u for u in users if u.get(field) is None]
    present.sort(key=lambda u: str(u[field]), reverse=direction == "-1")
    return present + absent


@endpoint("GET", "/users", "read:users")
async def list_users(api, request):
    q = request.query
    users = [render(api, u) for u in store.directory.users(api.ws, api.tenant)]
    if q.get("search_engine") not in (None, "", "v3", "v2"):
        raise bad_query("Query validation error: 'No enum match for: " + q["search_engine"] + "' on property search_engine.")
    if q.get("q"):
        match = compile_query(q["q"])
        users = [u for u in users if match(u)]
    if q.get("connection"):
        users = [u for u in users if any(i["connection"] == q["connection"] for i in u["identities"])]
    return api.page(request, _sort(users, q.get("sort")), "users")


@endpoint("GET", "/users-by-email", "read:users")
async def users_by_email(api, request):
    email = request.query.get("email")
    if not email:
        raise bad_query("Query validation error: 'Missing required property: email'.")
    found = [render(api, u) for u in store.directory.users(api.ws, api.tenant)
             if (u.get("email") or "").lower() == email.lower()]
    return [api.fields(request, u) for u in found]


@endpoint("GET", "/users/{id}", "read:users", "read:current_user")
async def get_user(api, request):
    return api.fields(request, render(api, _user(api, request.match_info["id"])))


@endpoint("POST", "/users", "create:users", status=201)
async def create_user(api, request):
    body = await api.body(request, USER_FIELDS, ("connection",))
    if not (body.get("email") or body.get("phone_number") or body.get("username")):
        raise bad_body("Payload validation error: 'Missing required property: email'.")
    profile = {k: body[k] for k in ("name", "nickname", "picture", "given_name", "family_name", "email_verified",
                                    "phone_verified", "blocked") if k in body}
    user, changes = api.emu.create_user_managed(
        api.tenant, connection=body["connection"], email=body.get("email"), password=body.get("password"),
        username=body.get("username"), phone_number=body.get("phone_number"), app_metadata=body.get("app_metadata"),
        user_metadata=body.get("user_metadata"), user_id=body.get("user_id"), profile=profile)
    api.changed(changes)
    return render(api, user)


@endpoint("PATCH", "/users/{id}", "update:users", "update:users_app_metadata", "update:current_user_metadata")
async def patch_user(api, request):
    body = await api.body(request, PATCH_FIELDS)
    user, changes = api.emu.patch_user(api.tenant, request.match_info["id"], body)
    api.changed(changes)
    return render(api, user)


@endpoint("DELETE", "/users/{id}", "delete:users")
async def delete_user(api, request):
    api.changed(api.emu.delete_user(api.tenant, request.match_info["id"]))
    return None


# ---- roles and permissions of a user ---------------------------------------------------------------------
@endpoint("GET", "/users/{id}/roles", "read:users", "read:roles", "read:role_members")
async def user_roles(api, request):
    roles = store.roles.roles_of(api.ws, api.tenant, _user(api, request.match_info["id"])["user_id"])
    return api.page(request, roles, "roles")


async def _role_ids(api, request) -> list[str]:
    body = await api.body(request, {"roles": "array"}, ("roles",))
    if not body["roles"] or not all(isinstance(r, str) for r in body["roles"]):
        raise bad_body("Payload validation error: 'Array is too short (0), minimum 1' on property roles.")
    return body["roles"]


@endpoint("POST", "/users/{id}/roles", "create:role_members")
async def assign_user_roles(api, request):
    api.changed(api.emu.assign_roles(api.tenant, request.match_info["id"], await _role_ids(api, request)))
    return None


@endpoint("DELETE", "/users/{id}/roles", "delete:role_members")
async def remove_user_roles(api, request):
    api.changed(api.emu.assign_roles(api.tenant, request.match_info["id"], await _role_ids(api, request), remove=True))
    return None


async def permissions_body(api, request) -> list[dict]:
    body = await api.body(request, {"permissions": "array"}, ("permissions",))
    for i, perm in enumerate(body["permissions"]):
        validate.check(perm, {"resource_server_identifier": "string", "permission_name": "string"},
                       ("resource_server_identifier", "permission_name"))
    return body["permissions"]


@endpoint("GET", "/users/{id}/permissions", "read:users")
async def user_permissions(api, request):
    user_id = _user(api, request.match_info["id"])["user_id"]
    perms = [{k: v for k, v in p.items() if k != "sources"} for p in store.roles.effective_permissions(api.ws, api.tenant, user_id)]
    return api.page(request, perms, "permissions")


@endpoint("POST", "/users/{id}/permissions", "update:users")
async def add_user_permissions(api, request):
    user_id = request.match_info["id"]
    api.changed(api.emu.change_permissions(api.tenant, f"user:{user_id}", await permissions_body(api, request),
                                           path=f"/api/v2/users/{user_id}/permissions"))
    return None


@endpoint("DELETE", "/users/{id}/permissions", "update:users")
async def remove_user_permissions(api, request):
    user_id = request.match_info["id"]
    api.changed(api.emu.change_permissions(api.tenant, f"user:{user_id}", await permissions_body(api, request),
                                           remove=True, path=f"/api/v2/users/{user_id}/permissions"))
    return None


# ---- linked accounts -------------------------------------------------------------------------------------
@endpoint("POST", "/users/{id}/identities", "update:users", "update:current_user_identities", status=201)
async def link(api, request):
    body = await api.body(request, {"provider": "string", "user_id": ("string", "integer"), "connection_id": "string",
                                    "link_with": "string"})
    if body.get("link_with"):
        raise bad_body("Linking with an ID token (link_with) is not supported by the emulator; give provider and user_id.")
    if "provider" not in body or "user_id" not in body:
        raise bad_body("Payload validation error: 'Missing required property: provider'.")
    secondary = f"{body['provider']}|{body['user_id']}"
    identities, changes = api.emu.link_user(api.tenant, request.match_info["id"], secondary)
    api.changed(changes)
    return identities


@endpoint("DELETE", "/users/{id}/identities/{provider}/{user_id}", "update:users")
async def unlink(api, request):
    m = request.match_info
    identities, changes = api.emu.unlink_user(api.tenant, m["id"], m["provider"], m["user_id"])
    api.changed(changes)
    return identities


# ---- logs and MFA ----------------------------------------------------------------------------------------
@endpoint("GET", "/users/{id}/logs", "read:logs", "read:logs_users")
async def user_logs(api, request):
    user_id = _user(api, request.match_info["id"])["user_id"]
    logs = store.logs.list_(api.ws, api.tenant, user=user_id, limit=1000)
    return api.page(request, logs, "logs")


def _method(row: dict) -> dict:
    return {"id": row["id"], "type": "phone", "confirmed": True, "phone_number": row["phone_number"],
            "preferred_authentication_method": "sms", "authentication_methods": [{"id": row["id"], "type": "phone"}],
            "created_at": row["created_at"]}


@endpoint("GET", "/users/{id}/authentication-methods", "read:authentication_methods")
async def auth_methods(api, request):
    rows = api.emu.authenticators(api.tenant, request.match_info["id"])
    return api.page(request, [_method(r) for r in rows], "authenticators")


@endpoint("DELETE", "/users/{id}/authentication-methods/{method}", "delete:authentication_methods")
async def delete_auth_method(api, request):
    api.changed(api.emu.delete_authenticator(api.tenant, request.match_info["id"], request.match_info["method"]))
    return None


@endpoint("GET", "/users/{id}/enrollments", "read:users")
async def enrollments(api, request):
    rows = api.emu.authenticators(api.tenant, request.match_info["id"])
    return [{"id": r["id"], "status": "confirmed", "type": "sms", "phone_number": r["phone_number"],
             "enrolled_at": r["created_at"]} for r in rows]


@endpoint("DELETE", "/guardian/enrollments/{id}", "delete:guardian_enrollments")
async def delete_enrollment(api, request):
    enrollment = request.match_info["id"]
    owner = store.authenticators.owner(api.ws, api.tenant, enrollment)
    api.changed(api.emu.delete_authenticator(api.tenant, owner, enrollment))
    return None
