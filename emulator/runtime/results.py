"""What running a trigger's chain produced, and what it means (the harness records; Python decides).

`ChainResult.outcome` is decided here from the registry's command effects: an action that failed makes
the chain `failed`; one that recorded a STOP command (access.deny, validation.error, session.revoke,
refreshToken.revoke) makes it `denied`; a SUSPEND command (redirect, form, MFA challenge or enrolment)
makes it `suspended`; otherwise it `completed`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .. import triggers

COMPLETED, DENIED, SUSPENDED, FAILED = "completed", "denied", "suspended", "failed"


@dataclass
class ActionError:
    name: str
    message: str
    stack: str = ""
    line: int | None = None
    column: int | None = None
    error_class: str = "action_error"  # action_error | action_timeout | platform_error
    code: str | None = None

    @classmethod
    def from_harness(cls, d: dict) -> ActionError:
        return cls(name=d.get("name", "Error"), message=d.get("message", ""), stack=d.get("stack", ""),
                   line=d.get("line"), column=d.get("column"), error_class=d.get("class", "action_error"),
                   code=d.get("code"))

    def to_json(self) -> dict[str, Any]:
        out = {"name": self.name, "message": self.message, "stack": self.stack, "line": self.line,
               "column": self.column, "class": self.error_class}
        if self.code is not None:
            out["code"] = self.code
        return out


@dataclass
class ActionResult:
    name: str
    handler: str
    commands: list[dict] = field(default_factory=list)
    logs: list[dict] = field(default_factory=list)
    logs_truncated: bool = False
    error: ActionError | None = None
    timings: dict[str, float] = field(default_factory=dict)
    file: str | None = None
    http: list[dict] = field(default_factory=list)  # outbound calls, secrets masked

    @classmethod
    def from_harness(cls, d: dict, file: str | None) -> ActionResult:
        return cls(name=d["name"], handler=d["handler"], commands=d["commands"], logs=d["logs"], http=d.get("http", []),
                   logs_truncated=d.get("logs_truncated", False),
                   error=ActionError.from_harness(d["error"]) if d.get("error") else None,
                   timings=d.get("timings", {}), file=file)

    def to_json(self) -> dict[str, Any]:
        out = {"name": self.name, "handler": self.handler, "commands": self.commands, "logs": self.logs,
               "http": self.http, "error": self.error.to_json() if self.error else None, "timings": self.timings}
        if self.file:
            out = {"name": self.name, "file": self.file, **{k: v for k, v in out.items() if k != "name"}}
        if self.logs_truncated:
            out["logs_truncated"] = True
        return out


@dataclass
class Outcome:
    status: str
    action: str | None = None  # the action that decided it
    command: dict | None = None  # the deciding command (deny, redirect, …)
    error_class: str | None = None
    skipped: list[str] = field(default_factory=list)  # bound actions that did not run

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, [])}


@dataclass
class ChainResult:
    trigger: str
    trigger_version: str
    node_version: str
    actions: list[ActionResult]
    outcome: Outcome
    cache: dict[str, dict] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)  # the chain's carried state (see harness/host.js)
    total_ms: float = 0.0

    @property
    def carried(self) -> dict[str, Any]:
        """What a flow applies after the chain: queued user metadata and the transaction metadata."""
        pending = self.state.get("pending_metadata", {})
        return {"app_metadata": pending.get("app_metadata", {}), "user_metadata": pending.get("user_metadata", {}),
                "transaction_metadata": self.state.get("transaction_metadata", {})}

    @property
    def ok(self) -> bool:
        return self.outcome.status != FAILED

    def to_json(self) -> dict[str, Any]:
        return {
            "trigger": self.trigger, "trigger_version": self.trigger_version, "node_version": self.node_version,
            "outcome": self.outcome.to_json(), "actions": [a.to_json() for a in self.actions],
            "carried": self.carried, "timings": {"total_ms": round(self.total_ms, 3)},
        }


def decide_outcome(trigger_id: str, actions: list[ActionResult], names: list[str]) -> Outcome:
    """Classify a chain from what its actions recorded, using the registry's effects."""
    trigger = triggers.get(trigger_id)
    skipped = names[len(actions):]
    for result in actions:
        if result.error:
            return Outcome(FAILED, result.name, error_class=result.error.error_class, skipped=skipped)
        for cmd in result.commands:
            if cmd.get("error"):
                continue
            method = trigger.method(cmd["name"])
            if method and method.effect:
                status = DENIED if method.effect == triggers.STOP else SUSPENDED
                return Outcome(status, result.name, command=cmd, skipped=skipped)
    return Outcome(COMPLETED, skipped=skipped)
