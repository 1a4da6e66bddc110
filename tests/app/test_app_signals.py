"""The app quits cleanly on Ctrl+C (SIGINT) and SIGTERM, as on closing its window: it exits 0 and leaves
no Node host behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def _is_node(pid: int) -> bool:
    try:
        return "node" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
    except OSError:
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_the_app_quits_cleanly_on_a_signal(tmp_path, sig):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "app.main", "--workspace", str(tmp_path / "ws.sqlite")], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        hosts: list[int] = []
        while time.monotonic() < deadline and not hosts:
            hosts = [c for c in _children(proc.pid) if _is_node(c)]
            time.sleep(0.1)
        assert hosts, "the app never started its Node host"
        proc.send_signal(sig)
        assert proc.wait(30) == 0, proc.stderr.read().decode()[-2000:]
        time.sleep(0.2)
        assert not [h for h in hosts if Path(f"/proc/{h}").exists()
                    and "State:\tZ" not in Path(f"/proc/{h}/status").read_text()]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
