"""Subcommands for journeys: flow (signup, login, reset-password, resume, show), outbox, jwks and
redirect-token (what an external redirect page would sign and send back to /continue)."""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap

from .. import lazy
from ..errors import UsageError

flows, store, tokens = lazy.module("emulator.flows"), lazy.module("emulator.store"), lazy.module("emulator.tokens")
redirect = lazy.module("emulator.flows.redirect")
report = lazy.attr("emulator.flows.report", "report")
script_name = lazy.attr("emulator.emulator", "script_name")
from .common import event_arg, open_emulator, tenant_arg
from .debugging import add_debug_args, attach_flow_snapshots, debugging
from .run import add_http_args, http_for_run, save_recorded_calls
from . import ids, summary
from .output import emit, emit_json, json_arg, table

KIND = {"signup": "signup", "login": "login", "reset-password": "password_reset", "sms-mfa": "sms_mfa",
        "client-credentials": "client_credentials", "token-exchange": "token_exchange"}
HELP = {"sms-mfa": "a login that always asks for the SMS second factor (MFA policy 'Always')",
        "client-credentials": "a machine-to-machine token (the client_credentials grant), running the "
                              "credentials-exchange actions",
        "token-exchange": "a Custom Token Exchange (the token-exchange grant): the profile's custom-token-exchange "
                          "action sets the user, then post-login runs"}
MACHINE = "client_credentials"  # no user: no --email, an --audience instead
EXCHANGE = "token_exchange"  # the user comes from the action: no --email, a subject token instead
NO_EMAIL = (MACHINE, EXCHANGE)


def _answer_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--otp", help="the one-time code the user types")
    p.add_argument("--phone", help="the phone number the user enrolls for SMS MFA")
    p.add_argument("--new-password", help="the new password typed on the reset page")
    p.add_argument("--continue", dest="cont", action="append", default=[], metavar="KEY=VALUE",
                   help="a value the user comes back to /continue with (repeatable)")
    p.add_argument("--continue-claim", dest="cont_claims", action="append", default=[], metavar="KEY=VALUE",
                   help="back from a redirect with a session token carrying this claim (JSON values allowed; "
                        "repeatable), signed with the redirecting action's secret, as its page would sign it")
    p.add_argument("--continue-secret", metavar="NAME",
                   help="which of the redirecting action's secrets signs that token (default: its only one)")
    p.add_argument("--field", action="append", default=[], metavar="KEY=VALUE", help="a form field (prompt.render)")
    p.add_argument("--auto", action="store_true",
                   help="play the user: read OTPs and reset links from the outbox, come back from redirects")


