"""The store generator: a deterministic Magento store of any size (same seed, same rows).

`generate(conn, SeedSpec(...))` installs the schema if absent (with the Administrators role,
admin user 1 in it), then writes websites and store views, a category tree, simple/virtual/
configurable products with per-store values, stock, url rewrites, customers with addresses and
orders in every state.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ficus_legacy.customers import grid
from ficus_legacy.errors import LegacyError
from ficus_legacy.metadata import AttributeCatalog
from ficus_legacy.schema import install
from ficus_legacy.types import Connection
from ficus_standin.generator.bulk import BulkWriter, bulk_session
from ficus_standin.generator.catalog import ProductWriter, write_products
from ficus_standin.generator.common import INSTALLED_AT, SeedSpec
from ficus_standin.generator.customers import write_customers
from ficus_standin.generator.orders import write_orders
from ficus_standin.generator.stores import (
    category_tree,
    create_options,
    create_size_attribute,
    create_stores,
    write_categories,
)

__all__ = ["AlreadySeeded", "SeedReport", "SeedSpec", "StageFn", "generate"]

StageFn = Callable[[str, int], Callable[[int], None]]
"""Called once per stage with (name, total); returns the `advance(n)` callback."""


class AlreadySeeded(LegacyError):
    def __init__(self) -> None:
        super().__init__("the database already holds generated data: use a fresh database")


@dataclass(frozen=True)
class SeedReport:
    products: int
    customers: int
    orders: int
    rows: int
    seconds: float
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage


def _quiet(_name: str, _total: int) -> Callable[[int], None]:
    return lambda _n: None


def _check_fresh(conn: Connection) -> None:
    with conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM store WHERE store_id > 1")
        row = cur.fetchone()
    if row and row[0]:
        raise AlreadySeeded


def _prepare(conn: Connection, writer: BulkWriter, rng: random.Random) -> ProductWriter:
    """Install if needed, then stores, the size attribute, options and the category tree."""
    install(conn, installed_at=INSTALLED_AT)
    _check_fresh(conn)
    create_stores(conn)
    create_size_attribute(conn, AttributeCatalog.load(conn))
    catalog = AttributeCatalog.load(conn)
    options = create_options(conn, catalog)
    tree = category_tree(rng)
    write_categories(writer, catalog, rng, tree)
    leaves = [c for c in tree if not c.children]
    products = ProductWriter(writer, catalog, options, leaves, rng)
    products.category_rewrites(tree)
    return products


class _Clock:
    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name], self.last = now - self.last, now


def generate(conn: Connection, spec: SeedSpec, stage: StageFn = _quiet) -> SeedReport:
    """Fill the connection's (empty or freshly installed) database; deterministic per seed."""
    clock = _Clock()
    rng = random.Random(spec.seed)  # noqa: S311 - reproducible test data, not security
    writer = BulkWriter(conn, spec.batch_rows)
    with bulk_session(conn):
        try:
            products = _prepare(conn, writer, rng)
            clock.lap("setup")
            sellable = write_products(products, spec.products, stage("products", spec.products))
            writer.drain()
            clock.lap("products")
            people = write_customers(
                writer, rng, spec.customers, stage("customers", spec.customers)
            )
            writer.drain()  # the order writer reads sequence profiles on the connection
            grid.refresh_all(conn)
            clock.lap("customers")
            write_orders(
                conn, writer, rng, sellable, people, spec.orders, stage("orders", spec.orders)
            )
            writer.drain()
            clock.lap("orders")
        finally:
            writer.close()
    seconds = time.perf_counter() - clock.started
    return SeedReport(
        spec.products, spec.customers, spec.orders, writer.written, seconds, clock.laps
    )
