"""The CLI's side of the Management API: `mgmt-token` (a Management API access token for scripts and
curl), `client-grants` (which machine-to-machine application may call which API), `roles`, and
`domains` (the host names a tenant answers to, for actions that call their own tenant)."""
from __future__ import annotations

import argparse

from .. import lazy
from ..errors import UsageError
from . import ids
from .common import open_emulator, tenant_arg
from .output import emit_json, table

store = lazy.module("emulator.store")


def add_parsers(sub) -> None:
    t = sub.add_parser("mgmt-token", help="print an access token for the tenant's Management API (/api/v2 on serve)")
    tenant_arg(t)
    t.add_argument("--scope", action="append", default=[],
                   help="a scope to include (repeatable; default: every scope the Management API defines)")
    t.add_argument("--client", metavar="NAME", help="the application the token is for (default: the tenant's first "
                                                    "application with a Management API grant)")
    t.add_argument("--issuer", metavar="URL", help="the token's issuer (default: https://<tenant>.emulator.local/)")
    t.add_argument("--json", action="store_true", help="print the token with its scope and expiry as JSON")
    t.set_defaults(run=mgmt_token)

    g = sub.add_parser("client-grants", help="which machine-to-machine application may get tokens for which API")
    gv = g.add_subparsers(dest="verb", required=True)
    gl = gv.add_parser("list", help="the tenant's client grants")
    tenant_arg(gl)
    gl.add_argument("--json", action="store_true")
    gl.set_defaults(run=grants_list)
    gc = gv.add_parser("create", help="let --client get tokens for --audience with these --scope values")
    tenant_arg(gc)
    gc.add_argument("--client", required=True, metavar="NAME", help="the application (name or client_id)")
    gc.add_argument("--audience", required=True, help="the API's identifier; 'management' for the Management API")
    gc.add_argument("--scope", action="append", default=[], help="a scope it may have (repeatable)")
    gc.set_defaults(run=grants_create)
    gd = gv.add_parser("delete", help="remove a client grant by id")
    tenant_arg(gd)
    gd.add_argument("grant_id")
    gd.set_defaults(run=grants_delete)

    r = sub.add_parser("roles", help="the tenant's roles (RBAC) and their permissions")
    rv = r.add_subparsers(dest="verb", required=True)
    rl = rv.add_parser("list", help="roles with their permissions")
    tenant_arg(rl)
    rl.add_argument("--json", action="store_true")
    rl.set_defaults(run=roles_list)
    rc = rv.add_parser("create", help="a role, e.g. roles create editor --description 'Edits orders'")
    tenant_arg(rc)
    rc.add_argument("name")
    rc.add_argument("--description", default="", help="what the role is for")
    rc.add_argument("--permission", action="append", default=[], metavar="API_IDENTIFIER:SCOPE",
                    help="a permission of one of the tenant's APIs (repeatable)")
    rc.set_defaults(run=roles_create)

    d = sub.add_parser("domains", help="the host names the tenant answers to: <tenant>.emulator.local and aliases "
                                       "such as a real tenant's acme.us.auth0.com")
    tenant_arg(d)
    d.add_argument("--set", nargs="*", metavar="DOMAIN", help="replace the aliases (none: remove them all)")
    d.set_defaults(run=domains)


def _client(emu, tenant: str, name: str | None) -> dict:
    clients = store.directory.clients(emu.ws, tenant)
    if name:
        found = [c for c in clients if c["name"] == name or c["client_id"] == name]
        if not found:
            raise UsageError(f"--client: no application {name!r} (applications: {', '.join(c['name'] for c in clients)})")
        return found[0]
    for client in clients:
        if any(store.system_api.is_audience(emu.ws, tenant, g["audience"], (g["audience"][8:].split("/")[0],))
               for g in store.client_grants.list_(emu.ws, tenant, client_id=client["client_id"])):
            return client
    raise UsageError(f"mgmt-token: no application of tenant {tenant!r} has a Management API grant; give --client NAME "
                     f"or create one with client-grants create --audience management")


