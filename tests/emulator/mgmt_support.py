"""Helpers for the Management API tests: a tenant with a machine-to-machine application that has a
Management API grant, served over HTTPS (`serve --https --port 0`, as the README says) in its own
process; and the npm clients (node-auth0, the Deploy CLI) installed once into a cache and run on the
official Node 22 from the npm registry."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from .test_cli_workspace import cli, ok

CLIENTS = Path(__file__).parent.parent / "clients"
NPM_CACHE = Path(os.environ.get("ACTIONS_EMULATOR_TEST_CLIENTS", Path.home() / ".cache" / "actions-emulator-test-clients"))


def machine_client(ws: Path, tenant: str, name: str = "Backend", *, management: bool = True,
                   scopes: tuple[str, ...] = ()) -> dict:
    client = json.loads(ok(cli(ws, "clients", "create", name, "--tenant", tenant, "--type", "non_interactive",
                               "--grant-type", "client_credentials", "--json")))
    if management:
        ok(cli(ws, "client-grants", "create", "--tenant", tenant, "--client", name, "--audience", "management",
               *[a for s in scopes for a in ("--scope", s)]))
    return client


class Served:
    def __init__(self, ws: Path, tenant: str, https: bool = True):
        args = [sys.executable, "-m", "emulator.cli", "--workspace", str(ws), "serve", "--tenant", tenant, "--port", "0"]
        self.proc = subprocess.Popen(args + (["--https"] if https else []), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"issuer (https?://localhost:(\d+)/)", line)
        assert m, line + self.proc.stderr.read()
        self.url, self.port = m.group(1), int(m.group(2))
        self.domain = f"localhost:{self.port}"
        self.ca = None
        if https:
            tls = re.search(r"trust the CA (\S+) ", self.proc.stdout.readline())
            assert tls
            self.ca = tls.group(1)

    def stop(self) -> None:
        self.proc.terminate()
        assert self.proc.wait(10) == 0


def node22() -> str:
    from emulator.runtime import official_node
    from emulator.runtime.deps import DependencyCache

    return str(official_node.ensure("22", DependencyCache.default()))


def npm_package(name: str, version: str) -> Path:
    """node_modules holding `name@version` (installed with the bundled npm on first use, then reused)."""
    from emulator.runtime.deps import DependencyCache

    return DependencyCache(NPM_CACHE).ensure_sync([(name, version)]) / "node_modules"


def run_node(script: Path | str, modules: Path, env: dict, *args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run([node22(), str(script), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "NODE_PATH": str(modules), **env})
