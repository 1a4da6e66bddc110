"""Subcommands that manage a workspace: tenants, actions (with versions), bindings and users."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

from .. import triggers
from ..errors import UsageError
from ..runtime import parse_spec
from .common import open_emulator, read_text, secrets, tenant_arg, version_arg
from .output import emit_json, table


def add_parsers(sub) -> None:
    tenants = sub.add_parser("tenants", help="create and list tenants").add_subparsers(dest="verb", required=True)
    p = tenants.add_parser("list", help="the workspace's tenants")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=tenants_list)
    p = tenants.add_parser("create", help="a new tenant (with Auth0's default application and connection)")
    p.add_argument("name")
    p.set_defaults(run=tenants_create)

    actions = sub.add_parser("actions", help="create, deploy, roll back and compare actions").add_subparsers(
        dest="verb", required=True)
    p = actions.add_parser("list", help="a tenant's actions")
    tenant_arg(p)
    p.add_argument("--trigger", help="only actions of this trigger")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=actions_list)
    p = actions.add_parser("show", help="one action (draft, deployed version, secrets names)")
    p.add_argument("name")
    tenant_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=actions_show)
    for verb, helptext in (("create", "a new action from a file"), ("update", "replace an action's draft from a file")):
        p = actions.add_parser(verb, help=helptext)
        p.add_argument("file", metavar="FILE")
        tenant_arg(p)
        p.add_argument("--name", help="action name (default: the file's name)" if verb == "create" else "action name")
        if verb == "create":
            p.add_argument("--trigger", required=True)
        p.add_argument("--dependency", action="append", default=None, metavar="NAME@VERSION")
        p.add_argument("--secret", action="append", default=[], metavar="KEY=VALUE")
        p.add_argument("--runtime")
        p.add_argument("--module", action="append", default=None, metavar="NAME@VERSION",
                       help="pin an Actions Module version, required as actions:NAME (repeatable; replaces the pins)")
        p.add_argument("--deploy", action="store_true", help="deploy the draft right away")
        p.add_argument("--json", action="store_true")
        p.set_defaults(run=actions_create if verb == "create" else actions_update)
    p = actions.add_parser("deploy", help="snapshot the draft into a new version and deploy it")
    p.add_argument("name")
    tenant_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=actions_deploy)
    p = actions.add_parser("rollback", help="deploy a copy of an older version as a new version")
    p.add_argument("name")
    p.add_argument("version", type=int)
    tenant_arg(p)
    p.add_argument("--update-draft", action="store_true", help="also make that version's code the draft")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=actions_rollback)
    p = actions.add_parser("versions", help="an action's versions, newest first")
    p.add_argument("name")
    tenant_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=actions_versions)
    p = actions.add_parser("diff", help="diff two versions (default: deployed against draft)")
    p.add_argument("name")
    p.add_argument("a", nargs="?", default="deployed", metavar="A", help="N, draft or deployed (default deployed)")
    p.add_argument("b", nargs="?", default="draft", metavar="B", help="N, draft or deployed (default draft)")
    tenant_arg(p)
    p.set_defaults(run=actions_diff)
    p = actions.add_parser("delete", help="delete an action")
    p.add_argument("name")
    tenant_arg(p)
    p.add_argument("--force", action="store_true", help="unbind it from its trigger first")
    p.set_defaults(run=actions_delete)

    bindings = sub.add_parser("bindings", help="which actions run at each trigger, in order").add_subparsers(
        dest="verb", required=True)
    p = bindings.add_parser("show", help="bound actions per trigger")
    tenant_arg(p)
    p.add_argument("--trigger")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=bindings_show)
    p = bindings.add_parser("set", help="replace a trigger's bindings with these actions, in this order")
    p.add_argument("trigger")
    p.add_argument("actions", nargs="*", metavar="ACTION", help="none unbinds everything")
    tenant_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=bindings_set)

    users = sub.add_parser("users", help="create and list users").add_subparsers(dest="verb", required=True)
    p = users.add_parser("list", help="a tenant's users")
    tenant_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=users_list)
    p = users.add_parser("create", help="a database user (password hashed with bcrypt)")
    tenant_arg(p)
    p.add_argument("--email", required=True)
    p.add_argument("--password", help="read from the terminal when omitted")
    p.add_argument("--connection", default="Username-Password-Authentication")
    p.add_argument("--username")
    p.add_argument("--phone")
    p.add_argument("--role", action="append", default=[], help="a role name (repeatable)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=users_create)


def _deps(specs: list[str] | None) -> list[dict] | None:
    if specs is None:
        return None
    return [{"name": n, "version": v} for n, v in (parse_spec(s) for s in specs)]


def module_pins(specs: list[str] | None) -> list[dict] | None:
    """--module NAME@VERSION as Auth0's pins; None when not given (an update keeps the pins)."""
    if specs is None:
        return None
    pins = []
    for spec in specs:
        name, sep, number = spec.rpartition("@")
        if not sep or not name or not number.isdigit() or int(number) < 1:
            raise UsageError(f"--module: {spec!r} is not NAME@VERSION (a published version number, e.g. logger@2)")
        pins.append({"module_name": name, "module_version_number": int(number)})
    return pins


def tenants_list(args):
    emu = open_emulator(args)
    rows = emu.tenants()
    emit_json(rows) if args.json else table(rows, [("name", "TENANT"), ("actions", "ACTIONS"), ("users", "USERS"),
                                                  ("created_at", "CREATED")], "(no tenants)")
    return 0


def tenants_create(args):
    emu = open_emulator(args)
    emu.create_tenant(args.name)
    print(f"created tenant {args.name}")
    return 0


