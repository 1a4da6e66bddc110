"""Actions with Auth0's lifecycle (spec §4.1): an editable draft; deploy snapshots it into an immutable
version numbered 1, 2, ...; rollback deploys a copy of an older version as a new number; only the
deployed version runs in flows. Auth0's limits are enforced with Auth0-like errors.
"""
from __future__ import annotations

import difflib
import json
from typing import Any

from .. import triggers
from ..errors import bad_request, conflict, not_found, too_many
from ..runtime.deps import MAX_DEPENDENCIES, parse_spec
from .db import Workspace, transaction
from .db import rows as db_rows

MAX_ACTIONS = 100
MAX_VERSIONS = 50
MAX_SECRETS = 30
MAX_CODE_BYTES = 100 * 1024
MAX_SECRET_NAME, MAX_SECRET_VALUE = 128, 4096
DEFAULT_RUNTIME = "node22"
RUNTIMES = ("node12", "node16", "node18", "node18-actions", "node22")
DRAFT, DEPLOYED = "draft", "deployed"


def _check_content(code: str | None, dependencies: list[dict] | None, secrets: dict | None,
                   runtime: str | None) -> None:
    if code is not None and len(code.encode()) > MAX_CODE_BYTES:
        raise bad_request(f"The code is {len(code.encode()) // 1024} KB; Auth0 allows at most 100 KB.")
    if dependencies is not None:
        if len(dependencies) > MAX_DEPENDENCIES:
            raise bad_request(f"An action can have at most {MAX_DEPENDENCIES} dependencies ({len(dependencies)} given).")
        for dep in dependencies:
            if not isinstance(dep, dict) or "name" not in dep:
                raise bad_request(f"Invalid dependency {dep!r}: expected {{name, version}}.")
            parse_spec(f"{dep['name']}@{dep.get('version') or 'latest'}")
    if secrets is not None:
        if len(secrets) > MAX_SECRETS:
            raise bad_request(f"An action can have at most {MAX_SECRETS} secrets ({len(secrets)} given).")
        for name, value in secrets.items():
            if not name or len(name) > MAX_SECRET_NAME:
                raise bad_request(f"Invalid secret name {name!r}: 1 to {MAX_SECRET_NAME} characters.")
            if value is not None and len(str(value)) > MAX_SECRET_VALUE:
                raise bad_request(f"The value of secret {name!r} is longer than {MAX_SECRET_VALUE} characters.")
    if runtime is not None and runtime not in RUNTIMES:
        raise bad_request(f"Invalid runtime {runtime!r} (one of {', '.join(RUNTIMES)}).")


def _row(ws: Workspace, tenant: str, name: str) -> dict:
    rows = db_rows(ws, "SELECT * FROM actions WHERE tenant = ? AND name = ?", [tenant, name])
    if not rows:
        raise not_found(f"The action {name!r} does not exist.")
    return rows[0]


def _secrets_with_time(ws: Workspace, old: dict, new: dict[str, str | None]) -> dict:
    """Merge secret values into stored `{name: {value, updated_at}}`; a None value deletes the secret."""
    out = dict(old)
    for name, value in new.items():
        if value is None:
            out.pop(name, None)
        elif name not in out or out[name]["value"] != value:
            out[name] = {"value": value, "updated_at": ws.clock.iso()}
    return out


def _pins(ws: Workspace, tenant: str, pins: list[dict] | None) -> str | None:
    from . import modules  # modules builds on this module's checks

    return None if pins is None else json.dumps(modules.check_pins(ws, tenant, pins))


