"""Which Node binary runs actions: the one bundled by the `nodejs-bin` wheel unless the user names
another (`--node PATH`, or the `ACTIONS_EMULATOR_NODE` setting), and which npm installs dependencies
(the bundled one)."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ..errors import UsageError
from ..locations import bundled_node  # noqa: F401 - the nodejs-bin wheel's Node


def bundled_npm_cli() -> Path:
    import nodejs

    return Path(nodejs.__file__).parent / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"


MIN_MAJOR = 16  # the harness uses AsyncLocalStorage, base64url Buffers and the global `performance`
SETTING = "ACTIONS_EMULATOR_NODE"


def resolve_node(path: str | os.PathLike | None = None) -> Path:
    """The Node binary to use: the bundled one, a path, or a version (`22`) from the npm registry; a clear
    UsageError when a named one does not exist or does not run."""
    path = path or os.environ.get(SETTING) or None
    if path is None:
        node = bundled_node()
        if not node.exists():
            raise UsageError(f"the bundled Node binary is missing at {node}; reinstall nodejs-bin")
        return node
    from . import official_node

    if official_node.is_spec(str(path)):  # a version: the official binary, from the npm registry
        from ..errors import DependencyError

        try:
            return official_node.ensure(str(path))
        except DependencyError as exc:
            raise UsageError(f"--node {path}: {exc}") from None
    found = shutil.which(str(path)) if os.sep not in str(path) else str(path)
    if not found or not Path(found).exists():
        raise UsageError(f"--node: no Node binary at {path}")
    return Path(found)


def node_version(node: Path) -> str:
    """`vX.Y.Z` of a Node binary (used to check a user-chosen binary before starting a host)."""
    try:
        out = subprocess.run([str(node), "--version"], capture_output=True, text=True, timeout=10, env={})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"--node: {node} does not run: {exc}") from None
    version = out.stdout.strip()
    if out.returncode != 0 or not version.startswith("v"):
        raise UsageError(f"--node: {node} is not a Node binary (it printed {version[:60]!r})")
    if int(version[1:].split(".")[0]) < MIN_MAJOR:
        raise UsageError(f"--node: {node} is Node {version}; the emulator needs Node {MIN_MAJOR} or newer")
    return version
