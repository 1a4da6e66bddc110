"""A debug session inside actions: Node's inspector (Chrome DevTools Protocol) on a host of its own.

The session starts a debugging Node host for one tenant, opens its inspector on 127.0.0.1 (a free port
unless told), and connects to it with `CDPClient`. Other tenants' hosts, and the tenant's own normal
host, are untouched. Breakpoints are set by script URL before the code loads: every action version is
compiled under a stable name (the file's path for `run-action` files, `actions/<tenant>/<action>/v3.js`
for workspace actions), so they bind when the code arrives and stacks show the user's names.

While the host is paused its runs' deadline clocks stop (`NodeHost.pause_clock`): the budget counts
running time only, and a paused host is never killed. `stop()` ends the run in progress with the class
`debugger_stopped`. The CLI, the app and outside DevTools clients (which may attach to `url` at the same
time) all go through this one class.
"""
from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import UsageError
from ..runtime.host import HARNESS, HostLimits, NodeHost
from .cdp import CDPClient, CDPError
from .proxy import InspectorProxy
from .values import Variable, describe, local_values, variables

HARNESS_DIR = HARNESS.parent
BRIDGE_URL = "node:actions-emulator/bridge"
EXCEPTION_MODES = ("none", "uncaught", "all")
MAX_AUTO_STEPS = 200  # steps taken on the user's behalf through Node's internals and the harness


def script_url(filename: str) -> str:
    """The URL V8 gives code compiled under `filename`: a file URL for a real path, else the name."""
    return Path(filename).as_uri() if Path(filename).is_absolute() else filename


def filename_of(url: str) -> str:
    if url.startswith("file://"):
        from urllib.parse import unquote, urlparse

        return unquote(urlparse(url).path)
    return url


def is_internal(url: str) -> bool:
    return not url or url.startswith("node:") or filename_of(url).startswith(str(HARNESS_DIR))


@dataclass
class Breakpoint:
    file: str
    line: int  # 1-based, as asked
    condition: str | None = None
    log: str | None = None  # a logpoint's message: text with {expression} parts; it prints and never stops
    kind: str = "user"  # user | snapshot | entry (the first line, for --inspect-brk)
    expression: str | None = None  # a snapshot's expression (None: the local variables)
    id: str | None = None  # V8's: shared by our breakpoints on the same line
    resolved_line: int | None = None
    key: str = ""  # ours: unique in the session
    location: tuple | None = None

    @property
    def message(self) -> str | None:
        """What the user should be told about where the breakpoint really is."""
        if self.resolved_line is not None and self.resolved_line != self.line:
            return f"{self.file}:{self.line} has no code; the breakpoint moved to line {self.resolved_line}"
        return None

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "condition": self.condition, "log": self.log,
                "resolved_line": self.resolved_line, "message": self.message}


@dataclass
class Frame:
    index: int
    function: str
    file: str
    url: str
    line: int  # 1-based
    column: int
    internal: bool
    call_frame_id: str
    scopes: list[dict]  # {type, name, object_id}
    script_id: str = ""

    def to_json(self) -> dict:
        return {"function": self.function, "file": self.file, "line": self.line, "column": self.column,
                "internal": self.internal}


@dataclass
class Pause:
    reason: str  # breakpoint | step | exception | debugger | entry
    frames: list[Frame]  # user frames first
    hit: list[Breakpoint] = field(default_factory=list)
    exception: Variable | None = None
    at: float = field(default_factory=time.perf_counter)
    owned: bool = False  # the emulator's own: its breakpoints, its steps, its exception setting
    really_internal: bool = False  # V8 stopped in Node's internals or the harness (frames[0] is then a caller)


    @property
    def top(self) -> Frame | None:
        return self.frames[0] if self.frames else None

    def describe(self) -> str:
        """Where the run is, as a person names it: "add-roles v3 at line 12" for a workspace action's
        script (actions/<tenant>/<action>/v<N>.js or draft.js), else the file's name and line."""
        top = self.top
        if top is None:
            return "(no frame)"
        m = re.fullmatch(r"actions/[^/]+/(.+)/(v(\d+)|draft)\.js", top.file)
        if m:
            version = f"v{m.group(3)}" if m.group(3) else "draft"
            return f"{m.group(1)} {version} at line {top.line}"
        return f"{Path(top.file).name} at line {top.line}"


