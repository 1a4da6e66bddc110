"""On Node 22 (the official binary from the npm registry, as `--node 22` gets it) a host runs under Node's
permission model: an action cannot read the emulator's environment, the workspace or any other file,
write a file, start a process or a worker, or signal the emulator, while its own dependencies still
load. On the bundled Node 18 an action still cannot signal another process through process.kill."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest

from emulator.runtime import ActionSource, DependencyCache, HostLimits, HostPool, build_event, run_chain
from emulator.runtime import official_node

PL = "post-login"

ATTACKS = """
const fs = require('fs');
const out = {};
const attempt = (name, fn) => { try { out[name] = String(fn()).slice(0, 60); } catch (e) { out[name] = e.code || e.message; } };
attempt('environ', () => fs.readFileSync('/proc/' + process.ppid + '/environ', 'utf8'));
attempt('workspace', () => fs.readFileSync(WORKSPACE, 'utf8'));
attempt('write', () => { fs.writeFileSync(WORKSPACE + '.by-action', 'x'); return 'written'; });
attempt('spawn', () => require('child_process').execFileSync('id').toString());
attempt('worker', () => new (require('worker_threads').Worker)('1', { eval: true }));
attempt('signal', () => process.kill(process.ppid, 0));
attempt('signal-raw', () => process._kill(process.ppid, 0));
console.log(JSON.stringify(out));
api.idToken.setCustomClaim('https://x/still', 'works');
"""


@pytest.fixture(scope="module")
def node22():
    return official_node.ensure("22")  # downloaded into the dependency cache once (about 30 MB)


@pytest.fixture(scope="module")
def deps(tmp_path_factory):
    cache = DependencyCache(tmp_path_factory.mktemp("npm"))
    asyncio.run(cache.ensure([("ms", "2.1.3")]))
    return cache


def _run(node, code: str, *, limits=None, deps=None, dependencies=()):
    async def go():
        pool = HostPool(node, limits)
        try:
            host = await pool.host("t")
            src = ActionSource("attacker", f"exports.onExecutePostLogin = async (event, api) => {{\n{code}\n}};",
                               "/actions/attacker.js", dependencies=list(dependencies))
            result = await run_chain(host, PL, [src], build_event(PL, None), dependency_cache=deps)
            return host, result.actions[0]
        finally:
            await pool.close()
    return asyncio.run(go())


def test_on_node_22_an_action_reaches_nothing_outside_itself(node22, tmp_path):
    workspace = tmp_path / "workspace.sqlite"
    workspace.write_text("SQLite format 3 ... secrets of every tenant")
    host, action = _run(node22, ATTACKS.replace("WORKSPACE", json.dumps(str(workspace))))
    assert host.node_version.startswith("v22.") and host.confined
    assert action.error is None, action.error
    assert json.loads(action.logs[-1]["message"]) == {name: "ERR_ACCESS_DENIED" for name in
                                                      ("environ", "workspace", "write", "spawn", "worker", "signal",
                                                       "signal-raw")}
    assert not (tmp_path / "workspace.sqlite.by-action").exists()
    assert action.commands == [{"name": "idToken.setCustomClaim", "args": ["https://x/still", "works"]}]


def test_on_node_22_an_action_still_loads_its_dependencies_and_reaches_the_network(node22, deps):
    host, action = _run(node22, """
      const ms = require('ms');
      console.log(ms('2h'), typeof fetch);
    """, limits=HostLimits(read_dirs=(str(deps.root),)), deps=deps, dependencies=[("ms", "2.1.3")])
    assert host.confined and action.error is None, action.error
    assert action.logs[0]["message"] == "7200000 function"


def test_on_the_bundled_node_process_kill_cannot_signal_the_emulator(tmp_path):
    host, action = _run(None, """
      const out = [];
      for (const fn of [() => process.kill(process.ppid, 'SIGKILL'), () => process._kill(process.ppid, 9),
                        () => process.kill(-process.ppid, 'SIGKILL')]) {
        try { fn(); out.push('sent'); } catch (e) { out.push(e.code); }
      }
      console.log(out.join(' '));
    """)
    assert not host.confined  # Node 18 has no permission model (README: what Node 18 cannot enforce)
    assert action.logs[0]["message"] == "ERR_ACCESS_DENIED ERR_ACCESS_DENIED ERR_ACCESS_DENIED"
    assert os.getpid()  # still here


def test_node_22_from_the_command_line(node22, tmp_path):
    action = tmp_path / "a.js"
    action.write_text("exports.onExecutePostLogin = async (event, api) => {"
                      " try { require('fs').readFileSync('/etc/hostname'); console.log('read'); }"
                      " catch (e) { console.log(e.code); } };")
    r = subprocess.run([sys.executable, "-m", "emulator.cli", "run-action", str(action), "--trigger", PL,
                        "--node", "22"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["node_version"].startswith("v22.") and out["actions"][0]["logs"][0]["message"] == "ERR_ACCESS_DENIED"
    bad = subprocess.run([sys.executable, "-m", "emulator.cli", "run-action", str(action), "--trigger", PL,
                          "--node", "3"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.splitlines()[-1] == (
        f"actions-emulator: error: --node 3: cannot install {official_node.package()}@3: no such version in the npm "
        f"registry")
    assert "Traceback" not in bad.stderr
