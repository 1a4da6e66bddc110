"""One tenant's long-lived Node host process, driven from asyncio (design §3).

Requests go to the host's stdin; replies come back on a separate pipe that user code is never handed,
so nothing an action prints can corrupt the protocol. The host keeps compiled actions warm between
invocations. This class also owns the faults the host cannot report itself:

- a request with no reply by its deadline plus a grace period gets the host killed and the request
  answered with `action_timeout` (an action's synchronous loop ends its isolate only, in the host: this
  is for a host that is itself lost, or a debugging host, where actions run in the host's own thread);
- a host whose resident memory passes the cap is killed (`platform_error`, memory);
- a host that dies (process.exit, V8 out of memory, a crash) answers every request in flight with
  `platform_error` saying why.

After any of these the host is restarted at once in the background, so the next invocation finds a warm
process. Requests that were in flight on the same host but did nothing wrong are told so in their error.
"""
from __future__ import annotations

import asyncio
import collections
import hashlib
import hmac
import itertools
import logging
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .. import prespawn, triggers
from . import sandbox

log = logging.getLogger(__name__)

PROTOCOL = 1
HARNESS = prespawn.HARNESS
READ_LIMIT = 256 * 1024 * 1024  # one reply line may carry large events and 256 KB of logs per action


_die_with_parent = prespawn.die_with_parent


class _Adopted:
    """A host process started ahead by `prespawn`, seen the way NodeHost sees an asyncio subprocess."""

    def __init__(self, popen, stdin, stdout: asyncio.StreamReader, stderr: asyncio.StreamReader):
        self._popen, self.stdin, self.stdout, self.stderr = popen, stdin, stdout, stderr
        self.pid = popen.pid

    @property
    def returncode(self) -> int | None:
        return self._popen.poll()

    def kill(self) -> None:
        self._popen.kill()

    async def wait(self) -> int:
        return await asyncio.get_running_loop().run_in_executor(None, self._popen.wait)

    @classmethod
    async def adopt(cls, popen) -> "_Adopted":
        loop = asyncio.get_running_loop()

        async def reader(pipe) -> asyncio.StreamReader:
            stream = asyncio.StreamReader(limit=READ_LIMIT)
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream), pipe)
            return stream

        stdin, _ = await loop.connect_write_pipe(asyncio.Protocol, popen.stdin)
        return cls(popen, stdin, await reader(popen.stdout), await reader(popen.stderr))


@dataclass
class HostLimits:
    heap_mb: int = 256  # V8 old-space cap (Auth0 does not document its own)
    rss_mb: int = 768  # resident memory cap, catches Buffers that live outside the V8 heap
    grace_s: float = 0.5  # how long past a deadline we wait for the host before killing it
    # How long past its deadline an isolate may stay silent before the host terminates it (a synchronous
    # loop); Python's own wait (grace_s) comes on top, for a host that is itself lost.
    isolate_grace_s: float = 0.25
    max_isolates: int = 16  # warm isolates (action versions) per host; the least recently used go first
    read_dirs: tuple[str, ...] = ()  # more folders a confined host may read (another dependency cache)


# Lines Node itself prints when its inspector opens or a client comes and goes: not an action's output.
INSPECTOR_NOISE = ("Debugger listening on ", "For help, see: https://nodejs.org/en/docs/inspector",
                   "Debugger attached.", "Waiting for the debugger to disconnect...", "Debugger ending on ",
                   "Starting inspector on ")
# What Node says once per thread when the permission model lets the host start worker threads (its
# isolates): the host's, not an action's.
WORKER_NOISE = ("SecurityWarning: The flag --allow-worker", "(Use `node --trace-warnings ...`")


LATE_OUTPUT = "[late output of action "
IGNORED_CALL = "[ignored api call] "  # "<prefix><run id> <action>: <message>" (harness/host.js)


