"""`bench_sync_lag.py --capacity`: ramp the offered rate until p99 crosses 250 ms, and report
per path the highest rate sync sustained, its CPU µs per change, and the figures at the fixed
rates 500 / 2 000 / 5 000 changes/s (measured even after the ramp failed).

A rate is sustained when every change was accounted for (an event of its own or of a later
change to the same product), p99 ≤ 250 ms, and the load generator achieved ≥ 90 % of the
offered rate (otherwise the machine, not sync, set the rate).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from lagload import Measured, percentile

GOAL_P99 = 0.25
FIXED = (500, 2000, 5000)
RAMP = (500, 1000, 2000, 3000, 5000, 7500, 10_000, 15_000, 20_000)


def sustained(m: Measured) -> bool:
    return (
        bool(m.lags)
        and m.missing == 0
        and percentile(m.lags, 0.99) <= GOAL_P99
        and m.achieved >= 0.9 * m.rate
    )


def ramp(run_one: Callable[[int], Measured]) -> list[Measured]:
    """Rates of RAMP in order until one is not sustained, then the fixed rates not run yet."""
    results: list[Measured] = []
    failed = False
    for rate in RAMP:
        if failed and rate not in FIXED:
            continue
        result = run_one(rate)
        results.append(result)
        failed = failed or not sustained(result)
        if failed and {r.rate for r in results} >= set(FIXED):
            break
    return results


def summary(results: list[Measured]) -> list[str]:
    lines = []
    for engine in sorted({r.engine for r in results}):
        mine = [r for r in results if r.engine == engine]
        kept = [r for r in mine if sustained(r)]
        if not kept:
            lines.append(f"{engine}: capacity < {min(r.rate for r in mine)} changes/s")
            continue
        best = max(kept, key=lambda r: r.achieved)
        cpu = f"{best.us_per_change:.0f}" if best.us_per_change is not None else "?"
        lines.append(
            f"{engine}: capacity {best.achieved:.0f} changes/s sustained (p99 "
            f"{percentile(best.lags, 0.99) * 1000:.0f} ms, {cpu} µs CPU/change)"
        )
        lines += [f"  at {r.rate}: {r.line()}" for r in mine if r.rate in FIXED]
    return lines


def pin(sync_pid: int) -> None:
    """Sync on the last core, this process (the load generator, the listener) on the others,
    when there are at least two (every thread of sync: affinity is per thread on Linux)."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return
    for task in Path(f"/proc/{sync_pid}/task").iterdir():
        os.sched_setaffinity(int(task.name), {cores[-1]})
    os.sched_setaffinity(0, set(cores[:-1]))
