"""The `actions-emulator` command's entry point: starts a one-shot run's Node host (prespawn) before
importing the CLI, so that Node's start-up and Python's imports overlap."""
from __future__ import annotations

import sys


def main() -> int:
    from . import prespawn

    prespawn.for_command(sys.argv[1:])
    from .cli import main as cli_main

    return cli_main()
