"""The facade's Actions Modules calls (spec §10): the CLI and the app manage modules through these, and
each mutating call writes Auth0's Management API log line and returns what it changed."""
from __future__ import annotations

from typing import Any

from . import store
from .changes import Changes
from .store import transaction


def module_script_name(tenant: str, module: str, version: int | None) -> str:
    """The name a module's code runs under: modules/<tenant>/<module>/v2.js (stacks, breakpoints)."""
    return f"modules/{tenant}/{module}/{'draft' if version is None else f'v{version}'}.js"


class ModulesFacade:
    ws: Any

    def _sapi(self, tenant: str, description: str, method: str, path: str) -> Changes:  # pragma: no cover
        raise NotImplementedError  # the Emulator's

    def _module_changes(self, tenant: str, name: str, description: str, method: str, path: str) -> Changes:
        return self._sapi(tenant, description, method, path) | Changes(modules=frozenset([(tenant, name)]))

    def modules(self, tenant: str) -> list[dict]:
        store.tenants.require(self.ws, tenant)
        return store.modules.list_(self.ws, tenant)

    def module(self, tenant: str, name: str) -> dict:
        store.tenants.require(self.ws, tenant)
        return store.modules.get(self.ws, tenant, name)

    def create_module(self, tenant: str, name: str, code: str, **kw: Any) -> tuple[dict, Changes]:
        store.tenants.require(self.ws, tenant)
        with transaction(self.ws):
            module = store.modules.create(self.ws, tenant, name, code, **kw)
            changes = self._module_changes(tenant, name, "Create an Actions Module", "POST", "/api/v2/actions/modules")
        return module, changes

    def update_module(self, tenant: str, name: str, **kw: Any) -> tuple[dict, Changes]:
        with transaction(self.ws):
            module = store.modules.update_draft(self.ws, tenant, name, **kw)
            changes = self._module_changes(tenant, name, "Update an Actions Module", "PATCH",
                                           f"/api/v2/actions/modules/{module['id']}")
        return module, changes

    def publish_module(self, tenant: str, name: str) -> tuple[dict, Changes]:
        with transaction(self.ws):
            version = store.modules.publish(self.ws, tenant, name)
            changes = self._module_changes(tenant, name, "Publish an Actions Module version", "POST",
                                           f"/api/v2/actions/modules/{version['module_id']}/versions")
        return version, changes

    def module_versions(self, tenant: str, name: str) -> list[dict]:
        return store.modules.versions(self.ws, tenant, name)

    def rollback_module(self, tenant: str, name: str, number: int) -> tuple[dict, Changes]:
        with transaction(self.ws):
            module = store.modules.rollback(self.ws, tenant, name, number)
            changes = self._module_changes(tenant, name, "Roll back an Actions Module", "POST",
                                           f"/api/v2/actions/modules/{module['id']}/rollback")
        return module, changes

    def delete_module(self, tenant: str, name: str) -> Changes:
        with transaction(self.ws):
            module_id = store.modules.get(self.ws, tenant, name)["id"]
            store.modules.delete(self.ws, tenant, name)
            return self._module_changes(tenant, name, "Delete an Actions Module", "DELETE",
                                        f"/api/v2/actions/modules/{module_id}")

    def module_diff_sides(self, tenant: str, name: str, a: int | str, b: int | str) -> tuple[str, str, str, str]:
        """Both sides ("draft" or a version number each) of a module diff, (label, code) each."""
        return store.modules.diff_sides(self.ws, tenant, name, a, b)

    def module_diff(self, tenant: str, name: str, a: int | str, b: int | str) -> str:
        return store.modules.diff(self.ws, tenant, name, a, b)

    def module_users(self, tenant: str, name: str) -> list[dict]:
        """The actions (draft or versions) that pin this module: [{action, version, module_version_number}]."""
        return store.modules.users(self.ws, tenant, name)
