"""Fixtures for core tests: real Node hosts driven from plain (sync) tests through one event loop."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from emulator.runtime import ActionSource, ChainResult, HostLimits, HostPool, build_event, run_chain

ACTIONS = Path(__file__).parent.parent / "actions"


class Emu:
    """A HostPool plus helpers: `emu.chain(trigger, code, code, ...)` runs code strings as one chain."""

    def __init__(self, limits: HostLimits | None = None):
        self.runner = asyncio.Runner()
        self.pool = HostPool(limits=limits)

    def run(self, coro):
        return self.runner.run(coro)

    def host(self, tenant: str = "t"):
        return self.run(self.pool.host(tenant))

    def sources(self, codes, **kw) -> list[ActionSource]:
        out = []
        for i, code in enumerate(codes):
            if isinstance(code, ActionSource):
                out.append(code)
            else:
                out.append(ActionSource(name=f"action{i + 1}", code=code, filename=f"/actions/action{i + 1}.js", **kw))
        return out

    def chain(self, trigger: str, *codes, event: dict | None = None, tenant: str = "t", secrets=None,
              handler: str | None = None, **kw) -> ChainResult:
        sources = self.sources(codes, secrets=secrets or {}, handler=handler)
        full_event = build_event(trigger, event)
        return self.run(run_chain(self.run(self.pool.host(tenant)), trigger, sources, full_event, **kw))

    def one(self, trigger: str, body: str, **kw):
        """Run one action whose handler body is `body`; returns its ActionResult."""
        from emulator import triggers

        handler = kw.pop("handler", None) or triggers.get(trigger).default_handler
        code = f"exports.{handler} = async (event, api) => {{\n{body}\n}};"
        if handler != triggers.get(trigger).default_handler:
            kw["handler"] = handler
        return self.chain(trigger, code, **kw).actions[0]

    def close(self):
        self.run(self.pool.close())
        self.runner.close()


@pytest.fixture(scope="session")
def emu():
    e = Emu()
    yield e
    e.close()


@pytest.fixture
def fresh_emu():
    """A pool of its own, for tests that kill or restart hosts."""
    e = Emu(HostLimits(rss_mb=512, heap_mb=128))
    yield e
    e.close()


def cmd_names(result) -> list[str]:
    return [c["name"] for c in result.commands]


class Core:
    """The facade over a real workspace file in a temporary folder, with a fixed clock and seeded ids."""

    def __init__(self, path: Path):
        from emulator.clock import FixedClock, Ids
        from emulator.emulator import Emulator
        from emulator.store import open_workspace

        self.clock = FixedClock()
        self.path = path
        self.emu = Emulator(open_workspace(path, clock=self.clock, ids=Ids(7)))
        self.runner = asyncio.Runner()

    def run(self, coro):
        return self.runner.run(coro)

    def close(self):
        self.run(self.emu.close())
        self.runner.close()


@pytest.fixture
def core(tmp_path):
    c = Core(tmp_path / "workspace.sqlite")
    yield c
    c.close()


@pytest.fixture
def sample(core):
    """A core with the bundled sample tenant imported as `sample`."""
    core.emu.load_sample_tenant()
    return core


def act(trigger: str, body: str) -> str:
    from emulator import triggers

    return f"exports.{triggers.get(trigger).default_handler} = async (event, api) => {{\n{body}\n}};\n"


PASSWORD = "Str0ng-Passw0rd!"
SECRET = "a-shared-secret-of-at-least-32-bytes"


def tenant_with(core, bound: dict[str, list[str]], users: list[dict] | None = None, tenant: str = "acme") -> str:
    """A tenant whose triggers have these action bodies bound in order (names `<trigger>-<n>`), and users
    (default: one, ann@example.com, with PASSWORD)."""
    emu = core.emu
    emu.create_tenant(tenant)
    for trigger, bodies in bound.items():
        names = []
        for i, body in enumerate(bodies):
            name = f"{trigger}-{i + 1}"
            code = body if "exports." in body else act(trigger, body)
            emu.create_action(tenant, name, trigger, code, secrets={"SECRET": SECRET})
            emu.deploy(tenant, name)
            names.append(name)
        emu.set_bindings(tenant, trigger, names)
    for user in users if users is not None else [{"email": "ann@example.com"}]:
        emu.create_user(tenant, password=user.pop("password", PASSWORD), **user)
    return tenant


def flow(core, kind: str, inputs: dict, answers=None, **kw):
    """Start a run and step it as far as the answers allow."""
    from emulator import flows

    run = flows.start(core.emu, "acme", kind, {"password": PASSWORD, "email": "ann@example.com", **inputs}, **kw)
    return core.run(flows.run_to_end(core.emu, run, answers))
