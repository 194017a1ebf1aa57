"""The cutover state as the control database holds it (an adapter: psycopg, async)."""

from __future__ import annotations

import psycopg

from ficus_contracts.cutover import CUTOVER_TABLE, DomainCutover, Lane, Stage

_SELECT = (
    "SELECT domain, reads_stage, reads_percent, writes_stage, writes_percent,"
    f" reads_fail_open_tripped, writes_draining, version FROM {CUTOVER_TABLE}"
)


async def load_state(conn: psycopg.AsyncConnection[tuple[object, ...]]) -> dict[str, DomainCutover]:
    """Every domain's row of `cutover_state`; an invalid row is skipped (its domain stays on
    Magento), as the Python proxy does."""
    cursor = await conn.execute(_SELECT)
    states: dict[str, DomainCutover] = {}
    for (
        domain,
        r_stage,
        r_pct,
        w_stage,
        w_pct,
        tripped,
        draining,
        version,
    ) in await cursor.fetchall():
        try:
            state = DomainCutover(
                domain=str(domain),
                reads=Lane(Stage(str(r_stage)), int(str(r_pct or 0))),
                writes=Lane(Stage(str(w_stage)), int(str(w_pct or 0))),
                reads_fail_open_tripped=bool(tripped),
                version=int(str(version)),
                writes_draining=bool(draining),
            )
        except ValueError:
            continue
        states[state.domain] = state
    return states