def create(ws: Workspace, tenant: str, name: str, trigger_id: str, code: str, *,
           dependencies: list[dict] | None = None, secrets: dict[str, str] | None = None,
           runtime: str = DEFAULT_RUNTIME, modules: list[dict] | None = None) -> dict:
    trigger = triggers.get(trigger_id)
    if not name or len(name) > 128 or "/" in name:
        raise bad_request(f"Invalid action name {name!r}.")
    _check_content(code, dependencies or [], secrets or {}, runtime)
    with transaction(ws):
        count = ws.db.execute("SELECT COUNT(*) FROM actions WHERE tenant = ?", [tenant]).fetchone()[0]
        if count >= MAX_ACTIONS:
            raise too_many(f"The tenant already has {MAX_ACTIONS} actions, Auth0's limit.")
        if ws.db.execute("SELECT 1 FROM actions WHERE tenant = ? AND name = ?", [tenant, name]).fetchone():
            raise conflict(f"An action named {name!r} already exists.")
        now = ws.clock.iso()
        ws.db.execute(
            """INSERT INTO actions (id, tenant, name, trigger_id, trigger_version, code, runtime, dependencies, secrets,
               modules, deployed_version, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,NULL,?,?)""",
            [ws.ids.uuid(), tenant, name, trigger.id, trigger.version, code, runtime,
             json.dumps(dependencies or []), json.dumps(_secrets_with_time(ws, {}, secrets or {})),
             _pins(ws, tenant, modules or []), now, now])
    return get(ws, tenant, name)


def update_draft(ws: Workspace, tenant: str, name: str, *, code: str | None = None,
                 dependencies: list[dict] | None = None, secrets: dict[str, str | None] | None = None,
                 runtime: str | None = None, modules: list[dict] | None = None) -> dict:
    _check_content(code, dependencies, None, runtime)
    with transaction(ws):
        row = _row(ws, tenant, name)
        merged = _secrets_with_time(ws, json.loads(row["secrets"]), secrets or {})
        _check_content(None, None, {k: v["value"] for k, v in merged.items()}, None)
        ws.db.execute("""UPDATE actions SET code = ?, dependencies = ?, secrets = ?, runtime = ?, modules = ?,
                         updated_at = ? WHERE id = ?""",
                      [code if code is not None else row["code"],
                       json.dumps(dependencies) if dependencies is not None else row["dependencies"],
                       json.dumps(merged), runtime or row["runtime"], _pins(ws, tenant, modules) or row["modules"],
                       ws.clock.iso(), row["id"]])
    return get(ws, tenant, name)


def _snapshot(ws: Workspace, action_id: str, code: str, runtime: str, dependencies: str, secrets: str,
              modules: str) -> int:
    """Store a new immutable version and make it the deployed one; returns its number."""
    numbers = [r[0] for r in ws.db.execute("SELECT number FROM action_versions WHERE action_id = ? ORDER BY number",
                                           [action_id])]
    deployed = ws.db.execute("SELECT deployed_version FROM actions WHERE id = ?", [action_id]).fetchone()[0]
    if len(numbers) >= MAX_VERSIONS:
        # Auth0 keeps 50 versions and deletes the oldest one that is not in use.
        oldest = next(n for n in numbers if n != deployed)
        ws.db.execute("DELETE FROM action_versions WHERE action_id = ? AND number = ?", [action_id, oldest])
    number = (numbers[-1] if numbers else 0) + 1
    ws.db.execute("""INSERT INTO action_versions (id, action_id, number, code, runtime, dependencies, secrets, modules,
                     created_at) VALUES (?,?,?,?,?,?,?,?,?)""",
                  [ws.ids.uuid(), action_id, number, code, runtime, dependencies, secrets, modules, ws.clock.iso()])
    ws.db.execute("UPDATE actions SET deployed_version = ?, updated_at = ? WHERE id = ?",
                  [number, ws.clock.iso(), action_id])
    return number


def deploy(ws: Workspace, tenant: str, name: str) -> dict:
    with transaction(ws):
        row = _row(ws, tenant, name)
        number = _snapshot(ws, row["id"], row["code"], row["runtime"], row["dependencies"], row["secrets"],
                           row["modules"])
    return version(ws, tenant, name, number)


def rollback(ws: Workspace, tenant: str, name: str, number: int, *, update_draft: bool = False) -> dict:
    """Deploy a copy of version `number` as a new version (Auth0's rollback)."""
    with transaction(ws):
        row = _row(ws, tenant, name)
        old = version(ws, tenant, name, number, with_secret_values=True)
        deps, secrets, pins = json.dumps(old["dependencies"]), json.dumps(old["_secrets"]), json.dumps(old["_modules"])
        new = _snapshot(ws, row["id"], old["code"], old["runtime"], deps, secrets, pins)
        if update_draft:
            ws.db.execute("""UPDATE actions SET code = ?, runtime = ?, dependencies = ?, secrets = ?, modules = ?
                             WHERE id = ?""", [old["code"], old["runtime"], deps, secrets, pins, row["id"]])
    return version(ws, tenant, name, new)


