"""Opening the core for the app: the chosen workspace (a fresh one gets the bundled sample tenant)."""
from __future__ import annotations

from emulator.emulator import Emulator
from emulator.runtime import DEFAULT_DEADLINE_MS


def open_core(workspace: str | None, node: str | None = None, deadline_ms: int = DEFAULT_DEADLINE_MS) -> Emulator:
    core = Emulator.open(workspace, node=node, deadline_ms=deadline_ms)
    # Offline, an action whose runtime's Node is missing runs on the bundled Node; its console says so.
    core.runtime_fallback = True
    from emulator.server import attach_local_api  # actions' calls to their own tenant answered locally

    attach_local_api(core)
    if not core.tenants():
        core.load_sample_tenant()  # first start: something real to look at
    return core
