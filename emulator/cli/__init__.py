"""The `actions-emulator` command: the headless face of the same engine the app uses.

Exit codes: 0 success (for runs: the chain ran; a deny or a redirect is a normal outcome), 1 an action
failed (threw, timed out, crashed its host), 2 bad usage or input or a refused operation, with a one-line
message on stderr (an import lists each of its problems) and never a traceback, 3 an emulator bug, 4 a
journey that did not succeed though no action failed (a wrong password, an existing user, a deny).
"""
from __future__ import annotations

import argparse
import asyncio
import difflib
import inspect
import os
import re
import sys

from .. import __version__
from ..errors import EmulatorError, UsageError
from ..locations import ENV_VAR
from . import flow, help_examples, management_cmd, manage, modules_cmd, observe, output, run, serve, transfer, workspace_cmd
from .debugging import normalize_argv


TENANT_VAR = "ACTIONS_EMULATOR_TENANT"


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one line (and exit 2) instead of a usage block, with a "did you
    mean" for a mistyped command, choice or option."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message + _suggestion(self, message))


def _suggestion(parser: argparse.ArgumentParser, message: str) -> str:
    choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if choice:
        options = [c.strip().strip("'") for c in choice.group(2).split(",")]
        close = difflib.get_close_matches(choice.group(1), options, n=1, cutoff=0.6)
        return f"; did you mean '{close[0]}'?" if close else ""
    unknown = re.search(r"unrecognized arguments: (\S+)", message)
    if unknown and unknown.group(1).startswith("-"):
        close = difflib.get_close_matches(unknown.group(1).split("=")[0], _option_strings(parser), n=1, cutoff=0.6)
        return f"; did you mean '{close[0]}'?" if close else ""
    return ""


def _option_strings(parser: argparse.ArgumentParser) -> list[str]:
    """Every --option of this parser and its subcommands (argparse reports unknown ones from the top)."""
    out: list[str] = []
    for action in parser._actions:  # noqa: SLF001 - argparse keeps no public list
        out += [o for o in action.option_strings if o.startswith("--")]
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for sub in action.choices.values():
                out += _option_strings(sub)
    return sorted(set(out))


def _default_tenant(args: argparse.Namespace) -> None:
    """A command that needs --tenant and was given none: $ACTIONS_EMULATOR_TENANT, else the workspace's
    only tenant; otherwise one line listing the tenants."""
    if not getattr(args, "needs_tenant", False) or getattr(args, "tenant", None):
        return
    if os.environ.get(TENANT_VAR):
        args.tenant = os.environ[TENANT_VAR]
        return
    from .common import open_emulator

    names = [t["name"] for t in open_emulator(args).tenants()]
    if len(names) == 1:
        args.tenant = names[0]
        return
    raise UsageError(f"--tenant is required ({'tenants: ' + ', '.join(names) if names else 'no tenant yet'}; "
                     f"or set {TENANT_VAR})")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="actions-emulator", description="Run and debug Auth0 Actions locally.")
    parser.add_argument("--version", action="version", version=f"actions-emulator {__version__}")
    parser.add_argument("--workspace", metavar="PATH",
                        help=f"workspace file (default: ${ENV_VAR}, else one in your user data folder)")
    parser.add_argument("--wide", action="store_true",
                        help="tables show every column in full, whatever the terminal's width")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run.add_parsers(sub)
    manage.add_parsers(sub)
    modules_cmd.add_parsers(sub)
    observe.add_parsers(sub)
    transfer.add_parsers(sub)
    flow.add_parsers(sub)
    serve.add_parsers(sub)
    management_cmd.add_parsers(sub)
    workspace_cmd.add_parsers(sub)
    help_examples.annotate(parser)  # every option: help, with an example
    return parser


async def _run_async(args: argparse.Namespace) -> int:
    try:
        return await args.run(args)
    finally:
        if getattr(args, "emulator", None) is not None:
            await args.emulator.close()


class _QuietChildWatcher:
    """asyncio warns "Unknown child process pid ..." when a host it watched was already reaped on the way
    out; it says nothing a user can act on, and a CLI's error must stay one line."""

    @staticmethod
    def filter(record) -> bool:
        return not str(record.msg).startswith("Unknown child process pid")


def main(argv: list[str] | None = None) -> int:
    import logging

    logging.getLogger("asyncio").addFilter(_QuietChildWatcher())
    args = None
    try:
        args = build_parser().parse_args(normalize_argv(sys.argv[1:] if argv is None else argv))
        output.WIDE = args.wide
        _default_tenant(args)
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
