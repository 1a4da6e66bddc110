"""One Node host per tenant, created on first use: tenants never share a process (design §3)."""
from __future__ import annotations

import asyncio
from pathlib import Path

from .host import HostLimits, NodeHost
from .node import resolve_node


class HostPool:
    def __init__(self, node: Path | str | None = None, limits: HostLimits | None = None):
        self.node = resolve_node(node)
        self.limits = limits or HostLimits()
        self._hosts: dict[str, NodeHost] = {}
        # A debugging host that takes a tenant's runs while a debug session lasts (debug.DebugSession).
        self._attached: dict[str, NodeHost] = {}

    def attach(self, tenant: str, host: NodeHost) -> None:
        self._attached[tenant] = host

    def attached(self, tenant: str) -> NodeHost | None:
        """The debugging host that takes the tenant's runs now, if any."""
        return self._attached.get(tenant)

    def detach(self, tenant: str, host: NodeHost) -> None:
        if self._attached.get(tenant) is host:
            del self._attached[tenant]

    async def host(self, tenant: str) -> NodeHost:
        attached = self._attached.get(tenant)
        if attached is not None:
            return attached
        host = self._hosts.get(tenant)
        if host is None:
            host = self._hosts[tenant] = NodeHost(tenant, self.node, self.limits)
        await host.start()
        return host

    async def close(self) -> None:
        await asyncio.gather(*(h.close() for h in self._hosts.values()))
        self._hosts.clear()
