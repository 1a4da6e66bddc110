"""`workspace prune` and `workspace vacuum`: retention for logs, executions and journey runs, and giving
the space back to the file system."""
from __future__ import annotations

import argparse

from ..errors import UsageError
from .. import lazy
from .common import open_emulator

retention = lazy.module("emulator.store.retention")
DEFAULT_DAYS = 10  # retention.DEFAULT_DAYS, without importing SQLite to print --help (a test keeps them equal)


def add_parsers(sub) -> None:
    ws = sub.add_parser("workspace", help="keep the workspace file small").add_subparsers(dest="verb", required=True)
    p = ws.add_parser("prune", help=f"delete logs, executions and journey runs older than N days "
                                    f"(default {DEFAULT_DAYS}, as Auth0 keeps execution logs)")
    p.add_argument("--days", type=float, default=DEFAULT_DAYS)
    p.set_defaults(run=prune)
    v = ws.add_parser("vacuum", help="reclaim the space of deleted rows (prune first)")
    v.set_defaults(run=vacuum)


def prune(args: argparse.Namespace) -> int:
    if args.days < 0:
        raise UsageError("--days must be 0 or more")
    emu = open_emulator(args)
    removed = retention.prune(emu.ws, args.days)
    print(f"Deleted {removed} log records, executions and journey runs older than {args.days:g} days.")
    return 0


def vacuum(args: argparse.Namespace) -> int:
    emu = open_emulator(args)
    before, after = retention.vacuum(emu.ws)
    print(f"{emu.ws.path}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")
    return 0
