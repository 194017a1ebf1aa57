"""Operator actions behind the CLI: dead-letter replay, catalog and customer reconciliation."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import httpx
import psycopg

from ficus_contracts.customers import CustomerState
from ficus_legacy import customers, reference
from ficus_legacy.customers import CustomerAttributes
from ficus_sync import database, mariadb
from ficus_sync.core.envelope import ChangeEvent, Op, parse_debezium
from ficus_sync.core.reconcile import (
    Difference,
    Projected,
    compare,
    compare_projection,
    compare_service,
)
from ficus_sync.errors import SyncError
from ficus_sync.mirror import Mirror, PgConn, TouchSet
from ficus_sync.projector import Projector, state_document


class Components(Protocol):
    """What the operator actions use of sync's wired components (`bootstrap.Components`)."""

    pg: PgConn
    params: mariadb.MysqlParams
    mirror: Mirror
    projector: Projector


@dataclass
class ReplayResult:
    replayed: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def replay_dead_letters(components: Components, only: int | None = None) -> ReplayResult:
    """Re-apply dead letters. A row change is replayed from the row's CURRENT state in
    MariaDB (by primary key), never from the stale image, so replay cannot regress the mirror;
    a projection failure re-projects its aggregate."""
    result = ReplayResult()
    for row in database.dead_letters(components.pg):
        letter_id, raw = int(row[0]), row[4]
        if only is not None and letter_id != only:
            continue
        try:
            with components.pg.transaction():
                components.pg.execute(
                    "SELECT pg_advisory_xact_lock_shared(%s)", (database.APPLY_LOCK,)
                )
                _replay_one(components, raw)
                database.mark_replayed(components.pg, [letter_id])
                database.notify(components.pg)
            result.replayed.append(letter_id)
        except Exception as exc:  # noqa: BLE001 - reported per letter
            result.failed[letter_id] = f"{type(exc).__name__}: {exc}"
            components.pg.execute(
                "UPDATE dead_letter SET error = %s WHERE id = %s",
                (result.failed[letter_id][:4000], letter_id),
            )
    return result


def _replay_one(components: Components, raw: dict[str, Any]) -> None:
    if "aggregate" in raw:
        touches = TouchSet(keys={(raw["aggregate"], int(raw["entity_id"]))})
        components.projector.project(components.pg, touches, None)
        return
    hints = {name: shape.hints for name, shape in components.mirror.shapes.items()}
    event = parse_debezium(json.dumps(raw), hints)
    if event is None:
        return
    current = _refetch(components, event)
    touches = components.mirror.apply(components.pg, [current])
    components.projector.project(components.pg, touches, None)


def _refetch(components: Components, event: ChangeEvent) -> ChangeEvent:
    shape = components.mirror.shapes[event.table]
    key = {c: event.row[c] for c in shape.primary_key}
    where = " AND ".join(f"`{c}` = %s" for c in key)
    with mariadb.connection(components.params, dict_rows=True) as my, my.cursor() as cur:
        cur.execute(f"SELECT * FROM `{event.table}` WHERE {where}", list(key.values()))
        row = cur.fetchone()
    if row is None:
        return ChangeEvent(event.table, Op.DELETE, dict(key), None)
    return ChangeEvent(event.table, Op.READ, None, dict(row))


def reconcile_catalog(components: Components, catalog_url: str | None = None) -> list[Difference]:
    """Projected (last emitted) product, category and store-view states vs the reference
    flattening read straight from MariaDB, for every store view; with `catalog_url`, also the
    product states the catalog service serves (aggregate `catalog-service`)."""
    differences: list[Difference] = []
    with mariadb.connection(components.params) as my:
        expected = {
            "product": {s.entity_id: state_document(s) for s in reference.product_states(my)},
            "category": {s.entity_id: state_document(s) for s in reference.category_states(my)},
            "store": {i: state_document(s) for i, s in reference.store_states(my).items()},
        }
    if catalog_url is not None:
        served = catalog_service_states(catalog_url)
        differences += compare("catalog-service", expected["product"], served)
    for aggregate, wanted in expected.items():
        actual = {
            int(r[0]): r[1]
            for r in components.pg.execute(
                "SELECT p.entity_id, e.payload FROM projection p JOIN domain_event e "
                "ON e.seq = p.last_seq WHERE p.aggregate = %s AND NOT p.deleted",
                (aggregate,),
            ).fetchall()
        }
        differences += compare(aggregate, wanted, actual)
    return differences


def catalog_service_states(base_url: str) -> dict[int, dict[str, Any]]:
    """Every product state the catalog service holds (`GET /v1/product-states`, paged)."""
    states: dict[int, dict[str, Any]] = {}
    cursor: str | None = None
    with httpx.Client(base_url=base_url, timeout=30) as client:
        while True:
            params: dict[str, str | int] = {"limit": 2000}
            if cursor:
                params["cursor"] = cursor
            try:
                page = client.get("/v1/product-states", params=params)
                page.raise_for_status()
            except httpx.HTTPError as exc:
                raise SyncError(f"catalog service at {base_url} unreachable: {exc}") from exc
            body = page.json()
            for item in body["items"]:
                states[int(item["state"]["entity_id"])] = item["state"]
            cursor = body.get("next_cursor")
            if not cursor:
                return states


SERVICE = "customer-service"


@dataclass(frozen=True)
class CustomerReconcile:
    """Options of `reconcile_customer`. `settle_seconds` is the lag window: a difference is
    re-checked until it has held that long (a row changed within it is not reported)."""

    service_database_url: str | None = None
    repair: bool = False
    chunk: int = 1000
    settle_seconds: float = 5.0
    restart: bool = False


