"""Helpers shared by the CLI's subcommands: reading files and JSON, secrets, the facade."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .. import data_files
from ..errors import UsageError
from ..runtime.runner import load_event_json

if TYPE_CHECKING:
    from ..emulator import Emulator

MAX_SECRETS = 30  # Auth0's limits per action (spec §3.1)
MAX_SECRET_KEY, MAX_SECRET_VALUE = 128, 4096


def read_text(path: str, what: str) -> str:
    p = Path(path)
    if not p.exists():
        raise UsageError(f"{path}: no such file")
    if p.is_dir():
        raise UsageError(f"{path}: is a directory, not {what}")
    if not p.is_file():  # a FIFO or a device would be waited on, or never end
        raise UsageError(f"{path}: not a regular file, not {what}")
    return data_files.read_text(p, what)


def secrets(pairs: list[str]) -> dict[str, str]:
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


def tenant_arg(p: argparse.ArgumentParser) -> None:
    """--tenant for a command that needs one: when it is left out, $ACTIONS_EMULATOR_TENANT or the
    workspace's only tenant (cli._default_tenant)."""
    p.add_argument("--tenant", metavar="NAME",
                   help="the tenant (default: $ACTIONS_EMULATOR_TENANT, else the workspace's only tenant)")
    p.set_defaults(needs_tenant=True)


def event_arg(arg: str | None, *, secrets_from: str = "") -> dict | None:
    """The --event file, - for standard input, or the JSON itself (`--event '{"user": {...}}'`: a value
    that starts with `{` and is no file). An event's `secrets` are taken by `event_secrets`; where
    secrets come from elsewhere (`secrets_from` says where), they are refused rather than dropped."""
    if arg is None:
        return None
    if arg.lstrip().startswith("{") and not os.path.exists(arg):
        event = load_event_json(arg, "--event")
    elif arg == "-":
        try:
            text = sys.stdin.buffer.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(f"--event -: standard input is not UTF-8 text (byte {exc.start})") from None
        event = load_event_json(text, "--event -")
    else:
        event = load_event_json(read_text(arg, "an event file"), arg)
    if secrets_from and isinstance(event, dict) and "secrets" in event:
        raise UsageError(f"--event {arg}: secrets: an event cannot set secrets here; they come from {secrets_from}")
    return event


def event_secrets(event: dict | None, where: str) -> dict[str, str]:
    """Take `secrets` out of an --event: an object of text values, checked like --secret."""
    if not isinstance(event, dict) or "secrets" not in event:
        return {}
    given = event.pop("secrets")
    if not isinstance(given, dict) or not all(isinstance(v, str) for v in given.values()):
        raise UsageError(f"--event {where}: secrets: must be an object of text values (KEY: value)")
    return secrets([f"{k}={v}" for k, v in given.items()])


def version_arg(value: str) -> int | str:
    """`draft`, `deployed` or a version number."""
    if value in ("draft", "deployed"):
        return value
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise UsageError(f"{value!r} is not a version (a number, draft or deployed)")


def open_emulator(args: argparse.Namespace, **kw) -> Emulator:
    """The facade over the chosen workspace; `main` closes it when the command ends."""
    if getattr(args, "emulator", None) is None:
        from ..emulator import Emulator  # SQLite, journeys and tokens: imported by stored commands only

        args.emulator = Emulator.open(args.workspace, node=getattr(args, "node", None), **kw)
        from ..server import attach_local_api  # actions' calls to their own tenant (local_api.py)

        attach_local_api(args.emulator)
    return args.emulator