def _condition(bp: Breakpoint) -> str | None:
    """The JS a breakpoint's condition or logpoint becomes. A condition that throws is reported in the
    action's console and does not stop; a logpoint prints its message and never stops."""
    where = f"{Path(bp.file).name}:{bp.line}"
    if bp.log is not None:
        template = re.sub(r"\{([^{}]+)\}", r"${\1}", bp.log.replace("\\", "\\\\").replace("`", "\\`"))
        return (f"(() => {{ try {{ console.log(`{template}`); }} catch (e) {{ console.warn("
                f"'Logpoint at {where} threw: ' + (e && e.message)); }} return false; }})()")
    if bp.condition:
        return (f"(() => {{ try {{ return !!({bp.condition}\n); }} catch (e) {{ console.warn("
                f"'Breakpoint condition at {where} threw: ' + (e && e.message)); return false; }} }})()")
    return None


class DebugSession:
    """One debugging host and its inspector connection. `await open()`, then set breakpoints and run."""

    def __init__(self, node: Path, *, tenant: str = "default", limits: HostLimits | None = None,
                 address: str = "127.0.0.1", port: int = 0):
        # Node's inspector listens privately; outside clients reach it through the proxy on address:port,
        # which also answers /json (chrome://inspect, VS Code's attach by port).
        self.host = NodeHost(tenant, node, limits, debug=True)
        self.tenant = tenant
        self.address = address
        self.port = port
        self.url: str | None = None
        self.proxy: InspectorProxy | None = None
        self.cdp = CDPClient()
        # The app shows every pause and has a Continue button; the CLI does not, so there a pause no outside
        # client can see (a `debugger` statement with nobody attached) goes on at once, as in plain Node.
        self.holds_pauses = False
        self.report_into: dict | None = None  # the command's JSON result, where --coverage adds its report
        self.breakpoints: dict[str, Breakpoint] = {}
        self.paused: Pause | None = None
        self.snapshots: list[dict] = []
        self.exceptions = "none"
        self.stopped = False
        self.on_pause: list[Callable[[Pause], Any]] = []
        self.on_resume: list[Callable[[], Any]] = []
        self._pause_event = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()
        self._stepping = False
        self._scripts: dict[str, str] = {}  # scriptId -> URL (call frames carry only the id)
        self._serial = 0
        self._step_origin: tuple | None = None  # (url, line, stack depth) where the user's step began
        self._auto_steps = 0
        self._entry_armed = False
        self._entry_bp: str | None = None

    # ---- lifecycle -------------------------------------------------------------------------------
    async def open(self) -> str:
        await self.host.start()
        try:
            reply = await self.host.request({"type": "inspect", "host": "127.0.0.1", "port": 0})
        except RuntimeError as exc:
            await self.host.close()
            raise UsageError(f"--inspect: {str(exc).removeprefix('Node host error: ')}") from None
        self.proxy = InspectorProxy(reply["url"], title=f"actions-emulator: tenant {self.tenant}",
                                    node_version=self.host.node_version or "", discoverable=bool(self.port))
        try:
            self.url = await self.proxy.start(self.address, self.port)
        except OSError as exc:
            await self.proxy.close()
            await self.host.close()
            raise UsageError(f"--inspect: cannot listen on {self.address}:{self.port or 'a free port'} "
                             f"({exc.strerror or exc})") from None
        self.proxy.on_detached.append(self._detached)
        await self.cdp.connect(reply["url"])
        self.cdp.on("Debugger.paused", self._paused)
        self.cdp.on("Debugger.resumed", self._resumed)
        self.cdp.on("Debugger.breakpointResolved", self._resolved)
        self.cdp.on("Debugger.scriptParsed", lambda p: self._scripts.__setitem__(p["scriptId"], p.get("url", "")))
        await self.cdp.call("Debugger.enable", {"maxScriptsCacheSize": 10_000_000})
        # Stepping never enters the harness or Node's internals; the user's code and its dependencies only.
        await self.cdp.call("Debugger.setBlackboxPatterns",
                            {"patterns": [re.escape(HARNESS_DIR.as_uri()), re.escape(str(HARNESS_DIR)), "^node:"]})
        return self.url

    @property
    def clients(self) -> int:
        """Outside debugger clients attached now (DevTools, VS Code, scripts)."""
        return self.proxy.clients if self.proxy else 0

    def _detached(self, remaining: int) -> None:
        """An outside client left. With none left, a pause the emulator did not set goes on, as Node
        resumes when its last debugger leaves."""
        if remaining == 0 and self.paused is not None and not self.paused.owned:
            self._spawn(self.resume())

    @property
    def devtools_url(self) -> str:
        assert self.url
        return ("devtools://devtools/bundled/js_app.html?experiments=true&v8only=true&ws="
                + self.url.removeprefix("ws://"))

    async def break_on_entry(self) -> None:
        """Stop at the first statement of the next action handler called, once (--inspect-brk): the
        harness hands the handler over before calling it (`_set_entry`)."""
        self._entry_armed = True
        self.host.on_entry = self._set_entry
        await self.cdp.call("Runtime.evaluate", {
            "expression": "globalThis[Symbol.for('actions-emulator.break-on-entry')] = true", "silent": True})

    async def _set_entry(self, run_id: int) -> None:
        try:
            if self._entry_armed:
                self._entry_armed = False
                reply = await self.cdp.call("Runtime.evaluate", {
                    "expression": "globalThis[Symbol.for('actions-emulator.entry-function')]", "silent": True})
                object_id = reply.get("result", {}).get("objectId")
                if object_id:
                    bp = await self.cdp.call("Debugger.setBreakpointOnFunctionCall", {"objectId": object_id})
                    self._entry_bp = bp["breakpointId"]
        except CDPError:
            pass  # the run goes on without the stop; the host is going away
        finally:
            self.host.entry_set(run_id)

    async def _raw_call(self, method: str, params: dict) -> None:
        try:
            await self.cdp.call(method, params)
        except CDPError:
            pass

    async def wait_for_client(self) -> None:
        """Hold the host until an outside client (DevTools, VS Code, a script) sends
        Runtime.runIfWaitingForDebugger, as `node --inspect-brk` does."""
        await self.host.request({"type": "wait_debugger"})

    async def release(self, timeout: float = 10.0) -> None:
        """Let the runs in progress finish without the debugger (the app's session ends, its breakpoints
        are gone): no more pauses, the current one resumed, then wait for them (at most `timeout` s)."""
        if self.cdp.closed.is_set() or not self.host.busy:
            return
        try:
            for bp in list(self.breakpoints.values()):
                await self.remove_breakpoint(bp)
            await self.cdp.call("Debugger.setPauseOnExceptions", {"state": "none"})
            await self.cdp.call("Debugger.setSkipAllPauses", {"skip": True})
            self.holds_pauses = False
            if self.paused is not None:
                await self.resume()
        except CDPError:
            return
        deadline = time.monotonic() + timeout
        while self.host.busy and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.cdp.close()
        if self.proxy is not None:
            await self.proxy.close()
        await self.host.close()

    # ---- breakpoints -----------------------------------------------------------------------------
    async def set_breakpoint(self, file: str, line: int, *, condition: str | None = None, log: str | None = None,
                             kind: str = "user", expression: str | None = None,
                             url_regex: str | None = None) -> Breakpoint:
        """A breakpoint on `file` (an action file's path or a workspace script name; `url_regex` instead
        matches several scripts, e.g. every version of an action). It binds when the code loads."""
        if line < 1:
            raise UsageError(f"{file}:{line}: lines start at 1")
        bp = Breakpoint(file=file, line=line, condition=condition, log=log, kind=kind, expression=expression)
        where = ("regex", url_regex) if url_regex else ("url", script_url(file))
        # V8 keeps one breakpoint per location: several of ours on one line (a snapshot of the locals and
        # one of an expression, a snapshot where the user stops) share it and are told apart on the hit.
        same = next((b for b in self.breakpoints.values() if b.location == (where, line)), None)
        if same is not None:
            if _condition(same) != _condition(bp):
                raise UsageError(f"{file}:{line} already has a breakpoint with another condition or log message")
            bp.id, bp.resolved_line, bp.location = same.id, same.resolved_line, same.location
            self.breakpoints[self._key(bp)] = bp
            return bp
        params: dict[str, Any] = {"lineNumber": line - 1}
        if url_regex:
            params["urlRegex"] = url_regex
        else:
            params["url"] = script_url(file)
        cond = _condition(bp)
        if cond:
            params["condition"] = cond
        try:
            reply = await self.cdp.call("Debugger.setBreakpointByUrl", params)
        except CDPError as exc:
            raise UsageError(f"{file}:{line}: {exc}") from None
        bp.id = reply["breakpointId"]
        bp.location = (where, line)
        if reply.get("locations"):
            bp.resolved_line = reply["locations"][0]["lineNumber"] + 1
        self.breakpoints[self._key(bp)] = bp
        return bp

    def _key(self, bp: Breakpoint) -> str:
        self._serial += 1
        bp.key = f"{bp.id}#{self._serial}"
        return bp.key

    async def remove_breakpoint(self, bp: Breakpoint) -> None:
        if self.breakpoints.pop(bp.key, None) is None:
            return
        if not any(b.id == bp.id for b in self.breakpoints.values()):
            await self.cdp.call("Debugger.removeBreakpoint", {"breakpointId": bp.id})

    async def pause_on_exceptions(self, mode: str) -> None:
        if mode not in EXCEPTION_MODES:
            raise UsageError(f"pause on exceptions: {mode!r} is not one of {', '.join(EXCEPTION_MODES)}")
        self.exceptions = mode
        await self.cdp.call("Debugger.setPauseOnExceptions", {"state": mode})

    def _resolved(self, params: dict) -> None:
        for bp in self.breakpoints.values():
            if bp.id == params["breakpointId"] and bp.resolved_line is None:
                bp.resolved_line = params["location"]["lineNumber"] + 1

    # ---- pausing ---------------------------------------------------------------------------------
    def _paused(self, params: dict) -> None:
        self.host.pause_clock()
        frames = []
        for i, cf in enumerate(params.get("callFrames", [])):
            url = cf.get("url") or self._scripts.get(cf["location"]["scriptId"], "")
            frames.append(Frame(index=i, function=cf.get("functionName") or "(anonymous)", file=filename_of(url),
                                url=url, line=cf["location"]["lineNumber"] + 1,
                                column=cf["location"].get("columnNumber", 0) + 1, internal=is_internal(url),
                                call_frame_id=cf["callFrameId"], scopes=_scopes(cf.get("scopeChain", [])),
                                script_id=cf["location"]["scriptId"]))
        really_internal = bool(frames) and frames[0].internal  # where V8 actually stopped
        frames.sort(key=lambda f: f.internal)  # user frames first, each group in call order
        hit_ids = set(params.get("hitBreakpoints", []))
        hit = [b for b in self.breakpoints.values() if b.id in hit_ids]
        # V8 says "other" both for a step and for a `debugger` statement: the session knows which.
        stepped, self._stepping = self._stepping, False
        if stepped and not params.get("hitBreakpoints") and self._step_through(frames, really_internal):
            return
        reason = {"other": "step" if stepped else "debugger", "promiseRejection": "exception"}.get(
            params.get("reason", ""), params.get("reason", ""))
        if hit:
            reason = "entry" if all(b.kind == "entry" for b in hit) else "breakpoint"
        if self._entry_bp and self._entry_bp in params.get("hitBreakpoints", []):
            # The first handler's first statement (break_on_entry): once.
            self._spawn(self._raw_call("Debugger.removeBreakpoint", {"breakpointId": self._entry_bp}))
            self._entry_bp = None
            reason = "entry"
        owned = (any(b.kind == "user" for b in hit) or stepped
                 or (reason == "exception" and self.exceptions != "none") or self.holds_pauses)
        pause = Pause(reason=reason, frames=frames, hit=hit, owned=owned, really_internal=really_internal,
                      exception=describe(params["data"]) if reason == "exception" and params.get("data") else None)
        self.paused = pause
        snaps = [b for b in hit if b.kind == "snapshot"]
        if snaps:
            pause.hit = [b for b in hit if b.kind != "snapshot"]
            # Recorded first; the run goes on unless another breakpoint of the line wants it to stop.
            self._spawn(self._take_snapshots(pause, snaps, go_on=not pause.hit))
            if not pause.hit:
                return
        if reason == "exception" and (not frames or frames[0].internal):
            # The same rejection passing through the harness's own promise: not the user's to see.
            self._spawn(self.resume())
            return
        if not owned and self.clients == 0:
            # Nobody can see this pause (a `debugger` statement, a client's step after it left): go on.
            self._spawn(self.resume())
            return
        for bp in hit:
            if bp.kind == "entry":
                self._spawn(self.remove_breakpoint(bp))
        self._pause_event.set()
        for callback in self.on_pause:
            callback(pause)

    def _resumed(self, _params: dict) -> None:
        self.paused = None
        self._pause_event.clear()
        self.host.resume_clock()
        for callback in self.on_resume:
            callback()

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait_paused(self, timeout: float | None = None) -> Pause:
        await asyncio.wait_for(self._pause_event.wait(), timeout)
        assert self.paused is not None
        return self.paused

    async def _take_snapshots(self, pause: Pause, snaps: list[Breakpoint], go_on: bool) -> None:
        frame = pause.top
        try:
            for bp in snaps:
                record = {"file": frame.file if frame else bp.file, "line": frame.line if frame else bp.line,
                          "function": frame.function if frame else None}
                if bp.expression:
                    value = await self.evaluate(bp.expression, 0)
                    record["expression"] = bp.expression
                    record["value"] = value.preview
                    if value.error:
                        record["error"] = value.error
                else:
                    record["locals"] = await local_values(self.cdp, frame.scopes if frame else [])
                self.snapshots.append(record)
        finally:
            if go_on:
                await self.resume()

    # ---- control ---------------------------------------------------------------------------------
    async def _control(self, method: str) -> None:
        if self.paused is None:
            return
        # Forget this pause before asking: the next wait_paused() must see the next one.
        self.paused = None
        self._pause_event.clear()
        if self.cdp.closed.is_set() or self.stopped:
            return  # the host is gone (stopped, closed): nothing is paused any more
        await self.cdp.call(method)

    async def resume(self) -> None:
        await self._control("Debugger.resume")

    async def _step(self, method: str) -> None:
        if self.paused is not None:
            self._stepping = True
            top = self.paused.top
            self._step_origin = (top.url, top.line, len(self.paused.frames)) if top else None
            self._auto_steps = 0
        await self._control(method)

    def _step_through(self, frames: list[Frame], really_internal: bool) -> bool:
        """Keep a step in the user's code (True: the step goes on, nothing is shown). Stepping into an
        `api.*` call, or out to the harness, can stop in Node's internals or the harness despite the
        blackbox patterns: step out of them, and step on once more where the step began, until the step
        reaches another place in the user's code (a bounded number of times)."""
        user = [f for f in frames if not f.internal]
        if not user:
            self._auto_steps = 0
            self.paused = None
            self._spawn(self._raw("Debugger.resume"))  # stepped out of the action: it runs on
            return True
        if self._auto_steps >= MAX_AUTO_STEPS:
            self._auto_steps = 0
            return False
        if really_internal:
            method = "Debugger.stepOut"
        elif self._auto_steps and self._step_origin == (user[0].url, user[0].line, len(frames)):
            method = "Debugger.stepInto"  # back on the line where the step began: on to the next place
        else:
            self._auto_steps = 0
            return False
        self._auto_steps += 1
        self._stepping = True
        self.paused = None
        self._spawn(self._raw(method))
        return True

    async def _raw(self, method: str) -> None:
        if not (self.cdp.closed.is_set() or self.stopped):
            try:
                await self.cdp.call(method)
            except CDPError:
                pass  # the run ended meanwhile

    async def step_over(self) -> None:
        await self._step("Debugger.stepOver")

    async def step_into(self) -> None:
        await self._step("Debugger.stepInto")

    async def step_out(self) -> None:
        await self._step("Debugger.stepOut")

    async def stop(self) -> None:
        """End the run in progress: it fails with `debugger_stopped`; the session is over."""
        self.stopped = True
        self.host.stop_run("debugger_stopped", "The debugger stopped the run.")

    # ---- inspecting ------------------------------------------------------------------------------
    def frame(self, index: int = 0) -> Frame:
        if self.paused is None:
            raise UsageError("the run is not paused")
        return self.paused.frames[index]

    async def source(self, frame: Frame) -> str:
        """The code of the script a frame is in, as it runs (any version, any file)."""
        return (await self.cdp.call("Debugger.getScriptSource", {"scriptId": frame.script_id}))["scriptSource"]

    async def properties(self, object_id: str) -> list[Variable]:
        """The children of an object or scope (a lazy tree: each child with an object id expands)."""
        return await variables(self.cdp, object_id)

    async def evaluate(self, expression: str, frame: int = 0) -> Variable:
        """Evaluate in a paused frame (watch expressions, the debug console)."""
        text = expression.strip()
        if text.startswith("{") and text.endswith("}"):
            expression = f"({text})"  # an object literal, as DevTools reads it, not a block
        reply = await self.cdp.call("Debugger.evaluateOnCallFrame", {
            "callFrameId": self.frame(frame).call_frame_id, "expression": expression, "generatePreview": True,
            "silent": True})
        if reply.get("exceptionDetails"):
            details = reply["exceptionDetails"]
            message = (details.get("exception") or {}).get("description") or details.get("text", "error")
            return Variable(name=expression, type="error", preview=None, error=message.splitlines()[0])
        return describe(reply["result"], name=expression)


def _scopes(chain: list[dict]) -> list[dict]:
    """A frame's scopes, named as a developer thinks of them: the action file's own top level (the
    function it is compiled as) is its Module scope."""
    out = []
    functions = [s for s in chain if s["type"] in ("local", "closure")]
    module = functions[-1] if len(functions) > 1 else None
    for scope in chain:
        kind = "module" if scope is module else scope["type"]
        out.append({"type": kind, "name": scope.get("name", ""), "object_id": scope["object"].get("objectId")})
    return out
