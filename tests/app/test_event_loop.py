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