@dataclass
class _Pending:
    future: asyncio.Future
    actions: list[dict] = field(default_factory=list)
    stray: list[dict] = field(default_factory=list)
    ignored: list[tuple[str, dict]] = field(default_factory=list)  # (action, log entry): api calls after it ended
    notes: list[str] = field(default_factory=list)
    timer: asyncio.TimerHandle | None = None
    budget_s: float = 0.0  # a debug run's running time left; its clock stops while the debugger pauses
    armed_at: float | None = None
    # A debug run: when each of its actions ended, and the debugger's pauses ([start, end]), so that each
    # action's paused time is told apart from its own (Timings).
    started: float = 0.0
    ends: list[float] = field(default_factory=list)
    pauses: list[list] = field(default_factory=list)

    def paused_ms(self) -> list[float]:
        """Each action's paused time, by the pauses that fell between its start and its end."""
        out, start = [], self.started
        for end in self.ends:
            total = 0.0
            for p_start, p_end in self.pauses:
                p_end = p_end if p_end is not None else end
                total += max(0.0, min(end, p_end) - max(start, p_start))
            out.append(round(total * 1000, 3))
            start = end
        return out


class HostCrashed(Exception):
    """The host ended while a request was in flight; `error_class` and message say how."""

    def __init__(self, error_class: str, message: str, actions: list[dict], stray: list[dict]):
        super().__init__(message)
        self.error_class = error_class
        self.actions = actions
        self.stray = stray


