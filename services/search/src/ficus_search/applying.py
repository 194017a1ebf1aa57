"""Applying one domain event to the search database: versioned state, then the documents of
every product whose search document depends on it (itself, its configurable parents, or the
products below a category). A store event changes no document: it feeds the API's store code
map, and which views get documents follows the products' own events.

`SearchApply` is what search gives `ficus_feed`: a batch's states, then one re-index of every
product the batch touched."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence

from ficus_contracts.events import (
    CategoryState,
    DomainEvent,
    EventKind,
    ProductState,
    StoreState,
)
from ficus_feed.core import Outcome, newest_ts_ms
from ficus_search import repository
from ficus_search.core.document import SearchDocument, build_documents

# the aggregates search holds; the feed ignores the others (a customer or an admin's event
# applied here would overwrite the category of the same id)
AGGREGATES = frozenset({"product", "category", "store"})


class SearchApply:
    """Search's side of the feed: every aggregate, applied as is, documents rebuilt once."""

    def __init__(self, today: Callable[[], dt.date] = dt.date.today) -> None:
        self._today = today

    @property
    def aggregates(self) -> Collection[str]:
        return AGGREGATES

    def prepare(self, event: DomainEvent) -> DomainEvent:
        return event

    def apply(self, tx: repository.Conn, batch: Sequence[DomainEvent]) -> list[Outcome]:
        touched: set[int] = set()
        outcomes = []
        for event in batch:
            outcome, ids = apply_event(tx, event)
            outcomes.append(outcome)
            touched |= ids
        reindex(tx, touched, newest_ts_ms(batch), self._today())
        return outcomes


def apply_event(conn: repository.Conn, event: DomainEvent) -> tuple[Outcome, set[int]]:
    """Save the event's state if it is newer; returns the products to re-index."""
    upserted = event.kind is EventKind.UPSERTED
    if event.aggregate == "product":
        state = event.payload if upserted and isinstance(event.payload, ProductState) else None
        applied, parents = repository.save_product(conn, event.entity_id, event.version, state)
        return (Outcome.APPLIED, {event.entity_id} | parents) if applied else (Outcome.STALE, set())
    if event.aggregate == "store":
        view = event.payload if upserted and isinstance(event.payload, StoreState) else None
        applied = repository.save_store(conn, event.entity_id, event.version, view)
        return (Outcome.APPLIED if applied else Outcome.STALE), set()
    current = repository.stored_version(conn, "search_category", event.entity_id)
    if current is not None and event.version <= current:
        return Outcome.STALE, set()
    category = event.payload if upserted and isinstance(event.payload, CategoryState) else None
    repository.save_category(conn, event.entity_id, event.version, category)
    return Outcome.APPLIED, repository.products_under_category(conn, event.entity_id)


def reindex(
    conn: repository.Conn, product_ids: Iterable[int], source_ts_ms: int | None, today: dt.date
) -> int:
    """Rebuild the stored documents of `product_ids` from the saved state; returns how many
    products were written."""
    ids = sorted(set(product_ids))
    if not ids:
        return 0
    tree = repository.load_tree(conn)
    products = repository.load_products(conn, ids)
    child_ids = {c for p in products.values() for c in p.configurable_children}
    children = repository.load_products(conn, child_ids) if child_ids else {}
    documents: dict[int, list[SearchDocument]] = {}
    for entity_id in ids:
        product = products.get(entity_id)
        documents[entity_id] = []
        if product is not None:
            kids = [children[c] for c in product.configurable_children if c in children]
            documents[entity_id] = build_documents(product, kids, tree, today)
    repository.write_documents(conn, documents, source_ts_ms)
    return len(ids)
