"""The app's debugging: one DebugSession per tenant while it has breakpoints (stored per action) or pauses
on exceptions. Before a run the facade calls `ensure(tenant)`: the tenant's runs then go to the
session's debugging host, with every stored breakpoint bound to all versions of its action. Listeners
hear each pause and resume (the app's debugger pane). With coverage on for a tenant (the app's Coverage
toggle) its runs go to the session too, with V8's precise coverage running; `take_coverage` reports the
lines each action version ran since the last take (one Test run, a journey, a batch)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable

from .. import store

if TYPE_CHECKING:
    from .session import DebugSession, Pause


def action_pattern(tenant: str, action: str) -> str:
    """Every version's script name of a workspace action (see emulator.script_name)."""
    return f"^actions/{re.escape(tenant)}/{re.escape(action)}/(v\\d+|draft)\\.js$"


class TenantDebuggers:
    def __init__(self, emu):
        self.emu = emu
        self.sessions: dict[str, DebugSession] = {}
        self.exceptions: dict[str, str] = {}
        self.on_pause: list[Callable[[str, DebugSession, Pause], Any]] = []
        self.on_resume: list[Callable[[str, DebugSession], Any]] = []
        self._synced: dict[str, Any] = {}
        self._known: dict[str, dict] = {}  # tenant -> breakpoints per action (read once, then kept)
        self.coverage: set[str] = set()  # tenants whose runs are covered
        self._covering: set[int] = set()  # id() of the sessions whose precise coverage is started
        self.last_coverage: dict[str, dict] = {}  # tenant -> the latest report taken

    def stored(self, tenant: str) -> dict[str, list[dict]]:
        if tenant not in self._known:
            self._known[tenant] = store.breakpoints.for_tenant(self.emu.ws, tenant)
        return self._known[tenant]

    def changed(self, tenant: str) -> None:
        self._known.pop(tenant, None)

    def set_exceptions(self, tenant: str, mode: str) -> None:
        self.exceptions[tenant] = mode

    async def ensure(self, tenant: str) -> DebugSession | None:
        wanted = self.stored(tenant)
        mode = self.exceptions.get(tenant, "none")
        session = self.sessions.get(tenant)
        if not wanted and mode == "none" and tenant not in self.coverage:
            if session is not None:
                await self.close(tenant)
            return None
        if session is None or session.stopped:
            from .session import DebugSession

            if session is not None:
                await self.close(tenant)
            session = DebugSession(self.emu.pool.node, tenant=tenant, limits=self.emu.pool.limits)
            await session.open()
            session.holds_pauses = True  # the app's debugger pane shows each pause and continues it
            session.on_pause.append(lambda pause: [cb(tenant, session, pause) for cb in list(self.on_pause)])
            session.on_resume.append(lambda: [cb(tenant, session) for cb in list(self.on_resume)])
            self.sessions[tenant] = session
            self.emu.pool.attach(tenant, session.host)
            self._synced.pop(tenant, None)
        if tenant in self.coverage and id(session) not in self._covering:
            from . import coverage

            await coverage.start(session.cdp)
            self._covering.add(id(session))
        key = (repr(sorted((a, repr(b)) for a, b in wanted.items())), mode)
        if self._synced.get(tenant) != key:
            for bp in [b for b in session.breakpoints.values() if b.kind == "user"]:
                await session.remove_breakpoint(bp)
            for action, items in wanted.items():
                for item in items:
                    await session.set_breakpoint(f"actions/{tenant}/{action}", item["line"],
                                                 condition=item.get("condition"), log=item.get("log"),
                                                 url_regex=action_pattern(tenant, action))
            await session.pause_on_exceptions(mode)
            self._synced[tenant] = key
        return session

    def set_coverage(self, tenant: str, on: bool) -> None:
        """Cover the tenant's runs from the next one (on), or stop (the session closes at the next run
        unless breakpoints keep it)."""
        (self.coverage.add if on else self.coverage.discard)(tenant)
        if not on:
            self.last_coverage.pop(tenant, None)

    async def take_coverage(self, tenant: str) -> dict | None:
        """The lines each action version ran since the last take (None: coverage is off or nothing ran)."""
        session = self.sessions.get(tenant)
        if tenant not in self.coverage or session is None or id(session) not in self._covering:
            return None
        from . import coverage

        report = await coverage.take(session.cdp)
        self.last_coverage[tenant] = report
        return report

    async def close(self, tenant: str) -> None:
        session = self.sessions.pop(tenant, None)
        self._synced.pop(tenant, None)
        if session is not None:
            self._covering.discard(id(session))
            self.emu.pool.detach(tenant, session.host)
            await session.release()  # a run held at one of the app's breakpoints goes on to its end
            await session.close()

    async def close_all(self) -> None:
        for tenant in list(self.sessions):
            await self.close(tenant)
