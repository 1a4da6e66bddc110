"""The shapes of the trigger registry: what a trigger is and what each `api` method is.

The registry is the single source of truth about triggers (design §2). Everything else is derived from
these records: the JS harness builds each trigger's `api` object from `Trigger.to_harness()`, the CLI
takes its `--trigger` choices from `ids()`, the chain outcome reads each method's `effect`, and the
editor (later) reads `signature` and `doc` for completions.

Argument rules are small declarative dicts interpreted by `harness/validate.js`, so that validation is
written once and runs where Auth0 runs it: inside the action, throwing at the call site.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

# What a recorded command means for the chain that recorded it (read by Python, and by the harness to
# know when to stop running later actions).
STOP = "stop"  # denies the transaction: the current action finishes, no later action runs
SUSPEND = "suspend"  # pauses the pipeline (redirect, form, MFA) after the current action
EFFECTS = (STOP, SUSPEND)


@dataclass(frozen=True)
class Arg:
    """One parameter of an api method with its validation rule (see harness/validate.js)."""

    name: str
    rule: dict[str, Any] = field(default_factory=lambda: {"type": "any"})
    optional: bool = False
    default: Any = None  # the value of an omitted (undefined) argument, like a JS default parameter

    def to_harness(self) -> dict[str, Any]:
        out = {"name": self.name, "rule": self.rule, "optional": self.optional}
        if self.default is not None:
            out["default"] = self.default
        return out


@dataclass(frozen=True)
class Codec:
    """Auth0's JSON-schema check of a method's input (harness/schema.js), as its own runtime makes it.

    The arguments become one object, `fields[i]` naming argument i (`None` leaves it out); a field in
    `or_default` replaces a falsy argument (Auth0's `promptOptions || {}`). A failure throws one Error,
    optionally prefixed `"<prefix>: "`.
    """

    schema: dict[str, Any]
    fields: tuple[str | None, ...]
    prefix: str = ""
    or_default: dict[str, Any] = field(default_factory=dict)

    def to_harness(self) -> dict[str, Any]:
        return {"schema": self.schema, "fields": list(self.fields), "prefix": self.prefix,
                "or_default": self.or_default}


@dataclass(frozen=True)
class ApiMethod:
    """One `api.<namespace>.<method>` of a trigger.

    returns: "chain" (the api object), "void", or "value" (what `behavior` computes; "promise" when async).
    behavior: name of a harness function that computes a return value or keeps per-execution state.
    effect: STOP or SUSPEND when the command changes the course of the chain.
    guards: named preconditions checked before the arguments (harness/api.js GUARDS: "continue_only",
        "once", "render_conflict", "redirect_conflict", "refresh_token_offline", "not_implemented": a
        method Auth0's runtime has behind a feature flag, which throws `Method not implemented.`).
    codec: Auth0's schema check, run after the argument rules and before the behaviour.
    """

    path: str
    args: tuple[Arg, ...] = ()
    returns: str = "chain"
    doc: str = ""
    behavior: str | None = None
    effect: str | None = None
    guards: tuple[str, ...] = ()
    codec: Codec | None = None

    def __post_init__(self) -> None:
        assert self.returns in ("chain", "void", "value", "promise"), self.returns
        assert self.effect in (None, *EFFECTS), self.effect

    @property
    def namespace(self) -> str:
        return self.path.rsplit(".", 1)[0] if "." in self.path else ""

    @property
    def signature(self) -> str:
        names = ", ".join(a.name + ("?" if a.optional else "") for a in self.args)
        return f"api.{self.path}({names})"

    def to_harness(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "args": [a.to_harness() for a in self.args],
            "returns": self.returns,
            "behavior": self.behavior,
            "effect": self.effect,
            "guards": list(self.guards),
            "codec": self.codec.to_harness() if self.codec else None,
        }


@dataclass(frozen=True)
class Trigger:
    """One trigger point: how Auth0 calls actions bound to it and what they may do."""

    id: str
    version: str
    handlers: tuple[str, ...]  # the first is the default entry point (onExecute…)
    blocking: bool
    doc: str
    api: tuple[ApiMethod, ...]
    default_event: Callable[[], dict[str, Any]]
    experimental: bool = False
    max_bindings: int = 20  # Auth0's limit of actions bound to one trigger (spec §3.1)
    user_fields: tuple[str, ...] | None = None  # a trigger that gets only these `event.user` fields

    @property
    def default_handler(self) -> str:
        return self.handlers[0]

    @property
    def continue_handlers(self) -> tuple[str, ...]:
        return tuple(h for h in self.handlers if h.startswith("onContinue"))

    def method(self, path: str) -> ApiMethod | None:
        return next((m for m in self.api if m.path == path), None)

    def skeleton(self) -> str:
        """The code a new action for this trigger starts with."""
        parts = [
            f"/**\n * Handler that will be called during the execution of a {self.id} flow.\n */\n"
            f"exports.{h} = async (event, api) => {{\n}};\n"
            for h in self.handlers
        ]
        return "\n".join(parts)

    def to_harness(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "handlers": list(self.handlers),
            "api": [m.to_harness() for m in self.api],
        }