def delete(ws: Workspace, tenant: str, name: str, *, force: bool = False) -> None:
    with transaction(ws):
        row = _row(ws, tenant, name)
        bound = [r[0] for r in ws.db.execute("SELECT DISTINCT trigger_id FROM bindings WHERE action_id = ?", [row["id"]])]
        if bound and not force:
            raise bad_request(f"The action {name!r} is bound to {', '.join(bound)}; unbind it first or force.")
        if bound:
            from . import bindings

            for trigger_id in bound:
                names = [b["action"]["name"] for b in bindings.get(ws, tenant, trigger_id) if b["action"]["name"] != name]
                bindings.set_(ws, tenant, trigger_id, names)
        ws.db.execute("DELETE FROM actions WHERE id = ?", [row["id"]])


def _public_secrets(stored: dict) -> list[dict]:
    return [{"name": k, "updated_at": v["updated_at"]} for k, v in sorted(stored.items())]


def _version_json(ws: Workspace, row: dict, action: dict, with_secret_values: bool = False) -> dict[str, Any]:
    from . import modules

    secrets = json.loads(row["secrets"])
    out = {
        "id": row["id"], "action_id": action["id"], "number": row["number"], "code": row["code"],
        "runtime": row["runtime"], "dependencies": json.loads(row["dependencies"]),
        "secrets": _public_secrets(secrets), "deployed": row["number"] == action["deployed_version"],
        "status": "built", "created_at": row["created_at"],
        "supported_triggers": [{"id": action["trigger_id"], "version": action["trigger_version"]}],
        "modules": modules.pins_json(ws, action["tenant"], json.loads(row["modules"])),
    }
    if with_secret_values:
        out["_secrets"] = secrets
        out["_modules"] = json.loads(row["modules"])
    return out


def version(ws: Workspace, tenant: str, name: str, number: int | str, *, with_secret_values: bool = False) -> dict:
    action = _row(ws, tenant, name)
    if number == DEPLOYED:
        if action["deployed_version"] is None:
            raise bad_request(f"The action {name!r} has not been deployed.")
        number = action["deployed_version"]
    return _version_json(ws, _version_row(ws, action, number), action, with_secret_values)


def _version_row(ws: Workspace, action: dict, number: int) -> dict:
    rows = db_rows(ws, "SELECT * FROM action_versions WHERE action_id = ? AND number = ?", [action["id"], number])
    if not rows:
        raise not_found(f"The action {action['name']!r} has no version {number}.")
    return rows[0]


def versions(ws: Workspace, tenant: str, name: str) -> list[dict]:
    action = _row(ws, tenant, name)
    return [_version_json(ws, r, action) for r in
            ws.db.query("SELECT * FROM action_versions WHERE action_id = ? ORDER BY number DESC", [action["id"]])]


def _all_changes_deployed(ws: Workspace, row: dict) -> bool:
    if row["deployed_version"] is None:
        return False
    v = ws.db.execute("""SELECT code, runtime, dependencies, secrets, modules FROM action_versions
                         WHERE action_id = ? AND number = ?""", [row["id"], row["deployed_version"]]).fetchone()
    return v is not None and (v[0], v[1], json.loads(v[2]), json.loads(v[3]), json.loads(v[4])) == (
        row["code"], row["runtime"], json.loads(row["dependencies"]), json.loads(row["secrets"]),
        json.loads(row["modules"]))


def _action_json(ws: Workspace, row: dict) -> dict[str, Any]:
    from . import modules

    return {
        "id": row["id"], "name": row["name"],
        "supported_triggers": [{"id": row["trigger_id"], "version": row["trigger_version"]}],
        "code": row["code"], "runtime": row["runtime"], "dependencies": json.loads(row["dependencies"]),
        "secrets": _public_secrets(json.loads(row["secrets"])), "status": "built",
        "deployed_version": row["deployed_version"], "all_changes_deployed": _all_changes_deployed(ws, row),
        "created_at": row["created_at"], "updated_at": row["updated_at"],
        "modules": modules.pins_json(ws, row["tenant"], json.loads(row["modules"])),
    }


