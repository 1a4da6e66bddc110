"""Debugging inside actions through Node's inspector (design §10): shared by the CLI and the app.

Imported lazily: the inspector client (websockets) loads only when a debug session is made.
"""
from __future__ import annotations

__all__ = ["Breakpoint", "DebugSession", "Frame", "Pause", "Variable", "script_url"]


def __getattr__(name: str):
    if name in ("Breakpoint", "DebugSession", "Frame", "Pause", "script_url"):
        from . import session

        return getattr(session, name)
    if name == "Variable":
        from .values import Variable

        return Variable
    raise AttributeError(name)
