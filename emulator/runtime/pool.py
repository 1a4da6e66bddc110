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

    async def host(self, tenant: str) -> NodeHost:
        host = self._hosts.get(tenant)
        if host is None:
            host = self._hosts[tenant] = NodeHost(tenant, self.node, self.limits)
        await host.start()
        return host

    async def close(self) -> None:
        await asyncio.gather(*(h.close() for h in self._hosts.values()))
        self._hosts.clear()