def get(ws: Workspace, tenant: str, name: str) -> dict:
    return _action_json(ws, _row(ws, tenant, name))


def list_(ws: Workspace, tenant: str, trigger_id: str | None = None) -> list[dict]:
    sql, params = "SELECT * FROM actions WHERE tenant = ?", [tenant]
    if trigger_id:
        sql, params = sql + " AND trigger_id = ?", params + [triggers.get(trigger_id).id]
    return [_action_json(ws, r) for r in ws.db.query(sql + " ORDER BY trigger_id, name", params)]


def source(ws: Workspace, tenant: str, name: str, which: int | str = DRAFT) -> dict:
    """What to run: code, dependencies, secret values and the version number (None for the draft)."""
    row = _row(ws, tenant, name)
    if which == DRAFT:
        return {"action_id": row["id"], "tenant": tenant, "name": name, "trigger_id": row["trigger_id"], "code": row["code"],
                "dependencies": json.loads(row["dependencies"]), "version": None, "runtime": row["runtime"],
                "secrets": {k: v["value"] for k, v in json.loads(row["secrets"]).items()},
                "modules": _module_sources(ws, tenant, row["modules"])}
    if which == DEPLOYED:
        if row["deployed_version"] is None:
            raise bad_request(f"The action {name!r} has not been deployed.")
        which = row["deployed_version"]
    v = _version_row(ws, row, which)  # the action's row is read once (a journey reads a source per action)
    return {"action_id": row["id"], "tenant": tenant, "name": name, "trigger_id": row["trigger_id"], "code": v["code"],
            "dependencies": json.loads(v["dependencies"]), "version": v["number"], "runtime": v["runtime"],
            "secrets": {k: s["value"] for k, s in json.loads(v["secrets"]).items()},
            "modules": _module_sources(ws, tenant, v["modules"])}


def _module_sources(ws: Workspace, tenant: str, pins: str) -> list[dict]:
    from . import modules

    return [modules.source(ws, tenant, p["module_name"], p["module_version_number"]) for p in json.loads(pins)]


def _label(which: int | str) -> str:
    return which if isinstance(which, str) else f"v{which}"


def diff_sides(ws: Workspace, tenant: str, name: str, a: int | str = DEPLOYED,
               b: int | str = DRAFT) -> tuple[str, str, str, str]:
    """(label, text) of both sides of a diff: the code of each, its dependencies as comments first."""
    left, right = source(ws, tenant, name, a), source(ws, tenant, name, b)
    label_a = _label(left["version"] if a == DEPLOYED else a)
    label_b = _label(right["version"] if b == DEPLOYED else b)
    return f"{name} ({label_a})", source_text(left), f"{name} ({label_b})", source_text(right)


def source_text(src: dict) -> str:
    """What a diff shows of a source: its dependencies and pinned modules as comments, then its code."""
    head = "".join(f"// dependency: {d['name']}@{d.get('version', 'latest')}\n" for d in src["dependencies"])
    head += "".join(f"// module: {m['name']}@{m['version']}\n" for m in src.get("modules", []))
    return head + src["code"] + ("" if src["code"].endswith("\n") else "\n")


def unified(sides: tuple[str, str, str, str]) -> str:
    label_a, text_a, label_b, text_b = sides
    return "".join(difflib.unified_diff(text_a.splitlines(keepends=True), text_b.splitlines(keepends=True),
                                        label_a, label_b))


def diff(ws: Workspace, tenant: str, name: str, a: int | str = DEPLOYED, b: int | str = DRAFT) -> str:
    """A unified diff of the code (and dependencies) of two versions, the draft, or the deployed one."""
    return unified(diff_sides(ws, tenant, name, a, b))


def name_for_id(ws: Workspace, tenant: str, action_id: str) -> str:
    """The name of the tenant's action with this id (the Management API addresses actions by id)."""
    row = ws.db.execute("SELECT name FROM actions WHERE tenant = ? AND id = ?", [tenant, action_id]).fetchone()
    if row is None:
        raise not_found("That action does not exist.")
    return row[0]
