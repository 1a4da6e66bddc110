"""Errors of the emulator that reach users.

`UsageError` is bad input (a missing file, invalid JSON, an unknown trigger): the CLI prints its one
line and exits 2. What an action does wrong is never an exception: it is part of that action's result.
"""
from __future__ import annotations


class EmulatorError(Exception):
    """Base of the errors the emulator reports to users as one line."""


class UsageError(EmulatorError):
    """The user's input cannot be used; the message names the file, line or field."""


class DependencyError(EmulatorError):
    """An action's npm dependencies cannot be installed; the message names the package."""