ACTION_COLUMNS = [("name", "ACTION"), ("trigger", "TRIGGER"), ("deployed_version", "DEPLOYED"),
                  ("all_changes_deployed", "UP TO DATE"), ("updated_at", "UPDATED")]


def _action_row(a: dict) -> dict:
    return {**a, "trigger": a["supported_triggers"][0]["id"]}


def actions_list(args):
    rows = open_emulator(args).actions(args.tenant, triggers.get(args.trigger).id if args.trigger else None)
    emit_json(rows) if args.json else table([_action_row(a) for a in rows], ACTION_COLUMNS, "(no actions)")
    return 0


def actions_show(args):
    a = open_emulator(args).action(args.tenant, args.name)
    if args.json:
        emit_json(a)
        return 0
    trig = a["supported_triggers"][0]
    print(f"{a['name']}  ({trig['id']} {trig['version']}, runtime {a['runtime']})")
    print(f"deployed version: {a['deployed_version'] or 'never deployed'}"
          f"{'' if a['all_changes_deployed'] else '  (the draft has undeployed changes)'}")
    print(f"dependencies: {', '.join(d['name'] + '@' + d.get('version', 'latest') for d in a['dependencies']) or '-'}")
    print(f"secrets: {', '.join(s['name'] for s in a['secrets']) or '-'}")
    print(f"modules: {', '.join(m['module_name'] + '@' + str(m['module_version_number']) for m in a['modules']) or '-'}")
    print("--- draft ---")
    sys.stdout.write(a["code"] if a["code"].endswith("\n") else a["code"] + "\n")
    return 0


def actions_create(args):
    emu = open_emulator(args)
    name = args.name or Path(args.file).stem
    action, _ = emu.create_action(args.tenant, name, args.trigger, read_text(args.file, "an action file"),
                                  dependencies=_deps(args.dependency) or [], secrets=secrets(args.secret),
                                  modules=module_pins(args.module) or [],
                                  **({"runtime": args.runtime} if args.runtime else {}))
    return _maybe_deploy(emu, args, action)


def actions_update(args):
    if not args.name:
        raise UsageError("--name: which action to update")
    emu = open_emulator(args)
    action, _ = emu.update_draft(args.tenant, args.name, code=read_text(args.file, "an action file"),
                                 dependencies=_deps(args.dependency), secrets=secrets(args.secret) or None,
                                 runtime=args.runtime, modules=module_pins(args.module))
    return _maybe_deploy(emu, args, action)


def _maybe_deploy(emu, args, action):
    if args.deploy:
        emu.deploy(args.tenant, action["name"])
        action = emu.action(args.tenant, action["name"])
    if args.json:
        emit_json(action)
    else:
        state = f"deployed as version {action['deployed_version']}" if args.deploy else "draft saved"
        print(f"{action['name']}: {state}")
    return 0


def actions_deploy(args):
    version, _ = open_emulator(args).deploy(args.tenant, args.name)
    emit_json(version) if args.json else print(f"{args.name}: deployed version {version['number']}")
    return 0


def actions_rollback(args):
    version, _ = open_emulator(args).rollback(args.tenant, args.name, args.version, args.update_draft)
    emit_json(version) if args.json else print(
        f"{args.name}: version {args.version} deployed again as version {version['number']}")
    return 0


def actions_versions(args):
    rows = open_emulator(args).versions(args.tenant, args.name)
    emit_json(rows) if args.json else table(rows, [("number", "VERSION"), ("deployed", "DEPLOYED"),
                                                  ("created_at", "CREATED"), ("runtime", "RUNTIME")], "(never deployed)")
    return 0


def actions_diff(args):
    text = open_emulator(args).diff(args.tenant, args.name, version_arg(args.a), version_arg(args.b))
    sys.stdout.write(text or f"no differences between {args.a} and {args.b}\n")
    return 0


def actions_delete(args):
    open_emulator(args).delete_action(args.tenant, args.name, force=args.force)
    print(f"deleted {args.name}")
    return 0


def bindings_show(args):
    data = open_emulator(args).bindings(args.tenant, args.trigger)
    if args.json:
        emit_json(data)
        return 0
    # At a terminal, a trigger then its actions one per line (fits 80 columns however many are bound);
    # piped, one line per trigger as it always was.
    for trigger_id, refs in data.items():
        names = [f"{i + 1}. {b['action']['name']} (v{b['action']['deployed_version']})" for i, b in enumerate(refs)]
        if not sys.stdout.isatty():
            print(f"{trigger_id}: {'  '.join(names) if names else '(none)'}")
            continue
        print(f"{trigger_id}:{'' if names else ' (none)'}")
        for name in names:
            print(f"  {name}")
    return 0


def bindings_set(args):
    refs, _ = open_emulator(args).set_bindings(args.tenant, args.trigger, args.actions)
    emit_json(refs) if args.json else print(
        f"{triggers.get(args.trigger).id}: {', '.join(b['action']['name'] for b in refs) or '(none)'}")
    return 0


def users_list(args):
    rows = open_emulator(args).users(args.tenant)
    emit_json(rows) if args.json else table(rows, [("user_id", "USER ID"), ("email", "EMAIL"),
                                                  ("connection", "CONNECTION"), ("roles", "ROLES")], "(no users)")
    return 0


def users_create(args):
    password = args.password
    if password is None:
        if not sys.stdin.isatty():
            raise UsageError("--password is required when not typing at a terminal")
        password = getpass.getpass(f"Password for {args.email}: ")
    user, _ = open_emulator(args).create_user(args.tenant, email=args.email, password=password,
                                              connection_name=args.connection, username=args.username,
                                              phone_number=args.phone, roles=args.role)
    emit_json(user) if args.json else print(f"created {user['user_id']} ({user['email']})")
    return 0
