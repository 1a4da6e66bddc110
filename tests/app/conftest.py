"""GUI tests: pytest-qt widgets over a real core, with a qasync loop so the core's asyncio work runs
inside Qt's event loop exactly as in the app."""
from __future__ import annotations

import asyncio
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def aloop(qapp):
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


def wait_signal(loop, signal, action, timeout: float = 30.0):
    """Run `action()` and the event loop until `signal` fires; return what it carried."""
    future = loop.create_future()

    def done(*args):
        if not future.done():
            future.set_result(args[0] if len(args) == 1 else args)

    signal.connect(done)
    action()
    return loop.run_until_complete(asyncio.wait_for(future, timeout))
