"""emulator/ never imports Qt, qasync or app/ (design §1): checked by importing every module of the core
in a fresh interpreter."""
from __future__ import annotations

import subprocess
import sys

CHECK = """
import importlib, pkgutil, sys
import emulator
for m in pkgutil.walk_packages(emulator.__path__, 'emulator.'):
    if not m.name.endswith('__main__'):  # running it would start the CLI
        importlib.import_module(m.name)
bad = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'qasync', 'app', 'shiboken6'))
print(','.join(bad))
"""


def test_core_imports_no_gui():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
