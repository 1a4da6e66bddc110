"""`modules ...`: Actions Modules in a workspace (create from a file, publish numbered versions, roll
the draft back, see which actions pin them), as `auth0 actions modules` does against a real tenant; and
`token-exchange-profiles ...`, which attach custom-token-exchange actions to subject token types."""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UsageError
from .common import open_emulator, read_text, secrets, tenant_arg
from .output import emit_json, table


def add_parsers(sub) -> None:
    modules = sub.add_parser("modules", help="Actions Modules: shared code actions require as actions:<name>"
                             ).add_subparsers(dest="verb", required=True)
    p = modules.add_parser("list", help="a tenant's modules")
    tenant_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=modules_list)
    for verb, helptext in (("show", "one module: its draft, latest version and the actions using it"),
                           ("versions", "a module's published versions, newest first"),
                           ("publish", "snapshot the draft as a new immutable version"),
                           ("delete", "delete a module no action uses")):
        p = modules.add_parser(verb, help=helptext)
        p.add_argument("name")
        tenant_arg(p)
        if verb != "delete":
            p.add_argument("--json", action="store_true")
        p.set_defaults(run=globals()[f"modules_{verb}"])
    for verb, helptext in (("create", "a new module from a file"), ("update", "replace a module's draft from a file")):
        p = modules.add_parser(verb, help=helptext)
        p.add_argument("file", metavar="FILE")
        tenant_arg(p)
        p.add_argument("--name", help="module name (default: the file's name)" if verb == "create" else "module name")
        p.add_argument("--dependency", action="append", default=None, metavar="NAME@VERSION")
        p.add_argument("--secret", action="append", default=[], metavar="KEY=VALUE")
        p.add_argument("--publish", action="store_true", help="publish the draft as a new version right away")
        p.add_argument("--json", action="store_true")
        p.set_defaults(run=modules_create if verb == "create" else modules_update)
    p = modules.add_parser("rollback", help="copy an older version into the draft (publish to make it a version)")
    p.add_argument("name")
    p.add_argument("version", type=int)
    tenant_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=modules_rollback)

    profiles = sub.add_parser("token-exchange-profiles", help="which custom-token-exchange action handles which "
                              "subject_token_type").add_subparsers(dest="verb", required=True)
    p = profiles.add_parser("list", help="a tenant's Custom Token Exchange profiles")
    tenant_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=profiles_list)
    p = profiles.add_parser("set", help="create or change a profile")
    p.add_argument("name")
    tenant_arg(p)
    p.add_argument("--subject-token-type", required=True, metavar="URI",
                   help="the subject_token_type the action handles (a URI of your own namespace)")
    p.add_argument("--action", required=True, help="a custom-token-exchange action (deployed to run)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=profiles_set)
    p = profiles.add_parser("delete", help="delete a profile")
    p.add_argument("name")
    tenant_arg(p)
    p.set_defaults(run=profiles_delete)


def _deps(specs: list[str] | None) -> list[dict] | None:
    from .manage import _deps as deps

    return deps(specs)


def modules_list(args):
    rows = open_emulator(args).modules(args.tenant)
    emit_json(rows) if args.json else table(
        rows, [("name", "MODULE"), ("latest_version_number", "LATEST"), ("all_changes_published", "PUBLISHED"),
               ("actions_using_module_total", "ACTIONS"), ("updated_at", "UPDATED")], "(no modules)")
    return 0


def modules_show(args):
    emu = open_emulator(args)
    m = emu.module(args.tenant, args.name)
    if args.json:
        emit_json(m)
        return 0
    latest = m.get("latest_version_number")
    print(f"{m['name']}  (latest version: {latest or 'never published'}"
          f"{'' if m['all_changes_published'] else '; the draft has unpublished changes'})")
    print(f"dependencies: {', '.join(d['name'] + '@' + d.get('version', 'latest') for d in m['dependencies']) or '-'}")
    print(f"secrets: {', '.join(s['name'] for s in m['secrets']) or '-'}")
    users = emu.module_users(args.tenant, args.name)
    used = [f"{u['action']} ({'draft' if u['version'] is None else 'v' + str(u['version'])}: "
            f"v{u['module_version_number']})" for u in users]
    print(f"used by: {', '.join(used) or '-'}")
    print("--- draft ---")
    sys.stdout.write(m["code"] if m["code"].endswith("\n") else m["code"] + "\n")
    return 0


def _after_save(emu, args, module):
    if args.publish:
        emu.publish_module(args.tenant, module["name"])
        module = emu.module(args.tenant, module["name"])
    if args.json:
        emit_json(module)
    else:
        state = f"published as version {module['latest_version_number']}" if args.publish else "draft saved"
        print(f"{module['name']}: {state}")
    return 0


def modules_create(args):
    emu = open_emulator(args)
    module, _ = emu.create_module(args.tenant, args.name or Path(args.file).stem, read_text(args.file, "a module file"),
                                  dependencies=_deps(args.dependency) or [], secrets=secrets(args.secret))
    return _after_save(emu, args, module)


def modules_update(args):
    if not args.name:
        raise UsageError("--name: which module to update")
    emu = open_emulator(args)
    module, _ = emu.update_module(args.tenant, args.name, code=read_text(args.file, "a module file"),
                                  dependencies=_deps(args.dependency), secrets=secrets(args.secret) or None)
    return _after_save(emu, args, module)


def modules_publish(args):
    version, _ = open_emulator(args).publish_module(args.tenant, args.name)
    emit_json(version) if args.json else print(f"{args.name}: published version {version['version_number']}")
    return 0


def modules_versions(args):
    rows = open_emulator(args).module_versions(args.tenant, args.name)
    emit_json(rows) if args.json else table(rows, [("version_number", "VERSION"), ("created_at", "CREATED")],
                                            "(never published)")
    return 0


def modules_rollback(args):
    module, _ = open_emulator(args).rollback_module(args.tenant, args.name, args.version)
    emit_json(module) if args.json else print(
        f"{args.name}: the draft is now version {args.version}'s code; publish it to make it a version")
    return 0


def modules_delete(args):
    open_emulator(args).delete_module(args.tenant, args.name)
    print(f"deleted module {args.name}")
    return 0


def profiles_list(args):
    rows = open_emulator(args).token_exchange_profiles(args.tenant)
    emit_json(rows) if args.json else table(rows, [("name", "PROFILE"), ("subject_token_type", "SUBJECT TOKEN TYPE"),
                                                  ("action", "ACTION")], "(no profiles)")
    return 0


def profiles_set(args):
    profile, _ = open_emulator(args).set_token_exchange_profile(args.tenant, args.name, args.subject_token_type,
                                                                args.action)
    emit_json(profile) if args.json else print(f"{profile['name']}: {profile['subject_token_type']} -> {profile['action']}")
    return 0


def profiles_delete(args):
    open_emulator(args).delete_token_exchange_profile(args.tenant, args.name)
    print(f"deleted profile {args.name}")
    return 0
