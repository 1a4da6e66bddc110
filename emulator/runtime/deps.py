"""npm dependencies of actions, installed with the bundled npm into a content-addressed cache.

One folder per distinct dependency set (a hash of the sorted `name@version` list) under the user's
cache directory, outside any workspace. A set is installed once, into a temporary folder renamed into
place only when npm succeeded, so a failed or interrupted install never leaves a half-filled entry; after
that it is reused without npm or a network. Failures name the package that could not be had.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Callable

import platformdirs

from ..errors import DependencyError, UsageError
from .node import bundled_node, bundled_npm_cli

MAX_DEPENDENCIES = 10  # Auth0's limit per action (spec §3.1)
INSTALL_TIMEOUT_S = 300
_NAME = re.compile(r"^(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$")
_VERSION = re.compile(r"^[0-9A-Za-z.^~<>=|*+ -]+$")
_RUNNING: set = set()  # npm processes of installs under way (the async path)
_NETWORK_CODES = ("ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "ENETUNREACH")


async def stop_installs() -> None:
    """End the npm installs still running (the emulator is closing): each was installing into a temporary
    folder, so nothing half-installed is left in the cache."""
    for proc in list(_RUNNING):
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    _RUNNING.clear()


def parse_spec(spec: str) -> tuple[str, str]:
    """`name@version` (also `@scope/name@version`; a bare name means `latest`)."""
    at = spec.rfind("@")
    name, version = (spec[:at], spec[at + 1:]) if at > 0 else (spec, "latest")
    if not _NAME.match(name) or not version or any(c.isspace() for c in version):
        raise UsageError(f"--dependency: {spec!r} is not NAME@VERSION (for example lodash@4.17.21)")
    if not _VERSION.match(version):
        # file:, git, URL and alias specs would install (and run install scripts of) code from anywhere.
        raise UsageError(f"--dependency: {spec!r}: only npm registry packages with a version, range or tag "
                         f"are allowed (not a file, git or URL spec)")
    return name, version


class DependencyCache:
    def __init__(self, root: Path, registry: str | None = None, node: Path | None = None):
        self.root = Path(root)
        self.registry = registry
        self.node = node or bundled_node()
        self._locks: dict[str, asyncio.Lock] = {}

    @classmethod
    def default(cls) -> DependencyCache:
        root = os.environ.get("ACTIONS_EMULATOR_DEPS_CACHE") or platformdirs.user_cache_path("actions-emulator")
        return cls(Path(root) / "npm")

    @staticmethod
    def key(deps: list[tuple[str, str]]) -> str:
        canonical = json.dumps(sorted(set(deps)))
        return hashlib.sha256(canonical.encode()).hexdigest()[:24]

    def path_for(self, deps: list[tuple[str, str]]) -> Path:
        return self.root / self.key(deps)

    def is_cached(self, deps: list[tuple[str, str]]) -> bool:
        return (self.path_for(deps) / ".complete").exists()

    async def ensure(self, deps: list[tuple[str, str]], progress: Callable[[str], None] | None = None) -> Path:
        if len(deps) > MAX_DEPENDENCIES:
            raise UsageError(f"at most {MAX_DEPENDENCIES} dependencies per action ({len(deps)} given)")
        target = self.path_for(deps)
        if (target / ".complete").exists():
            return target
        lock = self._locks.setdefault(target.name, asyncio.Lock())
        async with lock:
            if (target / ".complete").exists():
                return target
            if progress:
                progress(f"installing {', '.join(f'{n}@{v}' for n, v in deps)} with npm")
            await self._install(deps, target, self._npm_async)
        return target

    def ensure_sync(self, deps: list[tuple[str, str]], progress: Callable[[str], None] | None = None) -> Path:
        """`ensure` for callers with no event loop (resolving `--node 22` before a pool exists)."""
        target = self.path_for(deps)
        if not (target / ".complete").exists():
            if progress:
                progress(f"installing {', '.join(f'{n}@{v}' for n, v in deps)} with npm")
            _complete(self._install(deps, target, self._npm_sync))
        return target

    @staticmethod
    async def _npm_async(args: list[str], cwd: Path, env: dict) -> tuple[int, bytes]:
        proc = await asyncio.create_subprocess_exec(*args, cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.PIPE)
        _RUNNING.add(proc)
        try:
            out, err = await asyncio.wait_for(proc.communicate(), INSTALL_TIMEOUT_S)
        finally:  # a time-out, or the install cancelled (the app quitting): npm must not outlive it
            _RUNNING.discard(proc)
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        return proc.returncode, out + err

    @staticmethod
    async def _npm_sync(args: list[str], cwd: Path, env: dict) -> tuple[int, bytes]:
        try:
            proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, timeout=INSTALL_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise asyncio.TimeoutError from None
        return proc.returncode, proc.stdout + proc.stderr

    async def _install(self, deps: list[tuple[str, str]], target: Path, npm) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".tmp-{target.name}-{uuid.uuid4().hex[:8]}"
        tmp.mkdir()
        try:
            (tmp / "package.json").write_text(json.dumps(
                {"name": "actions-emulator-dependencies", "private": True,
                 "dependencies": {n: v for n, v in deps}}, indent=2))
            args = [str(self.node), str(bundled_npm_cli()), "install", "--no-audit", "--no-fund", "--omit=dev",
                    "--loglevel=error", "--no-update-notifier",
                    # Fail within seconds when the registry is unreachable instead of npm's ~70 s of retries.
                    "--fetch-retries=1", "--fetch-retry-mintimeout=1000", "--fetch-retry-maxtimeout=5000"]
            if self.registry:
                args.append(f"--registry={self.registry}")
            # npm runs with the user's own environment and ~/.npmrc (proxies, CA bundles such as
            # NODE_EXTRA_CA_CERTS, registry mirrors): installing is the user's network business. Only the
            # action host gets a scrubbed environment.
            env = {**os.environ, "PATH": f"{self.node.parent}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
                   "npm_config_cache": str(self.root / ".npm-cache")}
            try:
                code, output = await npm(args, tmp, env)
            except asyncio.TimeoutError:
                raise DependencyError(f"npm install of {_describe(deps)} took longer than {INSTALL_TIMEOUT_S} s") from None
            if code != 0:
                raise DependencyError(_explain(deps, output.decode("utf-8", "replace")))
            (tmp / ".complete").write_text("\n".join(f"{n}@{v}" for n, v in deps))
            try:
                tmp.rename(target)
            except OSError:
                if not (target / ".complete").exists():  # another process finished first otherwise
                    raise
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)


def _complete(coro) -> None:
    """Run a coroutine that never suspends (the install with blocking npm) to its end, without an event
    loop: `ensure_sync` may be called from inside a running one (the app's Settings)."""
    try:
        coro.send(None)
    except StopIteration:
        return
    coro.close()
    raise RuntimeError("emulator: a blocking install suspended")


def _describe(deps: list[tuple[str, str]]) -> str:
    return ", ".join(f"{n}@{v}" for n, v in deps)


def _explain(deps: list[tuple[str, str]], output: str) -> str:
    """One line naming the package npm could not install, from npm's own error output."""
    culprit = next((f"{n}@{v}" for n, v in deps if re.search(rf"(?<![\w@/-]){re.escape(n)}(?![\w-])", output)),
                   _describe(deps))
    code = re.search(r"npm ERR! code (\w+)", output)
    code = code.group(1) if code else ""
    if code in _NETWORK_CODES or any(c in output for c in _NETWORK_CODES):
        return (f"cannot install {culprit}: the npm registry could not be reached ({code or 'network error'}) "
                f"and it is not in the dependency cache")
    if code == "E404":
        return f"cannot install {culprit}: no such package in the npm registry"
    if code == "ETARGET":
        return f"cannot install {culprit}: no such version in the npm registry"
    last = [l for l in output.splitlines() if l.startswith("npm ERR!")][-1:] or output.strip().splitlines()[-1:]
    return f"cannot install {culprit}: npm failed ({code or 'error'}): {last[0] if last else ''}".rstrip()
