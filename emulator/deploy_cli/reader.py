"""Read a tenant from Auth0 Deploy CLI files: the directory format (actions/<name>.json with
actions/<name>/code.js, action-modules/<name>.json with action-modules/<name>/code.js,
triggers/triggers.json, clients/, database-connections/, connections/) or the
YAML format (tenant.yaml). Users come from users/users.json (or `users:` in YAML) in Auth0's bulk user
import shape, an emulator extension the Deploy CLI ignores.

Reading never stops at the first problem: every problem is collected with its file and field, so a bad
import can be refused as a whole with the full list.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ..data_files import MAX_FILE_BYTES, safe_yaml

from .. import triggers
from ..runtime.deps import MAX_DEPENDENCIES
from . import keywords
from ..errors import ManagementError
from ..runtime.runner import MAX_MODULES_PER_ACTION
from ..store import modules as modules_store
from .bundle import ActionSpec, Bundle, ModuleSpec, ModuleVersionSpec, VersionSpec

MAX_CODE_BYTES = 100 * 1024
MAX_SECRETS = 30


class Problems(list):
    def add(self, where: str, field: str | None, message: str) -> None:
        self.append(f"{where}: {field}: {message}" if field else f"{where}: {message}")


class Reader:
    def __init__(self, root: Path, mappings: dict | None):
        self.root = root
        self.mappings = mappings
        self.problems = Problems()
        self.unresolved: set[str] = set()

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def text(self, path: Path) -> str | None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.problems.add(self.rel(path), None, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
                return None
            return keywords.replace(path.read_text(encoding="utf-8"), self.mappings, self.unresolved)
        except UnicodeDecodeError:
            self.problems.add(self.rel(path), None, "not UTF-8 text")
        except OSError as exc:
            self.problems.add(self.rel(path), None, exc.strerror or str(exc))
        return None

    def json(self, path: Path) -> Any:
        text = self.text(path)
        if text is None:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self.problems.add(self.rel(path), None, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")
            return None

    def code_file(self, where: str, base: Path, action_name: str, ref: Any, folder: str = "actions",
                  field: str = "code") -> str | None:
        """The code a metadata file points to: relative to the tenant folder, or inside the entity's folder."""
        if not isinstance(ref, str) or not ref:
            owner = "action" if folder == "actions" else "module"
            self.problems.add(where, field, f"required (a path to the {owner}'s code.js)")
            return None
        candidates = [Path(ref) if Path(ref).is_absolute() else base / ref,
                      base / folder / action_name / Path(ref).name]
        root = self.root.resolve()
        for path in candidates:
            if path.is_file():
                # An import reads only inside its own folder (`code: ../../../etc/passwd` is refused).
                if not path.resolve().is_relative_to(root):
                    self.problems.add(where, field, f"{ref} is outside the imported folder")
                    return None
                return self.text(path)
        self.problems.add(where, field, f"file {ref} not found")
        return None

    # ---- actions --------------------------------------------------------------------------------------
    def entity_name(self, where: str, data: Any) -> str | None:
        """The name of an action's or a module's metadata object (None after reporting the problem)."""
        if not isinstance(data, dict):
            self.problems.add(where, None, "expected an object")
            return None
        name = data.get("name")
        if not isinstance(name, str) or not name:
            self.problems.add(where, "name", "required")
            return None
        return name

    def action(self, where: str, data: Any, base: Path) -> ActionSpec | None:
        name = self.entity_name(where, data)
        if name is None:
            return None
        trigger_id, trigger_version = None, None
        supported = data.get("supported_triggers")
        if not isinstance(supported, list) or len(supported) != 1 or not isinstance(supported[0], dict):
            self.problems.add(where, "supported_triggers", "required: exactly one {id, version}")
        else:
            trigger_id, trigger_version = supported[0].get("id"), supported[0].get("version")
            try:
                trigger = triggers.get(trigger_id)
                trigger_version = trigger_version or trigger.version
            except triggers.UnknownTrigger as exc:
                self.problems.add(where, "supported_triggers[0].id", str(exc))
                trigger_id = None
        code = self.code_file(where, base, name, data.get("code"))
        if code is not None and len(code.encode()) > MAX_CODE_BYTES:
            self.problems.add(where, "code", "larger than Auth0's 100 KB limit")
        deps = self.dependencies(where, "dependencies", data.get("dependencies", []))
        secrets = self.secrets(where, data.get("secrets", []))
        pins = self.pins(where, "modules", data.get("modules", []))
        current = None
        cv = data.get("current_version")
        if isinstance(cv, dict) and cv.get("code"):
            cv_code = self.code_file(where, base, name, cv.get("code"))
            if cv_code is not None:
                current = VersionSpec(cv_code, cv.get("runtime") or data.get("runtime") or "node22",
                                      self.dependencies(where, "current_version.dependencies", cv.get("dependencies", [])),
                                      self.pins(where, "current_version.modules", cv.get("modules", [])) or [])
        if code is None or trigger_id is None or deps is None or secrets is None or pins is None:
            return None
        return ActionSpec(name=name, code=code, trigger_id=trigger_id, trigger_version=trigger_version,
                          runtime=data.get("runtime") or "node22", dependencies=deps, secrets=secrets,
                          deployed=bool(data.get("deployed")), current_version=current, modules=pins)

    def pins(self, where: str, field: str, pins: Any) -> list[dict] | None:
        """An action's `modules`: [{module_name, module_version_number}] (ids, as exports with
        AUTH0_EXPORT_IDENTIFIERS add them, are ignored: names are what a tenant keeps)."""
        if not isinstance(pins, list) or any(
                not isinstance(p, dict) or not isinstance(p.get("module_name"), str)
                or not isinstance(p.get("module_version_number"), int) or p["module_version_number"] < 1
                for p in pins):
            self.problems.add(where, field, "expected a list of {module_name, module_version_number}")
            return None
        if len(pins) > MAX_MODULES_PER_ACTION:
            self.problems.add(where, field, f"at most {MAX_MODULES_PER_ACTION} Actions Modules per action "
                                            f"({len(pins)} given)")
            return None
        return [{"module_name": p["module_name"], "module_version_number": p["module_version_number"]} for p in pins]

    # ---- action modules -------------------------------------------------------------------------------
    def module(self, where: str, data: Any, base: Path) -> ModuleSpec | None:
        name = self.entity_name(where, data)
        if name is None:
            return None
        code = self.code_file(where, base, name, data.get("code"), "action-modules")
        if code is not None:
            code = self.module_code(where, "code", name, code)
        deps = self.dependencies(where, "dependencies", data.get("dependencies", []))
        secrets = self.secrets(where, data.get("secrets", []))
        versions = []
        raw_versions = data.get("versions", [])
        if not isinstance(raw_versions, list):
            self.problems.add(where, "versions", "expected a list of {version_number, code, dependencies}")
            raw_versions = []
        for i, v in enumerate(raw_versions):
            field = f"versions[{i}]"
            if not isinstance(v, dict) or not isinstance(v.get("version_number"), int) or v["version_number"] < 1:
                self.problems.add(where, f"{field}.version_number", "required (1, 2, ...)")
                continue
            v_code = self.code_file(where, base, name, v.get("code"), "action-modules", f"{field}.code")
            v_code = v_code and self.module_code(where, f"{field}.code", name, v_code)
            v_deps = self.dependencies(where, f"{field}.dependencies", v.get("dependencies", []))
            if v_code is not None and v_deps is not None:
                versions.append(ModuleVersionSpec(v["version_number"], v_code, v_deps))
        if code is None or deps is None or secrets is None:
            return None
        return ModuleSpec(name=name, code=code, dependencies=deps, secrets=secrets, versions=versions)

    def module_code(self, where: str, field: str, name: str, code: str) -> str | None:
        if len(code.encode()) > MAX_CODE_BYTES:
            self.problems.add(where, field, "larger than Auth0's 100 KB limit")
            return None
        try:
            modules_store.check_code(name, code)
        except ManagementError as exc:
            self.problems.add(where, field, str(exc))
            return None
        return code

    def dependencies(self, where: str, field: str, deps: Any) -> list[dict] | None:
        if not isinstance(deps, list) or any(not isinstance(d, dict) or not d.get("name") for d in deps):
            self.problems.add(where, field, "expected a list of {name, version}")
            return None
        if len(deps) > MAX_DEPENDENCIES:
            self.problems.add(where, field, f"at most {MAX_DEPENDENCIES} per action ({len(deps)} given)")
            return None
        return [{k: v for k, v in d.items() if k in ("name", "version", "registry_url")} for d in deps]

    def secrets(self, where: str, secrets: Any) -> dict[str, str] | None:
        if not isinstance(secrets, list) or any(not isinstance(s, dict) or not s.get("name") for s in secrets):
            self.problems.add(where, "secrets", "expected a list of {name, value}")
            return None
        if len(secrets) > MAX_SECRETS:
            self.problems.add(where, "secrets", f"at most {MAX_SECRETS} per action ({len(secrets)} given)")
            return None
        return {s["name"]: str(s.get("value", "")) for s in secrets}

    # ---- triggers, clients, connections, users ---------------------------------------------------------
    def bindings(self, where: str, data: Any) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        if not isinstance(data, dict):
            self.problems.add(where, None, "expected an object of trigger id -> list of bindings")
            return out
        for trigger_id, refs in data.items():
            if trigger_id not in triggers.TRIGGERS:
                # Triggers the emulator does not run (credentials-exchange, ...) may be listed; only
                # bindings to them are reported, since nothing could run them.
                if refs:
                    self.problems.add(where, trigger_id, "the emulator does not support this trigger")
                continue
            if not isinstance(refs, list) or any(not isinstance(r, dict) or not r.get("action_name") for r in refs):
                self.problems.add(where, trigger_id, "expected a list of {action_name, display_name}")
                continue
            out[trigger_id] = [{"action_name": r["action_name"], "display_name": r.get("display_name") or r["action_name"]}
                               for r in refs]
        return out

    def named(self, where: str, data: Any, kind: str) -> dict | None:
        if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"]:
            self.problems.add(where, "name", f"required for a {kind}")
            return None
        return data

    def profile(self, where: str, data: Any) -> dict | None:
        """A Custom Token Exchange profile: name, subject_token_type, action (by name) and type."""
        if self.named(where, data, "token exchange profile") is None:
            return None
        for key in ("subject_token_type", "action"):
            if not isinstance(data.get(key), str) or not data[key]:
                self.problems.add(where, key, "required")
                return None
        if data.get("type", "custom_authentication") != "custom_authentication":
            self.problems.add(where, "type", "must be custom_authentication")
            return None
        return {"name": data["name"], "subject_token_type": data["subject_token_type"], "action": data["action"],
                "type": "custom_authentication"}

    def identifier(self, where: str, api: dict) -> bool:
        if not isinstance(api.get("identifier"), str) or not api["identifier"]:
            self.problems.add(where, "identifier", "required for a resource server (the API's audience)")
            return False
        return True

    def role(self, where: str, role: dict) -> bool:
        perms = role.get("permissions", [])
        if not isinstance(perms, list) or not all(
                isinstance(p, dict) and isinstance(p.get("permission_name"), str)
                and isinstance(p.get("resource_server_identifier"), str) for p in perms):
            self.problems.add(where, "permissions", "a list of {permission_name, resource_server_identifier}")
            return False
        return True

    def grant(self, where: str, data: Any) -> dict | None:
        if not isinstance(data, dict):
            self.problems.add(where, None, "expected a JSON object")
            return None
        for key in ("client_id", "audience"):
            if not isinstance(data.get(key), str) or not data[key]:
                self.problems.add(where, key, "required (a client grant names its client and the API's audience)")
                return None
        if not isinstance(data.get("scope", []), list) or not all(isinstance(s, str) for s in data.get("scope", [])):
            self.problems.add(where, "scope", "a list of scope names")
            return None
        return {"client_id": data["client_id"], "audience": data["audience"], "scope": data.get("scope", [])}

    def users(self, where: str, data: Any) -> list[dict]:
        if not isinstance(data, list):
            self.problems.add(where, None, "expected a list of users")
            return []
        out = []
        for i, user in enumerate(data):
            if not isinstance(user, dict) or not isinstance(user.get("email"), str):
                self.problems.add(where, f"[{i}].email", "required")
                continue
            hashed = user.get("custom_password_hash")
            if hashed is not None and not (isinstance(hashed, dict) and hashed.get("algorithm") == "bcrypt"
                                           and isinstance(hashed.get("hash", {}).get("value"), str)):
                self.problems.add(where, f"[{i}].custom_password_hash", "only {algorithm: bcrypt, hash: {value}} is supported")
                continue
            out.append(user)
        return out


