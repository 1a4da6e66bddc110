"""What an operation changed, so views refresh precisely instead of guessing (design §8).

Every mutating call of the facade returns a Changes value naming the things it touched; they combine
with `|`.
"""
from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Changes:
    tenants: frozenset[str] = frozenset()
    actions: frozenset[tuple[str, str]] = frozenset()  # (tenant, action name)
    modules: frozenset[tuple[str, str]] = frozenset()  # (tenant, Actions Module name)
    bindings: frozenset[tuple[str, str]] = frozenset()  # (tenant, trigger id)
    users: frozenset[tuple[str, str]] = frozenset()  # (tenant, user id)
    directory: frozenset[str] = frozenset()  # tenants whose clients or connections changed
    logs: frozenset[str] = frozenset()  # tenants with new log records
    executions: frozenset[str] = frozenset()  # execution ids
    cache: frozenset[tuple[str, str]] = frozenset()  # (tenant, trigger id)
    flow_runs: frozenset[tuple[str, str]] = frozenset()  # (tenant, run id)

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) | getattr(other, f.name) for f in fields(self)})

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def to_json(self) -> dict[str, list]:
        return {f.name: sorted(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name)}
