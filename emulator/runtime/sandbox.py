"""What the Node host may touch, on Nodes that can enforce it (Node's permission model, 20 and newer).

With it a host reads only the harness and the dependency cache (where actions' npm packages, and the
official Node binaries, are installed), writes nothing, and starts no child process (worker threads it may: they are its isolates): an action
cannot read the emulator's environment (/proc/<pid>/environ), the workspace or any other file. Node 18
(the bundled one) has no permission model; the README and the app say so. A debugging host runs without
it, because the model turns the inspector off.
"""
from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from ..errors import UsageError
from .deps import DependencyCache
from .node import node_version as version_text

HARNESS_DIR = Path(__file__).parent / "harness"


@functools.lru_cache(maxsize=None)
def node_version(node: str) -> tuple[int, int, int]:
    """(major, minor, patch) of a Node binary; (0, 0, 0) if it cannot say."""
    try:
        major, minor, patch = (int(x) for x in version_text(Path(node)).lstrip("v").split(".")[:3])
        return major, minor, patch
    except (UsageError, ValueError):
        return 0, 0, 0


async def node_version_async(node: str) -> tuple[int, int, int]:
    """`node_version` without blocking the event loop (first host start), and without threads: under the
    app's qasync loop a coroutine resumed from a worker thread lost its running loop."""
    if node not in _ASKED:
        try:
            proc = await asyncio.create_subprocess_exec(node, "--version", stdout=asyncio.subprocess.PIPE,
                                                        stderr=asyncio.subprocess.DEVNULL, env={})
            out, _ = await proc.communicate()
            _ASKED[node] = tuple(int(x) for x in out.decode().strip().lstrip("v").split(".")[:3])  # type: ignore[assignment]
        except (OSError, ValueError):
            _ASKED[node] = (0, 0, 0)
    return _ASKED[node]


_ASKED: dict[str, tuple[int, int, int]] = {}


def enforced(node: str) -> bool:
    """Whether hosts on this Node are confined (the permission model exists from Node 20)."""
    return node_version(node)[0] >= 20


async def flags(node: str, read_dirs: tuple[str, ...] = (), *, debug: bool = False) -> list[str]:
    """The permission flags for a host on this Node (none on Node 18, or for a debugging host)."""
    major, minor, _ = (0, 0, 0) if debug else await node_version_async(node)
    return flags_for(major, minor, read_dirs)


def flags_for(major: int, minor: int, read_dirs: tuple[str, ...] = ()) -> list[str]:
    """The permission flags for a host on Node major.minor (none before Node 20)."""
    if major < 20:
        return []
    # `--permission` from 22.13 (and 23.5); `--experimental-permission` before.
    flag = "--permission" if (major, minor) >= (22, 13) else "--experimental-permission"
    dirs = [str(HARNESS_DIR), str(DependencyCache.default().root), *read_dirs]
    # --allow-worker: each action version runs in a worker thread of its own (harness/isolates.js); the
    # model applies in every thread, and keeps the inspector closed in all of them.
    return [flag, "--allow-worker", *(f"--allow-fs-read={d}" for d in dict.fromkeys(dirs))]
