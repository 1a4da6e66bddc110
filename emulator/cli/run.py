"""Subcommands that run code: run-action (files, or a stored action), run-trigger, triggers, bench."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import triggers
from ..errors import ManagementError, UsageError
from ..runtime import (DEFAULT_DEADLINE_MS, ActionSource, DependencyCache, HostPool, ModuleSource, build_event,
                       http_stubs, parse_spec, run_chain)
from ..runtime import runtimes
from ..runtime.node import SETTING as NODE_SETTING
from ..runtime.node import bundled_node, node_version
from .common import event_arg, event_secrets, open_emulator, read_text, secrets, tenant_arg, version_arg
from .debugging import add_coverage_args, add_debug_args, attach_snapshots, debugging
from . import summary
from .output import emit, emit_json, json_arg


def add_parsers(sub) -> None:
    run = sub.add_parser("run-action", help="run action files (or a stored action) and print the result (a summary at a "
                                               "terminal, JSON when piped or with --json)")
    run.add_argument("files", metavar="FILE", nargs="*", help="action source files, run in this order as one chain")
    run.add_argument("--trigger", metavar="ID", help=f"one of: {', '.join(triggers.ids())} (with FILEs)")
    run.add_argument("--tenant", metavar="NAME", help="run a stored action of this tenant (with --action)")
    run.add_argument("--action", metavar="NAME", help="the stored action to run")
    run.add_argument("--version", metavar="N|draft|deployed", default="draft", help="which version (default draft)")
    run.add_argument("--event", metavar="FILE|-|JSON", help="JSON merged onto the trigger's default event: a file, "
                                                           "- for standard input, or the JSON itself")
    run.add_argument("--secret", action="append", default=[], metavar="KEY=VALUE", help="an event.secrets entry")
    run.add_argument("--dependency", action="append", default=[], metavar="NAME@VERSION",
                     help="an npm dependency, installed once into the dependency cache")
    run.add_argument("--handler", metavar="NAME", help="entry point, e.g. onContinuePostLogin")
    run.add_argument("--module", action="append", default=[], metavar="NAME=FILE",
                     help="an Actions Module the actions can require as actions:NAME (repeatable)")
    run.add_argument("--module-secret", action="append", default=[], metavar="NAME:KEY=VALUE",
                     help="a module's own secret, read inside it as actions.secrets.KEY")
    run.add_argument("--module-dependency", action="append", default=[], metavar="NAME:PKG@VERSION",
                     help="a module's own npm dependency")
    run.add_argument("--timeout-ms", type=int, default=DEFAULT_DEADLINE_MS, metavar="N",
                     help=f"deadline of the whole execution (default {DEFAULT_DEADLINE_MS})")
    run.add_argument("--runtime", choices=("node22", "node18"),
                     help="the Auth0 runtime the files run on: node22 (the default, as in Auth0) on the official "
                          "Node 22, downloaded once; node18 on the bundled Node, which is also where node22 falls "
                          "back to when Node 22 cannot be installed")
    run.add_argument("--node", metavar="PATH",
                     help="Node binary to use instead of the bundled one (default: $ACTIONS_EMULATOR_NODE)")
    add_http_args(run)
    add_debug_args(run)
    json_arg(run)
    run.set_defaults(run=run_action)

    trig = sub.add_parser("run-trigger", help="run the deployed actions bound to a trigger of a tenant")
    trig.add_argument("trigger", metavar="TRIGGER")
    tenant_arg(trig)
    trig.add_argument("--event", metavar="FILE|-|JSON", help="JSON merged onto the trigger's default event: a file, "
                                                            "- for standard input, or the JSON itself")
    trig.add_argument("--timeout-ms", type=int, default=DEFAULT_DEADLINE_MS, metavar="N")
    trig.add_argument("--node", metavar="PATH", help="Node binary to use instead of the bundled one")
    add_http_args(trig)
    add_debug_args(trig)
    json_arg(trig)
    trig.set_defaults(run=run_trigger)

    cmp_ = sub.add_parser("compare", help="run two versions of an action on the same events and show what differs")
    cmp_.add_argument("action", metavar="ACTION")
    cmp_.add_argument("a", metavar="A", help="N, draft or deployed")
    cmp_.add_argument("b", metavar="B", help="N, draft or deployed")
    tenant_arg(cmp_)
    cmp_.add_argument("--event", action="append", default=[], metavar="FILE",
                      help="an event file (repeatable; default: the default event and every saved test event)")
    cmp_.add_argument("--node", metavar="PATH", help="Node binary to use instead of the bundled one")
    add_coverage_args(cmp_)
    add_http_args(cmp_)
    json_arg(cmp_)
    cmp_.set_defaults(run=run_compare)

    lst = sub.add_parser("triggers", help="list the triggers and their api methods")
    fmt = lst.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable output")
    fmt.add_argument("--markdown", action="store_true", help="the README's trigger table")
    lst.set_defaults(run=list_triggers)

    bench = sub.add_parser("bench", help="measure the runtime's speed on this machine")
    bench.add_argument("--node", metavar="PATH", help="Node binary to use instead of the bundled one")
    bench.add_argument("--quick", action="store_true", help="fewer iterations (a smoke run)")
    bench.add_argument("--flows", type=int, metavar="N",
                       help="instead: N sample logins end to end, as the app's batch runs them")
    bench.add_argument("--coverage", action="store_true",
                       help="with --flows: also what --coverage costs a login (on a debugging host, with and without)")
    bench.add_argument("--logs", type=int, metavar="N",
                       help="instead: open a workspace of N logs and list them with each filter "
                            "(e.g. --logs 100000)")
    bench.set_defaults(run=run_bench)


def add_http_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--http", metavar="MODE", help="outbound HTTP: live, record, stub or replay "
                                                  "(default: the tenant's mode, else live)")
    p.add_argument("--http-stubs", metavar="FILE", help="stubs (JSON or YAML) for stub/replay; record writes here")


def http_for_run(args: argparse.Namespace, emu=None, tenant: str | None = None) -> dict | None:
    """The run's HTTP settings: flags first, then the tenant's own (in a workspace)."""
    mode = http_stubs.check_mode(args.http) if args.http else None
    if args.http_stubs and mode == "record":
        stubs = http_stubs.load(args.http_stubs) if Path(args.http_stubs).exists() else []
    else:
        stubs = http_stubs.load(args.http_stubs) if args.http_stubs else None
    if emu is not None and tenant:
        base = emu.http_config(tenant)
        return {"mode": mode or base["mode"], "stubs": base["stubs"] if stubs is None else stubs}
    return {"mode": mode or "live", "stubs": stubs or []}


def save_recorded(args: argparse.Namespace, http: dict | None, results) -> None:
    """In record mode with --http-stubs, write what went out as stubs (merged into the file)."""
    save_recorded_calls(args, http, [c for r in results for a in r.actions for c in a.http])


def save_recorded_calls(args: argparse.Namespace, http: dict | None, calls: list[dict]) -> None:
    if http and http["mode"] == "record" and args.http_stubs:
        http_stubs.save(args.http_stubs, http_stubs.merge(http["stubs"], http_stubs.from_calls(calls)))


MAX_TIMEOUT_MS = 600_000  # ten minutes: past that a run is not a test any more (Auth0 allows 20 s)


def _check_timeout(args: argparse.Namespace) -> None:
    if args.timeout_ms <= 0 or args.timeout_ms > MAX_TIMEOUT_MS:
        raise UsageError(f"--timeout-ms must be between 1 and {MAX_TIMEOUT_MS} milliseconds "
                         f"(Auth0's limit is 20000)")


def _progress(message: str) -> None:
    print(message, file=sys.stderr)


async def run_action(args: argparse.Namespace) -> int:
    _check_timeout(args)
    if args.action or args.tenant:
        return await _run_stored(args)
    if not args.files:
        raise UsageError("the following arguments are required: FILE (or --tenant and --action)")
    if not args.trigger:
        raise UsageError("the following arguments are required: --trigger")
    try:
        trigger = triggers.get(args.trigger)
    except triggers.UnknownTrigger as exc:
        raise UsageError(f"--trigger: {exc}") from None
    deps = [parse_spec(d) for d in args.dependency]
    given = event_arg(args.event)
    # The event's own secrets fill event.secrets (and are masked in captured HTTP); --secret wins.
    secret_values = {**event_secrets(given, args.event), **secrets(args.secret)}
    modules = module_files(args)
    sources = [ActionSource(name=Path(f).stem, code=read_text(f, "an action file"), filename=str(Path(f).resolve()),
                            secrets=secret_values, dependencies=deps, handler=args.handler, modules=modules)
               for f in args.files]
    event = build_event(trigger.id, given)
    node, fallback = args.node, None
    if not (node or os.environ.get(NODE_SETTING)):  # an explicit Node wins, as everywhere
        runtime = args.runtime or runtimes.DEFAULT
        if runtimes.needs_own_node(runtime):
            try:
                node = await runtimes.node_for(runtime, progress=_progress)
            except runtimes.RuntimeUnavailable as exc:
                if args.runtime:  # asked for by name: say it cannot be had
                    raise
                node, fallback = bundled_node(), f"{exc}. It ran on the bundled Node 18 instead."
                print(f"actions-emulator: {fallback}", file=sys.stderr)
        else:
            node = bundled_node()
    pool = HostPool(node)
    if pool.node != bundled_node():
        node_version(pool.node)  # a user-chosen binary: check it is a recent enough Node first
    try:
        async with debugging(args, pool.node) as session:
            host = session.host if session else await pool.host("default")
            http = http_for_run(args)
            result = await run_chain(host, trigger.id, sources, event, deadline_ms=args.timeout_ms,
                                     dependency_cache=DependencyCache.default() if deps else None,
                                     progress=_progress, http=http)
            runtimes.note_fallback(result, fallback)
            out = attach_snapshots(result.to_json(), session)
    finally:
        await pool.close()
    save_recorded(args, http, [result])
    emit(out, args, summary.run)
    return 0 if result.ok else 1


def _per_module(option: str, values: list[str], names: set[str]) -> dict[str, list[str]]:
    """NAME:REST values of a per-module option, grouped by module (which must be given with --module)."""
    out: dict[str, list[str]] = {}
    for value in values:
        name, sep, rest = value.partition(":")
        if not sep or not rest:
            raise UsageError(f"{option}: {value!r} is not NAME:{'KEY=VALUE' if 'secret' in option else 'PKG@VERSION'}")
        if name not in names:
            raise UsageError(f"{option}: no module {name!r} (give it with --module {name}=FILE)")
        out.setdefault(name, []).append(rest)
    return out


def module_files(args: argparse.Namespace) -> list[ModuleSource]:
    """The --module NAME=FILE modules, with their --module-secret and --module-dependency values."""
    if not (args.module or args.module_secret or args.module_dependency):
        return []
    files: dict[str, str] = {}
    for value in args.module:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise UsageError(f"--module: {value!r} is not NAME=FILE (e.g. logger=modules/logger.js)")
        if name in files:
            raise UsageError(f"--module: {name!r} is given more than once")
        files[name] = path
    from ..store import modules as modules_store  # here: the store (sqlite_utils) is slow to import

    module_secrets = _per_module("--module-secret", args.module_secret, set(files))
    module_deps = _per_module("--module-dependency", args.module_dependency, set(files))
    out = []
    for name, path in files.items():
        code = read_text(path, "a module file")
        try:
            modules_store.check_code(name, code)
        except ManagementError as exc:
            raise UsageError(f"{path}: {exc}") from None
        out.append(ModuleSource(name=name, code=code, filename=str(Path(path).resolve()),
                                secrets=secrets(module_secrets.get(name, [])),
                                dependencies=[parse_spec(d) for d in module_deps.get(name, [])]))
    return out  # run_chain checks Auth0's limit of modules per action


STORED_SECRETS = "each stored action's own secrets (actions update --secret)"


async def _run_stored(args: argparse.Namespace) -> int:
    if not (args.tenant and args.action):
        raise UsageError("a stored action needs both --tenant and --action")
    if args.files or args.trigger or args.secret or args.dependency or args.module or args.runtime:
        raise UsageError("with --action, give no FILE, --trigger, --secret, --dependency, --module or --runtime: "
                         "the stored action has them")
    emu = open_emulator(args, deadline_ms=args.timeout_ms)
    http = http_for_run(args, emu, args.tenant)
    async with debugging(args, emu.pool.node, tenant=args.tenant, pool=emu.pool) as session:
        result, record, _ = await emu.run_action(args.tenant, args.action, version_arg(args.version),
                                                 event_arg(args.event, secrets_from=STORED_SECRETS),
                                                 handler=args.handler, progress=_progress,
                                                 http=http, record_into_workspace=not args.http_stubs)
        out = attach_snapshots({**result.to_json(), "execution_id": record["id"]}, session)
    save_recorded(args, http, [result])
    emit(out, args, summary.run)
    return 0 if result.ok else 1


async def run_trigger(args: argparse.Namespace) -> int:
    _check_timeout(args)
    emu = open_emulator(args, deadline_ms=args.timeout_ms)
    http = http_for_run(args, emu, args.tenant)
    async with debugging(args, emu.pool.node, tenant=args.tenant, pool=emu.pool) as session:
        result, record, _ = await emu.run_trigger(args.tenant, args.trigger,
                                                  event_arg(args.event, secrets_from=STORED_SECRETS),
                                                  progress=_progress, http=http,
                                                  record_into_workspace=not args.http_stubs)
        out = attach_snapshots({**result.to_json(), "execution_id": record["id"]}, session)
    save_recorded(args, http, [result])
    emit(out, args, summary.run)
    return 0 if result.ok else 1


async def run_compare(args: argparse.Namespace) -> int:
    """Exit 0 when the versions behave the same on every event, 1 when any event differs."""
    from ..compare import compare_versions

    emu = open_emulator(args)
    if args.event:
        events = {path: event_arg(path, secrets_from=STORED_SECRETS) for path in args.event}
    else:
        events = {"(default event)": None, **emu.test_events(args.tenant, args.action)}
    http = http_for_run(args, emu, args.tenant)
    async with debugging(args, emu.pool.node, tenant=args.tenant, pool=emu.pool) as session:
        results = await compare_versions(emu, args.tenant, args.action, version_arg(args.a), version_arg(args.b),
                                         events, http=http)
        out = {"action": args.action, "a": args.a, "b": args.b,
               "differing_events": [r.event_name for r in results if r.differences],
               "events": [r.to_json() for r in results]}
        if session is not None:
            session.report_into = out  # --coverage: each version's lines, over all the events
    emit(out, args, summary.compare)
    return 1 if any(r.differences for r in results) else 0


def triggers_markdown() -> str:
    """The README's trigger table, generated from the registry (a test keeps the README in sync)."""
    lines = ["| Trigger | Version | Handlers | Kind | `api` namespaces |", "|---|---|---|---|---|"]
    for t in triggers.all_triggers():
        kind = ("blocking" if t.blocking else "async") + (", experimental" if t.experimental else "")
        namespaces = sorted({m.namespace or m.path for m in t.api})
        lines.append(f"| `{t.id}` | {t.version} | {', '.join(f'`{h}`' for h in t.handlers)} | {kind} | "
                     f"{', '.join(namespaces)} |")
    return "\n".join(lines) + "\n"


