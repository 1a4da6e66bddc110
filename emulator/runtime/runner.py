"""Run a trigger's chain of actions on a tenant's host: the one call the CLI, the bench and (later) the
flows and the GUI make. Builds the event (the caller's partial event deep-merged onto the trigger's
default), installs dependencies, sends one request, and turns the reply into a ChainResult.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .. import triggers
from ..errors import UsageError
from . import deps as deps_mod
from .host import HostCrashed, NodeHost
from .results import ActionError, ActionResult, ChainResult, decide_outcome

DEFAULT_DEADLINE_MS = 20_000  # Auth0's limit for one trigger execution (spec §3.1)
MAX_CODE_BYTES = 100 * 1024
MAX_MODULES_PER_ACTION = 3


@dataclass
class ModuleSource:
    """One Actions Module version an action requires as `actions:<name>`."""

    name: str
    code: str
    filename: str
    secrets: dict[str, str] = field(default_factory=dict)  # the module's own, read as actions.secrets
    dependencies: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ActionSource:
    """One action version to run: its code and what comes with it."""

    name: str
    code: str
    filename: str  # shown in stacks and used for line numbers: the user's file when there is one
    secrets: dict[str, str] = field(default_factory=dict)
    dependencies: list[tuple[str, str]] = field(default_factory=list)
    handler: str | None = None  # default: the trigger's onExecute… handler
    modules: list[ModuleSource] = field(default_factory=list)

    def key(self, deps_dir: Path | None, module_specs: list[dict] = ()) -> str:
        """Identity of a compiled version in the host: same code, file, dependencies and modules (with
        their secrets, which a module reads at load), same loaded version."""
        if not module_specs:  # the common case, asked on every run: remembered (str hashes are cached)
            return _plain_key(self.filename, self.code, str(deps_dir or ""))
        h = hashlib.sha256()
        parts = [self.filename, self.code, str(deps_dir or "")]
        for m in module_specs:
            parts += [m["name"], m["filename"], m["code"], str(m["deps_dir"] or ""),
                      json.dumps(m["secrets"], sort_keys=True)]
        for part in parts:
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()[:32]


def deep_merge(base: Any, override: Any) -> Any:
    """The caller's event onto the default: objects merge key by key; anything else replaces."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for k, v in override.items():
            out[k] = deep_merge(base[k], v) if k in base else copy.deepcopy(v)
        return out
    return copy.deepcopy(override)


def build_event(trigger_id: str, partial: dict | None) -> dict:
    event = triggers.get(trigger_id).default_event()
    return deep_merge(event, partial) if partial else event


def check_source(trigger_id: str, source: ActionSource) -> None:
    trigger = triggers.get(trigger_id)
    if source.handler and source.handler not in trigger.handlers:
        raise UsageError(f"--handler: {trigger.id} has no handler {source.handler!r} "
                         f"(it has {', '.join(trigger.handlers)})")
    if len(source.code.encode()) > MAX_CODE_BYTES:
        raise UsageError(f"{source.filename}: the code is larger than Auth0's 100 KB limit")
    if len(source.modules) > MAX_MODULES_PER_ACTION:
        raise UsageError(f"{source.name}: at most {MAX_MODULES_PER_ACTION} Actions Modules per action "
                         f"({len(source.modules)} given)")
    if len(source.dependencies) > deps_mod.MAX_DEPENDENCIES:
        raise UsageError(f"{source.name}: at most {deps_mod.MAX_DEPENDENCIES} dependencies per action "
                         f"({len(source.dependencies)} given)")