def read(path: str | Path, mappings: dict | None = None) -> tuple[Bundle, list[str], list[str]]:
    """Read a Deploy CLI directory or tenant.yaml. Returns (bundle, problems, warnings)."""
    path = Path(path)
    if path.is_file() and path.suffix in (".yaml", ".yml"):
        return _read_yaml(path, mappings)
    # A YAML export keeps its code in actions/<name>/ too: only actions/*.json make a directory format.
    if path.is_dir() and (path / "tenant.yaml").is_file() and not any((path / "actions").glob("*.json")):
        return _read_yaml(path / "tenant.yaml", mappings)
    return _read_directory(path, mappings)


def _warnings(r: Reader) -> list[str]:
    return [f"keyword {k} has no value in the mappings; left as is" for k in sorted(r.unresolved)]


def _read_directory(root: Path, mappings: dict | None) -> tuple[Bundle, list[str], list[str]]:
    r = Reader(root, mappings)
    bundle = Bundle()
    if not root.is_dir():
        r.problems.add(str(root), None, "no such directory")
        return bundle, r.problems, []
    for file in sorted((root / "action-modules").glob("*.json")):
        data = r.json(file)
        module = r.module(r.rel(file), data, root) if data is not None else None
        if module:
            bundle.modules.append(module)
    for file in sorted((root / "actions").glob("*.json")):
        data = r.json(file)
        spec = r.action(r.rel(file), data, root) if data is not None else None  # None: already reported
        if spec:
            bundle.actions.append(spec)
    triggers_file = root / "triggers" / "triggers.json"
    if triggers_file.is_file():
        data = r.json(triggers_file)
        if data is not None:
            bundle.bindings = r.bindings(r.rel(triggers_file), data)
    for file in sorted((root / "clients").glob("*.json")):
        client = r.named(r.rel(file), r.json(file), "client")
        if client:
            bundle.clients.append(client)
    for file in sorted((root / "resource-servers").glob("*.json")):
        api = r.named(r.rel(file), r.json(file), "resource server")
        if api and r.identifier(r.rel(file), api):
            bundle.resource_servers.append(api)
    for file in sorted((root / "roles").glob("*.json")):
        role = r.named(r.rel(file), r.json(file), "role")
        if role and r.role(r.rel(file), role):
            bundle.roles.append(role)
    for file in sorted((root / "grants").glob("*.json")):
        grant = r.grant(r.rel(file), r.json(file))
        if grant:
            bundle.grants.append(grant)
    for file in sorted((root / "database-connections").glob("*/database.json")):
        conn = r.named(r.rel(file), r.json(file), "database connection")
        if conn:
            bundle.connections.append({**conn, "strategy": conn.get("strategy") or "auth0"})
    for file in sorted((root / "connections").glob("*.json")):
        conn = r.named(r.rel(file), r.json(file), "connection")
        if conn:
            bundle.connections.append({**conn, "strategy": conn.get("strategy") or conn["name"]})
    for file in sorted((root / "token-exchange-profiles").glob("*.json")):
        profile = r.profile(r.rel(file), r.json(file))
        if profile:
            bundle.token_exchange_profiles.append(profile)
    users_file = root / "users" / "users.json"
    if users_file.is_file():
        data = r.json(users_file)
        if data is not None:
            bundle.users = r.users(r.rel(users_file), data)
    return bundle, r.problems, _warnings(r)


