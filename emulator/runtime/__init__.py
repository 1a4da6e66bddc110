"""Running action code in Node: host processes, the protocol, dependencies and results (design §3)."""
from . import http_stubs
from .deps import DependencyCache, parse_spec
from .host import HostLimits, NodeHost
from .pool import HostPool
from .results import ActionError, ActionResult, ChainResult, Outcome
from .runner import DEFAULT_DEADLINE_MS, ActionSource, ModuleSource, build_event, deep_merge, run_chain

__all__ = ["http_stubs", "DependencyCache", "parse_spec", "HostLimits", "NodeHost", "HostPool", "ActionError", "ActionResult",
           "ChainResult", "Outcome", "DEFAULT_DEADLINE_MS", "ActionSource", "ModuleSource", "build_event", "deep_merge",
           "run_chain"]
