"""Timing data for charts: per-action durations over a tenant's recent executions, their distribution per
version (five-number summaries), and one run's waterfall of states, triggers and actions on a time axis.

Durations are the harness's per-action `total_ms` (load + run inside Node). An action that ran in the
debugger (`debug`) counts its own time only; the time the debugger held it is `paused_ms`, and such
runs stay out of the distributions, which would otherwise chart a person's reading time. A flow run's waterfall puts
its steps end to end on an "active time" axis: the time the emulator spent, without the time the run sat
waiting for a person (an OTP, a redirect), which would otherwise dwarf every bar."""
from __future__ import annotations

import statistics

from . import store
from .store.db import Workspace


def action_durations(ws: Workspace, tenant: str, *, runs: int = 200, action: str | None = None) -> list[dict]:
    """One row per action invocation in the tenant's newest `runs` executions, oldest first."""
    sql = """SELECT e.id AS execution_id, e.created_at, e.trigger_id AS trigger,
                    json_extract(r.value, '$.action_name') AS action,
                    json_extract(r.value, '$.emulator.version') AS version,
                    json_extract(r.value, '$.emulator.timings.total_ms') AS ms,
                    json_extract(r.value, '$.emulator.timings.paused_ms') AS paused_ms,
                    json_extract(r.value, '$.emulator.error') IS NOT NULL AS failed
             FROM (SELECT id, created_at, trigger_id, result, rowid AS n FROM executions WHERE tenant = ?
                   ORDER BY created_at DESC, rowid DESC LIMIT ?) e, json_each(e.result, '$.results') r
             {where} ORDER BY e.created_at, e.n, r.key"""
    params: list = [tenant, runs]
    where = ""
    if action:
        where, params = "WHERE json_extract(r.value, '$.action_name') = ?", params + [action]
    rows = [dict(r) for r in ws.db.query(sql.format(where=where), params)]
    flow_runs = flow_run_ids(ws, tenant, {r["execution_id"] for r in rows})
    for r in rows:
        r["debug"] = r["paused_ms"] is not None
        r["paused_ms"] = float(r["paused_ms"] or 0)
        r["ms"] = max(0.0, float(r["ms"] or 0) - r["paused_ms"])
        r["failed"] = bool(r["failed"])
        r["flow_run"] = flow_runs.get(r["execution_id"])
    return rows


def flow_run_ids(ws: Workspace, tenant: str, execution_ids: set[str]) -> dict[str, str]:
    """Which flow run (if any) each execution belongs to."""
    if not execution_ids:
        return {}
    # A run that recorded an execution was last written after it: only those runs need reading.
    oldest = ws.db.execute(f"SELECT min(created_at) FROM executions WHERE id IN ({','.join('?' * len(execution_ids))})",
                           list(execution_ids)).fetchone()[0]
    rows = ws.db.execute("""SELECT json_extract(x.value, '$.id'), f.id FROM flow_runs f,
                            json_each(f.snapshot, '$.executions') x WHERE f.tenant = ? AND f.updated_at >= ?""",
                         [tenant, oldest]).fetchall()
    return {e: f for e, f in rows if e in execution_ids}


def five_numbers(values: list[float]) -> dict:
    """min, lower quartile, median, upper quartile, max (a box plot's five numbers)."""
    values = sorted(values)
    if len(values) == 1:
        q1 = med = q3 = values[0]
    else:
        q1, med, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return {"min": values[0], "q1": q1, "median": med, "q3": q3, "max": values[-1], "count": len(values)}


def by_version(rows: list[dict]) -> dict[str, dict[int, dict]]:
    """{action: {version: five numbers}} over the rows (draft runs have version None and are skipped, and
    so are debug runs)."""
    grouped: dict[str, dict[int, list[float]]] = {}
    for r in rows:
        if r["version"] is not None and not r.get("debug"):
            grouped.setdefault(r["action"], {}).setdefault(int(r["version"]), []).append(r["ms"])
    return {a: {v: five_numbers(ms) for v, ms in sorted(vs.items())} for a, vs in sorted(grouped.items())}


def run_waterfall(run) -> list[dict]:
    """A flow run's bars: the actions each step ran (one of a chain, or a whole async chain), the steps
    that ran none (password check, MFA, tokens...), and triggers spanning their actions. Offsets in ms
    of active time from the run's start."""
    bars, offset = [], 0.0
    for step in run.steps:
        label = step["state"] + (f" (answer: {step['answered']})" if step.get("answered") else "")
        if not step.get("actions"):  # a step that ran actions is shown by its actions' bars
            bars.append({"kind": "step", "label": label, "start_ms": offset, "ms": step["ms"],
                         "failed": step.get("status") in ("denied", "failed")})
        inner = offset
        for a in step.get("actions", []):
            held = f" (debug run: the debugger held it {a['paused_ms']:.0f} ms)" if a.get("paused_ms") is not None else ""
            bars.append({"kind": "action", "label": f"{a['trigger']} › {a['name']} v{a['version']}{held}",
                         "trigger": a["trigger"], "start_ms": inner, "ms": a["ms"], "failed": bool(a.get("failed"))})
            inner += a["ms"]
        offset += step["ms"]
    return _with_triggers(bars)


def execution_waterfall(ws: Workspace, execution_id: str) -> list[dict]:
    """One execution's actions end to end inside its trigger."""
    doc = store.executions.get(ws, execution_id)
    bars, offset = [], 0.0
    for r in doc["results"]:
        t = r["emulator"]["timings"]
        paused = float(t.get("paused_ms") or 0)
        ms = max(0.0, float(t.get("total_ms", 0)) - paused)
        held = f" (debug run: the debugger held it {paused:.0f} ms)" if t.get("debug") else ""
        bars.append({"kind": "action", "label": f"{doc['trigger_id']} › {r['action_name']} v{r['emulator']['version']}{held}",
                     "trigger": doc["trigger_id"], "start_ms": offset, "ms": ms,
                     "failed": r["emulator"].get("error") is not None})
        offset += ms
    return _with_triggers(bars)


RANK = {"trigger": 0, "step": 1, "action": 2}


def _with_triggers(bars: list[dict]) -> list[dict]:
    """Add one span per run of consecutive actions of the same trigger (steps between them don't break
    it), then order bars by start so each trigger sits above its steps and actions."""
    spans: list[dict] = []
    for bar in (b for b in bars if b["kind"] == "action"):
        if spans and spans[-1]["label"] == bar["trigger"]:
            span = spans[-1]
            span["ms"] = max(span["ms"], bar["start_ms"] + bar["ms"] - span["start_ms"])
        else:
            spans.append({"kind": "trigger", "label": bar["trigger"], "start_ms": bar["start_ms"], "ms": bar["ms"],
                          "failed": False})
    return sorted(bars + spans, key=lambda b: (b["start_ms"], RANK[b["kind"]]))
