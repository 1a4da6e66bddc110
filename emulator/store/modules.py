"""Actions Modules (spec §10): shared code with its own npm dependencies and secrets. A module has an
editable draft; publishing snapshots the draft into an immutable version numbered 1, 2, ...; rollback
copies an older version's code, dependencies and secrets back into the draft (it publishes nothing, as
Auth0's does not). Actions pin a module version by number (`actions.modules`), and only pinned, published
versions run. A module may not require another module, and one that is still pinned cannot be deleted.
"""
from __future__ import annotations

import json
import re
from typing import Any

from ..editor.lint import mask
from ..errors import bad_request, conflict, not_found, too_many
from ..runtime.runner import MAX_MODULES_PER_ACTION as MAX_PER_ACTION
from .actions import _check_content, _public_secrets, _secrets_with_time, source_text, unified
from .db import Workspace, transaction
from .db import rows as db_rows

MAX_MODULES = 100  # per tenant
PREFIX = "actions:"
NO_NESTING = "Each Action Module can have dependencies to NPM Modules, but not to other Actions Modules."
_REQUIRE = re.compile(r"""\brequire\s*\(\s*['"`]""")


def check_code(name: str, code: str) -> None:
    """Refuse a module that requires a module, naming the line (Auth0's limitation, in its words). Only
    code counts: comments and strings that mention require('actions:…') are fine."""
    for match in _REQUIRE.finditer(mask(code)):  # the same length as code: offsets carry over
        spec = re.match(r"actions:([^'\"`]*)", code[match.end():])
        if spec:
            line = code.count("\n", 0, match.start()) + 1
            raise bad_request(f"module {name!r}, line {line}: require('{PREFIX}{spec.group(1)}'): {NO_NESTING}")


def _row(ws: Workspace, tenant: str, name: str) -> dict:
    rows = db_rows(ws, "SELECT * FROM action_modules WHERE tenant = ? AND name = ?", [tenant, name])
    if not rows:
        known = [r[0] for r in ws.db.execute("SELECT name FROM action_modules WHERE tenant = ? ORDER BY name", [tenant])]
        raise not_found(f"The module {name!r} does not exist"
                        + (f" (modules: {', '.join(known)})." if known else " (the tenant has no modules)."))
    return rows[0]


def create(ws: Workspace, tenant: str, name: str, code: str, *, dependencies: list[dict] | None = None,
           secrets: dict[str, str] | None = None) -> dict:
    if not name or len(name) > 128 or "/" in name or name.startswith(PREFIX):
        raise bad_request(f"Invalid module name {name!r}.")
    _check_content(code, dependencies or [], secrets or {}, None)
    check_code(name, code)
    with transaction(ws):
        count = ws.db.execute("SELECT COUNT(*) FROM action_modules WHERE tenant = ?", [tenant]).fetchone()[0]
        if count >= MAX_MODULES:
            raise too_many(f"The tenant already has {MAX_MODULES} Actions Modules, Auth0's limit.")
        if ws.db.execute("SELECT 1 FROM action_modules WHERE tenant = ? AND name = ?", [tenant, name]).fetchone():
            raise conflict(f"A module named {name!r} already exists.")
        now = ws.clock.iso()
        ws.db.execute("""INSERT INTO action_modules (id, tenant, name, code, dependencies, secrets, created_at, updated_at)
                         VALUES (?,?,?,?,?,?,?,?)""",
                      [ws.ids.uuid(), tenant, name, code, json.dumps(dependencies or []),
                       json.dumps(_secrets_with_time(ws, {}, secrets or {})), now, now])
    return get(ws, tenant, name)


def update_draft(ws: Workspace, tenant: str, name: str, *, code: str | None = None,
                 dependencies: list[dict] | None = None, secrets: dict[str, str | None] | None = None) -> dict:
    _check_content(code, dependencies, None, None)
    if code is not None:
        check_code(name, code)
    with transaction(ws):
        row = _row(ws, tenant, name)
        merged = _secrets_with_time(ws, json.loads(row["secrets"]), secrets or {})
        _check_content(None, None, {k: v["value"] for k, v in merged.items()}, None)
        ws.db.execute("UPDATE action_modules SET code = ?, dependencies = ?, secrets = ?, updated_at = ? WHERE id = ?",
                      [code if code is not None else row["code"],
                       json.dumps(dependencies) if dependencies is not None else row["dependencies"],
                       json.dumps(merged), ws.clock.iso(), row["id"]])
    return get(ws, tenant, name)


