"""Generated orders in every state, with items, addresses, payment, grid row, status history,
a converted quote, and increment ids drawn from the per-store sequence tables."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ficus_legacy.sequence import SequenceProfile, format_increment_id, sequence_profile
from ficus_legacy.types import Connection
from ficus_standin.generator.bulk import BulkWriter
from ficus_standin.generator.catalog import Sellable
from ficus_standin.generator.customers import Address, Customer
from ficus_standin.generator.order_rows import (
    address_row,
    grid_row,
    history_rows,
    item_row,
    order_row,
    payment_row,
    quote_row,
)

# (state, status) — every state of MAGENTO.md §C, fraud in both of its states
STATES = (
    ("new", "pending"), ("pending_payment", "pending_payment"), ("processing", "processing"),
    ("processing", "fraud"), ("complete", "complete"), ("closed", "closed"),
    ("canceled", "canceled"), ("holded", "holded"), ("payment_review", "payment_review"),
    ("payment_review", "fraud"),
)  # fmt: skip
GUEST_STORES = (1, 1, 2, 3, 4)
SHIPPING_PER_ITEM = Decimal("5.0000")


class OrderWriter:
    def __init__(
        self,
        conn: Connection,
        writer: BulkWriter,
        rng: random.Random,
        products: list[Sellable],
        customers: list[Customer],
    ) -> None:
        self.w = writer
        self.rng = rng
        self.products = [p for p in products if p.type_id != "configurable"] or products
        self.customers = customers
        self.profiles: dict[int, SequenceProfile] = {
            store: sequence_profile(conn, "order", store) for store in (1, 2, 3, 4)
        }
        self.next_seq = dict.fromkeys(self.profiles, 0)
        self.item_id = 0

    def increment_id(self, store: int) -> str:
        self.next_seq[store] += 1
        value = self.next_seq[store]
        self.w.add(self.profiles[store].sequence_table, ("sequence_value",), (value,))
        return format_increment_id(self.profiles[store], value)

    def lines(self, order_id: int, store: int, created: str, state: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for product in self.rng.sample(
            self.products, min(len(self.products), self.rng.randint(1, 3))
        ):
            qty = Decimal(self.rng.randint(1, 3))
            parent_item = None
            if product.parent is not None:
                self.item_id += 1
                parent_item = self.item_id
                rows.append(item_row(parent_item, order_id, store, created, product.parent,
                                     product, qty, None, product.price, state))  # fmt: skip
            self.item_id += 1
            price = Decimal(0) if parent_item else product.price
            rows.append(item_row(self.item_id, order_id, store, created, product, product, qty,
                                 parent_item, price, state))  # fmt: skip
        return rows

    def order(self, order_id: int) -> None:
        rng = self.rng
        state, status = STATES[order_id % len(STATES)] if order_id <= len(STATES) * 2 else (
            rng.choice(STATES))  # fmt: skip
        customer = rng.choice(self.customers) if self.customers and rng.random() < 0.7 else None
        store = customer.store_id if customer else rng.choice(GUEST_STORES)
        created = (
            f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 1{rng.randint(0, 9)}:00:00"
        )
        items = self.lines(order_id, store, created, state)
        billing, shipping = self.addresses(order_id, customer)
        increment = self.increment_id(store)
        order = order_row(order_id, increment, state, status, store, customer, billing, items,
                          created, SHIPPING_PER_ITEM, rng)  # fmt: skip
        for item in items:
            self.w.add("sales_order_item", tuple(item), tuple(item.values()))
        self.w.add("sales_order", tuple(order), tuple(order.values()))
        for address in (billing, shipping):
            row = address_row(address, order_id, customer, order["customer_email"])
            self.w.add("sales_order_address", tuple(row), tuple(row.values()))
        for row in (payment_row(order), grid_row(order, billing, shipping), quote_row(order)):
            table = row.pop("_table")
            self.w.add(table, tuple(row), tuple(row.values()))
        for row in history_rows(order):
            self.w.add("sales_order_status_history", tuple(row), tuple(row.values()))

    def addresses(self, order_id: int, customer: Customer | None) -> tuple[Address, Address]:
        if customer is not None:
            a = customer.address
        else:
            street = f"{self.rng.randint(1, 99)} Guest Road"
            a = Address(0, "Guest", f"Shopper {order_id}", street, "Paris", "FR", "75002", "0102")
        billing = Address(order_id * 2 - 1, *[getattr(a, f) for f in _ADDRESS_FIELDS])
        shipping = Address(order_id * 2, *[getattr(a, f) for f in _ADDRESS_FIELDS])
        return billing, shipping


_ADDRESS_FIELDS = ("firstname", "lastname", "street", "city", "country_id", "postcode", "telephone")


def write_orders(
    conn: Connection,
    writer: BulkWriter,
    rng: random.Random,
    products: list[Sellable],
    customers: list[Customer],
    total: int,
    on_progress: Callable[[int], None],
) -> None:
    """`total` orders; increment ids continue each store's sequence table."""
    if not products:
        return
    orders = OrderWriter(conn, writer, rng, products, customers)
    for order_id in range(1, total + 1):
        orders.order(order_id)
        writer.maybe_flush()
        on_progress(1)
