"""The `actions-emulator` command: the headless face of the same engine the app uses.

Exit codes: 0 success (for runs: the chain ran; a deny or a redirect is a normal outcome), 1 an action
failed (threw, timed out, crashed its host), 2 bad usage or input or a refused operation, with a one-line
message on stderr (an import lists each of its problems) and never a traceback.
"""
from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import sys

from .. import __version__
from ..errors import EmulatorError, UsageError
from ..locations import ENV_VAR
from . import flow, manage, observe, run, serve, transfer, workspace_cmd
from .debugging import normalize_argv


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one line (and exit 2) instead of a usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="actions-emulator", description="Run and debug Auth0 Actions locally.")
    parser.add_argument("--version", action="version", version=f"actions-emulator {__version__}")
    parser.add_argument("--workspace", metavar="PATH",
                        help=f"workspace file (default: ${ENV_VAR}, else one in your user data folder)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run.add_parsers(sub)
    manage.add_parsers(sub)
    observe.add_parsers(sub)
    transfer.add_parsers(sub)
    flow.add_parsers(sub)
    serve.add_parsers(sub)
    workspace_cmd.add_parsers(sub)
    return parser


async def _run_async(args: argparse.Namespace) -> int:
    try:
        return await args.run(args)
    finally:
        if getattr(args, "emulator", None) is not None:
            await args.emulator.close()


def main(argv: list[str] | None = None) -> int:
    args = None
    try:
        args = build_parser().parse_args(normalize_argv(sys.argv[1:] if argv is None else argv))
        if inspect.iscoroutinefunction(args.run):
            return asyncio.run(_run_async(args))
        try:
            return args.run(args)
        finally:
            if getattr(args, "emulator", None) is not None:
                asyncio.run(args.emulator.close())
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