def add_parsers(sub) -> None:
    flow = sub.add_parser("flow", help="run a signup, login, SMS MFA login or password reset with the tenant's actions")
    verbs = flow.add_subparsers(dest="verb", required=True)
    for verb in KIND:
        p = verbs.add_parser(verb, help=HELP.get(verb, f"a {verb.replace('-', ' ')} journey") + "; prints its outcome (a summary at a terminal, JSON when piped or with --json)")
        tenant_arg(p)
        p.add_argument("--email", required=KIND[verb] not in NO_EMAIL,
                       help="the user (not for client-credentials or token-exchange)")
        p.add_argument("--password", help="the password typed (signup, login)")
        p.add_argument("--client", help="application name or client_id (default: the tenant's first app)")
        p.add_argument("--connection", help="database connection (default Username-Password-Authentication)")
        p.add_argument("--event", metavar="FILE|-|JSON",
                       help="JSON merged onto every event of the run (e.g. geoip): a file, - or the JSON itself")
        p.add_argument("--scope", help="requested scopes (login; default 'openid profile email')")
        p.add_argument("--audience", required=KIND[verb] == MACHINE,
                       help="API audience (login; required for client-credentials, one of the tenant's APIs)")
        if KIND[verb] == EXCHANGE:
            p.add_argument("--subject-token-type", required=True, metavar="URI",
                           help="the token's type; a Custom Token Exchange profile maps it to its action")
            p.add_argument("--subject-token", required=True, metavar="TOKEN", help="the token to exchange")
            p.add_argument("--actor-token", metavar="TOKEN", help="a token of the party acting for the subject")
            p.add_argument("--actor-token-type", metavar="URI", help="its type (default: an ID token)")
        p.add_argument("--deterministic", action="store_true", help="fixed clock, ids and OTP (123456)")
        p.add_argument("--seed", type=int, default=42)
        add_http_args(p)
        add_debug_args(p)
        _answer_args(p)
        json_arg(p)
        p.set_defaults(run=flow_start, kind=KIND[verb])
    p = verbs.add_parser("resume", help="continue a waiting run with the user's answer")
    p.add_argument("run_id", metavar="RUN_ID")
    add_debug_args(p)
    _answer_args(p)
    json_arg(p)
    p.set_defaults(run=flow_resume)
    p = verbs.add_parser("show", help="a stored run (a summary at a terminal, JSON when piped or with --json)")
    p.add_argument("run_id", metavar="RUN_ID")
    json_arg(p)
    p.set_defaults(run=flow_show)
    p = verbs.add_parser("list", help="a tenant's recent runs")
    tenant_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=flow_list)

    p = sub.add_parser("outbox", help="the e-mails and SMS the emulator 'sent'")
    tenant_arg(p)
    p.add_argument("--recipient")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=outbox)
    http = sub.add_parser("http", help="a tenant's outbound-HTTP mode and stubs").add_subparsers(dest="verb", required=True)
    p = http.add_parser("mode", help="show or set the mode: live, record, stub or replay")
    p.add_argument("mode", nargs="?")
    tenant_arg(p)
    p.set_defaults(run=http_mode)
    p = http.add_parser("stubs", help="list the stubs, or replace them from / write them to a JSON or YAML file")
    tenant_arg(p)
    p.add_argument("--import", dest="import_file", metavar="FILE")
    p.add_argument("--export", dest="export_file", metavar="FILE")
    p.set_defaults(run=http_stubs_cmd)
    p = sub.add_parser("jwks", help="the tenant's JSON Web Key Set (verifies its tokens)")
    tenant_arg(p)
    p.set_defaults(run=jwks)
    p = sub.add_parser("redirect-token", help="sign the session token an external redirect page sends back")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--secret", required=True, help="the secret the action validates with")
    p.add_argument("--claim", dest="claims", action="append", default=[], metavar="KEY=VALUE",
                   help="a payload claim (JSON values allowed; repeatable)")
    p.set_defaults(run=redirect_token)


def _pairs(values: list[str], flag: str) -> dict:
    out = {}
    for pair in values:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"{flag}: {pair!r} is not KEY=VALUE")
        out[key] = value
    return out


def _json_pairs(values: list[str], flag: str) -> dict:
    """KEY=VALUE pairs whose values may be JSON (true, 42, {...}); anything else stays text."""
    out = {}
    for key, value in _pairs(values, flag).items():
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


def _answers(args) -> flows.Answers:
    return flows.Answers(otp=args.otp, phone=args.phone, new_password=args.new_password,
                         continue_query=_pairs(args.cont, "--continue"), form_fields=_pairs(args.field, "--field"),
                         continue_claims=_json_pairs(args.cont_claims, "--continue-claim"),
                         continue_secret=args.continue_secret, auto=args.auto)


ACTION_FAILED, JOURNEY_FAILED = 1, 4  # the exit codes (cli/__init__.py, README)


def exit_code(out: dict) -> int:
    """0 for a journey that succeeded or waits for the user (an async action that failed after the outcome
    does not change it); 1 when it failed because an action failed (threw, timed out); 4 when it failed
    or was denied otherwise (a wrong password, an existing user, an action's deny)."""
    if out["status"] not in ("failed", "denied"):
        return 0
    if any(a["error"] for runs in out["executions"].values() for e in runs for a in e["actions"]):
        return ACTION_FAILED
    return JOURNEY_FAILED


def _exit(out: dict, args=None) -> int:
    emit(out, args, summary.flow)
    missing = (out.get("waiting") or {}).get("missing")
    if missing and getattr(args, "auto", False):  # --auto could not answer: say what it needs, and fail
        print(f"actions-emulator: {missing}", file=sys.stderr)
        return JOURNEY_FAILED
    return exit_code(out)


