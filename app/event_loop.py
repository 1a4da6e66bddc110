"""The app's asyncio loop inside Qt's: qasync's QEventLoop, with the running loop kept set while qasync
pumps Qt's events one last time at the end of `run_until_complete`.

qasync 0.28 clears asyncio's running loop when `run_forever` returns and only then processes the
pending Qt events. A socket or timer callback dispatched there (a request reaching `serve`, a Node host
warming up) steps a coroutine with no running loop, and anything in it that asks for one
(`asyncio.create_subprocess_exec`, `get_running_loop`) raises "no running event loop". The app, its
screenshots and its tests all use `run_until_complete`, so the fix lives here once.
"""
from __future__ import annotations

import asyncio

import qasync


class EventLoop(qasync.QEventLoop):
    _finishing = False

    def run_forever(self):
        try:
            return super().run_forever()
        finally:
            if self._finishing:
                # run_until_complete is about to pump Qt's events once more: keep them on this loop.
                asyncio.events._set_running_loop(self)

    def run_until_complete(self, future):
        self._finishing = True
        try:
            return super().run_until_complete(future)
        finally:
            self._finishing = False
            asyncio.events._set_running_loop(None)
