"""The debugging host's inspector as outside clients see it: a small aiohttp server on the address the user
asked for (`--inspect [HOST:]PORT`), in front of Node's own inspector, which listens privately on
127.0.0.1 and a free port.

Each outside client (Chrome DevTools, VS Code, chrome-remote-interface, a script) gets its own session on
Node's inspector through here, so Node keeps each client's breakpoints apart as it always does; what the
proxy adds is knowing who is attached. Node resumes a paused program when its last debugger leaves; the
emulator's own session never leaves, so the session is told instead (`on_detached`) and resumes any pause
it did not set itself. On a port the user named, the proxy also answers Node's discovery endpoints
(/json, /json/list, /json/version), which chrome://inspect, VS Code's attach-by-port and
chrome-remote-interface read; /json/protocol always.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Callable

import aiohttp
from aiohttp import web

from .cdp import quick_ack

log = logging.getLogger(__name__)


class InspectorProxy:
    def __init__(self, upstream: str, *, title: str, node_version: str = "", discoverable: bool = False):
        self.upstream = upstream  # ws://127.0.0.1:PORT/<uuid>, Node's own inspector
        self.target_id = upstream.rsplit("/", 1)[-1]
        self.title = title
        self.node_version = node_version
        # /json names the target's secret path: only on a port the user named (chrome://inspect, VS Code's
        # attach by port). On a free port the printed URL is the only way in, so that no other local
        # process (an action scanning loopback among them) can find it.
        self.discoverable = discoverable
        self.url = ""
        self.clients = 0
        self.on_attached: list[Callable[[int], None]] = []  # told the number of clients after each arrival
        self.on_detached: list[Callable[[int], None]] = []  # ... and after each departure
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._open: set[web.WebSocketResponse] = set()
        self._protocol_json: bytes | None = None

    async def start(self, address: str, port: int) -> str:
        app = web.Application()
        if self.discoverable:
            app.router.add_get("/json", self._list)
            app.router.add_get("/json/list", self._list)
            app.router.add_get("/json/version", self._version)
        app.router.add_get("/json/protocol", self._protocol)
        app.router.add_get("/" + self.target_id, self._client)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, address, port)
        await site.start()
        bound = self._runner.addresses[0]
        host = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        self.url = f"ws://{host}:{bound[1]}/{self.target_id}"
        self._http = aiohttp.ClientSession()
        return self.url

    async def close(self) -> None:
        for ws in list(self._open):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    # ---- discovery -------------------------------------------------------------------------------
    def _target(self) -> dict:
        where = self.url.removeprefix("ws://")
        return {"description": "actions-emulator debugging host", "id": self.target_id, "title": self.title,
                "type": "node", "url": "file://",
                "devtoolsFrontendUrl": f"devtools://devtools/bundled/js_app.html?experiments=true&v8only=true&ws={where}",
                "devtoolsFrontendUrlCompat": f"devtools://devtools/bundled/inspector.html?experiments=true&v8only=true&ws={where}",
                "faviconUrl": "https://nodejs.org/static/images/favicons/favicon.ico",
                "webSocketDebuggerUrl": self.url}

    async def _list(self, request: web.Request) -> web.Response:
        return web.json_response([self._target()])

    async def _protocol(self, request: web.Request) -> web.Response:
        """The protocol's description, as Node's own inspector gives it (chrome-remote-interface reads it)."""
        if self._protocol_json is None:
            http_url = self.upstream.replace("ws://", "http://", 1).rsplit("/", 1)[0] + "/json/protocol"
            try:
                async with self._http.get(http_url) as reply:
                    reply.raise_for_status()
                    self._protocol_json = await reply.read()
            except (aiohttp.ClientError, OSError) as exc:
                return web.json_response({"error": f"the debugging host did not give its protocol: {exc}"},
                                         status=502)
        return web.Response(body=self._protocol_json, content_type="application/json")

    async def _version(self, request: web.Request) -> web.Response:
        return web.json_response({"Browser": f"node.js/{self.node_version}", "Protocol-Version": "1.1"})

    # ---- one client's session --------------------------------------------------------------------
    async def _client(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        try:
            upstream = await self._http.ws_connect(self.upstream, max_msg_size=0, autoping=True)
        except (aiohttp.ClientError, OSError) as exc:
            await ws.close(code=1011, message=f"the debugging host is gone: {exc}".encode()[:120])
            return ws
        self._open.add(ws)
        self.clients += 1
        for callback in list(self.on_attached):
            callback(self.clients)
        try:
            await _pump_both(ws, upstream)
        finally:
            self._open.discard(ws)
            self.clients -= 1
            await upstream.close()
            if not ws.closed:
                await ws.close()
            for callback in list(self.on_detached):
                try:
                    callback(self.clients)
                except Exception:  # a listener's bug must not keep the client's socket open
                    log.exception("inspector proxy: detach listener failed")
        return ws


async def _pump_both(client: web.WebSocketResponse, upstream: aiohttp.ClientWebSocketResponse) -> None:
    """Copy messages both ways until either side closes."""

    upstream_socket = upstream.get_extra_info("socket")

    async def pump(source, send) -> None:
        async for msg in source:
            if source is upstream:
                quick_ack(upstream_socket)  # see cdp.quick_ack: 40 ms a pause otherwise
            if msg.type == aiohttp.WSMsgType.TEXT:
                await send(msg.data)
            elif msg.type == aiohttp.WSMsgType.BINARY:
                await send(msg.data.decode("utf-8", errors="replace"))
            else:
                break

    tasks = [asyncio.ensure_future(pump(client, upstream.send_str)),
             asyncio.ensure_future(pump(upstream, client.send_str))]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
