"""The `actions-emulator` entry point starts a one-shot run's Node host before importing the CLI (so
Node's start-up and Python's imports overlap): the run is the same, and a host nobody adopted (bad input)
is gone when the command ends."""
from __future__ import annotations

import json
import subprocess
import sys

ENTRY = "import sys; from emulator.cli_entry import main; sys.argv[0] = 'actions-emulator'; sys.exit(main())"


def _left_behind(session: int) -> list[int]:
    """Node hosts still alive from the command run in `session` (it was started in a session of its own, which
    its hosts keep even after they are orphaned): only this test's, whatever else runs on the machine."""
    from pathlib import Path

    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if b"harness/host.js" not in (proc / "cmdline").read_bytes():
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == session:  # state, ppid, pgrp, session
            found.append(int(proc.name))
    return found


def _run(argv: list[str]) -> subprocess.CompletedProcess:
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    out, err = proc.communicate(timeout=60)
    result = subprocess.CompletedProcess(argv, proc.returncode, out, err)
    result.session = proc.pid  # type: ignore[attr-defined]
    return result


def _entry(*args):
    return _run([sys.executable, "-c", ENTRY, *args])


def test_a_one_shot_run_through_the_entry_point_is_the_same_run(tmp_path):
    action = tmp_path / "claims.js"
    action.write_text("exports.onExecutePostLogin = async (event, api) => {"
                      " api.idToken.setCustomClaim('https://x/who', event.user.email); console.log('hi'); };")
    fast = _entry("run-action", str(action), "--trigger", "post-login")
    plain = _run([sys.executable, "-m", "emulator.cli", "run-action", str(action), "--trigger", "post-login"])
    assert fast.returncode == plain.returncode == 0, fast.stderr
    a, b = json.loads(fast.stdout), json.loads(plain.stdout)
    def strip(out):  # what differs between two runs: durations and the times logs were written
        return [{**{k: v for k, v in x.items() if k != "timings"},
                 "logs": [{k: v for k, v in line.items() if k != "time"} for line in x["logs"]]}
                for x in out["actions"]]

    assert strip(a) == strip(b) and a["outcome"] == b["outcome"] and set(a) == set(b)
    assert _left_behind(fast.session) == [] and _left_behind(plain.session) == []


def test_a_host_started_ahead_for_bad_input_is_ended(tmp_path):
    r = _entry("run-action", str(tmp_path / "missing.js"), "--trigger", "post-login")
    assert r.returncode == 2 and r.stderr.strip().endswith("missing.js: no such file")
    assert _left_behind(r.session) == []


def test_a_one_shot_run_of_files_loads_no_workspace_code(tmp_path):
    """A run of files needs no workspace: the store (and sqlite_utils, the slowest import) stays unloaded."""
    action = tmp_path / "a.js"
    action.write_text("exports.onExecutePostLogin = async () => {};")
    code = ("import runpy, sys; sys.argv = ['actions-emulator', 'run-action', sys.argv[1], '--trigger', 'post-login']\n"
            "try:\n    runpy.run_module('emulator.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('LOADED' if 'sqlite_utils' in sys.modules else 'NOT LOADED', file=sys.stderr)")
    p = subprocess.run([sys.executable, "-c", code, str(action)], capture_output=True, text=True, timeout=60)
    assert p.stderr.strip().splitlines()[-1] == "NOT LOADED", p.stderr
