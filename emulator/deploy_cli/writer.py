"""Write a bundle in the Deploy CLI's directory format or as tenant.yaml. Secret values are never
written (the Deploy CLI's `_VALUE_NOT_SHOWN_` stands in). The files are written into a temporary folder
first and moved into place only when complete, so a failed export leaves no half-written folder."""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import yaml

from .. import triggers
from ..errors import UsageError
from .bundle import ActionSpec, Bundle, ModuleSpec

_UNSAFE = re.compile(r'[\\/?%*:|"<>\x00-\x1f]')


def sanitize(name: str) -> str:
    """A file name for an entity name, as the Deploy CLI's `sanitize` does."""
    return _UNSAFE.sub("-", name)


def _dump_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _action_meta(spec: ActionSpec, code_ref: str, current_ref: str | None) -> dict:
    meta = {
        "name": spec.name, "code": code_ref, "runtime": spec.runtime, "status": "built",
        "dependencies": spec.dependencies, "secrets": [{"name": k, "value": v} for k, v in sorted(spec.secrets.items())],
        "supported_triggers": [{"id": spec.trigger_id, "version": spec.trigger_version}], "deployed": spec.deployed,
    }
    if spec.modules:
        meta["modules"] = spec.modules
    if spec.current_version and current_ref:
        meta["current_version"] = {"code": current_ref, "runtime": spec.current_version.runtime,
                                   "dependencies": spec.current_version.dependencies, "status": "built"}
        if spec.current_version.modules:
            meta["current_version"]["modules"] = spec.current_version.modules
    return meta


def _write_module(tmp: Path, spec: ModuleSpec) -> dict:
    """The module's code files, and its metadata (the Deploy CLI's keys, plus `versions`)."""
    folder = tmp / "action-modules" / sanitize(spec.name)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "code.js").write_text(spec.code, encoding="utf-8")
    ref = f"./action-modules/{sanitize(spec.name)}"
    meta = {"name": spec.name, "code": f"{ref}/code.js", "dependencies": spec.dependencies,
            "secrets": [{"name": k, "value": v} for k, v in sorted(spec.secrets.items())]}
    if spec.versions:
        meta["versions"] = []
        for v in spec.versions:
            (folder / f"v{v.number}.js").write_text(v.code, encoding="utf-8")
            meta["versions"].append({"version_number": v.number, "code": f"{ref}/v{v.number}.js",
                                     "dependencies": v.dependencies})
    return meta


def _all_triggers(bundle: Bundle) -> dict[str, list[dict]]:
    # Like the Deploy CLI, list every trigger, bound or not.
    return {t.id: bundle.bindings.get(t.id, []) for t in triggers.all_triggers()}


def _write_code(tmp: Path, spec: ActionSpec) -> tuple[str, str | None]:
    folder = tmp / "actions" / sanitize(spec.name)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "code.js").write_text(spec.code, encoding="utf-8")
    current_ref = None
    if spec.current_version:
        (folder / "current_version.js").write_text(spec.current_version.code, encoding="utf-8")
        current_ref = f"./actions/{sanitize(spec.name)}/current_version.js"
    return f"./actions/{sanitize(spec.name)}/code.js", current_ref


def _fill_directory(tmp: Path, bundle: Bundle) -> None:
    for module in bundle.modules:
        _dump_json(tmp / "action-modules" / f"{sanitize(module.name)}.json", _write_module(tmp, module))
    for spec in bundle.actions:
        code_ref, current_ref = _write_code(tmp, spec)
        _dump_json(tmp / "actions" / f"{sanitize(spec.name)}.json", _action_meta(spec, code_ref, current_ref))
    _dump_json(tmp / "triggers" / "triggers.json", _all_triggers(bundle))
    for client in bundle.clients:
        _dump_json(tmp / "clients" / f"{sanitize(client['name'])}.json", client)
    for api in bundle.resource_servers:
        _dump_json(tmp / "resource-servers" / f"{sanitize(api['name'])}.json", api)
    for role in bundle.roles:
        _dump_json(tmp / "roles" / f"{sanitize(role['name'])}.json", role)
    for grant in bundle.grants:
        _dump_json(tmp / "grants" / f"{sanitize(grant['client_id'])}-{sanitize(grant['audience'])}.json", grant)
    for conn in bundle.connections:
        if conn["strategy"] == "auth0":
            _dump_json(tmp / "database-connections" / sanitize(conn["name"]) / "database.json", conn)
        else:
            _dump_json(tmp / "connections" / f"{sanitize(conn['name'])}.json", conn)
    for profile in bundle.token_exchange_profiles:
        _dump_json(tmp / "token-exchange-profiles" / f"{sanitize(profile['name'])}.json", profile)
    if bundle.users:
        _dump_json(tmp / "users" / "users.json", bundle.users)


def _fill_yaml(tmp: Path, bundle: Bundle) -> None:
    doc: dict = {"actions": [], "triggers": _all_triggers(bundle)}
    if bundle.modules:
        doc = {"actionModules": [_write_module(tmp, m) for m in bundle.modules], **doc}
    for spec in bundle.actions:
        code_ref, current_ref = _write_code(tmp, spec)
        doc["actions"].append(_action_meta(spec, code_ref, current_ref))
    doc["clients"] = bundle.clients
    if bundle.resource_servers:
        doc["resourceServers"] = bundle.resource_servers
    if bundle.roles:
        doc["roles"] = bundle.roles
    if bundle.grants:
        doc["clientGrants"] = bundle.grants
    doc["databases"] = [c for c in bundle.connections if c["strategy"] == "auth0"]
    others = [c for c in bundle.connections if c["strategy"] != "auth0"]
    if others:
        doc["connections"] = others
    if bundle.token_exchange_profiles:
        doc["tokenExchangeProfiles"] = bundle.token_exchange_profiles
    if bundle.users:
        doc["users"] = bundle.users
    (tmp / "tenant.yaml").write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def write(bundle: Bundle, target: str | Path, fmt: str = "directory") -> Path:
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target}: exists and is not an empty folder; choose a new folder to export into")
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
        (_fill_yaml if fmt == "yaml" else _fill_directory)(tmp, bundle)
        if target.exists():
            target.rmdir()
        tmp.rename(target)
    except OSError as exc:
        # A read-only or full location: one line, and nothing half-written left behind.
        raise UsageError(f"{target}: cannot export there: {exc.strerror or exc}") from None
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target