@dataclass
class ReconcileReport:
    differences: list[Difference]
    checked: int
    resumed_after: int
    repaired: list[int] = field(default_factory=list)


def reconcile_customer(
    components: Components, options: CustomerReconcile = CustomerReconcile()
) -> ReconcileReport:
    """Magento's customers (`ficus_legacy.customers.read`) vs the projection's last seen states
    and, with `service_database_url`, the states the customer service holds; chunked by
    entity_id, each chunk recorded so a killed run resumes after it. `repair` re-emits the
    customers the service holds wrong, as new versions through the event path."""
    pg = components.pg
    last, checked, earlier = database.begin_reconcile(pg, "customer", options.restart)
    report = ReconcileReport([_difference(d) for d in earlier], checked, last)
    with mariadb.connection(components.params) as my, _service(options) as service:
        sides = _Sides(pg, my, service, CustomerAttributes.load(my))
        while True:
            ids, upper = sides.chunk(last, options.chunk)
            found = _settled(sides, ids, options.settle_seconds)
            if options.repair:
                report.repaired += _repair(components, [d for d in found if d.aggregate == SERVICE])
            last = upper if upper is not None else max(ids, default=last)
            rows = [asdict(d) for d in found]
            database.save_reconcile(pg, "customer", last, len(ids), rows, upper is None)
            report.differences += found
            report.checked += len(ids)
            if upper is None:
                return report


def _difference(recorded: dict[str, Any]) -> Difference:
    return Difference(
        recorded["aggregate"], recorded["entity_id"], recorded["problem"], tuple(recorded["fields"])
    )


@contextmanager
def _service(options: CustomerReconcile) -> Iterator[psycopg.Connection[Any] | None]:
    if options.service_database_url is None:
        yield None
        return
    try:
        conn = psycopg.connect(options.service_database_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise SyncError(f"customer service database unreachable: {exc}") from exc
    with conn:
        yield conn


class _Sides:
    """The three places a customer lives, read chunk by chunk."""

    def __init__(
        self,
        pg: PgConn,
        my: mariadb.Connection,
        service: psycopg.Connection[Any] | None,
        attributes: CustomerAttributes,
    ) -> None:
        self.pg, self.my, self.service, self.attributes = pg, my, service, attributes

    def chunk(self, after: int, size: int) -> tuple[list[int], int | None]:
        """The ids after `after` on any side, up to Magento's `size`-th (None: to the end)."""
        with self.my.cursor() as cur:
            cur.execute(
                "SELECT entity_id FROM customer_entity WHERE entity_id > %s"
                " ORDER BY entity_id LIMIT %s",
                (after, size),
            )
            ids = {int(r[0]) for r in cur.fetchall()}
        upper = max(ids) if len(ids) == size else None
        where = "entity_id > %s AND (%s::bigint IS NULL OR entity_id <= %s)"
        sql = f"SELECT entity_id FROM projection WHERE aggregate = 'customer' AND {where}"
        ids |= {int(r[0]) for r in self.pg.execute(sql, (after, upper, upper))}  # type: ignore[arg-type]
        if self.service is not None:
            sql = f"SELECT entity_id FROM customer WHERE {where}"
            ids |= {int(r[0]) for r in self.service.execute(sql, (after, upper, upper))}  # type: ignore[arg-type]
        return sorted(ids), upper

    def compare(self, ids: Sequence[int]) -> tuple[list[Difference], dict[int, CustomerState]]:
        magento = customers.read(self.my, ids, attributes=self.attributes)
        rows = self.pg.execute(
            "SELECT p.entity_id, p.state_hash, p.deleted, e.payload FROM projection p"
            " LEFT JOIN domain_event e ON e.seq = p.last_seq"
            " WHERE p.aggregate = 'customer' AND p.entity_id = ANY(%s)",
            (list(ids),),
        ).fetchall()
        projected = {int(r[0]): Projected(str(r[1]), bool(r[2]), r[3]) for r in rows}
        found = compare_projection(magento, projected)
        if self.service is not None:
            held = self.service.execute(
                "SELECT entity_id, state FROM customer WHERE entity_id = ANY(%s)", (list(ids),)
            ).fetchall()
            states = {int(r[0]): CustomerState.model_validate(r[1]) for r in held}
            found += compare_service(magento, states, SERVICE)
        return found, magento


def _settled(sides: _Sides, ids: list[int], window: float) -> list[Difference]:
    """Differences that hold: re-checked until none is left or `window` (the lag window) has
    passed; a row Magento changed meanwhile gets a fresh window (twice at most)."""
    if not ids:
        return []
    found, before = sides.compare(ids)
    for _ in range(3):
        deadline = time.monotonic() + window
        after = before
        while found and time.monotonic() < deadline:
            threading.Event().wait(0.25)  # polling: the differences may converge any moment
            found, after = sides.compare(sorted({d.entity_id for d in found}))
        if all(after.get(d.entity_id) == before.get(d.entity_id) for d in found):
            return found
        before = {**before, **after}
    return found


def _repair(components: Components, found: list[Difference]) -> list[int]:
    """Re-emit the customers the service holds wrong: new versions of the projection's
    current states, through the event path (never by writing the service's database).
    Streaming pauses meanwhile (exclusive apply lock): no batch projects them concurrently."""
    ids = sorted({d.entity_id for d in found})
    if not ids:
        return []
    pg = components.pg
    with pg.transaction():
        pg.execute("SELECT pg_advisory_xact_lock(%s)", (database.APPLY_LOCK,))
        database.force_reemit(pg, "customer", ids)
        touches = TouchSet(keys={("customer", entity_id) for entity_id in ids})
        components.projector.project(pg, touches, None)
        database.notify(pg)
    return ids
