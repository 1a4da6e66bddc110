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


class ManagementError(EmulatorError):
    """A management operation was refused, as Auth0's Management API would refuse it (status and code)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code


def not_found(message: str) -> ManagementError:
    return ManagementError(404, "not_found", message)


def conflict(message: str) -> ManagementError:
    return ManagementError(409, "conflict", message)


def bad_request(message: str) -> ManagementError:
    return ManagementError(400, "invalid_body", message)


def too_many(message: str) -> ManagementError:
    return ManagementError(403, "too_many_entities", message)
