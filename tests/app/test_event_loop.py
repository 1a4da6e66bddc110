"""The GUI tests' event loop: asyncio work started by a fixture and stepped by pytest-qt's pumping of
Qt events between test phases still sees its running loop (a host started then failed with "no running
event loop" now and then, in tests/app/test_browser_login.py)."""
import asyncio

import pytest


@pytest.fixture
def pending(aloop):
    seen = []

    async def steps():
        for _ in range(20):
            seen.append(asyncio._get_running_loop())
            await asyncio.sleep(0)
        return seen

    return aloop.create_task(steps())


def test_a_task_a_fixture_started_always_has_its_running_loop(pending, aloop):
    seen = aloop.run_until_complete(pending)
    assert seen == [aloop] * len(seen)


def test_qt_events_pumped_after_the_future_finished_see_the_running_loop(aloop):
    """qasync pumps Qt's events once more after run_forever returns (app.event_loop keeps the running
    loop set there): a request reaching `serve` at that moment failed with "no running event loop"."""
    from PySide6.QtCore import QTimer

    seen = []

    def late():
        seen.append(asyncio._get_running_loop())

    async def finish():
        # This done-callback runs after run_until_complete's own, which has told Qt to exit: the timer
        # it starts fires in qasync's last pump, outside run_forever.
        asyncio.current_task().add_done_callback(lambda _: QTimer.singleShot(0, late))

    aloop.run_until_complete(finish())
    assert seen == [aloop]
    assert asyncio._get_running_loop() is None  # and none leaks out of run_until_complete
