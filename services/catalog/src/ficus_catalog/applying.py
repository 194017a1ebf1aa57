"""Apply domain events to the catalog database, idempotently: a newer version wins, an equal
or older one is ignored, `deleted` removes the aggregate and leaves a tombstone version.

Store events (`StoreState`) replace the store view's `catalog_store` row, and with the first
one the rows seeded from settings go (sync's snapshot emits every store view at once).
Revocation events (`AuthRevocationState`) replace the user's `token_revocation` row, admin
role events (`AdminRoleState`) the admin's `admin_role` row, integration token events
(`IntegrationTokenState`) the token's `integration_token` row. The catalog holds these six
aggregates only (`AGGREGATES`); the feed ignores the others.

A product's rows include its Magento JSON per store view (`product_json`, rendered by the
mapper when the event is prepared); deleting a product deletes it (ON DELETE CASCADE).

Two paths with the same outcome: `apply_events` handles a whole batch in a handful of
statements (versions decided in memory, then bulk writes); `apply_event` handles one event.
`CatalogApply` is what the catalog gives `ficus_feed` (which isolates a culprit by applying
the batch again event by event).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from ficus_catalog.product_mapper import (
    Rows,
    category_rows,
    product_rows,
    revocation_rows,
    role_rows,
    store_rows,
    token_rows,
)
from ficus_catalog.tables import (
    AdminRole,
    AppliedVersion,
    CatalogStore,
    Category,
    IntegrationToken,
    Product,
    TokenRevocation,
)
from ficus_contracts.auth import AdminRoleState, AuthRevocationState, IntegrationTokenState
from ficus_contracts.events import (
    CategoryState,
    DomainEvent,
    EventKind,
    ProductState,
    StoreState,
)
from ficus_feed.core import Outcome

AGGREGATES = frozenset(
    {"product", "category", "store", "auth_revocation", "admin_role", "integration_token"}
)


@dataclass(frozen=True)
class Prepared:
    """A validated event with the rows it writes (None for a deletion)."""

    event: DomainEvent
    rows: Rows | None

    @property
    def key(self) -> tuple[str, uuid.UUID]:
        return self.event.aggregate, self.event.aggregate_id


def prepare(event: DomainEvent) -> Prepared:
    """Map the event to rows; raises `InvalidEvent` when a value does not fit the model."""
    payload = event.payload if event.kind is EventKind.UPSERTED else None
    if isinstance(payload, ProductState):
        return Prepared(event, product_rows(event.aggregate_id, event.version, payload))
    if isinstance(payload, CategoryState):
        return Prepared(event, category_rows(event.aggregate_id, event.version, payload))
    if isinstance(payload, StoreState):
        return Prepared(event, store_rows(event.version, payload))
    if isinstance(payload, AuthRevocationState):
        return Prepared(event, revocation_rows(event.aggregate_id, event.version, payload))
    if isinstance(payload, AdminRoleState):
        return Prepared(event, role_rows(event.aggregate_id, event.version, payload))
    if isinstance(payload, IntegrationTokenState):
        return Prepared(event, token_rows(event.aggregate_id, event.version, payload))
    if event.aggregate == "admin_role":  # a role gone allows nothing; no row: not known yet
        gone = AdminRoleState(user_id=event.entity_id, role_id=0, resources=())
        return Prepared(event, role_rows(event.aggregate_id, event.version, gone))
    return Prepared(event, None)


def _remove(session: Session, aggregate: str, mine: list[Prepared]) -> None:
    """Delete the current rows of the aggregates in `mine` (all of `aggregate`)."""
    entity_ids = [p.event.entity_id for p in mine]
    if aggregate == "store":
        _remove_stores(session, entity_ids, mine)
        return
    ids = [p.event.aggregate_id for p in mine]
    if aggregate == "auth_revocation":
        _remove_revocations(session, ids, mine)
        return
    if aggregate == "admin_role":
        mine_users = or_(AdminRole.aggregate_id.in_(ids), AdminRole.user_id.in_(entity_ids))
        session.execute(delete(AdminRole).where(mine_users))
        return
    if aggregate == "integration_token":
        token = IntegrationToken
        mine_tokens = or_(token.aggregate_id.in_(ids), token.token_id.in_(entity_ids))
        session.execute(delete(token).where(mine_tokens))
        return
    table = Product if aggregate == "product" else Category
    session.execute(
        delete(table)
        .where(or_(table.uuid.in_(ids), table.entity_id.in_(entity_ids)))
        .execution_options(synchronize_session=False)
    )


def _remove_stores(session: Session, store_ids: list[int], mine: list[Prepared]) -> None:
    """The views' rows, rows holding a code a view takes now (renamed in the same change;
    Magento keeps codes unique) and the rows seeded from settings (events supersede them)."""
    rows = [r for p in mine if p.rows is not None for r in p.rows.tables.get(CatalogStore, [])]
    session.execute(
        delete(CatalogStore).where(
            or_(
                CatalogStore.store_id.in_(store_ids),
                CatalogStore.code.in_([str(r["code"]) for r in rows]),
                CatalogStore.version.is_(None),
            )
        )
    )


def _remove_revocations(session: Session, ids: list[uuid.UUID], mine: list[Prepared]) -> None:
    """The rows of these events' aggregates, and any row of the same user (its key)."""
    users = [
        (int(r["user_type_id"]), int(r["user_id"]))
        for p in mine
        if p.rows is not None
        for r in p.rows.tables.get(TokenRevocation, [])
    ]
    key = tuple_(TokenRevocation.user_type_id, TokenRevocation.user_id)
    session.execute(
        delete(TokenRevocation).where(or_(TokenRevocation.aggregate_id.in_(ids), key.in_(users)))
    )


