"""What `run-action`, `run-trigger`, `flow` and `compare` print to a person at a terminal: a short summary
(the outcome, each action's commands and console, errors as file:line, the time). Piped, or with
--json, they print exactly the JSON a script reads."""
from __future__ import annotations

import json
import sys
from typing import Any

MAX_VALUE = 60  # characters of an argument or a claim shown before eliding
MAX_LOG = 400  # a console line is what the user came to read: shown whole up to this
MASK = "••••••"


def wants_summary(args) -> bool:
    return not getattr(args, "json", False) and sys.stdout.isatty()


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _masked(value: Any) -> Any:
    """An argument with its secrets hidden (redirect.encodeToken({secret, ...}) and the like)."""
    if isinstance(value, dict):
        return {k: MASK if "secret" in str(k).lower() and isinstance(v, str) else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _call(cmd: dict) -> str:
    text = f"{cmd['name']}({', '.join(_short(_masked(a)) for a in cmd.get('args', []))})"
    if cmd.get("error"):
        text += f"  -> threw: {cmd['error']}"
    return text


def _error(err: dict, file: str | None) -> str:
    where = f"  at {file or 'the action'}:{err['line']}:{err.get('column') or 0}" if err.get("line") else ""
    return f"{err.get('name') or 'Error'}: {err.get('message')}{where} [{err.get('class') or err.get('error_class')}]"


def _actions(actions: list[dict], indent: str = "  ") -> list[str]:
    lines = []
    for a in actions:
        ms = (a.get("timings") or {}).get("total_ms")
        mark = "FAILED" if a.get("error") else "ok"
        lines.append(f"{indent}{mark:<6} {a['name']} ({a.get('handler')})" + (f"  {ms:.1f} ms" if ms is not None else ""))
        for cmd in a.get("commands", []):
            lines.append(f"{indent}         {_call(cmd)}")
        for log in a.get("logs", [])[:5]:
            message = str(log["message"])
            message = message if len(message) <= MAX_LOG else message[: MAX_LOG - 1] + "…"
            lines.append(f"{indent}         {log['level']}: {message}")
        if len(a.get("logs", [])) > 5:
            lines.append(f"{indent}         … {len(a['logs']) - 5} more console lines")
        for call in a.get("http", []):
            lines.append(f"{indent}         HTTP {call.get('method')} {call.get('url')} -> "
                         f"{call.get('status', call.get('error', '?'))}")
        if a.get("error"):
            # A stored action has no file: its name and version say where.
            where = a.get("file") or (f"{a['name']} v{a['version']}" if a.get("version") is not None else a["name"])
            lines.append(f"{indent}         {_error(a['error'], where)}")
    return lines


def run(out: dict) -> str:
    """run-action / run-trigger."""
    outcome = out["outcome"]
    total = (out.get("timings") or {}).get("total_ms")
    head = f"{out['trigger']} · {outcome['status']}" + (f" · {total:.1f} ms" if total is not None else "")
    lines = [head + f" · Node {out.get('node_version', '?')}"]
    lines += _actions(out["actions"])
    if outcome.get("command"):
        lines.append(f"outcome: {outcome['status']} by {outcome.get('action')}: {_call(outcome['command'])}")
    if outcome.get("skipped"):
        lines.append(f"not run: {', '.join(outcome['skipped'])}")
    if out.get("execution_id"):
        lines.append(f"execution {out['execution_id']} (executions show ID for everything)")
    lines.append("(--json for the whole result)")
    return "\n".join(lines)


def flow(out: dict) -> str:
    """flow start / resume / show."""
    lines = [f"{out['flow']} · {out['status']} · run {out['run_id']}"]
    if out.get("error"):
        err = out["error"]
        code = err.get("error") or err.get("code")
        lines.append(f"error: {code}: {err.get('error_description') or err.get('description') or err.get('message')}")
    waiting = out.get("waiting") or {}
    if waiting:
        lines.append(f"waiting for {waiting['for']}: flow resume {out['run_id']} …"
                     + (f" (go to {waiting['url']})" if waiting.get("url") else ""))
        if waiting.get("missing"):
            lines.append(f"  {waiting['missing']}")
    tokens = out.get("tokens")
    if tokens:
        lines.append(f"scope: {tokens.get('scope') or '-'}")
        for which, claims in tokens["claims"].items():
            custom = {k: v for k, v in claims.items() if k.startswith(("http://", "https://"))}
            lines.append(f"{which}: sub {claims.get('sub')}" + "".join(f"; {k}={_short(v)}" for k, v in custom.items()))
        dropped = tokens.get("dropped_claims") or {}
        for which, names in (dropped.items() if isinstance(dropped, dict) else [("", dropped)]):
            if names:
                lines.append(f"dropped from {which or 'the token'} (restricted names): {', '.join(names)}")
    for trigger, runs in out.get("executions", {}).items():
        for run_ in runs:
            lines.append(f"{trigger}: {run_['outcome']['status']}")
            lines += _actions(run_["actions"])
    if out.get("logs"):
        lines.append("logs: " + ", ".join(l["type"] for l in out["logs"]))
    lines.append("(--json for the whole result)")
    return "\n".join(lines)


def compare(out: dict) -> str:
    lines = [f"{out['action']}: {out['a']} against {out['b']} on {len(out['events'])} event(s)"]
    for event in out["events"]:
        differences = event.get("differences") or []
        lines.append(f"  {'differs' if differences else 'same   '}  {event.get('event')}")
        for d in differences[:10]:
            lines.append(f"           {_short(d)[1:-1] if isinstance(d, str) else _short(d)}")
    lines.append("(--json for the whole result)")
    return "\n".join(lines)
