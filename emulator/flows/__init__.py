"""Journeys as steppable state machines over the tenant's bound actions: signup, login (with identifier
first, redirects and SMS MFA) and password reset (design §4)."""
from .engine import Answers, rerun, run_to_end, start, step
from .run import FlowRun, list_, load

__all__ = ["Answers", "FlowRun", "list_", "load", "rerun", "run_to_end", "start", "step"]
