"""The facade the CLI's future commands and the app talk to: one object, one method per user action.

For now it owns the Node hosts and runs code for a trigger; the workspace (tenants, stored actions,
bindings) joins it in the workspace issue.
"""
from __future__ import annotations

from pathlib import Path

from . import triggers
from .runtime import DEFAULT_DEADLINE_MS, ActionSource, ChainResult, HostPool, build_event, run_chain

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


class Emulator:
    def __init__(self, node: str | Path | None = None, deadline_ms: int = DEFAULT_DEADLINE_MS):
        self.pool = HostPool(node)
        self.deadline_ms = deadline_ms

    async def start(self, tenant: str = "default") -> str:
        """Start the tenant's Node host (so the first run is warm); returns the Node version."""
        host = await self.pool.host(tenant)
        return host.node_version or ""

    async def run_code(self, trigger_id: str, code: str, event: dict | None = None, *, name: str = "action",
                       secrets: dict[str, str] | None = None, handler: str | None = None,
                       tenant: str = "default") -> ChainResult:
        """Run one piece of action code for a trigger, with `event` merged onto the default event."""
        source = ActionSource(name=name, code=code, filename=f"{name}.js", secrets=secrets or {}, handler=handler)
        host = await self.pool.host(tenant)
        return await run_chain(host, trigger_id, [source], build_event(trigger_id, event),
                               deadline_ms=self.deadline_ms)

    @staticmethod
    def sample_code(trigger_id: str) -> str:
        """The bundled sample action for a trigger, or the trigger's empty skeleton."""
        path = FIXTURES / "actions" / f"{triggers.get(trigger_id).id}.js"
        return path.read_text() if path.exists() else triggers.get(trigger_id).skeleton()

    async def close(self) -> None:
        await self.pool.close()
