"""`actions-emulator serve`: the tenant as a local Auth0 that real applications log in against.
`clients list`: each application's id, secret, callbacks and grant types (what an SDK needs)."""
from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from .. import lazy
from ..errors import UsageError
from .common import open_emulator, tenant_arg
from .output import emit_json, table

store = lazy.module("emulator.store")


def add_parsers(sub) -> None:
    p = sub.add_parser("serve", help="serve the tenant as a local Auth0 (Authentication API and login pages) "
                                     "on http://localhost:4000/, running its actions on every login")
    tenant_arg(p)
    p.add_argument("--port", type=int, default=4000, help="default 4000; 0 picks a free port")
    p.add_argument("--host", default="localhost",
                   help="default localhost: 127.0.0.1 and ::1, only this machine can connect, and apps on "
                        "http://localhost:* are the same site (silent login works)")
    p.add_argument("--allow-remote", action="store_true",
                   help="let --host be an address other machines can reach (the emulator has no production-grade "
                        "security: anyone who reaches it can log in as any user and manage the tenant)")
    p.add_argument("--https", action="store_true",
                   help="serve TLS with a certificate of the workspace's own CA (node-auth0 and the Deploy CLI need "
                        "https); the CA file to trust is printed")
    p.add_argument("--issuer", metavar="URL", help="a fixed issuer for the tokens (default: the server's URL)")
    p.add_argument("--inspect", metavar="[HOST:]PORT", nargs="?", const="",
                   help="run the tenant's actions on a debugging host: attach Chrome DevTools or VS Code to the "
                        "printed URL and real logins stop at your breakpoints")
    p.set_defaults(run=serve, inspect_brk=None, snapshot=[])
    c = sub.add_parser("clients", help="the tenant's applications")
    verbs = c.add_subparsers(dest="verb", required=True)
    lst = verbs.add_parser("list", help="ids, secrets, callbacks and grant types")
    tenant_arg(lst)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(run=clients_list)
    cc = verbs.add_parser("create", help="an application, e.g. a machine-to-machine one for the Management API: "
                                         "--type non_interactive --grant-type client_credentials")
    tenant_arg(cc)
    cc.add_argument("name")
    cc.add_argument("--type", default="regular_web", choices=["regular_web", "spa", "native", "non_interactive"],
                    help="Auth0's app_type (default regular_web)")
    cc.add_argument("--callback", action="append", default=[], help="an allowed callback URL (repeatable)")
    cc.add_argument("--grant-type", action="append", default=[], help="an allowed grant type (repeatable; default all)")
    cc.add_argument("--json", action="store_true")
    cc.set_defaults(run=clients_create)
    a = sub.add_parser("apis", help="the tenant's APIs (resource servers): the audiences of access tokens")
    averbs = a.add_subparsers(dest="verb", required=True)
    al = averbs.add_parser("list", help="name, identifier (audience) and scopes")
    tenant_arg(al)
    al.add_argument("--json", action="store_true")
    al.set_defaults(run=apis_list)
    ac = averbs.add_parser("create", help="an API, e.g. --name Orders --identifier https://api.example.com/ "
                                          "--scope read:orders")
    tenant_arg(ac)
    ac.add_argument("--name", required=True)
    ac.add_argument("--identifier", required=True, help="its audience, usually a URL")
    ac.add_argument("--scope", action="append", default=[], help="a scope it defines (repeatable)")
    ac.set_defaults(run=apis_create)


async def serve(args: argparse.Namespace) -> int:
    from ..server import LocalAuth0

    from .debugging import debugging, stop_on_signal

    remote = not is_loopback(args.host)
    if remote and not args.allow_remote:
        raise UsageError(f"serve: --host {args.host} lets other machines reach the emulator, which has no "
                         f"production-grade security; add --allow-remote to serve there anyway")
    emu = open_emulator(args)
    server = LocalAuth0(emu, args.tenant, issuer=args.issuer)
    if remote:
        print(f"Warning: serving on {args.host}: other machines can reach this emulator. It has no production-grade "
              f"security (anyone who reaches it can log in as any user and manage the tenant); use it on networks "
              f"you trust only.", file=sys.stderr, flush=True)
    async with debugging(args, emu.pool.node, tenant=args.tenant, pool=emu.pool) as session:
        url = await server.start(args.host, args.port, https=args.https)
        print(f"Serving tenant {args.tenant} as a local Auth0: issuer {server.issuer}, discovery "
              f"{url}.well-known/openid-configuration, Management API {url}api/v2/ (Ctrl+C stops)", flush=True)
        if server.ca_file:
            print(f"TLS: clients trust the CA {server.ca_file} (NODE_EXTRA_CA_CERTS={server.ca_file}, "
                  f"REQUESTS_CA_BUNDLE={server.ca_file})", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def on_signal() -> None:
            if session is not None:  # a run paused in the debugger ends now; its request gets its answer
                stop_on_signal(session)
            stop.set()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal)
        try:
            await stop.wait()
        finally:
            await server.stop()
    print("Stopped.", file=sys.stderr)
    return 0


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host` (localhost, 127.0.0.0/8, ::1)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve anywhere


def clients_list(args: argparse.Namespace) -> int:
    emu = open_emulator(args)
    store.tenants.require(emu.ws, args.tenant)
    rows = store.directory.client_listing(emu.ws, args.tenant)
    if args.json:
        emit_json(rows)
    else:
        table([{**r, "callbacks": ", ".join(r["callbacks"]), "grant_types": ", ".join(r["grant_types"])} for r in rows],
              [("client_id", "CLIENT ID"), ("name", "NAME"), ("callbacks", "CALLBACKS"), ("grant_types", "GRANT TYPES")])
    return 0


def clients_create(args: argparse.Namespace) -> int:
    emu = open_emulator(args)
    config = {"app_type": args.type, "callbacks": args.callback, "grant_types": args.grant_type}
    client, _ = emu.create_client(args.tenant, args.name, {k: v for k, v in config.items() if v})
    row = next(r for r in store.directory.client_listing(emu.ws, args.tenant) if r["client_id"] == client["client_id"])
    if args.json:
        emit_json(row)
    else:
        print(f"{row['name']}: client_id {row['client_id']}, client_secret {row['client_secret']}")
    return 0


def apis_list(args: argparse.Namespace) -> int:
    emu = open_emulator(args)
    store.tenants.require(emu.ws, args.tenant)
    rows = store.apis.list_(emu.ws, args.tenant)
    if args.json:
        emit_json(rows)
    else:
        table([{**r, "scopes": " ".join(store.apis.scope_names(r))} for r in rows],
              [("identifier", "IDENTIFIER"), ("name", "NAME"), ("scopes", "SCOPES")])
    return 0


def apis_create(args: argparse.Namespace) -> int:
    emu = open_emulator(args)
    store.tenants.require(emu.ws, args.tenant)
    api = store.apis.upsert(emu.ws, args.tenant, args.name, args.identifier,
                            {"scopes": [{"value": s, "description": s} for s in args.scope]})
    emit_json(api)
    return 0