async def flow_start(args) -> int:
    if args.kind in ("signup", "login", "sms_mfa") and not args.password:
        raise UsageError("--password is required")
    if args.kind in NO_EMAIL and args.email:
        raise UsageError("--email: a client-credentials exchange has no user" if args.kind == MACHINE else
                         "--email: a token exchange's user is the one its action sets")
    inputs = {k: v for k, v in {"email": args.email, "password": args.password, "new_password": args.new_password,
                                "phone": args.phone, "scope": args.scope, "audience": args.audience,
                                "connection": args.connection, "event": event_arg(args.event, secrets_from="each bound action's own secrets"),
                                **{k: getattr(args, k, None) for k in ("subject_token_type", "subject_token", "actor_token",
                                                                       "actor_token_type")}}.items() if v}
    emu = open_emulator(args)
    if args.http or args.http_stubs:  # this run's own HTTP settings (else the tenant's)
        inputs["http"] = http_for_run(args, emu, args.tenant)
    run = flows.start(emu, args.tenant, args.kind, inputs, client=args.client, connection=args.connection,
                      deterministic=args.deterministic, seed=args.seed)
    async with debugging(args, emu.pool.node, tenant=args.tenant, pool=emu.pool) as session:
        run = await flows.run_to_end(emu, run, _answers(args))
        out = attach_flow_snapshots(report(emu, run), session, script_name)
    calls = [c for refs in out["executions"].values() for e in refs for a in e["actions"] for c in a["http"]]
    save_recorded_calls(args, inputs.get("http"), calls)
    return _exit(out, args)


async def flow_resume(args) -> int:
    emu = open_emulator(args)
    run = flows.load(emu.ws, ids.resolve(emu.ws, "run", args.run_id))
    if run.done:
        return _exit(report(emu, run), args)
    async with debugging(args, emu.pool.node, tenant=run.tenant, pool=emu.pool) as session:
        run = await flows.run_to_end(emu, run, _answers(args))
        out = attach_flow_snapshots(report(emu, run), session, script_name)
    return _exit(out, args)


async def flow_show(args) -> int:
    emu = open_emulator(args)
    emit(report(emu, flows.load(emu.ws, ids.resolve(emu.ws, "run", args.run_id))), args, summary.flow)
    return 0


def flow_list(args) -> int:
    rows = flows.list_(open_emulator(args).ws, args.tenant)
    emit_json(rows) if args.json else table(rows, [("created_at", "CREATED"), ("kind", "FLOW"), ("status", "STATUS"),
                                                  ("id", "RUN ID")], "(no runs)")
    return 0


def outbox(args) -> int:
    emu = open_emulator(args)
    store.tenants.require(emu.ws, args.tenant)
    rows = store.outbox.list_(emu.ws, args.tenant, args.recipient)
    if args.json:
        emit_json(rows)
    else:
        # Wrapped to the terminal at word breaks, never inside a word: a link or code stays whole to copy.
        # Piped, the lines are as they always were.
        width = max(40, shutil.get_terminal_size().columns) if sys.stdout.isatty() else None
        for m in rows:
            via = m["meta"].get("via")
            print(f"{m['created_at']}  {m['channel']:<5} to {m['recipient']}{f' (via {via})' if via else ''}")
            text = f"{m['subject'] + ': ' if m['subject'] else ''}{m['body']}"
            if width is None:
                print(f"    {text}")
                continue
            for paragraph in text.splitlines() or [""]:
                print(textwrap.fill(paragraph, width, initial_indent="    ", subsequent_indent="    ",
                                    break_long_words=False, break_on_hyphens=False) or "    ")
        if not rows:
            print("(the outbox is empty)")
    return 0


def jwks(args) -> int:
    emu = open_emulator(args)
    store.tenants.require(emu.ws, args.tenant)
    emit_json(tokens.jwks(emu.ws, args.tenant))
    return 0


def redirect_token(args) -> int:
    """What the page an action redirected to would send back: an HS256 token with the run's state."""
    emu = open_emulator(args)
    claims = _json_pairs(args.claims, "--claim")
    print(redirect.session_token(emu, flows.load(emu.ws, ids.resolve(emu.ws, "run", args.run_id)), claims, secret=args.secret))
    return 0


def http_mode(args) -> int:
    emu = open_emulator(args)
    if args.mode:
        emu.set_http_mode(args.tenant, args.mode)
    print(emu.http_config(args.tenant)["mode"])
    return 0


def http_stubs_cmd(args) -> int:
    from ..runtime import http_stubs

    emu = open_emulator(args)
    if args.import_file:
        emu.set_http_stubs(args.tenant, http_stubs.load(args.import_file))
    stubs = emu.http_config(args.tenant)["stubs"]
    if args.export_file:
        http_stubs.save(args.export_file, stubs)
        print(f"wrote {len(stubs)} stub(s) to {args.export_file}")
    else:
        emit_json(stubs)
    return 0
