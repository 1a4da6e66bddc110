"""The `actions-emulator` command: the headless face of the same engine the app uses.

Exit codes: 0 the chain ran (a deny or a redirect is a normal outcome), 1 an action failed (threw, timed
out, crashed its host), 2 bad usage or input, with one line on stderr and never a traceback.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

from . import __version__, triggers
from .errors import EmulatorError, UsageError
from .runtime import (DEFAULT_DEADLINE_MS, ActionSource, DependencyCache, HostPool, build_event, parse_spec,
                      run_chain)
from .runtime.node import bundled_node, node_version
from .runtime.runner import load_event_json

MAX_SECRETS = 30  # Auth0's limits per action (spec §3.1)
MAX_SECRET_KEY, MAX_SECRET_VALUE = 128, 4096


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one line (and exit 2) instead of a usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="actions-emulator", description="Run and debug Auth0 Actions locally.")
    parser.add_argument("--version", action="version", version=f"actions-emulator {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run-action", help="run action files as one trigger's chain and print the result as JSON")
    run.add_argument("files", metavar="FILE", nargs="+", help="action source files, run in this order")
    run.add_argument("--trigger", required=True, metavar="ID", help=f"one of: {', '.join(triggers.ids())}")
    run.add_argument("--event", metavar="FILE|-", help="JSON merged onto the trigger's default event")
    run.add_argument("--secret", action="append", default=[], metavar="KEY=VALUE", help="an event.secrets entry")
    run.add_argument("--dependency", action="append", default=[], metavar="NAME@VERSION",
                     help="an npm dependency, installed once into the dependency cache")
    run.add_argument("--handler", metavar="NAME", help="entry point, e.g. onContinuePostLogin")
    run.add_argument("--timeout-ms", type=int, default=DEFAULT_DEADLINE_MS, metavar="N",
                     help=f"deadline of the whole execution (default {DEFAULT_DEADLINE_MS})")
    run.add_argument("--node", metavar="PATH",
                     help="Node binary to use instead of the bundled one (default: $ACTIONS_EMULATOR_NODE)")

    trig = sub.add_parser("triggers", help="list the triggers and their api methods")
    fmt = trig.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable output")
    fmt.add_argument("--markdown", action="store_true", help="the README's trigger table")

    bench = sub.add_parser("bench", help="measure the runtime's speed on this machine")
    bench.add_argument("--node", metavar="PATH", help="Node binary to use instead of the bundled one")
    bench.add_argument("--quick", action="store_true", help="fewer iterations (a smoke run)")
    return parser


def _read_text(path: str, what: str) -> str:
    p = Path(path)
    if not p.exists():
        raise UsageError(f"{path}: no such file")
    if p.is_dir():
        raise UsageError(f"{path}: is a directory, not {what}")
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None


def _secrets(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--secret: {pair!r} is not KEY=VALUE")
        if len(key) > MAX_SECRET_KEY or len(value) > MAX_SECRET_VALUE:
            raise UsageError(f"--secret {key}: keys are at most {MAX_SECRET_KEY} and values at most "
                             f"{MAX_SECRET_VALUE} characters")
        out[key] = value
    if len(out) > MAX_SECRETS:
        raise UsageError(f"--secret: at most {MAX_SECRETS} secrets per action ({len(out)} given)")
    return out


def _event(arg: str | None) -> dict | None:
    if arg is None:
        return None
    if arg == "-":
        return load_event_json(sys.stdin.read(), "--event -")
    return load_event_json(_read_text(arg, "an event file"), arg)


async def _run_action(args: argparse.Namespace) -> int:
    try:
        trigger = triggers.get(args.trigger)
    except triggers.UnknownTrigger as exc:
        raise UsageError(f"--trigger: {exc}") from None
    if args.timeout_ms <= 0:
        raise UsageError("--timeout-ms must be a positive number of milliseconds")
    deps = [parse_spec(d) for d in args.dependency]
    secrets = _secrets(args.secret)
    sources = [ActionSource(name=Path(f).stem, code=_read_text(f, "an action file"), filename=str(Path(f).resolve()),
                            secrets=secrets, dependencies=deps, handler=args.handler) for f in args.files]
    event = build_event(trigger.id, _event(args.event))
    pool = HostPool(args.node)
    if pool.node != bundled_node():
        node_version(pool.node)  # a user-chosen binary: check it is a recent enough Node first
    try:
        host = await pool.host("default")
        result = await run_chain(host, trigger.id, sources, event, deadline_ms=args.timeout_ms,
                                 dependency_cache=DependencyCache.default() if deps else None,
                                 progress=lambda msg: print(msg, file=sys.stderr))
    finally:
        await pool.close()
    json.dump(result.to_json(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0 if result.ok else 1


def triggers_markdown() -> str:
    """The README's trigger table, generated from the registry (a test keeps the README in sync)."""
    lines = ["| Trigger | Version | Handlers | Kind | `api` namespaces |", "|---|---|---|---|---|"]
    for t in triggers.all_triggers():
        kind = ("blocking" if t.blocking else "async") + (", experimental" if t.experimental else "")
        namespaces = sorted({m.namespace or m.path for m in t.api})
        lines.append(f"| `{t.id}` | {t.version} | {', '.join(f'`{h}`' for h in t.handlers)} | {kind} | "
                     f"{', '.join(namespaces)} |")
    return "\n".join(lines) + "\n"


def _list_triggers(args: argparse.Namespace) -> int:
    if args.markdown:
        sys.stdout.write(triggers_markdown())
        return 0
    if args.json:
        data = [{"id": t.id, "version": t.version, "handlers": list(t.handlers), "blocking": t.blocking,
                 "experimental": t.experimental, "doc": t.doc,
                 "api": [{"method": m.signature, "doc": m.doc} for m in t.api]} for t in triggers.all_triggers()]
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    for t in triggers.all_triggers():
        kind = "blocking" if t.blocking else "async"
        print(f"{t.id} {t.version} ({kind}{', experimental' if t.experimental else ''}): {', '.join(t.handlers)}")
        namespaces = sorted({m.namespace for m in t.api})
        print(f"  api: {', '.join(namespaces)}  ({len(t.api)} methods)")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = _build_parser().parse_args(argv)
        if args.command == "run-action":
            return asyncio.run(_run_action(args))
        if args.command == "triggers":
            return _list_triggers(args)
        if args.command == "bench":
            from .bench import run_bench

            return asyncio.run(run_bench(args.node, quick=args.quick))
    except EmulatorError as exc:
        print(f"actions-emulator: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # an emulator bug: still one line, with a way to see the traceback
        if os.environ.get("ACTIONS_EMULATOR_DEBUG"):
            raise
        print(f"actions-emulator: internal error: {type(exc).__name__}: {exc} "
              f"(set ACTIONS_EMULATOR_DEBUG=1 for a traceback)", file=sys.stderr)
        return 3
    return 2


if __name__ == "__main__":
    sys.exit(main())
