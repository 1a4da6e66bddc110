"""A Chrome DevTools Protocol client on asyncio, over the `websockets` library (no hand-written framing).

One connection to one inspector target: `call()` sends a command and awaits its reply; events go to the
handlers registered with `on()`, in the order they arrive, on the reader task. Handlers are plain
functions: one that needs to call back into the inspector starts a task (the reader must keep reading
for that call's reply to arrive).
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import socket
from typing import Any, Callable

import orjson
import websockets

log = logging.getLogger(__name__)


def quick_ack(sock) -> None:
    """Acknowledge what came in at once (Linux's TCP_QUICKACK, which lapses, so after every read). Node's
    inspector writes a reply and the event after it (Debugger.paused) as two small packets: without
    this, the second waits for our delayed ACK, some 40 ms per pause and per step."""
    if sock is not None and hasattr(socket, "TCP_QUICKACK"):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        except OSError:
            pass


class CDPError(Exception):
    """A command the inspector answered with an error."""


class CDPClient:
    def __init__(self) -> None:
        self._ws = None
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future] = {}
        self._handlers: dict[str, list[Callable[[dict], Any]]] = {}
        self._reader: asyncio.Task | None = None
        self.closed = asyncio.Event()

    async def connect(self, url: str) -> None:
        # Inspector messages (a large scope's properties) can be big; the inspector is on 127.0.0.1.
        self._ws = await websockets.connect(url, max_size=None, ping_interval=None, open_timeout=10)
        self._reader = asyncio.ensure_future(self._read())

    def on(self, event: str, handler: Callable[[dict], Any]) -> None:
        self._handlers.setdefault(event, []).append(handler)

    async def call(self, method: str, params: dict | None = None) -> dict:
        if self._ws is None or self.closed.is_set():
            raise CDPError(f"{method}: the debugger connection is closed")
        cid = next(self._ids)
        fut = asyncio.get_running_loop().create_future()
        self._waiting[cid] = fut
        try:
            await self._ws.send(orjson.dumps({"id": cid, "method": method, "params": params or {}}).decode())
            return await fut
        finally:
            self._waiting.pop(cid, None)

    def _quick_ack(self) -> None:
        quick_ack(self._ws.transport.get_extra_info("socket") if self._ws is not None else None)

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                self._quick_ack()
                msg = orjson.loads(raw)
                if "id" in msg:
                    fut = self._waiting.get(msg["id"])
                    if fut and not fut.done():
                        if "error" in msg:
                            fut.set_exception(CDPError(msg["error"].get("message", str(msg["error"]))))
                        else:
                            fut.set_result(msg.get("result", {}))
                    continue
                for handler in self._handlers.get(msg.get("method", ""), []):
                    try:
                        handler(msg.get("params", {}))
                    except Exception:  # a handler's bug must not stop the reader
                        log.exception("debugger event handler for %s failed", msg.get("method"))
        except (websockets.ConnectionClosed, OSError):
            pass
        finally:
            self.closed.set()
            for fut in self._waiting.values():
                if not fut.done():
                    fut.set_exception(CDPError("the debugger connection closed"))

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
