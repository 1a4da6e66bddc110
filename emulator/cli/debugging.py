"""`--inspect`, `--inspect-brk`, `--snapshot` and `--coverage` for run-action, run-trigger, flow and compare.

With `--inspect` the run happens on a debugging host whose inspector any DevTools client can attach to
(the line Node prints, `Debugger listening on ws://...`, is printed on stderr, which VS Code's
auto-attach and chrome://inspect recognise). `--inspect-brk` waits for a client and stops before the
first line of the first action. `--snapshot FILE:LINE[:EXPR]` is the headless form: when the line is
reached its local variables (or the expression) are recorded and the run goes on; the result lists them
per action under `snapshots`. `--coverage` records which lines and blocks of each action version ran
(debug/coverage.py): in the JSON result under `coverage`, as lcov with `--coverage-out FILE`, and as a
short summary on stderr.
"""
from __future__ import annotations

import argparse
import asyncio
import re
import signal
import sys
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

INSPECT_FLAGS = ("--inspect", "--inspect-brk")


def add_debug_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--inspect", metavar="[HOST:]PORT", nargs="?", const="",
                   help="run on a debugging host and print its inspector URL for Chrome DevTools or VS Code "
                        "(default 127.0.0.1 and a free port; e.g. --inspect=9229)")
    p.add_argument("--inspect-brk", metavar="[HOST:]PORT", nargs="?", const="",
                   help="as --inspect, and wait for a debugger, stopping before the first line of the first action")
    p.add_argument("--snapshot", action="append", default=[], metavar="FILE:LINE[:EXPR]",
                   help="record the local variables (or EXPR) each time FILE:LINE runs, and go on; FILE is an "
                        "action file, or a stored action's name (e.g. --snapshot add-roles:12:event.user.email)")
    add_coverage_args(p)


def add_coverage_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--coverage", action="store_true",
                   help="record which lines and blocks of each action version ran, with their counts (in the JSON "
                        "result under coverage, and a summary on stderr)")
    p.add_argument("--coverage-out", metavar="FILE",
                   help="also write the coverage as an lcov tracefile, which CI tools and genhtml read "
                        "(implies --coverage)")


PORT_LIKE = re.compile(r"(?:[\w.\-]+:|\[[0-9a-fA-F:]+\]:)?\d{1,5}")


