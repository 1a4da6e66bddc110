"""Starting the Node host before Python has imported the CLI: a one-shot `run-action` then pays Node's
start-up and Python's imports at the same time, not one after the other (issue: a CLI that starts like
Node). Only the standard library is imported here, so the process starts within milliseconds of the
command; `NodeHost` adopts it if it is the host it would have started, and it is killed at exit if not.
"""
from __future__ import annotations

import atexit
import ctypes
import os
import secrets
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HARNESS = Path(__file__).parent / "runtime" / "harness" / "host.js"
DEFAULT_HEAP_MB = 256  # HostLimits.heap_mb


def die_with_parent() -> None:
    """In the child before Node starts: on Linux the kernel kills it when the emulator dies, even if the
    action is spinning in a synchronous loop and never reads the end of its input."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)


@dataclass
class Started:
    """A host process started with NodeHost's arguments, its reply pipe and the key its replies carry."""

    popen: subprocess.Popen
    node: str
    heap_mb: int
    reply_fd: int
    key: bytes
    confined: bool = False


# A scrubbed environment: nothing of the emulator's own process leaks to actions (an action sees only its
# own secrets). UTC, as Auth0's runtime.
HOST_ENV = {"TZ": "UTC"}


@dataclass
class Launch:
    """What starting a host needs: its command line, the pipe ends to hand it, and the reply key.

    Replies come back on a pipe of their own; the key that signs them goes through a pipe the harness
    reads once and closes, not argv or the environment (both readable in /proc by an action)."""

    argv: list[str]
    pass_fds: tuple[int, int]
    reply_fd: int
    key: bytes

    def close_child_ends(self) -> None:
        for fd in self.pass_fds:
            os.close(fd)


def launch(node: str, heap_mb: int, flags: list[str] | tuple[str, ...] = ()) -> Launch:
    read_fd, write_fd = os.pipe()
    key = secrets.token_hex(32).encode()
    key_r, key_w = os.pipe()
    os.write(key_w, key)
    os.close(key_w)
    # A host's inspector, should anything open it (SIGUSR1 on Node 18, or a debugging host), tells its
    # WebSocket URL on stderr only, which Python alone reads: not on /json to whoever asks on loopback.
    publish = [] if any(f.startswith("--inspect-publish-uid") for f in flags) else ["--inspect-publish-uid=stderr"]
    argv = [node, f"--max-old-space-size={heap_mb}", *publish, *flags, str(HARNESS), str(write_fd), str(key_r)]
    return Launch(argv, (write_fd, key_r), read_fd, key)


def start(node: str, heap_mb: int, flags: list[str] | None = None) -> Started:
    """Start a Node host exactly as NodeHost does (its own process group, dying with the emulator)."""
    how = launch(node, heap_mb, flags or [])
    try:
        popen = subprocess.Popen(how.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 pass_fds=how.pass_fds, env=HOST_ENV, preexec_fn=die_with_parent, process_group=0)
    finally:
        how.close_child_ends()
    return Started(popen, node, heap_mb, how.reply_fd, how.key, confined=bool(flags))


_pending: Started | None = None


def take(node: str, heap_mb: int) -> Started | None:
    """The host started ahead, if it is the one wanted (same Node, same heap); once."""
    global _pending
    started, _pending = _pending, None
    if started is None:
        return None
    if started.node == node and started.heap_mb == heap_mb and started.popen.poll() is None:
        return started
    _discard(started)
    return None


def _discard(started: Started) -> None:
    try:
        os.killpg(started.popen.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    started.popen.wait()
    os.close(started.reply_fd)


def _discard_pending() -> None:
    global _pending
    if _pending is not None:
        started, _pending = _pending, None
        _discard(started)


# Flags after which run-action needs another host (a workspace's, a debugging one, another Node) or none.
_NOT_ONE_SHOT = ("--tenant", "--action", "--inspect", "--inspect-brk", "--snapshot", "--coverage", "--coverage-out", "--node",
                 "-h", "--help")
# Options before the command that take a value as the next word (`--workspace PATH run-action ...`).
_VALUED = ("--workspace",)


def _command_words(argv: list[str]) -> list[str]:
    words, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a in _VALUED:
            skip = True
        elif not a.startswith("-"):
            words.append(a)
    return words


def _host_ahead(argv: list[str]) -> tuple[str, list[str]] | None:
    """The Node and permission flags a one-shot run-action will want: node22 (the default runtime) when it
    is installed, the bundled Node for --runtime node18, or nothing to start ahead."""
    from .locations import bundled_node

    runtime = next((a.split("=", 1)[1] for a in argv if a.startswith("--runtime=")), None)
    if runtime is None and "--runtime" in argv[:-1]:
        runtime = argv[argv.index("--runtime") + 1]
    if runtime == "node18" or os.environ.get("ACTIONS_EMULATOR_NODE"):
        return (str(bundled_node()), []) if not os.environ.get("ACTIONS_EMULATOR_NODE") else None
    from .runtime import official_node, sandbox
    from .runtime.deps import DependencyCache

    cache = DependencyCache.default()
    spec = [(official_node.package(), "22")]
    if not cache.is_cached(spec):
        return None  # the run installs Node 22 first (or falls back): nothing to start yet
    root = cache.path_for(spec)
    node = official_node.binary(root, "22")
    import json

    version = json.loads((root / "node_modules" / official_node.package() / "package.json").read_text())["version"]
    major, minor = (int(x) for x in version.split(".")[:2])
    return str(node), sandbox.flags_for(major, minor)


def for_command(argv: list[str]) -> None:
    """Start the host now when the command is a one-shot `run-action FILE`."""
    global _pending
    words = _command_words(argv)
    if not words or words[0] != "run-action" or any(a.split("=", 1)[0] in _NOT_ONE_SHOT for a in argv):
        return
    try:
        ahead = _host_ahead(argv)
        if ahead is None or not os.path.exists(ahead[0]):
            return
        _pending = start(ahead[0], DEFAULT_HEAP_MB, ahead[1])
    except Exception:  # noqa: BLE001 - an optimisation only: the command starts its host as usual
        _pending = None
        return
    atexit.register(_discard_pending)