def apply_event(session: Session, event: DomainEvent) -> Outcome:
    """Apply one event inside the caller's transaction; the caller commits (with its
    checkpoint)."""
    prepared = prepare(event)
    if not _claim_version(session, event):
        return Outcome.STALE
    _remove(session, event.aggregate, [prepared])
    if prepared.rows is None:
        return Outcome.DELETED
    _insert(session, prepared.rows)
    return Outcome.APPLIED


def _insert(session: Session, rows: Rows) -> None:
    for table, values in rows.insert_order():
        session.execute(insert(table), values)


def _claim_version(session: Session, event: DomainEvent) -> bool:
    """Record `event.version` as applied unless an equal or newer one already is."""
    deleted = event.kind is EventKind.DELETED
    stmt = insert(AppliedVersion).values(
        aggregate=event.aggregate,
        aggregate_id=event.aggregate_id,
        version=event.version,
        deleted=deleted,
    )
    upsert = stmt.on_conflict_do_update(
        index_elements=[AppliedVersion.aggregate, AppliedVersion.aggregate_id],
        set_={"version": event.version, "deleted": deleted},
        where=AppliedVersion.version < event.version,
    )
    return session.execute(upsert.returning(AppliedVersion.version)).first() is not None


def _versions(session: Session, keys: set[tuple[str, uuid.UUID]]) -> dict[Any, int]:
    columns = tuple_(AppliedVersion.aggregate, AppliedVersion.aggregate_id)
    stmt = select(AppliedVersion.aggregate, AppliedVersion.aggregate_id, AppliedVersion.version)
    rows = session.execute(stmt.where(columns.in_(list(keys)))).all()
    return {(aggregate, aggregate_id): version for aggregate, aggregate_id, version in rows}


def apply_events(session: Session, batch: Sequence[Prepared]) -> list[Outcome]:
    """Apply a batch in order, with the same outcomes as `apply_event` one by one."""
    if not batch:
        return []
    versions = _versions(session, {p.key for p in batch})
    winners: dict[tuple[str, uuid.UUID], Prepared] = {}
    outcomes = []
    for prepared in batch:
        event = prepared.event
        if event.version <= versions.get(prepared.key, 0):
            outcomes.append(Outcome.STALE)
            continue
        versions[prepared.key] = event.version
        winners[prepared.key] = prepared
        outcomes.append(Outcome.APPLIED if prepared.rows is not None else Outcome.DELETED)
    if winners:
        _write(session, list(winners.values()))
    return outcomes


def _write(session: Session, winners: list[Prepared]) -> None:
    stmt = insert(AppliedVersion)
    upsert = stmt.on_conflict_do_update(
        index_elements=[AppliedVersion.aggregate, AppliedVersion.aggregate_id],
        set_={"version": stmt.excluded.version, "deleted": stmt.excluded.deleted},
        where=AppliedVersion.version < stmt.excluded.version,
    )
    versions = [
        {"aggregate": p.event.aggregate, "aggregate_id": p.event.aggregate_id,
         "version": p.event.version, "deleted": p.rows is None}
        for p in winners
    ]  # fmt: skip
    session.execute(upsert, versions)
    for aggregate in AGGREGATES:
        mine = [p for p in winners if p.event.aggregate == aggregate]
        if mine:
            _remove(session, aggregate, mine)
    merged = Rows()
    for p in winners:
        if p.rows is not None:
            merged.extend(p.rows)
    _insert(session, merged)


class CatalogApply:
    """The catalog's side of the feed: every aggregate, prepared into rows, bulk-applied."""

    @property
    def aggregates(self) -> Collection[str]:
        return AGGREGATES

    def prepare(self, event: DomainEvent) -> Prepared:
        return prepare(event)

    def apply(self, tx: Session, batch: Sequence[Prepared]) -> list[Outcome]:
        return apply_events(tx, batch)
