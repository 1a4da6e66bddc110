"""A flow run is a snapshot: plain data that says where a journey is, what it carries and what it is
waiting for. The engine turns one snapshot into the next; runs are stored in the workspace so a run
can be reopened, stepped later or re-run."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import not_found
from ..store.db import Workspace, transaction

# Outcomes a run can end in, and what a paused run shows while it waits.
SUCCESS, DENIED, FAILED = "success", "denied", "failed"
MFA_REQUIRED, REDIRECTED, PAUSED, RUNNING = "mfa_required", "redirected", "paused", "running"
WAITING = "waiting"  # for other input: a followed reset link, a new password
INTERRUPTED = "interrupted"  # the process stepping it died (set when the workspace is next opened)
TERMINAL = (SUCCESS, DENIED, FAILED)


@dataclass
class Cursor:
    """Where a trigger's chain is: the next action to run and the chain state carried so far."""

    trigger: str
    actions: list[dict]  # [{name, version}] of the deployed versions bound when the chain started
    event: dict  # the base event of this segment of the chain
    index: int = 0
    state: dict | None = None  # the harness's chain state (metadata, transaction metadata, ...)
    handler: str | None = None  # the onContinue… handler for the action at `index` after a redirect
    results: list[dict] = field(default_factory=list)  # this segment's action results so far
    edited_event: dict | None = None  # an event the user edited at a breakpoint, for the next action
    at_breakpoint: bool = False


@dataclass
class FlowRun:
    id: str
    tenant: str
    kind: str  # signup | login | sms_mfa | password_reset
    inputs: dict[str, Any]
    state: str
    status: str = RUNNING
    ctx: dict[str, Any] = field(default_factory=dict)
    cursor: Cursor | None = None
    waiting: dict | None = None  # what the run needs from the user: otp, phone, continue, link, event
    error: dict | None = None  # Auth0-shaped error of a failed or denied run
    result: dict | None = None  # tokens, created user, reset result
    steps: list[dict] = field(default_factory=list)
    executions: list[dict] = field(default_factory=list)  # [{trigger, id, outcome}]
    logs: list[str] = field(default_factory=list)  # log ids the run produced
    breakpoints: list[str] = field(default_factory=list)  # action names, or "*" for every action
    deterministic: dict | None = None  # {"seed": int, "start_ms": int}
    created_at: str = ""

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def dumps(self) -> str:
        """The stored snapshot. Its fields hold plain JSON data already, so this skips `asdict`'s deep
        copy (most of a journey's Python time when it ran at every step)."""
        fields = dict(vars(self))
        if self.cursor is not None:
            fields["cursor"] = vars(self.cursor)
        return json.dumps(fields)

    @classmethod
    def from_json(cls, data: dict) -> FlowRun:
        data = dict(data)
        if data.get("cursor"):
            data["cursor"] = Cursor(**data["cursor"])
        return cls(**data)


def save(ws: Workspace, run: FlowRun) -> None:
    doc = run.dumps()
    with transaction(ws):
        ws.db.execute("""INSERT INTO flow_runs (id, tenant, kind, status, snapshot, created_at, updated_at, owner_pid)
                         VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET status = excluded.status,
                         snapshot = excluded.snapshot, updated_at = excluded.updated_at,
                         owner_pid = excluded.owner_pid""",
                      [run.id, run.tenant, run.kind, run.status, doc, run.created_at, ws.clock.iso(), os.getpid()])


def load(ws: Workspace, run_id: str) -> FlowRun:
    row = ws.db.execute("SELECT snapshot, status FROM flow_runs WHERE id = ?", [run_id]).fetchone()
    if row is None:
        raise not_found(f"The flow run {run_id!r} does not exist.")
    run = FlowRun.from_json(json.loads(row[0]))
    if row[1] == INTERRUPTED:  # its process died mid-step; the snapshot is its last complete step
        run.status = INTERRUPTED
    return run


def list_(ws: Workspace, tenant: str, limit: int = 50) -> list[dict]:
    # Who ran it, on which application, and the time its steps took, for a list a person can read.
    rows = ws.db.query("""SELECT id, kind, status, created_at, updated_at,
                                 coalesce(json_extract(snapshot, '$.inputs.email'),
                                          json_extract(snapshot, '$.inputs.username')) AS user,
                                 json_extract(snapshot, '$.ctx.client.name') AS application,
                                 (SELECT round(sum(json_extract(value, '$.ms')), 1)
                                    FROM json_each(snapshot, '$.steps')) AS ms
                          FROM flow_runs WHERE tenant = ?
                          ORDER BY created_at DESC, rowid DESC LIMIT ?""", [tenant, limit])
    return list(rows)


def run_for(ws: Workspace, tenant: str, log_id: str | None, execution_ids: list[str], recent: int = 500) -> str | None:
    """The id of the run that wrote this log line or ran one of these executions, among the tenant's
    `recent` runs (bounded: a log line links to its run on any workspace size), else None."""
    marks = ",".join("?" * len(execution_ids)) or "NULL"
    row = ws.db.execute(f"""SELECT id FROM (SELECT id, snapshot, created_at FROM flow_runs WHERE tenant = ?
                                              ORDER BY created_at DESC, rowid DESC LIMIT ?)
                           WHERE EXISTS (SELECT 1 FROM json_each(snapshot, '$.logs') WHERE value = ?)
                              OR EXISTS (SELECT 1 FROM json_each(snapshot, '$.executions')
                                         WHERE json_extract(value, '$.id') IN ({marks}))
                           LIMIT 1""", [tenant, recent, log_id, *execution_ids]).fetchone()
    return row[0] if row else None
