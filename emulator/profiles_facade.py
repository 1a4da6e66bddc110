"""The facade's Custom Token Exchange profile calls: which custom-token-exchange action handles which
subject_token_type (the CLI and the server's token-exchange grant use them)."""
from __future__ import annotations

from typing import Any

from . import store
from .changes import Changes
from .store import transaction


class ProfilesFacade:
    ws: Any

    def _sapi(self, tenant: str, description: str, method: str, path: str) -> Changes:  # pragma: no cover
        raise NotImplementedError  # the Emulator's

    def token_exchange_profiles(self, tenant: str) -> list[dict]:
        store.tenants.require(self.ws, tenant)
        return store.token_exchange.list_(self.ws, tenant)

    def set_token_exchange_profile(self, tenant: str, name: str, subject_token_type: str,
                                   action: str) -> tuple[dict, Changes]:
        store.tenants.require(self.ws, tenant)
        with transaction(self.ws):
            profile = store.token_exchange.upsert(self.ws, tenant, name, subject_token_type, action)
            changes = self._sapi(tenant, "Set a Custom Token Exchange profile", "PATCH",
                                 f"/api/v2/token-exchange-profiles/{profile['id']}")
        return profile, changes

    def delete_token_exchange_profile(self, tenant: str, name: str) -> Changes:
        with transaction(self.ws):
            profile = store.token_exchange.get(self.ws, tenant, name)
            store.token_exchange.delete(self.ws, tenant, name)
            return self._sapi(tenant, "Delete a Custom Token Exchange profile", "DELETE",
                              f"/api/v2/token-exchange-profiles/{profile['id']}")