class NodeHost:
    """A Node process running harness/host.js for one tenant. Start with `await start()`."""

    def __init__(self, tenant: str, node: Path, limits: HostLimits | None = None, *, debug: bool = False):
        self.tenant = tenant
        self.on_entry = None  # a debugging host: async callable(run id) when a run waits at its handler's call
        self.node = node
        self.limits = limits or HostLimits()
        # A debugging host opens the inspector and leaves run deadlines to Python, whose clock stops
        # while the debugger holds the host paused (pause_clock / resume_clock).
        self.debug = debug
        self.confined = False  # started under Node's permission model (sandbox.py)
        self.forged = 0  # reply lines rejected for a bad signature
        self._key = b""
        self._clock_paused = False
        self._retire = False
        self.node_version: str | None = None
        self.cold_start_ms: float | None = None
        self.restarts = 0
        self.host_output: collections.deque[str] = collections.deque(maxlen=200)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._proc: asyncio.subprocess.Process | None = None
        self._kill_reason: tuple[str, str, int | None] | None = None
        self._starting: asyncio.Task | None = None
        self._tasks: list[asyncio.Task] = []
        self._closed = False
        self._out_of_memory = False

    # ---- lifecycle -------------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.returncode is None

    async def start(self) -> None:
        if self.alive:
            return
        if self._starting is None or self._starting.done():
            self._starting = asyncio.ensure_future(self._spawn())
        await asyncio.shield(self._starting)

    async def _spawn(self) -> None:
        t0 = time.perf_counter()
        ahead = prespawn.take(str(self.node), self.limits.heap_mb) if self.restarts == 0 else None
        if ahead is not None:  # started while Python was still importing (a one-shot CLI run)
            self._key, read_fd = ahead.key, ahead.reply_fd
            self.confined = ahead.confined
            proc = await _Adopted.adopt(ahead.popen)
        else:
            proc, read_fd = await self._start_process()
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=READ_LIMIT)
        transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader),
                                                    os.fdopen(read_fd, "rb", buffering=0))
        self._proc = proc
        self._kill_reason = None
        self._out_of_memory = False
        ready = loop.create_future()
        output = [asyncio.ensure_future(self._read_output(proc.stdout, "stdout")),
                  asyncio.ensure_future(self._read_output(proc.stderr, "stderr"))]
        self._tasks = [*output, asyncio.ensure_future(self._read_replies(proc, reader, transport, ready, output)),
                       asyncio.ensure_future(self._watch_memory(proc))]
        self._write({"type": "configure", "id": 0,
                     "triggers": [t.to_harness() for t in triggers.all_triggers()],
                     "isolates": {"grace_ms": int(self.limits.isolate_grace_s * 1000), "heap_mb": self.limits.heap_mb,
                                  "max_isolates": self.limits.max_isolates}})
        msg = await ready
        self.node_version = msg["node"]
        self.cold_start_ms = (time.perf_counter() - t0) * 1000

    async def _start_process(self):
        """The host process and the read end of its reply pipe (prespawn.start does the same ahead of time
        for a one-shot CLI run)."""
        # On Node 20 and newer the host is confined by Node's permission model (sandbox.py).
        confine = await sandbox.flags(str(self.node), self.limits.read_dirs, debug=self.debug)
        self.confined = bool(confine)
        # A debugging host's inspector answers http on its private port so that the emulator's proxy
        # (debug/proxy.py), where outside clients attach, can pass on /json/protocol.
        publish = ["--inspect-publish-uid=stderr,http"] if self.debug else []
        how = prespawn.launch(str(self.node), self.limits.heap_mb, [*publish, *confine])
        self._key = how.key
        try:
            proc = await asyncio.create_subprocess_exec(
                *how.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, pass_fds=how.pass_fds, env=prespawn.HOST_ENV, limit=READ_LIMIT,
                preexec_fn=_die_with_parent,
                # Its own process group: whatever an action starts is ended with the host.
                process_group=0,
            )
        finally:
            how.close_child_ends()
        return proc, how.reply_fd

    def _kill_group(self, proc) -> None:
        """Kill the host and every process an action started in its group."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if proc.returncode is None:
            proc.kill()

    async def close(self) -> None:
        self._closed = True
        if self._starting and not self._starting.done():
            self._starting.cancel()
        if self._proc is not None:
            self._kill_group(self._proc)
            await self._proc.wait()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # ---- requests --------------------------------------------------------------------------------
    async def run(self, request: dict[str, Any]) -> tuple[list[dict], dict]:
        """Send a `run` request; return (action results, final message). Raises HostCrashed."""
        await self.start()
        rid = next(self._ids)
        loop = asyncio.get_running_loop()
        pending = _Pending(loop.create_future())
        self._pending[rid] = pending
        if self.debug:
            pending.started = time.monotonic()
            pending.budget_s = request["deadline_ms"] / 1000
            if not self._clock_paused:
                self._arm(rid, pending)
        else:
            # The host ends a spinning isolate itself (isolate_grace_s), and an isolate's start-up is not
            # counted in the deadline; this is for a host that is itself lost.
            allowed = (request["deadline_ms"] / 1000 + self.limits.isolate_grace_s + 4 * self.limits.grace_s
                       + 0.25 * len(request.get("actions", ())))
            pending.timer = loop.call_later(allowed, self._overrun, rid)
        try:
            self._write({**request, "type": "run", "id": rid, "debug": self.debug})
            final = await pending.future
            if final.get("last"):
                pending.actions.append(final["last"])
                pending.ends.append(time.monotonic())
            if self.debug:
                for action, paused in zip(pending.actions, pending.paused_ms()):
                    action["timings"] = {**(action.get("timings") or {}), "debug": True, "paused_ms": paused}
        finally:
            if pending.timer:
                pending.timer.cancel()
            self._pending.pop(rid, None)
        if final.get("retire"):
            self._retire_now()
        return pending.actions, {**final, "stray": pending.stray, "ignored": pending.ignored}

    # ---- a debug run's clock: running time only ----------------------------------------------------
    def _arm(self, rid: int, pending: _Pending) -> None:
        pending.armed_at = time.monotonic()
        pending.timer = asyncio.get_running_loop().call_later(max(0.0, pending.budget_s), self._expire, rid)

    def _expire(self, rid: int) -> None:
        pending = self._pending.get(rid)
        if pending is None:
            return
        pending.budget_s, pending.armed_at = 0.0, None
        self._write({"type": "expire", "run": rid})
        # The harness answers at once unless it is stuck in a synchronous loop.
        pending.timer = asyncio.get_running_loop().call_later(self.limits.grace_s, self._overrun, rid)

    def pause_clock(self) -> None:
        """The debugger paused the host: stop every run's deadline clock (and never kill it meanwhile)."""
        if self._clock_paused:
            return
        self._clock_paused = True
        now = time.monotonic()
        for pending in self._pending.values():
            pending.pauses.append([now, None])
            if pending.timer:
                pending.timer.cancel()
                pending.timer = None
            if pending.armed_at is not None:
                pending.budget_s -= now - pending.armed_at
                pending.armed_at = None

    def resume_clock(self) -> None:
        if not self._clock_paused:
            return
        self._clock_paused = False
        now = time.monotonic()
        for rid, pending in self._pending.items():
            if pending.pauses and pending.pauses[-1][1] is None:
                pending.pauses[-1][1] = now
            if pending.timer is None and pending.budget_s > 0 and self.debug:
                self._arm(rid, pending)
            elif pending.timer is None and self.debug:
                self._expire(rid)

    def entry_set(self, run_id: int) -> None:
        """Let a debug run waiting at its handler's call go on (the entry breakpoint is set, or not)."""
        self._write({"type": "entry_set", "run": run_id})

    @property
    def busy(self) -> bool:
        """Whether a run (or a request) is in progress on this host."""
        return bool(self._pending)

    def stop_run(self, error_class: str, message: str) -> None:
        """End whatever runs on this host now (a debugger's Stop): each fails with `error_class`. The host
        is not restarted; a new one is made for the next session."""
        self._closed = True
        self._kill(error_class, message, None)

    def _retire_now(self) -> None:
        """An action changed the shared realm in a way that cannot be undone: replace the host."""
        if self.alive and not self._pending:
            self._kill("platform_error", "The host was replaced after an action froze Node's built-ins.", None)

    async def ping(self) -> None:
        await self.request({"type": "ping"})

    async def request(self, msg: dict) -> dict:
        """A quick request with no deadline of its own (ping, preview)."""
        await self.start()
        rid = next(self._ids)
        pending = _Pending(asyncio.get_running_loop().create_future())
        self._pending[rid] = pending
        self._write({**msg, "id": rid})
        try:
            return await pending.future
        finally:
            self._pending.pop(rid, None)

    def _write(self, msg: dict) -> None:
        assert self._proc and self._proc.stdin
        self._proc.stdin.write(orjson.dumps({"v": PROTOCOL, **msg}) + b"\n")

    def _verify(self, line: bytes) -> bytes | None:
        """The JSON of a signed reply line, or None when the signature is missing or wrong."""
        body, tab, mac = line.rstrip(b"\n").rpartition(b"\t")
        if not tab:
            return None
        expected = hmac.new(self._key, body, hashlib.sha256).hexdigest().encode()
        return body if hmac.compare_digest(expected, mac) else None

    def _forgery(self, line: bytes) -> None:
        self.forged += 1
        log.warning("tenant %s: unsigned reply rejected: %.200r", self.tenant, line)
        if self._pending:
            oldest = self._pending[min(self._pending)]
            oldest.stray.append({"level": "error", "time": int(time.time() * 1000),
                                 "message": "A reply that the harness did not sign was rejected: action code "
                                            f"wrote to the emulator's protocol channel ({line[:120]!r})."})

    # ---- reading ---------------------------------------------------------------------------------
    async def _read_replies(self, proc, reader: asyncio.StreamReader, transport, ready: asyncio.Future,
                            output: list[asyncio.Task]) -> None:
        try:
            while line := await reader.readline():
                body = self._verify(line)
                if body is None:
                    self._forgery(line)
                    continue
                try:
                    msg = orjson.loads(body)
                except orjson.JSONDecodeError:
                    log.warning("tenant %s: unreadable line from host: %.200r", self.tenant, line)
                    continue
                self._dispatch(msg, ready)
        finally:
            transport.close()
            code = await proc.wait()
            # Read the host's last words (V8's out-of-memory report) before deciding why it ended.
            await asyncio.wait(output, timeout=1.0)
            if not ready.done():
                ready.set_exception(RuntimeError(f"Node host failed to start (exit {code}): "
                                                 + " | ".join(list(self.host_output)[-5:])))
            self._on_exit(proc, code)

    def _dispatch(self, msg: dict, ready: asyncio.Future) -> None:
        kind, rid = msg.get("type"), msg.get("id")
        if kind == "ready":
            if not ready.done():
                ready.set_result(msg)
            return
        if kind == "entry":  # a debug run is about to call its handler, and waits (--inspect-brk)
            if self.on_entry is not None:
                asyncio.ensure_future(self.on_entry(msg["run"]))
            else:
                self.entry_set(msg["run"])
            return
        pending = self._pending.get(rid)
        if kind == "note":
            if pending:
                pending.notes.append(msg.get("message", ""))
            return
        if pending is None:
            log.debug("tenant %s: reply for unknown request %r skipped", self.tenant, rid)
            return
        if kind == "action":
            pending.actions.append(msg["result"])
            pending.ends.append(time.monotonic())
        elif kind in ("result", "pong", "event", "checked", "inspecting"):
            if not pending.future.done():
                pending.future.set_result(msg)
        elif kind == "error":
            if not pending.future.done():
                pending.future.set_exception(RuntimeError(f"Node host error: {msg.get('message')}"))
        else:
            log.warning("tenant %s: unknown message type %r skipped", self.tenant, kind)

    async def _read_output(self, stream: asyncio.StreamReader, name: str) -> None:
        """Output that escaped the per-invocation capture (direct fd writes, host diagnostics)."""
        while line := await stream.readline():
            text = line.decode("utf-8", "replace").rstrip("\n")
            if text.startswith(INSPECTOR_NOISE) or (text.startswith("(node:") and WORKER_NOISE[0] in text) \
                    or text.startswith(WORKER_NOISE[1]):
                continue
            self.host_output.append(text)
            if text.startswith(LATE_OUTPUT):
                continue  # a finished action's timer: kept as host output, never another action's
            if text.startswith(IGNORED_CALL):
                self._ignored_call(text[len(IGNORED_CALL):])
                continue
            if "heap out of memory" in text or "Reached heap limit" in text:
                self._out_of_memory = True
            if self._pending:
                oldest = self._pending[min(self._pending)]
                oldest.stray.append({"level": name, "time": int(time.time() * 1000), "message": text})

    def _ignored_call(self, text: str) -> None:
        """An action's api call after it ended: shown with its own run while that run is going."""
        rid, _, rest = text.partition(" ")
        action, _, message = rest.partition(": ")
        pending = self._pending.get(int(rid)) if rid.isdigit() else None
        if pending is not None:
            pending.ignored.append((action, {"level": "warn", "time": int(time.time() * 1000), "message": message}))

    async def _watch_memory(self, proc) -> None:
        status = Path(f"/proc/{proc.pid}/status")
        if not status.exists():
            return  # not Linux: the V8 heap cap still applies
        while proc.returncode is None:
            await asyncio.sleep(0.05 if self._pending else 0.5)
            try:
                rss_kb = next(int(l.split()[1]) for l in status.read_text().splitlines() if l.startswith("VmRSS:"))
            except (OSError, StopIteration, ValueError):
                return
            if rss_kb > self.limits.rss_mb * 1024:
                self._kill("platform_error", f"The action exceeded the memory limit ({self.limits.rss_mb} MB "
                                             f"resident); the Node host was restarted.", None)

    # ---- faults ----------------------------------------------------------------------------------
    def _overrun(self, rid: int) -> None:
        if rid in self._pending:
            self._kill("action_timeout", "Execution of the action exceeded its deadline and did not yield "
                                         "(a synchronous loop?); the Node host was restarted.", rid)

    def _kill(self, error_class: str, message: str, culprit: int | None) -> None:
        if self.alive and self._kill_reason is None:
            self._kill_reason = (error_class, message, culprit)
            self._kill_group(self._proc)

    def _on_exit(self, proc, code: int) -> None:
        if proc is not self._proc:
            return
        # Whatever an action started (children that inherited the host's pipes) ends with the host.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        reason = self._kill_reason
        for rid, pending in list(self._pending.items()):
            if pending.future.done():
                continue
            if reason and (reason[2] is None or reason[2] == rid):
                error_class, message = reason[0], reason[1]
            elif reason:
                error_class, message = "platform_error", ("Another invocation on this tenant's Node host "
                                                          "overran its deadline; the host was restarted.")
            elif pending.notes:
                error_class = "platform_error"
                message = f"The action ended the Node process: {pending.notes[-1]}; the host was restarted."
            elif self._out_of_memory:
                error_class = "platform_error"
                message = (f"The action exceeded the memory limit ({self.limits.heap_mb} MB JavaScript heap); "
                           f"the Node host was restarted.")
            else:
                error_class = "platform_error"
                message = f"The Node host exited with code {code} during the action; it was restarted."
            pending.future.set_exception(HostCrashed(error_class, message, pending.actions, pending.stray))
        self._proc = None
        if not self._closed:
            self.restarts += 1
            self._starting = asyncio.ensure_future(self._spawn())
            # A failed restart is retried on next use; retrieve its exception so asyncio does not warn.
            self._starting.add_done_callback(lambda t: t.cancelled() or t.exception())
