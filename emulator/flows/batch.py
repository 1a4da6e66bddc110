"""Many runs of one journey, end to end, with the emulator playing the user (OTPs and reset links read
from the outbox, redirects come back): to fill the timing charts, or to soak a tenant's actions. Each
run is a normal stored run with its executions and logs. A few runs are in flight at once, so one run's
Python work overlaps another's wait for Node (a deterministic batch runs one at a time: its clock and ids
are per step). Cancelling (cancel the awaiting task) keeps the runs finished so far; those in flight are
left as they stood."""
from __future__ import annotations

import time
import asyncio
from dataclasses import dataclass, field
from typing import Callable

from ..errors import UsageError
from .engine import Answers, run_to_end, start
from .run import SUCCESS, FlowRun

MAX_RUNS = 100_000
IN_FLIGHT = 4  # runs at once: enough to keep Node and Python both busy on two cores


@dataclass
class BatchResult:
    runs: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    ms: list[float] = field(default_factory=list)  # wall time of each finished run
    run_ids: list[str] = field(default_factory=list)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (run id, status, error), the first 20

    def add(self, run: FlowRun, ms: float) -> None:
        self.runs += 1
        self.statuses[run.status] = self.statuses.get(run.status, 0) + 1
        self.ms.append(ms)
        self.run_ids.append(run.id)
        if run.status != SUCCESS and len(self.failures) < 20:
            error = run.error or {}
            text = (error.get("error_description") or error.get("description") or error.get("message")
                    or (run.waiting or {}).get("missing") or "")
            self.failures.append((run.id, run.status, text))


def _inputs_for(kind: str, inputs: dict, i: int, batch_id: str) -> dict:
    """A signup needs a new address each time (else the second run is `user_exists`)."""
    if kind != "signup":
        return inputs
    local, _, domain = inputs["email"].partition("@")
    return {**inputs, "email": f"{local}+{batch_id}-{i}@{domain}"}


async def run_batch(emu, tenant: str, kind: str, inputs: dict, count: int, *, client: str | None = None,
                    connection: str | None = None, deterministic: bool = False, seed: int = 42,
                    on_progress: Callable[[int, FlowRun], None] | None = None,
                    result: BatchResult | None = None, in_flight: int = IN_FLIGHT,
                    answers: Answers | None = None) -> BatchResult:
    """Run the journey `count` times, each playing the user (`answers`, default Answers(auto=True): a
    redirect's session-token claims given once serve every run). `result` (if given) fills as runs
    finish, so a caller that cancels still has what was done."""
    answers = answers or Answers(auto=True)
    if not 1 <= count <= MAX_RUNS:
        raise UsageError(f"a batch is 1 to {MAX_RUNS} runs, not {count}")
    result = result if result is not None else BatchResult()
    batch_id = emu.ws.ids.token(6).lower()
    numbers = iter(range(count))

    async def worker() -> None:
        for i in numbers:  # shared: each worker takes the next run
            t0 = time.perf_counter()
            run = start(emu, tenant, kind, _inputs_for(kind, inputs, i, batch_id), client=client,
                        connection=connection, deterministic=deterministic, seed=seed + i)
            run = await run_to_end(emu, run, answers)
            result.add(run, (time.perf_counter() - t0) * 1000)
            if on_progress:
                on_progress(result.runs, run)

    workers = [asyncio.ensure_future(worker()) for _ in range(1 if deterministic else max(1, min(in_flight, count)))]
    try:
        await asyncio.gather(*workers)
    finally:
        for w in workers:  # cancelled from outside: stop taking new runs
            w.cancel()
    return result