def normalize_argv(argv: list[str]) -> list[str]:
    """`--inspect FILE` must not take FILE as the port, but `--inspect 9229` (or HOST:PORT) is a port, as a
    person types it; Node's own form `--inspect=9229` works too."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in INSPECT_FLAGS:
            following = argv[i + 1] if i + 1 < len(argv) else ""
            if PORT_LIKE.fullmatch(following) and not Path(following).exists():
                out.append(f"{arg}={following}")
                i += 2
                continue
            out.append(f"{arg}=")
        else:
            out.append(arg)
        i += 1
    return out


@dataclass
class Snapshot:
    file: str
    line: int
    expression: str | None


def parse_snapshot(spec: str) -> Snapshot:
    m = re.fullmatch(r"(.+?):(\d+)(?::(.+))?", spec)
    if not m:
        raise UsageError(f"--snapshot: {spec!r} is not FILE:LINE or FILE:LINE:EXPRESSION")
    if int(m.group(2)) < 1:
        raise UsageError(f"--snapshot {spec}: lines start at 1")
    return Snapshot(m.group(1), int(m.group(2)), m.group(3))


def parse_address(value: str, flag: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":") if ":" in value else ("", "", value)
    host = host or "127.0.0.1"
    if not port:
        return host, 0
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(f"{flag}: {value!r} is not a port (0-65535) or HOST:PORT")
    return host, int(port)


def wanted(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "inspect", None) is not None or getattr(args, "inspect_brk", None) is not None
                or getattr(args, "snapshot", None) or coverage_wanted(args))


def coverage_wanted(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "coverage", False) or getattr(args, "coverage_out", None))


def _target(file: str, tenant: str | None) -> dict:
    """Where a breakpoint binds: an existing file's URL, else a stored action's scripts (any version)."""
    path = Path(file)
    if path.exists():
        return {"file": str(path.resolve())}
    if tenant and "/" not in file:
        return {"file": file, "url_regex": f"^actions/{re.escape(tenant)}/{re.escape(file)}/(v\\d+|draft)\\.js$"}
    if file.startswith("actions/"):
        return {"file": file}
    raise UsageError(f"--snapshot: {file}: no such file" + (f" or action of {tenant}" if tenant else ""))


@asynccontextmanager
async def debugging(args: argparse.Namespace, node: Path, *, tenant: str | None = None, pool=None):
    """A DebugSession for this run when a debug flag was given (else None). `pool` routes the tenant's
    runs to the debugging host while it lasts. --inspect-brk stops at the first statement of the first
    action's handler."""
    if not wanted(args):
        yield None
        return
    from ..debug import DebugSession

    snapshots = [parse_snapshot(s) for s in getattr(args, "snapshot", None) or []]
    brk = getattr(args, "inspect_brk", None) is not None
    flag, value = ("--inspect-brk", args.inspect_brk) if brk else ("--inspect", getattr(args, "inspect", None))
    address, port = parse_address(value or "", flag) if value is not None else ("127.0.0.1", 0)
    session = DebugSession(node, tenant=tenant or "default", address=address, port=port)
    await session.open()
    loop = asyncio.get_running_loop()
    # Ctrl+C and SIGTERM end a debugged run at once, paused or not: it fails with debugger_stopped, its
    # result (or the held HTTP request's answer) goes out, and the host is gone. `serve` adds its own stop.
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop_on_signal, session)
    try:
        if value is not None:
            print(f"Debugger listening on {session.url}\nFor help, see: https://nodejs.org/en/docs/inspector\n"
                  f"DevTools: {session.devtools_url}", file=sys.stderr, flush=True)
        for snap in snapshots:
            target = _target(snap.file, tenant)
            await session.set_breakpoint(target["file"], snap.line, kind="snapshot", expression=snap.expression,
                                         url_regex=target.get("url_regex"))
        if brk:
            print("Waiting for a debugger to attach (it must send Runtime.runIfWaitingForDebugger, as DevTools "
                  "and VS Code do)...", file=sys.stderr, flush=True)
            try:
                await session.wait_for_client()
            except Exception:
                if session.stopped:  # Ctrl+C or SIGTERM before any debugger came: nothing ran
                    raise KeyboardInterrupt from None
                raise
            await session.break_on_entry()  # the first action's handler, at its first statement
        covering = coverage_wanted(args)
        if covering:
            from ..debug import coverage

            await coverage.start(session.cdp)
        if pool is not None and tenant:
            pool.attach(tenant, session.host)
        yield session
        for bp in session.breakpoints.values():
            if bp.message:
                print(f"actions-emulator: {bp.message}", file=sys.stderr)
        if covering and not session.stopped:
            await _report_coverage(args, session)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        if pool is not None and tenant:
            pool.detach(tenant, session.host)
        await session.close()


async def _report_coverage(args: argparse.Namespace, session) -> None:
    """The coverage into the result the command emits (`session.report_into`), the lcov file, the summary."""
    from ..debug import coverage

    report = await coverage.take(session.cdp)
    if session.report_into is not None:
        session.report_into["coverage"] = report
    if args.coverage_out:
        try:
            Path(args.coverage_out).write_text(coverage.lcov(report), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--coverage-out {args.coverage_out}: {exc.strerror or exc}") from None
    for line in coverage.summary_lines(report):
        print(line, file=sys.stderr)


def stop_on_signal(session) -> None:
    if not session.stopped:
        print("actions-emulator: stopping the debugged run", file=sys.stderr, flush=True)
        asyncio.ensure_future(session.stop())


def attach_snapshots(out: dict, session) -> dict:
    """Add each action's snapshots (and the session's breakpoints) to a run's JSON (fields only added);
    with --coverage, `coverage` is added when the session ends."""
    if session is None:
        return out
    session.report_into = out
    for action in out.get("actions", []):
        action["snapshots"] = [s for s in session.snapshots if s["file"] == action.get("file")]
    out["debug"] = {"url": session.url, "breakpoints": [b.to_json() for b in session.breakpoints.values()
                                                        if b.kind != "entry"]}
    return out


def attach_flow_snapshots(out: dict, session, script_name) -> dict:
    """The same for a journey's report: each action of each execution gets the snapshots of its script."""
    if session is None:
        return out
    session.report_into = out
    for executions in out.get("executions", {}).values():
        for execution in executions:
            for action in execution["actions"]:
                script = script_name(out["tenant"], action["name"], action["version"])
                action["snapshots"] = [s for s in session.snapshots if s["file"] == script]
    out["debug"] = {"url": session.url, "breakpoints": [b.to_json() for b in session.breakpoints.values()
                                                        if b.kind != "entry"]}
    return out
