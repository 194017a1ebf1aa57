"""Test factories shipped with the package: a random catalog as domain events (category tree,
simple and configurable products over two store views) and random changes to it, plus a
writer into sync's `domain_event` table. Used by the tests and by bench/bench_search.py."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from ficus_contracts.events import (
    DOMAIN_EVENT_CHANNEL,
    DOMAIN_EVENT_DDL,
    CategoryLink,
    CategoryState,
    DomainEvent,
    EventKind,
    ProductState,
    StockItem,
)

COLORS = ["red", "blue", "green", "black", "white", "grey", "yellow", "navy", "olive", "pink"]
MATERIALS = ["cotton", "wool", "leather", "denim", "linen", "silk", "fleece", "nylon"]
NOUNS = [
    "jacket",
    "shirt",
    "hoodie",
    "trousers",
    "shorts",
    "bag",
    "shoes",
    "scarf",
    "hat",
    "dress",
    "skirt",
    "sweater",
    "coat",
    "socks",
    "belt",
]
STORES = (1, 2)
_NS = uuid.UUID("5d6c0a36-0000-4000-8000-000000000000")
_TS = "2026-01-01 00:00:00"


def aggregate_id(aggregate: str, entity_id: int) -> uuid.UUID:
    return uuid.uuid5(_NS, f"{aggregate}:{entity_id}")


class CatalogGenerator:
    """Deterministic for a seed. Keeps the latest state it emitted, per aggregate."""

    def __init__(self, seed: int = 7, stores: tuple[int, ...] = STORES) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - test data, not secrets
        self.stores = stores
        self.products: dict[int, ProductState] = {}
        self.categories: dict[int, CategoryState] = {}
        self.versions: dict[tuple[str, int], int] = {}
        self.deleted: set[int] = set()
        self._next_product = 1

    # -- events -------------------------------------------------------------------------
    def _event(
        self, state: ProductState | CategoryState | None, aggregate: str, entity_id: int
    ) -> DomainEvent:
        key = (aggregate, entity_id)
        self.versions[key] = self.versions.get(key, 0) + 1
        return DomainEvent(
            aggregate="product" if aggregate == "product" else "category",
            aggregate_id=aggregate_id(aggregate, entity_id),
            entity_id=entity_id,
            version=self.versions[key],
            kind=EventKind.UPSERTED if state is not None else EventKind.DELETED,
            source_ts_ms=int(time.time() * 1000),
            payload=state,
        )

    def _put_category(self, state: CategoryState) -> DomainEvent:
        self.categories[state.entity_id] = state
        return self._event(state, "category", state.entity_id)

    def _put_product(self, state: ProductState) -> DomainEvent:
        self.products[state.entity_id] = state
        return self._event(state, "product", state.entity_id)

    # -- catalog ------------------------------------------------------------------------
    def category_tree(self, count: int) -> list[DomainEvent]:
        events = [
            self._put_category(self._category(1, 0, "1", 0, "Root Catalog", "0")),
            self._put_category(self._category(2, 1, "1/2", 1, "Default Category", "1")),
        ]
        tops = max(1, count // 4)
        for i in range(count):
            entity_id = 3 + i
            if i < tops:
                parent = self.categories[2]
            else:
                parent = self.categories[self.rng.randrange(3, 3 + tops)]
            name = f"{self.rng.choice(COLORS).title()} {self.rng.choice(NOUNS).title()} {entity_id}"
            anchor = "1" if self.rng.random() < 0.7 else "0"
            path = f"{parent.path}/{entity_id}"
            events.append(
                self._put_category(
                    self._category(
                        entity_id, parent.entity_id, path, parent.level + 1, name, anchor
                    )
                )
            )
        return events

    def _category(
        self, entity_id: int, parent: int, path: str, level: int, name: str, anchor: str
    ) -> CategoryState:
        attributes: dict[int, dict[str, str | None]] = {
            0: {"name": name, "is_anchor": anchor, "is_active": "1"}
        }
        for store in self.stores:
            attributes[store] = {
                "name": name if store == 1 else f"{name} (FR)",
                "is_anchor": anchor,
                "is_active": "1",
            }
        return CategoryState(
            entity_id=entity_id,
            parent_id=parent,
            path=path,
            position=0,
            level=level,
            created_at=_TS,
            updated_at=_TS,
            attributes=attributes,
        )

    def _values(self, name: str, price: float, visibility: int = 4) -> dict[str, str | None]:
        special = self.rng.random() < 0.2
        return {
            "name": name,
            "url_key": name.lower().replace(" ", "-"),
            "description": f"<p>A {name.lower()} made of {self.rng.choice(MATERIALS)}.</p>",
            "short_description": f"{self.rng.choice(COLORS)} {self.rng.choice(MATERIALS)}",
            "price": f"{price:.6f}",
            "special_price": f"{price * 0.8:.6f}" if special else None,
            "special_from_date": None,
            "special_to_date": None,
            "status": "1" if self.rng.random() < 0.92 else "2",
            "visibility": str(visibility),
            "color": str(self.rng.randrange(10, 20)),
            "size": str(self.rng.randrange(20, 25)),
        }

    def _product(self, type_id: str = "simple", visibility: int | None = None) -> ProductState:
        entity_id = self._next_product
        self._next_product += 1
        name = (
            f"{self.rng.choice(COLORS).title()} {self.rng.choice(MATERIALS).title()} "
            f"{self.rng.choice(NOUNS).title()} {entity_id}"
        )
        price = round(self.rng.uniform(5, 500), 2)
        vis = visibility if visibility is not None else self.rng.choice([1, 2, 3, 4, 4, 4, 4])
        base = self._values(name, price, vis)
        attributes = {0: base}
        for store in self.stores:
            store_values = dict(base)
            if store != 1 and self.rng.random() < 0.3:
                store_values["name"] = f"{name} FR"
            attributes[store] = store_values
        cats = [c for c in self.categories if c > 2]
        links = [
            CategoryLink(category_id=c, position=0)
            for c in self.rng.sample(cats, k=min(len(cats), self.rng.randint(1, 3)))
        ]
        stock = StockItem(item_id=entity_id, qty="10.0000", is_in_stock=self.rng.random() < 0.85)
        return ProductState(
            entity_id=entity_id,
            sku=f"SKU-{entity_id:06d}",
            type_id=type_id,
            attribute_set_id=4,
            created_at=_TS,
            updated_at=_TS,
            website_ids=[1],
            category_links=links,
            stock_item=stock,
            attributes=attributes,
        )

    def catalog(self, products: int, categories: int = 20) -> list[DomainEvent]:
        """A category tree and `products` products, ~10% of them configurable with 2-4
        children (not visible individually)."""
        events = self.category_tree(categories)
        while self._next_product <= products:
            if self.rng.random() < 0.1 and products - self._next_product > 5:
                events.extend(self._configurable())
            else:
                events.append(self._put_product(self._product()))
        return events

    def _configurable(self) -> list[DomainEvent]:
        children = [self._product(visibility=1) for _ in range(self.rng.randint(2, 4))]
        parent = self._product(type_id="configurable", visibility=4)
        parent = parent.model_copy(
            update={
                "configurable_children": [c.entity_id for c in children],
                "configurable_attributes": ["color", "size"],
            }
        )
        return [*(self._put_product(c) for c in children), self._put_product(parent)]

    # -- changes ------------------------------------------------------------------------
    def changes(self, count: int) -> list[DomainEvent]:
        """Random catalog changes: price, special price, name, status, visibility, stock,
        category links, category renames, deletions and new products."""
        return [self.change() for _ in range(count)]

    def change(self) -> DomainEvent:
        roll = self.rng.random()
        if roll < 0.05:
            return self._rename_category()
        if roll < 0.08:
            return self._put_product(self._product())
        live = [p for p in self.products if p not in self.deleted]
        entity_id = self.rng.choice(live)
        if roll < 0.10:
            self.deleted.add(entity_id)
            self.products.pop(entity_id)
            return self._event(None, "product", entity_id)
        return self._put_product(self._mutate(self.products[entity_id]))

    def _rename_category(self) -> DomainEvent:
        category = self.categories[self.rng.randrange(3, max(self.categories) + 1)]
        words = (self.rng.choice(COLORS).title(), self.rng.choice(NOUNS).title())
        name = f"{words[0]} {words[1]} {category.entity_id}"
        attributes = {s: {**v, "name": name} for s, v in category.attributes.items()}
        return self._put_category(category.model_copy(update={"attributes": attributes}))

    def _mutate(self, product: ProductState) -> ProductState:
        store = self.rng.choice([0, *self.stores])
        values = dict(product.attributes.get(store) or {})
        kind = self.rng.randrange(7)
        update: dict[str, Any] = {}
        if kind == 0:
            values["price"] = f"{self.rng.uniform(5, 500):.6f}"
        elif kind == 1:
            values["special_price"] = (
                None if values.get("special_price") else f"{self.rng.uniform(1, 100):.6f}"
            )
        elif kind == 2:
            values["name"] = f"{values.get('name')} {self.rng.choice(COLORS).title()}"
        elif kind == 3:
            values["status"] = "2" if values.get("status") == "1" else "1"
        elif kind == 4:
            values["visibility"] = str(self.rng.choice([1, 2, 3, 4]))
        elif kind == 5 and product.stock_item is not None:
            flipped = not product.stock_item.is_in_stock
            update["stock_item"] = product.stock_item.model_copy(update={"is_in_stock": flipped})
        else:
            cats = [c for c in self.categories if c > 2]
            update["category_links"] = [
                CategoryLink(category_id=c) for c in self.rng.sample(cats, k=2)
            ]
        attributes = dict(product.attributes)
        targets = [store] if store != 0 else [0, *[s for s in self.stores]]
        for target in targets:
            merged = dict(attributes.get(target) or {})
            merged.update(
                {
                    k: v
                    for k, v in values.items()
                    if k in ("price", "special_price", "name", "status", "visibility")
                }
            )
            attributes[target] = merged
        update["attributes"] = attributes
        return product.model_copy(update=update)

    # -- reference ----------------------------------------------------------------------
    def live_products(self) -> dict[int, ProductState]:
        return dict(self.products)


def event_row(event: DomainEvent) -> dict[str, Any]:
    data = event.model_dump(mode="json")
    return {**data, "payload": Jsonb(data["payload"]) if data["payload"] is not None else None}


def write_events(url: str, events: Iterable[DomainEvent], *, notify: bool = True) -> int:
    """Insert events into `domain_event` (created if missing) in one transaction."""
    rows = [event_row(e) for e in events]
    with psycopg.connect(url) as conn:
        conn.execute(DOMAIN_EVENT_DDL)
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO domain_event (aggregate, aggregate_id, entity_id, version, kind, "
                "payload, source_ts_ms) VALUES (%(aggregate)s, %(aggregate_id)s, %(entity_id)s, "
                "%(version)s, %(kind)s, %(payload)s, %(source_ts_ms)s)",
                rows,
            )
        if notify:
            conn.execute(f"NOTIFY {DOMAIN_EVENT_CHANNEL}")
    return len(rows)


def write_raw_event(url: str, row: dict[str, Any]) -> None:
    """Insert one hand-made (possibly invalid) row, for dead-letter tests."""
    with psycopg.connect(url) as conn:
        conn.execute(DOMAIN_EVENT_DDL)
        conn.execute(
            "INSERT INTO domain_event (aggregate, aggregate_id, entity_id, version, kind, payload, "
            "source_ts_ms) VALUES (%(aggregate)s, %(aggregate_id)s, %(entity_id)s, %(version)s, "
            "%(kind)s, %(payload)s, %(source_ts_ms)s)",
            {**row, "payload": Jsonb(row.get("payload"))},
        )
