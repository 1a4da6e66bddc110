"""Modules imported on first use. The CLI builds its whole parser for every command; importing what
each command needs (SQLite, PyJWT with cryptography, YAML, the journeys) only when that command runs
keeps a one-shot `run-action` close to Node's own start-up time (issue: a CLI that starts like Node)."""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands for a module; the first attribute read imports it."""

    def __init__(self, name: str):
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)


def module(name: str) -> Any:
    return LazyModule(name)


def attr(module_name: str, name: str) -> Any:
    """A function of a module imported on the first call."""
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module_name), name)(*args, **kwargs)
    call.__name__ = name
    return call
