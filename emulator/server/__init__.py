"""A local Auth0 for real apps (design §10): Auth0's Authentication API, its Management API and
Universal-Login-like pages served on 127.0.0.1, running the tenant's actions on every login. Imported
lazily (aiohttp, Jinja2)."""
from __future__ import annotations

__all__ = ["LocalAuth0", "attach_local_api"]


def __getattr__(name: str):
    if name == "LocalAuth0":
        from .app import LocalAuth0

        return LocalAuth0
    raise AttributeError(name)


async def _start_for_actions(emu, tenant: str):
    """The loopback server that answers an action's calls to its own tenant's domains: plain HTTP on a
    free port (the harness reroutes https://<domain>/... there), issuing tokens as the tenant's domain."""
    from .app import LocalAuth0

    server = LocalAuth0(emu, tenant, issuer=f"https://{tenant}.emulator.local/")
    await server.start("127.0.0.1", 0)
    return server


def attach_local_api(emu) -> None:
    """Let `emu`'s runs answer actions' calls to their tenant's domains with this server (local_api.py)."""
    emu.local_apis.factory = _start_for_actions