def list_triggers(args: argparse.Namespace) -> int:
    if args.markdown:
        sys.stdout.write(triggers_markdown())
        return 0
    if args.json:
        emit_json([{"id": t.id, "version": t.version, "handlers": list(t.handlers), "blocking": t.blocking,
                    "experimental": t.experimental, "doc": t.doc,
                    "api": [{"method": m.signature, "doc": m.doc} for m in t.api]} for t in triggers.all_triggers()])
        return 0
    for t in triggers.all_triggers():
        kind = "blocking" if t.blocking else "async"
        print(f"{t.id} {t.version} ({kind}{', experimental' if t.experimental else ''}): {', '.join(t.handlers)}")
        for m in t.api:
            print(f"  {m.signature}")
    return 0


async def run_bench(args: argparse.Namespace) -> int:
    if args.logs is not None:
        from ..bench_store import run_store_bench

        if args.logs < 1:
            raise UsageError("--logs: give a number of logs of 1 or more")
        return run_store_bench(args.logs)
    if args.flows is not None:
        from ..bench_flows import run_flow_bench

        if args.flows < 1:
            raise UsageError("--flows: give a number of runs of 1 or more")
        return await run_flow_bench(args.flows, args.node, coverage=args.coverage)
    if args.coverage:
        raise UsageError("--coverage: give it with --flows N (the cost of coverage per login)")
    from ..bench import run_bench as bench

    return await bench(args.node, quick=args.quick)
