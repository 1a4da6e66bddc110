"""Actions reach their own tenant without the network: a request an action makes to one of its tenant's
domains (`<tenant>.emulator.local`, or an alias such as the real tenant's `acme.us.auth0.com`) is answered
by the emulator's own Auth0 (Management API, /oauth/token, /userinfo) on a loopback port, in every HTTP
mode and offline. The harness reroutes such requests (harness/http.js) and captures them like any other,
marked `local`.

The server itself lives in `emulator.server`; whoever opens the facade (the CLI, the app, tests) hands it
a factory, so the core never imports the server. It starts on first need: for a run whose actions'
code, secrets or dependencies mention one of the tenant's domains or the `auth0` npm package."""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

from . import store

Factory = Callable[[Any, str], Awaitable[Any]]  # (emulator, tenant) -> a started server with .port


def needed(ws, tenant: str, srcs: list[dict]) -> bool:
    domains = store.tenants.domains(ws, tenant)
    for src in srcs:
        if any(d.get("name") == "auth0" for d in src.get("dependencies") or []):
            return True
        text = src.get("code", "") + json.dumps(src.get("secrets") or {})
        if any(domain in text for domain in domains):
            return True
    return False


class LocalApis:
    """The facade's per-tenant loopback servers for actions."""

    def __init__(self, emu):
        self.emu = emu
        self.factory: Factory | None = None
        self.servers: dict[str, Any] = {}

    async def config(self, tenant: str, srcs: list[dict]) -> dict | None:
        """What the harness needs to reroute (`{"hosts", "port"}`), or None when no action needs it."""
        if self.factory is None or not srcs or not needed(self.emu.ws, tenant, srcs):
            return None
        server = self.servers.get(tenant)
        if server is None:
            server = self.servers[tenant] = await self.factory(self.emu, tenant)
        return {"hosts": store.tenants.domains(self.emu.ws, tenant), "port": server.port}

    async def close(self) -> None:
        for server in self.servers.values():
            await server.stop()
        self.servers.clear()
