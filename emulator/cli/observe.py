"""Subcommands that look at what happened: tenant logs (list, follow) and executions."""
from __future__ import annotations

import argparse
import json
import time

from .. import triggers
from . import ids
from .common import open_emulator, tenant_arg
from .output import emit_json, table

LOG_COLUMNS = [("date", "DATE"), ("type", "TYPE"), ("description", "DESCRIPTION"), ("user_name", "USER"),
               ("log_id", "LOG ID")]


def add_parsers(sub) -> None:
    logs = sub.add_parser("logs", help="tenant logs in Auth0's shape").add_subparsers(dest="verb", required=True)
    for verb, helptext in (("list", "recent log records, newest first"), ("follow", "print new records as they come")):
        p = logs.add_parser(verb, help=helptext)
        tenant_arg(p)
        p.add_argument("--type", help="a log type code, e.g. s, f, sapi, actions_execution_failed")
        p.add_argument("--user", help="user id or e-mail")
        p.add_argument("--action", help="action name")
        p.add_argument("--trigger", help="trigger id")
        p.add_argument("--search", help="free text")
        p.add_argument("--json", action="store_true", help="one JSON record per line (follow) or a list")
        if verb == "list":
            p.add_argument("--limit", type=int, default=50)
            p.set_defaults(run=logs_list)
        else:
            p.add_argument("--interval", type=float, default=0.5, help="seconds between checks")
            p.add_argument("--max-seconds", type=float, default=None, help="stop after this long (for scripts)")
            p.set_defaults(run=logs_follow)

    execs = sub.add_parser("executions", help="stored executions of triggers and actions").add_subparsers(
        dest="verb", required=True)
    p = execs.add_parser("show", help="one execution with per-action detail")
    p.add_argument("id")
    p.set_defaults(run=executions_show)
    p = execs.add_parser("list", help="recent executions of a tenant")
    tenant_arg(p)
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=executions_list)


def _filters(args: argparse.Namespace) -> dict:
    return {"type_": args.type, "user": args.user, "action": args.action,
            "trigger_id": triggers.get(args.trigger).id if args.trigger else None, "search": args.search}


def logs_list(args):
    rows = open_emulator(args).logs(args.tenant, limit=args.limit, **_filters(args))
    emit_json(rows) if args.json else table(rows, LOG_COLUMNS, "(no log records)")
    return 0


def logs_follow(args):
    """Poll the workspace for records newer than the last one seen (other processes write them)."""
    emu = open_emulator(args)
    latest = emu.logs(args.tenant, limit=1)
    after = latest[0]["log_id"] if latest else "0"
    started = time.monotonic()
    while args.max_seconds is None or time.monotonic() - started < args.max_seconds:
        for record in emu.logs(args.tenant, after=after, limit=500, **_filters(args)):
            after = record["log_id"]
            if args.json:
                print(json.dumps(record), flush=True)
            else:
                print(f"{record['date']}  {record['type']:<24} {record.get('description', '')}", flush=True)
        # Records filtered out still move the cursor, so they are not read again.
        newest = emu.logs(args.tenant, after=after, limit=500)
        if newest:
            after = newest[-1]["log_id"]
        time.sleep(args.interval)
    return 0


def executions_show(args):
    emu = open_emulator(args)
    emit_json(emu.execution(ids.resolve(emu.ws, "execution", args.id)))
    return 0


def executions_list(args):
    rows = open_emulator(args).executions(args.tenant, args.limit)
    for r in rows:
        r["actions"] = [x["action_name"] for x in r["results"]]
        r["outcome_status"] = r["outcome"]["status"]
    emit_json(rows) if args.json else table(rows, [("created_at", "CREATED"), ("trigger_id", "TRIGGER"),
                                                  ("kind", "KIND"), ("outcome_status", "OUTCOME"),
                                                  ("actions", "ACTIONS"), ("id", "EXECUTION ID")], "(no executions)")
    return 0
