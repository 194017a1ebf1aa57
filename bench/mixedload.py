"""The mixed load of `bench_sync_lag.py --mixed`: besides the price updates lagload times, each
tick creates products with 30 EAV rows, decrements stock and deletes products the load created
before (InnoDB cascades their EAV rows without binlogging them: sync's mirror replays them).

Shares of a tick's product changes: 70 % price updates (timed), 10 % new products, 15 % stock
decrements (on products the price updates leave alone), 5 % deletes. Every product change
counts as one change for CPU µs per change.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

_VALUES: dict[str, Any] = {"varchar": "mix", "int": 1, "decimal": 1.5, "text": "mixed load"}
NEW, STOCK, DELETE = 0.10, 0.15, 0.05


class Mixed:
    """Makes the non-price changes of each tick; `prices(n)` says how many price updates."""

    def __init__(self, cur: Any, stocked: list[int], run: int) -> None:
        cur.execute(
            "SELECT attribute_id, backend_type FROM eav_attribute WHERE entity_type_id = 4 "
            "AND backend_type IN ('varchar', 'int', 'decimal', 'text') ORDER BY attribute_id"
        )
        self.attributes: list[tuple[int, str]] = [(int(a), str(t)) for a, t in cur.fetchall()]
        self.attributes = self.attributes[:30]
        self.stock = itertools.cycle(stocked)
        self.created: list[int] = []
        self.run = run
        self.serial = itertools.count()

    @staticmethod
    def prices(per_tick: int) -> int:
        return max(1, per_tick - sum(_shares(per_tick)))

    def tick(self, cur: Any, per_tick: int) -> int:
        """The tick's other changes (in the caller's transaction); returns how many."""
        new, stock, delete = _shares(per_tick)
        for _ in range(new):
            self._create(cur)
        cur.executemany(
            "UPDATE cataloginventory_stock_item SET qty = qty - 1 WHERE product_id = %s",
            [(next(self.stock),) for _ in range(stock)],
        )
        doomed = self.created[:delete]
        del self.created[:delete]
        if doomed:
            cur.execute(
                "DELETE FROM catalog_product_entity WHERE entity_id IN %s", (tuple(doomed),)
            )
        return new + stock + len(doomed)

    def _create(self, cur: Any) -> None:
        sku = f"mix-{self.run}-{next(self.serial)}"
        cur.execute(
            "INSERT INTO catalog_product_entity (attribute_set_id, type_id, sku, has_options,"
            " required_options, created_at, updated_at) VALUES (4, 'simple', %s, 0, 0, NOW(),"
            " NOW())",
            (sku,),
        )
        entity_id = int(cur.lastrowid)
        for backend, group in itertools.groupby(
            sorted(self.attributes, key=lambda a: a[1]), key=lambda a: a[1]
        ):
            cur.executemany(
                f"INSERT INTO catalog_product_entity_{backend} (attribute_id, store_id,"
                " entity_id, value) VALUES (%s, 0, %s, %s)",
                [(a, entity_id, _VALUES[backend]) for a, _ in group],
            )
        self.created.append(entity_id)


def _shares(per_tick: int) -> Sequence[int]:
    """(new, stock, delete) changes of a tick: at least one of each once a tick has 10."""
    return [math.floor(per_tick * share + 0.5) for share in (NEW, STOCK, DELETE)]
