"""Debugging inside actions through Node's inspector (design §10): shared by the CLI and the app."""
from .session import Breakpoint, DebugSession, Frame, Pause, script_url
from .values import Variable

__all__ = ["Breakpoint", "DebugSession", "Frame", "Pause", "Variable", "script_url"]
