"""Every option of every command has help, with an example of its use."""
from __future__ import annotations

import argparse
import subprocess
import sys

from emulator.cli import build_parser
from emulator.cli.help_examples import annotate


def _actions(parser, path=""):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _actions(sub, f"{path} {name}".strip())
        elif not isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            yield path, action


def test_every_option_has_help_with_an_example():
    parser = build_parser()
    assert annotate(parser) == []  # the tables cover every option
    options = list(_actions(parser))
    assert len(options) > 250
    for path, action in options:
        assert action.help and "e.g. " in action.help, (path, action.option_strings or action.dest)
        if action.option_strings:  # an option's example uses the option itself
            assert f"e.g. {action.option_strings[-1]}" in action.help, (path, action.option_strings)


def test_the_help_a_person_reads():
    out = subprocess.run([sys.executable, "-m", "emulator.cli", "flow", "login", "--help"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0
    text = " ".join(out.stdout.split())
    assert "(e.g. --tenant sample)" in text and "(e.g. --otp 123456)" in text and "(e.g. --auto)" in text
