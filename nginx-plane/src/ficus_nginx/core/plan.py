"""Where each route goes under a cutover state: the per-request plan nginx looks up. Pure.

A plan is one of `legacy:-`, `read:<domain>` (the new backend, failing open to Magento),
`write:<domain>` (the new backend, a failure is a 503 with Retry-After), `drain:<domain>`
(writes while the lane drains: 503 with Retry-After), or, for a lane at canary / dual N%
(0 < N < 100), `split:<N>:<new plan>:<otherwise plan>:<cookie max-age>`, which the Lua module
resolves per request with the Python proxy's sticky cohort buckets. The rules are those of
`ficus_proxy.core.routing.decide`: a tripped domain reads from Magento; reads share
max(reads share, writes share) (read your writes); shadow reads are answered by Magento, and
`shadow:<domain>` when the plane hands copies to a comparer (ficus.lua `shadow_copy`); a domain
without a new backend stays on Magento.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ficus_contracts.cutover import DomainCutover, Lane, Stage

LEGACY = "legacy:-"


def plan_for(
    key: str,
    cutover: Mapping[str, DomainCutover],
    upstreams: frozenset[str],
    max_age: int,
    shadow: bool = False,
) -> str:
    """The plan of the routes whose map key is `key` (`<domain>:r` or `<domain>:w`); with
    `shadow` (a comparer to hand copies to), shadow-stage reads are `shadow:<domain>`."""
    domain, _, access = key.partition(":")
    state = cutover.get(domain)
    if state is None or domain not in upstreams:
        return LEGACY
    if access == "w":
        if state.writes_draining:
            return f"drain:{domain}"
        return _split(state.writes.share_new, f"write:{domain}", max_age)
    reads = Lane() if state.reads_fail_open_tripped else state.reads
    shadowed = shadow and reads.stage is Stage.SHADOW
    otherwise = f"shadow:{domain}" if shadowed else LEGACY
    share = max(reads.share_new, state.writes.share_new)
    return _split(share, f"read:{domain}", max_age, otherwise)


def plan_table(
    keys: Iterable[str],
    cutover: Mapping[str, DomainCutover],
    upstreams: frozenset[str],
    max_age: int,
    shadow: bool = False,
) -> dict[str, str]:
    """The plan of every route key that does not go to Magento (absent keys: Magento)."""
    table = {key: plan_for(key, cutover, upstreams, max_age, shadow) for key in keys}
    return {key: plan for key, plan in table.items() if plan != LEGACY}


def _split(share: int, new: str, max_age: int, otherwise: str = LEGACY) -> str:
    if share <= 0:
        return otherwise
    if share >= 100:
        return new
    return f"split:{share}:{new}:{otherwise}:{max_age}"