def publish(ws: Workspace, tenant: str, name: str, *, number: int | None = None) -> dict:
    """Snapshot the draft as the next version (or as `number`, for an import that names its versions)."""
    with transaction(ws):
        row = _row(ws, tenant, name)
        latest = ws.db.execute("SELECT MAX(number) FROM action_module_versions WHERE module_id = ?",
                               [row["id"]]).fetchone()[0] or 0
        number = number if number is not None else latest + 1
        if ws.db.execute("SELECT 1 FROM action_module_versions WHERE module_id = ? AND number = ?",
                         [row["id"], number]).fetchone():
            raise conflict(f"The module {name!r} already has a version {number}.")
        ws.db.execute("""INSERT INTO action_module_versions (id, module_id, number, code, dependencies, secrets, created_at)
                         VALUES (?,?,?,?,?,?,?)""",
                      [ws.ids.uuid(), row["id"], number, row["code"], row["dependencies"], row["secrets"], ws.clock.iso()])
    return version(ws, tenant, name, number)


def add_version(ws: Workspace, tenant: str, name: str, number: int, code: str, dependencies: list[dict]) -> None:
    """An imported version with the number it had (its secrets are the draft's: exports never carry values)."""
    check_code(name, code)
    _check_content(code, dependencies, None, None)
    with transaction(ws):
        row = _row(ws, tenant, name)
        ws.db.execute("""INSERT INTO action_module_versions (id, module_id, number, code, dependencies, secrets, created_at)
                         VALUES (?,?,?,?,?,?,?)""",
                      [ws.ids.uuid(), row["id"], number, code, json.dumps(dependencies), row["secrets"], ws.clock.iso()])


def rollback(ws: Workspace, tenant: str, name: str, number: int) -> dict:
    """Copy version `number`'s code, dependencies and secrets into the draft. Publish to make it a version."""
    with transaction(ws):
        row = _row(ws, tenant, name)
        old = _version_row(ws, row, number)
        ws.db.execute("UPDATE action_modules SET code = ?, dependencies = ?, secrets = ?, updated_at = ? WHERE id = ?",
                      [old["code"], old["dependencies"], old["secrets"], ws.clock.iso(), row["id"]])
    return get(ws, tenant, name)


def _all_users(ws: Workspace, tenant: str) -> dict[str, list[dict]]:
    """Every module's pins, read in one pass: {module: [{action, version, module_version_number}]}."""
    out: dict[str, list[dict]] = {}
    for action, version_number, pins in ws.db.execute(
            """SELECT a.name, NULL, a.modules FROM actions a WHERE a.tenant = ? AND a.modules != '[]'
               UNION ALL
               SELECT a.name, v.number, v.modules FROM action_versions v JOIN actions a ON a.id = v.action_id
               WHERE a.tenant = ? AND v.modules != '[]'""", [tenant, tenant]):
        for pin in json.loads(pins):
            out.setdefault(pin["module_name"], []).append(
                {"action": action, "version": version_number, "module_version_number": pin["module_version_number"]})
    return out


def users(ws: Workspace, tenant: str, name: str) -> list[dict]:
    """The actions pinning this module, in their draft or any version: [{action, version}] (None = draft)."""
    return _all_users(ws, tenant).get(name, [])


def delete(ws: Workspace, tenant: str, name: str) -> None:
    with transaction(ws):
        row = _row(ws, tenant, name)
        using = sorted({u["action"] for u in users(ws, tenant, name)})
        if using:
            raise bad_request(f"The module {name!r} is in use by {', '.join(using)}; remove it from them first.")
        ws.db.execute("DELETE FROM action_modules WHERE id = ?", [row["id"]])


def _version_row(ws: Workspace, module: dict, number: int) -> dict:
    rows = db_rows(ws, "SELECT * FROM action_module_versions WHERE module_id = ? AND number = ?", [module["id"], number])
    if not rows:
        known = [r[0] for r in ws.db.execute("SELECT number FROM action_module_versions WHERE module_id = ? ORDER BY number",
                                             [module["id"]])]
        raise not_found(f"The module {module['name']!r} has no version {number}"
                        + (f" (versions: {', '.join(map(str, known))})." if known else " (it has not been published)."))
    return rows[0]


def _version_json(row: dict, module: dict) -> dict[str, Any]:
    return {"id": row["id"], "module_id": module["id"], "version_number": row["number"], "code": row["code"],
            "dependencies": json.loads(row["dependencies"]), "secrets": _public_secrets(json.loads(row["secrets"])),
            "created_at": row["created_at"]}


def version(ws: Workspace, tenant: str, name: str, number: int) -> dict:
    module = _row(ws, tenant, name)
    return _version_json(_version_row(ws, module, number), module)


