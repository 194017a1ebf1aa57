"""`bench_services.py --capacity`: issue #16's latency goals through the proxy, as capacity.

Per goal read (catalog by sku, p99 < 10 ms; search text / category / facets, p99 < 15 ms),
the offered rate steps up RAMP until a step is not sustained; a step is sustained when every
answer was a 200, the server answered >= 95 % of the offered rate, and p99 met the goal.
The capacity is the answered rate of the highest sustained step (h2load --rps, open loop).
"""

from __future__ import annotations

from collections.abc import Callable

from httpload import Latency

GOALS_MS = {
    ("catalog", "sku"): 10.0,
    **{("search", r): 15.0 for r in ("text", "category", "facets")},
}
RAMP = (100, 200, 300, 500, 750, 1000, 1500, 2000, 3000)
Step = tuple[int, Latency]


def sustained(rate: int, run: Latency, goal_ms: float) -> bool:
    return run.errors == 0 and run.achieved >= 0.95 * rate and run.p99_ms < goal_ms


def ramp(measure: Callable[[int], Latency], goal_ms: float) -> list[Step]:
    """RAMP's rates in order, up to and including the first one not sustained."""
    steps: list[Step] = []
    for rate in RAMP:
        run = measure(rate)
        steps.append((rate, run))
        if not sustained(rate, run, goal_ms):
            break
    return steps


def _step(rate: int, run: Latency) -> str:
    return f"{rate}/s: p50 {run.p50_ms:.1f} p99 {run.p99_ms:.1f} ms, got {run.achieved:.0f}/s"


def summary(label: str, goal_ms: float, steps: list[Step]) -> str:
    kept = [(rate, run) for rate, run in steps if sustained(rate, run, goal_ms)]
    trail = "; ".join(_step(rate, run) for rate, run in steps)
    if not kept:
        return f"{label}: capacity < {steps[0][0]} req/s at p99 < {goal_ms:g} ms ({trail})"
    rate, run = kept[-1]
    head = f"{label}: capacity {run.achieved:.0f} req/s at p99 < {goal_ms:g} ms"
    return f"{head} (p99 {run.p99_ms:.1f} ms at {rate}/s; steps: {trail})"
