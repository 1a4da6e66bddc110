"""The "Auth0 Management API" resource server every tenant has (identifier `https://<domain>/api/v2/`)
and Auth0's scope names for the parts the emulator answers. It is a system API: exports leave it out,
as the Deploy CLI does, and it cannot be deleted or renamed."""
from __future__ import annotations

from . import apis, tenants
from .db import Workspace

NAME = "Auth0 Management API"
_RESOURCES = {
    "users": "create read update delete", "users_app_metadata": "create read update delete",
    "user_tickets": "create", "clients": "create read update delete", "client_keys": "create read update delete",
    "client_credentials": "create read update delete", "connections": "create read update delete",
    "resource_servers": "create read update delete", "client_grants": "create read update delete",
    "tenant_settings": "read update", "logs": "read", "logs_users": "read", "roles": "create read update delete",
    "role_members": "create read delete", "actions": "create read update delete", "triggers": "read update",
    "authentication_methods": "create read update delete", "guardian_enrollments": "read delete",
    "actions_modules": "create read update delete", "stats": "read", "jobs": "read",
    "attack_protection": "read update",
}
SCOPES = [f"{verb}:{resource}" for resource, verbs in _RESOURCES.items() for verb in verbs.split()]


def identifier(tenant: str) -> str:
    return f"https://{tenant}.emulator.local/api/v2/"


def ensure(ws: Workspace, tenant: str) -> dict:
    """The tenant's Management API resource server, made or brought up to date."""
    found = apis.find(ws, tenant, identifier(tenant))
    wanted = [s for s in SCOPES]
    if found and found.get("is_system") and apis.scope_names(found) == wanted:
        return found
    return apis.upsert(ws, tenant, NAME, identifier(tenant), {
        "is_system": True, "signing_alg": "RS256", "token_lifetime": 86400, "allow_offline_access": False,
        "skip_consent_for_verifiable_first_party_clients": False,
        "scopes": [{"value": s, "description": s.replace(":", " ").replace("_", " ").capitalize()} for s in wanted]})


def is_audience(ws: Workspace, tenant: str, audience: str | None, extra_hosts: tuple[str, ...] = ()) -> bool:
    """Whether `audience` names the Management API: `https://<any of the tenant's domains, or a host:port
    the local server answers on>/api/v2/` (node-auth0 asks for the domain it was given)."""
    if not audience or not audience.startswith("https://") or not audience.rstrip("/").endswith("/api/v2"):
        return False
    host = audience[len("https://"):].split("/", 1)[0].lower()
    return host in tenants.domains(ws, tenant) or host in extra_hosts
