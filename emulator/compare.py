"""Compare two versions of an action (or draft and deployed) on the same events: what each did (outcome,
commands, claims, metadata changes, console output, error, outbound calls, duration) and which of those
differ. The app's Compare view and the `compare` command both show this."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .runtime.results import ChainResult

COMPARED = ("outcome", "commands", "claims", "metadata", "console", "error", "http")


def summary(result: ChainResult) -> dict[str, Any]:
    action = result.actions[0]
    claims: dict[str, dict] = {"id_token": {}, "access_token": {}}
    for cmd in action.commands:
        if cmd["name"].endswith(".setCustomClaim") and not cmd.get("error"):
            claims["id_token" if cmd["name"].startswith("idToken") else "access_token"][cmd["args"][0]] = cmd["args"][1]
    carried = result.carried
    return {
        "outcome": result.outcome.to_json(),
        "commands": [{"name": c["name"], "args": c["args"]} for c in action.commands],
        "claims": claims,
        "metadata": {"app_metadata": carried["app_metadata"], "user_metadata": carried["user_metadata"]},
        "console": [entry["message"] for entry in action.logs],
        "error": action.error.to_json() | {"stack": None} if action.error else None,
        "http": [{k: c.get(k) for k in ("method", "url", "status", "stubbed")} for c in action.http],
        "duration_ms": action.timings.get("total_ms"),
    }


@dataclass
class Comparison:
    event_name: str
    a: dict
    b: dict
    differences: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"event": self.event_name, "same": not self.differences, "differences": self.differences,
                "a": self.a, "b": self.b}


def compare(a: ChainResult, b: ChainResult, event_name: str) -> Comparison:
    left, right = summary(a), summary(b)
    return Comparison(event_name, left, right, [k for k in COMPARED if left[k] != right[k]])


async def compare_versions(emu, tenant: str, action: str, a: int | str, b: int | str,
                           events: dict[str, dict | None], http: dict | None = None) -> list[Comparison]:
    """Run versions `a` and `b` of `action` on each named event (None: the default event)."""
    out = []
    for name, event in events.items():
        left, _, _ = await emu.run_action(tenant, action, a, event, http=http)
        right, _, _ = await emu.run_action(tenant, action, b, event, http=http)
        out.append(compare(left, right, name))
    return out