def _read_yaml(file: Path, mappings: dict | None) -> tuple[Bundle, list[str], list[str]]:
    r = Reader(file.parent, mappings)
    bundle = Bundle()
    text = r.text(file)
    if text is None:
        return bundle, r.problems, []
    try:
        data = safe_yaml(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        r.problems.add(r.rel(file), None, f"invalid YAML{where}: {getattr(exc, 'problem', exc)}")
        return bundle, r.problems, []
    if not isinstance(data, dict):
        r.problems.add(r.rel(file), None, "expected a mapping at the top level")
        return bundle, r.problems, []
    where = r.rel(file)
    for i, item in enumerate(data.get("actionModules") or []):
        module = r.module(f"{where}: actionModules[{i}]", item, file.parent)
        if module:
            bundle.modules.append(module)
    for i, item in enumerate(data.get("actions") or []):
        spec = r.action(f"{where}: actions[{i}]", item, file.parent)
        if spec:
            bundle.actions.append(spec)
    if "triggers" in data:
        bundle.bindings = r.bindings(f"{where}: triggers", data["triggers"] or {})
    for i, item in enumerate(data.get("clients") or []):
        client = r.named(f"{where}: clients[{i}]", item, "client")
        if client:
            bundle.clients.append(client)
    for i, item in enumerate(data.get("resourceServers") or []):
        api = r.named(f"{where}: resourceServers[{i}]", item, "resource server")
        if api and r.identifier(f"{where}: resourceServers[{i}]", api):
            bundle.resource_servers.append(api)
    for i, item in enumerate(data.get("roles") or []):
        role = r.named(f"{where}: roles[{i}]", item, "role")
        if role and r.role(f"{where}: roles[{i}]", role):
            bundle.roles.append(role)
    for i, item in enumerate(data.get("clientGrants") or []):
        grant = r.grant(f"{where}: clientGrants[{i}]", item)
        if grant:
            bundle.grants.append(grant)
    for i, item in enumerate(data.get("databases") or []):
        conn = r.named(f"{where}: databases[{i}]", item, "database connection")
        if conn:
            bundle.connections.append({**conn, "strategy": conn.get("strategy") or "auth0"})
    for i, item in enumerate(data.get("connections") or []):
        conn = r.named(f"{where}: connections[{i}]", item, "connection")
        if conn:
            bundle.connections.append({**conn, "strategy": conn.get("strategy") or conn["name"]})
    for i, item in enumerate(data.get("tokenExchangeProfiles") or []):
        profile = r.profile(f"{where}: tokenExchangeProfiles[{i}]", item)
        if profile:
            bundle.token_exchange_profiles.append(profile)
    if "users" in data:
        bundle.users = r.users(f"{where}: users", data["users"] or [])
    return bundle, r.problems, _warnings(r)


def load_mappings(path: str | Path) -> dict:
    """A keyword mapping file (JSON or YAML object)."""
    from .. import data_files
    from ..errors import UsageError

    data = data_files.load(path)
    if not isinstance(data, dict):
        raise UsageError(f"{path}: the keyword mappings must be an object of KEY: value")
    return data
