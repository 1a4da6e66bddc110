"""The `actions-emulator` entry point starts a one-shot run's Node host before importing the CLI (so
Node's start-up and Python's imports overlap): the run is the same, and a host nobody adopted (bad input)
is gone when the command ends."""
from __future__ import annotations

import json
import subprocess
import sys

ENTRY = "import sys; from emulator.cli_entry import main; sys.argv[0] = 'actions-emulator'; sys.exit(main())"


def _hosts() -> set[str]:
    out = subprocess.run(["pgrep", "-f", "harness/host.js"], capture_output=True, text=True).stdout
    return set(out.split())


def _entry(*args):
    return subprocess.run([sys.executable, "-c", ENTRY, *args], capture_output=True, text=True, timeout=60)


def test_a_one_shot_run_through_the_entry_point_is_the_same_run(tmp_path):
    action = tmp_path / "claims.js"
    action.write_text("exports.onExecutePostLogin = async (event, api) => {"
                      " api.idToken.setCustomClaim('https://x/who', event.user.email); console.log('hi'); };")
    before = _hosts()
    fast = _entry("run-action", str(action), "--trigger", "post-login")
    plain = subprocess.run([sys.executable, "-m", "emulator.cli", "run-action", str(action), "--trigger",
                            "post-login"], capture_output=True, text=True, timeout=60)
    assert fast.returncode == plain.returncode == 0, fast.stderr
    a, b = json.loads(fast.stdout), json.loads(plain.stdout)
    def strip(out):  # what differs between two runs: durations and the times logs were written
        return [{**{k: v for k, v in x.items() if k != "timings"},
                 "logs": [{k: v for k, v in line.items() if k != "time"} for line in x["logs"]]}
                for x in out["actions"]]

    assert strip(a) == strip(b) and a["outcome"] == b["outcome"] and set(a) == set(b)
    assert _hosts() <= before


def test_a_host_started_ahead_for_bad_input_is_ended(tmp_path):
    before = _hosts()
    r = _entry("run-action", str(tmp_path / "missing.js"), "--trigger", "post-login")
    assert r.returncode == 2 and r.stderr.strip().endswith("missing.js: no such file")
    assert _hosts() <= before


def test_a_one_shot_run_of_files_loads_no_workspace_code(tmp_path):
    """A run of files needs no workspace: the store (and sqlite_utils, the slowest import) stays unloaded."""
    action = tmp_path / "a.js"
    action.write_text("exports.onExecutePostLogin = async () => {};")
    code = ("import runpy, sys; sys.argv = ['actions-emulator', 'run-action', sys.argv[1], '--trigger', 'post-login']\n"
            "try:\n    runpy.run_module('emulator.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('LOADED' if 'sqlite_utils' in sys.modules else 'NOT LOADED', file=sys.stderr)")
    p = subprocess.run([sys.executable, "-c", code, str(action)], capture_output=True, text=True, timeout=60)
    assert p.stderr.strip().splitlines()[-1] == "NOT LOADED", p.stderr
