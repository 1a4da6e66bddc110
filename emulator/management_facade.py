"""The facade's Management API calls (roles, permissions, client grants, clients, connections, APIs,
tenant settings, user lifecycle, tickets): the server's /api/v2 routes, the CLI and the app all write
through these, so every write is checked by the same rules, logged as Auth0 logs it (`sapi`) and
reported as `Changes`."""
from __future__ import annotations

from typing import Any

from . import store
from .changes import Changes
from .errors import bad_request, conflict, not_found
from .store import transaction

# Auth0's user fields a Management API create or update may set (besides metadata and password).
PROFILE_FIELDS = ("name", "nickname", "picture", "given_name", "family_name", "email_verified", "phone_verified",
                  "blocked", "verify_email")


def merge_metadata(old: dict, changes: dict) -> dict:
    """Auth0's metadata merge for PATCH /users: top-level keys merge, a null value deletes the key."""
    merged = dict(old)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


class ManagementFacade:
    ws: Any

    def _sapi(self, tenant: str, description: str, method: str, path: str) -> Changes:  # pragma: no cover
        raise NotImplementedError  # the Emulator's

    def _users_changed(self, tenant: str, user_ids, description: str, method: str, path: str) -> Changes:
        return self._sapi(tenant, description, method, path) | Changes(users=frozenset((tenant, u) for u in user_ids))

    def _directory_changed(self, tenant: str, description: str, method: str, path: str) -> Changes:
        return self._sapi(tenant, description, method, path) | Changes(directory=frozenset([tenant]))

    # ---- users ---------------------------------------------------------------------------------------
    def create_user_managed(self, tenant: str, *, connection: str, email: str | None = None,
                            password: str | None = None, username: str | None = None,
                            phone_number: str | None = None, app_metadata: dict | None = None,
                            user_metadata: dict | None = None, user_id: str | None = None,
                            profile: dict | None = None) -> tuple[dict, Changes]:
        """POST /api/v2/users: the connection's own rules (a database connection needs a password that
        meets its policy)."""
        from . import password_policy

        store.tenants.require(self.ws, tenant)
        conn = store.directory.connection(self.ws, tenant, connection)
        if conn["strategy"] == "auth0":
            if not password:
                raise bad_request("Payload validation error: 'Missing required property: password'.")
            options = conn.get("options") or {}
            problem = password_policy.check(password, options.get("passwordPolicy", "good"),
                                            (options.get("password_complexity_options") or {}).get("min_length"))
            if problem:
                raise bad_request(f"PasswordStrengthError: {problem}")
        if user_id and not user_id.startswith(("auth0|", f"{conn['strategy']}|")):
            user_id = f"{'auth0' if conn['strategy'] == 'auth0' else conn['strategy']}|{user_id}"
        with transaction(self.ws):
            user = store.directory.create_user(self.ws, tenant, email=email, password=password, connection_name=connection,
                                               username=username, phone_number=phone_number,
                                               app_metadata=app_metadata, user_metadata=user_metadata,
                                               profile=profile, user_id=user_id)
            changes = self._users_changed(tenant, [user["user_id"]], "Create a User", "POST", "/api/v2/users")
        return user, changes

    def patch_user(self, tenant: str, user_id: str, body: dict) -> tuple[dict, Changes]:
        """PATCH /api/v2/users/{id}: metadata merges (null deletes a key), other fields replace."""
        with transaction(self.ws):
            user = store.directory.get_user(self.ws, tenant, user_id)
            fields: dict[str, Any] = {}
            for key in ("app_metadata", "user_metadata"):
                if key in body:
                    fields[key] = merge_metadata(user[key], body[key] or {})
            for key in ("email", "username", "phone_number"):
                if key in body:
                    fields[key] = body[key]
            profile = {k: body[k] for k in PROFILE_FIELDS if k in body and k != "verify_email"}
            if profile:
                fields["profile"] = {**store.directory.profile(self.ws, tenant, user_id), **profile}
            if body.get("password"):
                store.directory.set_password(self.ws, tenant, user_id, body["password"])
            if "email" in body and body["email"] != user["email"] and body["email"] is not None:
                other = store.directory.find_user(self.ws, tenant, body["email"], user["connection"])
                if other and other["user_id"] != user_id:
                    raise conflict("The specified new email already exists")
            user = store.directory.update_user(self.ws, tenant, user_id, **fields)
            changes = self._users_changed(tenant, [user_id], "Update a User", "PATCH", f"/api/v2/users/{user_id}")
        return user, changes

    def delete_user(self, tenant: str, user_id: str) -> Changes:
        with transaction(self.ws):
            store.directory.delete_user(self.ws, tenant, user_id)
            changes = self._users_changed(tenant, [user_id], "Delete a User", "DELETE", f"/api/v2/users/{user_id}")
        return changes

    def link_user(self, tenant: str, primary: str, secondary: str) -> tuple[list[dict], Changes]:
        with transaction(self.ws):
            identities = store.directory.link(self.ws, tenant, primary, secondary)
            changes = self._users_changed(tenant, [primary, secondary], "Link a User Account", "POST",
                                          f"/api/v2/users/{primary}/identities")
        return identities, changes

    def unlink_user(self, tenant: str, primary: str, provider: str, secondary_id: str) -> tuple[list[dict], Changes]:
        with transaction(self.ws):
            identities, restored = store.directory.unlink(self.ws, tenant, primary, provider, secondary_id)
            changes = self._users_changed(tenant, [primary, restored], "Unlink a User Account", "DELETE",
                                          f"/api/v2/users/{primary}/identities/{provider}/{secondary_id}")
        return identities, changes

    # ---- roles and permissions -------------------------------------------------------------------------
    def create_role(self, tenant: str, name: str, description: str = "") -> tuple[dict, Changes]:
        store.tenants.require(self.ws, tenant)
        with transaction(self.ws):
            role = store.roles.create(self.ws, tenant, name, description)
            changes = self._directory_changed(tenant, "Create a role", "POST", "/api/v2/roles")
        return role, changes

    def update_role(self, tenant: str, role_id: str, **fields: Any) -> tuple[dict, Changes]:
        with transaction(self.ws):
            members = store.roles.user_ids(self.ws, tenant, role_id)
            role = store.roles.update(self.ws, tenant, role_id, **fields)
            changes = self._users_changed(tenant, members, "Update a role", "PATCH", f"/api/v2/roles/{role_id}")
        return role, changes | Changes(directory=frozenset([tenant]))

    def delete_role(self, tenant: str, role_id: str) -> Changes:
        with transaction(self.ws):
            members = store.roles.user_ids(self.ws, tenant, role_id)
            store.roles.delete(self.ws, tenant, role_id)
            changes = self._users_changed(tenant, members, "Delete a role", "DELETE", f"/api/v2/roles/{role_id}")
        return changes | Changes(directory=frozenset([tenant]))

    def assign_roles(self, tenant: str, user_id: str, role_ids: list[str], remove: bool = False) -> Changes:
        with transaction(self.ws):
            store.directory.get_user(self.ws, tenant, user_id)
            (store.roles.unassign if remove else store.roles.assign)(self.ws, tenant, user_id, role_ids)
            changes = self._users_changed(tenant, [user_id], "Remove roles from a user" if remove else
                                          "Assign roles to a user", "DELETE" if remove else "POST",
                                          f"/api/v2/users/{user_id}/roles")
        return changes

    def assign_role_users(self, tenant: str, role_id: str, user_ids: list[str]) -> Changes:
        with transaction(self.ws):
            store.roles.get(self.ws, tenant, role_id)
            for user_id in user_ids:
                store.directory.get_user(self.ws, tenant, user_id)
                store.roles.assign(self.ws, tenant, user_id, [role_id])
            changes = self._users_changed(tenant, user_ids, "Assign users to a role", "POST",
                                          f"/api/v2/roles/{role_id}/users")
        return changes

    def change_permissions(self, tenant: str, holder: str, perms: list[dict], *, remove: bool = False,
                           path: str) -> Changes:
        """Add or remove permissions of a role (`role:<id>`) or a user (`user:<id>`)."""
        with transaction(self.ws):
            kind, _, key = holder.partition(":")
            if kind == "role":
                store.roles.get(self.ws, tenant, key)
            else:
                store.directory.get_user(self.ws, tenant, key)
            (store.roles.remove_permissions if remove else store.roles.add_permissions)(self.ws, tenant, holder, perms)
            changes = self._sapi(tenant, f"{'Remove' if remove else 'Add'} permissions", "DELETE" if remove else "POST", path)
        return changes | (Changes(users=frozenset([(tenant, key)])) if kind == "user" else Changes(directory=frozenset([tenant])))

    # ---- applications, connections, APIs, grants ---------------------------------------------------------
    def create_client(self, tenant: str, name: str, config: dict) -> tuple[dict, Changes]:
        import secrets as _secrets

        store.tenants.require(self.ws, tenant)
        with transaction(self.ws):
            client = store.directory.create_client(self.ws, tenant, name, {
                **config, "client_secret": config.get("client_secret") or _secrets.token_urlsafe(48)},
                client_id=config.pop("client_id", None) or _secrets.token_urlsafe(24).replace("-", "x").replace("_", "y")[:32])
            changes = self._directory_changed(tenant, "Create client", "POST", "/api/v2/clients")
        return client, changes

    def patch_client(self, tenant: str, client_id: str, changes_: dict) -> tuple[dict, Changes]:
        with transaction(self.ws):
            client = store.directory.patch_client(self.ws, tenant, client_id, changes_)
            changes = self._directory_changed(tenant, "Update client", "PATCH", f"/api/v2/clients/{client_id}")
        return client, changes

    def rotate_client_secret(self, tenant: str, client_id: str) -> tuple[dict, Changes]:
        import secrets as _secrets

        return self.patch_client(tenant, client_id, {"client_secret": _secrets.token_urlsafe(48)})

    def delete_client(self, tenant: str, client_id: str) -> Changes:
        with transaction(self.ws):
            store.directory.delete_client(self.ws, tenant, client_id)
            changes = self._directory_changed(tenant, "Delete client", "DELETE", f"/api/v2/clients/{client_id}")
        return changes

    def create_connection(self, tenant: str, name: str, strategy: str, config: dict) -> tuple[dict, Changes]:
        store.tenants.require(self.ws, tenant)
        with transaction(self.ws):
            conn = store.directory.create_connection(self.ws, tenant, name, strategy, config)
            changes = self._directory_changed(tenant, "Create connection", "POST", "/api/v2/connections")
        return conn, changes

    def patch_connection(self, tenant: str, connection_id: str, config: dict) -> tuple[dict, Changes]:
        with transaction(self.ws):
            conn = store.directory.patch_connection(self.ws, tenant, connection_id, config)
            changes = self._directory_changed(tenant, "Update connection", "PATCH", f"/api/v2/connections/{connection_id}")
        return conn, changes

    def delete_connection(self, tenant: str, connection_id: str) -> Changes:
        with transaction(self.ws):
            store.directory.delete_connection(self.ws, tenant, connection_id)
            changes = self._directory_changed(tenant, "Delete connection", "DELETE",
                                              f"/api/v2/connections/{connection_id}")
        return changes

    def save_api(self, tenant: str, identifier: str, fields: dict, *, create: bool) -> tuple[dict, Changes]:
        store.tenants.require(self.ws, tenant)
        with transaction(self.ws):
            existing = store.apis.find(self.ws, tenant, identifier)
            if create and existing:
                raise conflict("A resource server with the same identifier already exists")
            if not create and existing is None:
                raise not_found("Resource server not found")
            if existing and existing.get("is_system"):
                raise bad_request("You cannot update a system resource server.")
            config = {k: v for k, v in (existing or {}).items() if k not in ("name", "identifier")} | fields
            name = config.pop("name", None) or (existing or {}).get("name") or identifier
            if any(a["name"] == name and a["identifier"] != identifier for a in store.apis.list_(self.ws, tenant)):
                raise conflict("A resource server with the same name already exists")
            api = store.apis.upsert(self.ws, tenant, name, identifier, config)
            changes = self._directory_changed(tenant, "Create a resource server" if create else "Update a resource server",
                                              "POST" if create else "PATCH", "/api/v2/resource-servers")
        return api, changes

    def delete_api(self, tenant: str, identifier: str) -> Changes:
        with transaction(self.ws):
            store.apis.delete(self.ws, tenant, identifier)
            changes = self._directory_changed(tenant, "Delete a resource server", "DELETE", "/api/v2/resource-servers")
        return changes

    def create_client_grant(self, tenant: str, client_id: str, audience: str, scope: list[str]) -> tuple[dict, Changes]:
        from .store import system_api

        with transaction(self.ws):
            if store.apis.find(self.ws, tenant, audience) is None and not system_api.is_audience(self.ws, tenant, audience):
                raise not_found(f"No resource server found for audience {audience}")
            grant = store.client_grants.create(self.ws, tenant, client_id, audience, scope)
            changes = self._directory_changed(tenant, "Create client grant", "POST", "/api/v2/client-grants")
        return grant, changes

    def update_client_grant(self, tenant: str, grant_id: str, scope: list[str]) -> tuple[dict, Changes]:
        with transaction(self.ws):
            grant = store.client_grants.update(self.ws, tenant, grant_id, scope)
            changes = self._directory_changed(tenant, "Update client grant", "PATCH", f"/api/v2/client-grants/{grant_id}")
        return grant, changes

    def delete_client_grant(self, tenant: str, grant_id: str) -> Changes:
        with transaction(self.ws):
            store.client_grants.delete(self.ws, tenant, grant_id)
            changes = self._directory_changed(tenant, "Delete client grant", "DELETE", f"/api/v2/client-grants/{grant_id}")
        return changes

    # ---- tenant ------------------------------------------------------------------------------------------
    def update_tenant_settings(self, tenant: str, changes_: dict) -> tuple[dict, Changes]:
        with transaction(self.ws):
            settings = store.tenants.update_settings(self.ws, tenant, changes_)
            changes = self._sapi(tenant, "Update tenant settings", "PATCH", "/api/v2/tenants/settings")
        return settings, changes | Changes(tenants=frozenset([tenant]))

    def unblock_user(self, tenant: str, user_id: str) -> Changes:
        """Lift the user's brute-force blocks (Management API `DELETE /user-blocks/{id}`)."""
        with transaction(self.ws):
            store.directory.get_user(self.ws, tenant, user_id)  # 404 for an unknown user
            store.brute_force.lift(self.ws, tenant, user_id)
            changes = self._users_changed(tenant, [user_id], "Unblock a user", "DELETE", f"/api/v2/user-blocks/{user_id}")
        return changes

    def update_brute_force(self, tenant: str, changes_: dict) -> tuple[dict, Changes]:
        with transaction(self.ws):
            settings = store.brute_force.update(self.ws, tenant, changes_)
            changes = self._sapi(tenant, "Update brute-force protection settings", "PATCH",
                                 "/api/v2/attack-protection/brute-force-protection")
        return settings, changes | Changes(tenants=frozenset([tenant]))

    def set_domains(self, tenant: str, aliases: list[str]) -> tuple[list[str], Changes]:
        domains = store.tenants.set_domains(self.ws, tenant, aliases)
        return domains, Changes(tenants=frozenset([tenant]))

    # ---- tickets and jobs (messages land in the outbox) ------------------------------------------------
    def verification_email(self, tenant: str, user_id: str, base_url: str) -> tuple[dict, Changes]:
        """An e-mail verification link for the user, in the outbox; following it verifies the e-mail."""
        user = store.directory.get_user(self.ws, tenant, user_id)
        if not user.get("email"):
            raise bad_request("The user does not have an email address.")
        ticket = self.ws.ids.token(32)
        link = f"{base_url}u/email-verification?ticket={ticket}#"
        store.outbox.add(self.ws, tenant, "email", user["email"], f"Verify your e-mail: {link}",
                         subject="Verify your email", meta={"kind": "verification_link", "link": link,
                                                            "ticket": ticket, "user_id": user_id})
        changes = self._sapi(tenant, "Create an email verification ticket", "POST", "/api/v2/tickets/email-verification")
        return {"ticket": link, "user_id": user_id}, changes

    def verify_email_ticket(self, tenant: str, ticket: str) -> dict:
        meta = store.outbox.by_ticket(self.ws, tenant, "verification_link", ticket)
        if meta is None:
            raise not_found("The verification link is invalid or has expired.")
        user_id = meta["user_id"]
        profile = store.directory.profile(self.ws, tenant, user_id)
        store.directory.update_user(self.ws, tenant, user_id, profile={**profile, "email_verified": True})
        store.logs.add(self.ws, tenant, "sv", "Success Verification Email", user=store.directory.get_user(self.ws, tenant, user_id))
        return store.directory.get_user(self.ws, tenant, user_id)