def versions(ws: Workspace, tenant: str, name: str) -> list[dict]:
    module = _row(ws, tenant, name)
    return [_version_json(r, module) for r in ws.db.query(
        "SELECT * FROM action_module_versions WHERE module_id = ? ORDER BY number DESC", [module["id"]])]


def _module_json(ws: Workspace, row: dict, using: list[dict]) -> dict[str, Any]:
    latest = db_rows(ws, "SELECT * FROM action_module_versions WHERE module_id = ? ORDER BY number DESC LIMIT 1",
                     [row["id"]])
    out = {"id": row["id"], "name": row["name"], "code": row["code"],
           "dependencies": json.loads(row["dependencies"]), "secrets": _public_secrets(json.loads(row["secrets"])),
           "actions_using_module_total": len({u["action"] for u in using}),
           "all_changes_published": bool(latest) and (latest[0]["code"], json.loads(latest[0]["dependencies"]),
                                                       json.loads(latest[0]["secrets"])) == (
               row["code"], json.loads(row["dependencies"]), json.loads(row["secrets"])),
           "created_at": row["created_at"], "updated_at": row["updated_at"]}
    if latest:
        out["latest_version_number"] = latest[0]["number"]
        out["latest_version"] = _version_json(latest[0], row)
    return out


def get(ws: Workspace, tenant: str, name: str) -> dict:
    return _module_json(ws, _row(ws, tenant, name), users(ws, tenant, name))


def list_(ws: Workspace, tenant: str) -> list[dict]:
    using = _all_users(ws, tenant)  # once for the listing, not once per module
    return [_module_json(ws, r, using.get(r["name"], []))
            for r in ws.db.query("SELECT * FROM action_modules WHERE tenant = ? ORDER BY name", [tenant])]


def source(ws: Workspace, tenant: str, name: str, number: int | None) -> dict:
    """What runs for a pin: code, dependencies and secret values of version `number` (None: the draft)."""
    module = _row(ws, tenant, name)
    row = module if number is None else _version_row(ws, module, number)
    return {"name": name, "version": number, "code": row["code"], "dependencies": json.loads(row["dependencies"]),
            "secrets": {k: v["value"] for k, v in json.loads(row["secrets"]).items()}}


def check_pins(ws: Workspace, tenant: str, pins: list[dict]) -> list[dict]:
    """Normalise and check an action's pins ([{module_name, module_version_number}]): each module and
    version must exist, each module once, at most MAX_PER_ACTION."""
    out, seen = [], set()
    for pin in pins:
        if not isinstance(pin, dict) or not pin.get("module_name"):
            raise bad_request(f"Invalid module pin {pin!r}: expected {{module_name, module_version_number}}.")
        name = pin["module_name"]
        number = pin.get("module_version_number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise bad_request(f"Module {name!r}: module_version_number must be a version number (1, 2, ...).")
        if name in seen:
            raise bad_request(f"Module {name!r} is pinned more than once.")
        seen.add(name)
        _version_row(ws, _row(ws, tenant, name), number)
        out.append({"module_name": name, "module_version_number": number})
    if len(out) > MAX_PER_ACTION:
        raise bad_request(f"An action can use at most {MAX_PER_ACTION} Actions Modules ({len(out)} given).")
    return out


def pins_json(ws: Workspace, tenant: str, pins: list[dict]) -> list[dict]:
    """Pins as Auth0's Action object shows them, with the module's and version's ids."""
    out = []
    for pin in pins:
        row = ws.db.execute("""SELECT m.id, v.id FROM action_modules m LEFT JOIN action_module_versions v
                               ON v.module_id = m.id AND v.number = ? WHERE m.tenant = ? AND m.name = ?""",
                            [pin["module_version_number"], tenant, pin["module_name"]]).fetchone()
        out.append({"module_id": row[0] if row else None, "module_name": pin["module_name"],
                    "module_version_id": row[1] if row else None,
                    "module_version_number": pin["module_version_number"]})
    return out



def diff_sides(ws: Workspace, tenant: str, name: str, a: int | str, b: int | str) -> tuple[str, str, str, str]:
    """(label, text) of two sides, each "draft" or a version number; dependencies as comments first."""
    def side(which: int | str) -> tuple[str, str]:
        src = source(ws, tenant, name, None if which == "draft" else int(which))
        return f"{name} ({'draft' if which == 'draft' else f'v{which}'})", source_text(src)

    return (*side(a), *side(b))


def diff(ws: Workspace, tenant: str, name: str, a: int | str, b: int | str) -> str:
    return unified(diff_sides(ws, tenant, name, a, b))
