"""`customer_grid_flat`, kept the way Magento's `customer_grid` indexer keeps it.

Magento 2.4.8 (Customer/etc/indexer.xml, di.xml): one row per customer_entity row; `name` is
`TRIM(CONCAT_WS(' ', prefix, firstname, middlename, lastname, suffix))` (ConcatExpression),
`billing_full` / `shipping_full` the same over the default billing / shipping address's
street, city, region, postcode; `billing_*` are that address's columns. Nothing here commits:
the caller owns the transaction (a customer write refreshes its row in the same one).

Locks (`refresh`): only the rows of the given customers and their default addresses, by primary
key (FORCE INDEX: on a small table the optimizer may scan, and a locking read in REPEATABLE READ
keeps every scanned row locked), and never a gap of the grid: rows are upserted (insert
intention locks are compatible with each other) and only rows that exist are deleted. A DELETE
of a missing row followed by an INSERT took a gap lock that two concurrent sign-ups (or a
sign-up and the reverse worker) both held and both waited on: InnoDB deadlock 1213.
"""

from __future__ import annotations

from collections.abc import Iterable

from ficus_legacy.core.sql import in_chunks, placeholders
from ficus_legacy.types import Connection

__all__ = ["GRID_TABLE", "refresh", "refresh_all"]

GRID_TABLE = "customer_grid_flat"

_BILLING = (
    "firstname", "lastname", "telephone", "postcode", "country_id", "region", "region_id",
    "street", "city", "fax", "vat_id", "company",
)  # fmt: skip


def _full(alias: str) -> str:
    parts = ", ".join(f"{alias}.{c}" for c in ("street", "city", "region", "postcode"))
    return f"TRIM(CONCAT_WS(' ', {parts}))"


def _select(hint: str = "") -> str:
    """The grid rows' SELECT; `hint` follows each table (an index hint)."""
    return f"""
SELECT e.entity_id,
       TRIM(CONCAT_WS(' ', e.prefix, e.firstname, e.middlename, e.lastname, e.suffix)),
       e.email, e.group_id, e.created_at, e.website_id, e.confirmation, e.created_in, e.dob,
       e.gender, e.taxvat, e.lock_expires, {_full("shipping")}, {_full("billing")},
       {", ".join(f"billing.{c}" for c in _BILLING)}
FROM customer_entity e{hint}
LEFT JOIN customer_address_entity billing{hint} ON billing.entity_id = e.default_billing
LEFT JOIN customer_address_entity shipping{hint} ON shipping.entity_id = e.default_shipping
"""


_COLUMNS = (
    "entity_id, name, email, group_id, created_at, website_id, confirmation, created_in, dob,"
    " gender, taxvat, lock_expires, shipping_full, billing_full, "
    + ", ".join(f"billing_{c}" for c in _BILLING)
)
_BY_KEY = _select(" FORCE INDEX (PRIMARY)")
_UPSERT = ", ".join(f"{c} = VALUES({c})" for c in _COLUMNS.replace(" ", "").split(",")[1:])
_GONE = (
    f"SELECT g.entity_id FROM {GRID_TABLE} g WHERE g.entity_id IN ({{marks}}) AND NOT EXISTS"
    " (SELECT 1 FROM customer_entity e WHERE e.entity_id = g.entity_id)"
)


def refresh(conn: Connection, entity_ids: Iterable[int]) -> None:
    """Recompute the grid rows of `entity_ids`; rows of customers gone are deleted (see the
    module docstring for the locks taken)."""
    ids = sorted(set(entity_ids))
    for chunk in in_chunks(ids):
        marks = placeholders(chunk)
        with conn.cursor() as cur:
            cur.execute(
                f"INSERT INTO {GRID_TABLE} ({_COLUMNS}) {_BY_KEY} WHERE e.entity_id IN ({marks})"
                f" ON DUPLICATE KEY UPDATE {_UPSERT}",
                chunk,
            )
            cur.execute(_GONE.format(marks=marks), chunk)
            gone = [int(row[0]) for row in cur.fetchall()]
            if gone:
                cur.execute(
                    f"DELETE FROM {GRID_TABLE} WHERE entity_id IN ({placeholders(gone)})", gone
                )


def refresh_all(conn: Connection) -> None:
    """Rebuild the whole grid set-based, as `bin/magento indexer:reindex customer_grid` does."""
    with conn.cursor() as cur:
        cur.execute(f"DELETE FROM {GRID_TABLE}")
        cur.execute(f"INSERT INTO {GRID_TABLE} ({_COLUMNS}) {_select()}")
