"""Which Node runs an action version: its `runtime` (spec §3.2) picks it. `node22`, Auth0's default, runs
on the official Node 22 from the npm registry, installed once into the user cache, checked to run, and
reused offline after that; `node18` (and the retired node12/node16) run on the bundled Node 18, so
nothing needs the network. An explicit Node (`--node`, ACTIONS_EMULATOR_NODE, Settings) overrides every
runtime."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import DependencyError, UsageError
from . import official_node
from .deps import DependencyCache
from .node import node_version

# Runtimes with a Node of their own; every other runtime id runs on the bundled Node.
OFFICIAL = {"node22": "22"}
DEFAULT = "node22"  # Auth0's default runtime (it has deprecated node18), for run-action FILE too
_checked: dict[tuple[str, str], Path] = {}  # (cache root, runtime) -> a binary that ran, this process


class RuntimeUnavailable(UsageError):
    """The action's runtime needs a Node that is neither cached nor installable now."""


def needs_own_node(runtime: str | None) -> bool:
    return runtime in OFFICIAL


async def node_for(runtime: str, cache: DependencyCache | None = None,
                   progress: Callable[[str], None] | None = None) -> Path:
    """The Node binary of `runtime` (one of OFFICIAL), installing it once; RuntimeUnavailable (one line)
    when that cannot be done."""
    # Every run asks: answer from memory (the default cache's location is slow to work out).
    key = (str(cache.root) if cache else "", runtime)
    if key in _checked:
        return _checked[key]
    cache = cache or DependencyCache.default()
    spec = OFFICIAL[runtime]
    try:
        path = await official_node.ensure_async(spec, cache, progress)
        version = node_version(path)
    except (DependencyError, UsageError) as exc:
        raise RuntimeUnavailable(f"runtime {runtime}: Node {spec} is not installed and could not be ({exc}); run once "
                                 "with the npm registry reachable, or choose a Node with --node PATH") from None
    if not version.startswith(f"v{spec}."):
        raise RuntimeUnavailable(f"runtime {runtime}: the installed Node is {version}, not Node {spec}")
    _checked[key] = path
    return path




def note_fallback(result, warning: str | None) -> None:
    """Say in the first action's console that it ran on another Node than its runtime's."""
    if warning and result.actions:
        result.actions[0].logs.insert(0, {"level": "warn", "time": 0, "message": f"[actions-emulator] {warning}"})


def join(trigger_id: str, parts: list, names: list[str]):
    """One ChainResult of a chain run in parts on different Nodes (in order, state carried between)."""
    from .results import ChainResult, decide_outcome

    if len(parts) == 1:
        return parts[0]
    actions = [a for p in parts for a in p.actions]
    versions = list(dict.fromkeys(p.node_version for p in parts))
    last = parts[-1]
    return ChainResult(trigger=last.trigger, trigger_version=last.trigger_version, node_version=", ".join(versions),
                       actions=actions, outcome=decide_outcome(trigger_id, actions, names), cache=last.cache,
                       state=last.state, total_ms=sum(p.total_ms for p in parts))