async def run_chain(host: NodeHost, trigger_id: str, sources: list[ActionSource], event: dict | None = None, *,
                    deadline_ms: int = DEFAULT_DEADLINE_MS, cache: dict | None = None, now_ms: int | None = None,
                    dependency_cache: deps_mod.DependencyCache | None = None,
                    progress: Callable[[str], None] | None = None, state: dict | None = None,
                    exact_event: bool = False, http: dict | None = None) -> ChainResult:
    """Run `sources` in order as one execution of `trigger_id`. `event` is complete (see build_event).

    `state` continues a chain run in parts (one action at a time, for stepping): pass the previous
    result's `state`. With `exact_event` the first action receives `event` exactly as given. `http` is
    `{"mode": live|record|stub|replay, "stubs": [...]}` for outbound calls (default: live, captured).
    """
    trigger = triggers.get(trigger_id)
    for source in sources:
        check_source(trigger_id, source)
    specs = []

    async def install(dependencies: list[tuple[str, str]]) -> Path | None:
        nonlocal dependency_cache
        if not dependencies:
            return None
        dependency_cache = dependency_cache or deps_mod.DependencyCache.default()
        return await dependency_cache.ensure(dependencies, progress=progress)

    for source in sources:
        deps_dir = await install(source.dependencies)
        module_specs = []
        for m in source.modules:  # each module resolves its own npm dependencies, as in Auth0
            m_dir = await install(m.dependencies)
            module_specs.append({"name": m.name, "filename": m.filename, "code": m.code, "secrets": m.secrets,
                                 "deps_dir": str(m_dir) if m_dir else None})
        specs.append({"key": source.key(deps_dir, module_specs), "name": source.name, "filename": source.filename,
                      "code": source.code, "handler": source.handler, "secrets": source.secrets,
                      "deps_dir": str(deps_dir) if deps_dir else None, "modules": module_specs})
    request = {"trigger": trigger.id, "event": event if event is not None else trigger.default_event(),
               "actions": specs, "cache": cache or {}, "now": now_ms, "deadline_ms": deadline_ms,
               "state": state, "exact_event": exact_event, "http": http}
    t0 = time.perf_counter()
    final: dict = {}
    try:
        raw_actions, final = await host.run(request)
    except HostCrashed as crash:
        results = [ActionResult.from_harness(a, s.filename) for a, s in zip(crash.actions, sources)]
        victim = sources[min(len(results), len(sources) - 1)]
        results.append(ActionResult(
            name=victim.name, handler=victim.handler or trigger.default_handler,
            logs=crash.stray, error=ActionError("Error", str(crash), error_class=crash.error_class),
            file=victim.filename))
    else:
        results = [ActionResult.from_harness(a, s.filename) for a, s in zip(raw_actions, sources)]
        if final.get("stray") and results:
            results[-1].logs.extend(final["stray"])
        for action, entry in final.get("ignored") or []:  # into the log of the action that made the call
            target = next((r for r in results if r.name == action), None)
            if target is not None:
                target.logs.append(entry)
    total_ms = (time.perf_counter() - t0) * 1000
    return ChainResult(
        trigger=trigger.id, trigger_version=trigger.version, node_version=host.node_version or "",
        actions=results, outcome=decide_outcome(trigger.id, results, [s.name for s in sources]),
        cache=final.get("cache", cache or {}), state=final.get("state") or state or {}, total_ms=total_ms)


async def preview_event(host: NodeHost, trigger_id: str, event: dict, state: dict | None,
                        secrets: dict[str, str]) -> dict:
    """The event the next action of a chain would receive, given the chain's state so far."""
    reply = await host.request({"type": "preview", "trigger": triggers.get(trigger_id).id, "event": event,
                                "state": state, "secrets": secrets})
    return reply["event"]


def load_event_json(text: str, where: str) -> dict:
    """Parse a user-given event; a clear one-line error naming the place and line otherwise."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{where}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number, absurd nesting
        raise UsageError(f"{where}: invalid JSON: {exc}") from None
    from ..data_files import check_depth

    check_depth(value, where, limit=64)
    if not isinstance(value, dict):
        raise UsageError(f"{where}: the event must be a JSON object, not {type(value).__name__}")
    return value


@functools.lru_cache(maxsize=4096)
def _plain_key(filename: str, code: str, deps_dir: str) -> str:
    h = hashlib.sha256()
    for part in (filename, code, deps_dir):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:32]