def mgmt_token(args: argparse.Namespace) -> int:
    from .. import tokens

    emu = open_emulator(args)
    store.tenants.require(emu.ws, args.tenant)
    store.system_api.ensure(emu.ws, args.tenant)
    client = _client(emu, args.tenant, args.client)
    scopes = args.scope or list(store.system_api.SCOPES)
    unknown = [s for s in scopes if s not in store.system_api.SCOPES]
    if unknown:
        raise UsageError(f"--scope: {unknown[0]!r} is not a Management API scope (for example read:users)")
    tokens.ensure_key_sync(emu.ws, args.tenant)
    token = tokens.mint_client(emu.ws, args.tenant, client_id=client["client_id"],
                               audience=store.system_api.identifier(args.tenant), scopes=scopes, iss=args.issuer)
    if args.json:
        emit_json({"access_token": token, "token_type": "Bearer", "scope": " ".join(scopes),
                   "expires_in": tokens.ACCESS_TOKEN_LIFETIME_S, "client_id": client["client_id"]})
    else:
        print(token)
    return 0


def grants_list(args: argparse.Namespace) -> int:
    emu = open_emulator(args)
    store.tenants.require(emu.ws, args.tenant)
    names = {c["client_id"]: c["name"] for c in store.directory.clients(emu.ws, args.tenant)}
    rows = [{**g, "client": names.get(g["client_id"], g["client_id"])} for g in store.client_grants.list_(emu.ws, args.tenant)]
    if args.json:
        emit_json(rows)
    else:
        table([{**r, "scope": f"{len(r['scope'])} scopes" if len(r["scope"]) > 4 else " ".join(r["scope"])} for r in rows],
              [("id", "ID"), ("client", "CLIENT"), ("audience", "AUDIENCE"), ("scope", "SCOPE")], "(no client grants)")
    return 0


def grants_create(args: argparse.Namespace) -> int:
    emu = open_emulator(args)
    store.tenants.require(emu.ws, args.tenant)
    client = _client(emu, args.tenant, args.client)
    audience = args.audience
    if audience == "management":
        store.system_api.ensure(emu.ws, args.tenant)
        audience = store.system_api.identifier(args.tenant)
    grant, _ = emu.create_client_grant(args.tenant, client["client_id"], audience,
                                       args.scope or (list(store.system_api.SCOPES) if args.audience == "management" else []))
    emit_json(grant)
    return 0


def grants_delete(args: argparse.Namespace) -> int:
    emu = open_emulator(args)
    emu.delete_client_grant(args.tenant, ids.resolve(emu.ws, "client grant", args.grant_id, tenant=args.tenant))
    return 0


def roles_list(args: argparse.Namespace) -> int:
    emu = open_emulator(args)
    store.tenants.require(emu.ws, args.tenant)
    rows = [{**r, "permissions": [p["permission_name"] for p in store.roles.permissions(emu.ws, args.tenant,
                                                                                        store.roles.ROLE + r["id"])]}
            for r in store.roles.list_(emu.ws, args.tenant)]
    if args.json:
        emit_json(rows)
    else:
        table([{**r, "permissions": " ".join(r["permissions"])} for r in rows],
              [("id", "ID"), ("name", "NAME"), ("permissions", "PERMISSIONS")], "(no roles)")
    return 0


def roles_create(args: argparse.Namespace) -> int:
    emu = open_emulator(args)
    perms = []
    for item in args.permission:
        identifier, sep, scope = item.rpartition(":")
        if not sep or not identifier or not scope:
            raise UsageError(f"--permission: {item!r} is not API_IDENTIFIER:SCOPE (for example "
                             f"https://api.example.com/orders:read:orders)")
        perms.append({"resource_server_identifier": identifier, "permission_name": scope})
    with store.transaction(emu.ws):
        role, _ = emu.create_role(args.tenant, args.name, args.description)
        if perms:
            emu.change_permissions(args.tenant, store.roles.ROLE + role["id"], perms,
                                   path=f"/api/v2/roles/{role['id']}/permissions")
    emit_json(role)
    return 0


def domains(args: argparse.Namespace) -> int:
    emu = open_emulator(args)
    if args.set is not None:
        result, _ = emu.set_domains(args.tenant, args.set)
    else:
        result = store.tenants.domains(emu.ws, args.tenant)
    for domain in result:
        print(domain)
    return 0
