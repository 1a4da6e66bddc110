"""A tenant as the Deploy CLI formats describe it, between the files and the workspace."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SECRET_PLACEHOLDER = "_VALUE_NOT_SHOWN_"  # what the Deploy CLI writes instead of a secret's value


@dataclass
class VersionSpec:
    code: str
    runtime: str
    dependencies: list[dict] = field(default_factory=list)
    modules: list[dict] = field(default_factory=list)  # [{module_name, module_version_number}]


@dataclass
class ModuleVersionSpec:
    number: int
    code: str
    dependencies: list[dict] = field(default_factory=list)


@dataclass
class ModuleSpec:
    """An Actions Module (`actionModules`): its draft, and (an emulator extension, `versions`) its
    published versions, so the versions actions pin survive a round trip."""

    name: str
    code: str
    dependencies: list[dict] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)  # a value may be SECRET_PLACEHOLDER
    versions: list[ModuleVersionSpec] = field(default_factory=list)


@dataclass
class ActionSpec:
    name: str
    code: str
    trigger_id: str
    trigger_version: str
    runtime: str = "node22"
    dependencies: list[dict] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)  # a value may be SECRET_PLACEHOLDER
    deployed: bool = False
    current_version: VersionSpec | None = None  # the deployed version when it differs from the draft
    modules: list[dict] = field(default_factory=list)  # [{module_name, module_version_number}]


@dataclass
class Bundle:
    modules: list[ModuleSpec] = field(default_factory=list)
    actions: list[ActionSpec] = field(default_factory=list)
    # Only the triggers the files list are touched on import; an empty list unbinds everything.
    bindings: dict[str, list[dict]] = field(default_factory=dict)
    clients: list[dict[str, Any]] = field(default_factory=list)
    resource_servers: list[dict[str, Any]] = field(default_factory=list)  # each has name and identifier
    roles: list[dict[str, Any]] = field(default_factory=list)  # {name, description, permissions}
    # clientGrants: {client_id (the client's name, as the Deploy CLI writes it), audience, scope}
    grants: list[dict[str, Any]] = field(default_factory=list)
    connections: list[dict[str, Any]] = field(default_factory=list)  # each has name and strategy
    users: list[dict[str, Any]] = field(default_factory=list)  # Auth0's bulk user import shape
    # tokenExchangeProfiles: {name, subject_token_type, action (a name), type}
    token_exchange_profiles: list[dict[str, Any]] = field(default_factory=list)
