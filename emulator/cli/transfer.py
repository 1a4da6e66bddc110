"""import and export: a tenant to and from Auth0 Deploy CLI files."""
from __future__ import annotations

import sys

from .. import lazy
from .common import open_emulator, tenant_arg

deploy_cli = lazy.module("emulator.deploy_cli")


def add_parsers(sub) -> None:
    p = sub.add_parser("import", help="import a Deploy CLI directory or tenant.yaml into a tenant (all or nothing)")
    p.add_argument("path", metavar="DIR|YAML")
    p.add_argument("--tenant", required=True, help="created if it does not exist")
    p.add_argument("--keywords", metavar="FILE", help="JSON or YAML mapping for ##KEY## and @@KEY@@ replacement")
    p.set_defaults(run=import_)
    p = sub.add_parser("export", help="export a tenant as Deploy CLI files (secret values are never written)")
    p.add_argument("path", metavar="DIR", help="a new or empty folder")
    tenant_arg(p)
    p.add_argument("--format", choices=("directory", "yaml"), default="directory")
    p.set_defaults(run=export)


def import_(args):
    mappings = deploy_cli.load_mappings(args.keywords) if args.keywords else None
    changes, warnings = open_emulator(args).import_tenant(args.path, args.tenant, mappings)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    modules = f"{len(changes.modules)} module(s), " if changes.modules else ""
    print(f"imported into {args.tenant}: {modules}{len(changes.actions)} action(s), {len(changes.bindings)} trigger "
          f"binding list(s), {len(changes.users)} user(s)")
    return 0


def export(args):
    path = open_emulator(args).export_tenant(args.tenant, args.path, args.format)
    print(f"exported {args.tenant} to {path}")
    return 0
