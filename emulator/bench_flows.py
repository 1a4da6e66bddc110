"""`actions-emulator bench --flows N`: journeys end to end, as the app's batch runs them. Figures: runs per
second and run time of N sample logins (4 post-login actions, bcrypt at its real cost), the event loop's
longest stalls meanwhile (what decides whether the app keeps redrawing), and how long the Timings charts'
data takes to read afterwards. One temporary workspace; nothing of the user's is touched."""
from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from . import triggers
from .emulator import Emulator
from .flows import batch
from .flows.batch import BatchResult, run_batch

ACTIONS = ["deny-blocked-countries", "email-domain-policy", "add-role-claims", "count-logins-cache"]
USER = {"email": "sam.lee@example.org", "password": "Battery-Staple-7"}
TICK_S = 0.01


async def _chain_p50(emu, n: int = 300) -> float:
    """A bare 5-action post-login chain on the host the sample's (node22) actions run on, the ratio's
    yardstick."""
    from .bench import ACTION
    from .runtime import ActionSource, build_event, run_chain

    five = [ActionSource(f"claims{i}", ACTION, f"/bench/claims{i}.js") for i in range(5)]
    host, _ = await emu.host_for_runtime("sample", "node22")
    event = build_event(triggers.POST_LOGIN, None)
    times = []
    for i in range(n + 50):
        t0 = time.perf_counter()
        await run_chain(host, triggers.POST_LOGIN, five, event)
        if i >= 50:  # the first ones compile and warm up
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


async def _coverage_cost(emu, n: int) -> dict:
    """Single logins on a debugging host (where --coverage runs them), without and then with V8's precise
    coverage, side by side; and how long the report of those logins takes to make."""
    from .debug import DebugSession, coverage

    host, _ = await emu.host_for_runtime("sample", "node22")
    session = DebugSession(host.node, tenant="sample", limits=emu.pool.limits)
    await session.open()
    pools = [emu.pool, *emu.runtime_pools.values()]
    for pool in pools:
        pool.attach("sample", session.host)
    try:
        await run_batch(emu, "sample", "login", USER, 5, in_flight=1)  # the debugging host's first compiles
        plain = await run_batch(emu, "sample", "login", USER, n, in_flight=1)
        await coverage.start(session.cdp)
        covered = await run_batch(emu, "sample", "login", USER, n, in_flight=1)
        t0 = time.perf_counter()
        report = await coverage.take(session.cdp)
        take_ms = (time.perf_counter() - t0) * 1000
    finally:
        for pool in pools:
            pool.detach("sample", session.host)
        await session.close()
    return {"plain": statistics.median(plain.ms), "covered": statistics.median(covered.ms), "take_ms": take_ms,
            "files": len(report["files"]), "same": plain.statuses == covered.statuses, "n": n}


async def run_flow_bench(runs: int, node: str | None = None, *, coverage: bool = False) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        emu = Emulator.open(Path(tmp) / "bench.sqlite", node=node)
        try:
            emu.load_sample_tenant()
            emu.set_bindings("sample", triggers.POST_LOGIN, ACTIONS)
            await run_batch(emu, "sample", "login", USER, 2)  # warm: host start, signing key, compiled actions
            gaps: list[float] = []

            async def ticker() -> None:
                last = time.perf_counter()
                while True:
                    await asyncio.sleep(TICK_S)
                    now = time.perf_counter()
                    gaps.append((now - last - TICK_S) * 1000)  # how late the loop came back
                    last = now

            tick = asyncio.ensure_future(ticker())
            result, t0 = BatchResult(), time.perf_counter()
            await run_batch(emu, "sample", "login", USER, runs, result=result)
            seconds = time.perf_counter() - t0
            tick.cancel()
            # One login at a time: its own latency, the ratio's numerator (the batch's runs wait for each other).
            single = await run_batch(emu, "sample", "login", USER, max(20, runs // 4), in_flight=1)
            t1 = time.perf_counter()
            rows = emu.action_durations("sample", 200)
            read_ms = (time.perf_counter() - t1) * 1000
            chain_p50 = await _chain_p50(emu)
            cost = await _coverage_cost(emu, max(20, runs // 4)) if coverage else None
        finally:
            await emu.close()
    rows_out = [
        ("login runs (4 post-login actions)", f"{result.runs}", ", ".join(f"{n} {s}" for s, n in result.statuses.items())),
        ("runs per second", f"{result.runs / seconds:.1f}", "target >= 100"),
        ("run p50 / p95", f"{statistics.median(result.ms):.1f} / {_pct(result.ms, 95):.1f} ms",
         f"{batch.IN_FLIGHT} runs in flight"),
        ("single login p50", f"{statistics.median(single.ms):.1f} ms", f"{single.runs} logins, one at a time"),
        ("5-action chain p50, same host", f"{chain_p50:.2f} ms", ""),
        ("login p50 / chain p50", f"{statistics.median(single.ms) / chain_p50:.1f}x", "target <= 20x"),
        ("event loop late p99", f"{_pct(gaps, 99):.1f} ms", "the app redraws within this"),
        ("event loop late max", f"{max(gaps, default=0):.1f} ms", "target < 100 ms"),
        ("timings data, last 200 runs", f"{read_ms:.0f} ms", f"{len(rows)} action runs"),
    ]
    if cost:
        rows_out += [
            ("single login p50, debugging host", f"{cost['plain']:.1f} ms", f"{cost['n']} logins, where --coverage runs"),
            ("... with --coverage", f"{cost['covered']:.1f} ms",
             f"{cost['covered'] / cost['plain']:.2f}x; {cost['covered'] - cost['plain']:+.1f} ms a login"),
            ("coverage report of those logins", f"{cost['take_ms']:.0f} ms", f"{cost['files']} action scripts"),
            ("same outcomes with coverage", "yes" if cost["same"] else "NO", "coverage must not change results"),
        ]
    width = max(len(r[0]) for r in rows_out)
    for name, value, note in rows_out:
        print(f"{name:<{width}}  {value:>16}  {note}")
    return 0
