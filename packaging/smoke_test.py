"""Smoke-test a built app: the frozen binary imports the bundled sample tenant and runs a login flow
headlessly (its `cli`), then the desktop app starts offscreen on a fresh workspace (which loads the
sample tenant) and quits. Prints the build's size and cold starts next to running from source.

    python packaging/smoke_test.py packaging/dist/actions-emulator/actions-emulator
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    out = run(cmd, env=env)
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return time.perf_counter() - t0


def main(binary: str) -> int:
    exe = Path(binary).resolve()
    bundle = exe.parent
    sample = bundle / "_internal" / "fixtures" / "sample-tenant"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ACTIONS_EMULATOR_BCRYPT_ROUNDS": "4"}
    with tempfile.TemporaryDirectory() as tmp:
        ws = str(Path(tmp) / "ws.sqlite")
        out = run([str(exe), "cli", "--workspace", ws, "import", str(sample), "--tenant", "sample",
                   "--keywords", str(sample / "keywords.json")], env=env)
        assert out.returncode == 0, out.stderr
        out = run([str(exe), "cli", "--workspace", ws, "flow", "login", "--tenant", "sample", "--email",
                   "jane.doe@example.com", "--password", "Correct-Horse-9", "--auto"], env=env)
        result = json.loads(out.stdout)
        assert result["status"] == "success" and result["tokens"]["signature_verified"], out.stdout[-2000:]
        print("frozen CLI: login flow with SMS MFA and verified tokens: ok")

        gui_ws = str(Path(tmp) / "gui.sqlite")
        gui_env = {**env, "ACTIONS_EMULATOR_QUIT_AFTER_START": "1", "HOME": tmp, "XDG_CONFIG_HOME": tmp}
        frozen_gui = timed([str(exe), "--workspace", gui_ws], gui_env)
        tenants = json.loads(run([str(exe), "cli", "--workspace", gui_ws, "tenants", "list", "--json"], env=env).stdout)
        assert [t["name"] for t in tenants] == ["sample"], tenants
        print("frozen app: started offscreen, loaded the sample tenant, quit: ok")
        source_gui = timed([sys.executable, "-m", "app.main", "--workspace", str(Path(tmp) / "src.sqlite")],
                           {**gui_env, "PYTHONPATH": str(ROOT)})
        frozen_cli = timed([str(exe), "cli", "triggers", "--json"], env)
        source_cli = timed([sys.executable, "-m", "emulator.cli", "triggers", "--json"], {**env, "PYTHONPATH": str(ROOT)})
    size = sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file()) / 1024 / 1024
    print(f"build size: {size:.0f} MB in {bundle}")
    print(f"cold start to a warm window (first start, sample import): frozen {frozen_gui:.2f} s, source {source_gui:.2f} s")
    print(f"CLI `triggers --json`: frozen {frozen_cli:.2f} s, source {source_cli:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "packaging" / "dist" / "actions-emulator"
                                                                / "actions-emulator")))
