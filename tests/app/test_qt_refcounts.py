"""Guards the Qt binding itself: PySide6 6.12.0 dropped a reference to `True` on every `Signal.emit()`
called from Python, so after some thousands of emissions (a batch of runs) the interpreter aborted with
"deallocating True or False". pyproject.toml excludes it; this fails loudly if a version with the same
fault comes back."""
from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(object)


def test_emitting_signals_keeps_reference_counts(qapp):
    emitter, seen = _Emitter(), []
    emitter.fired.connect(seen.append)
    before = [sys.getrefcount(v) for v in (None, True, False)]
    for i in range(500):
        emitter.fired.emit(i)
    after = [sys.getrefcount(v) for v in (None, True, False)]
    assert len(seen) == 500
    assert [a - b for a, b in zip(after, before)] == [0, 0, 0]
