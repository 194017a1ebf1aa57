"""Operator actions behind the CLI: dead-letter replay and catalog reconciliation."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from ficus_legacy import reference
from ficus_sync import database, mariadb
from ficus_sync.core.envelope import ChangeEvent, Op, parse_debezium
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


@dataclass(frozen=True)
class Difference:
    aggregate: str
    entity_id: int
    problem: str  # missing | unexpected | differs
    fields: tuple[str, ...] = ()


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
        differences += _compare("catalog-service", expected["product"], served)
    for aggregate, wanted in expected.items():
        actual = {
            int(r[0]): r[1]
            for r in components.pg.execute(
                "SELECT p.entity_id, e.payload FROM projection p JOIN domain_event e "
                "ON e.seq = p.last_seq WHERE p.aggregate = %s AND NOT p.deleted",
                (aggregate,),
            ).fetchall()
        }
        differences += _compare(aggregate, wanted, actual)
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


def _compare(
    aggregate: str, wanted: dict[int, dict[str, Any]], actual: dict[int, dict[str, Any]]
) -> Iterable[Difference]:
    for entity_id in sorted(wanted.keys() | actual.keys()):
        if entity_id not in actual:
            yield Difference(aggregate, entity_id, "missing")
        elif entity_id not in wanted:
            yield Difference(aggregate, entity_id, "unexpected")
        elif wanted[entity_id] != actual[entity_id]:
            yield Difference(
                aggregate, entity_id, "differs", _fields(wanted[entity_id], actual[entity_id])
            )


def _fields(wanted: dict[str, Any], actual: dict[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    for key in sorted(wanted.keys() | actual.keys()):
        if key == "attributes":
            w, a = wanted.get(key) or {}, actual.get(key) or {}
            for store_id in sorted(w.keys() | a.keys()):
                ws, as_ = w.get(store_id) or {}, a.get(store_id) or {}
                names += [
                    f"attributes[{store_id}].{code}"
                    for code in sorted(ws.keys() | as_.keys())
                    if ws.get(code) != as_.get(code)
                ]
        elif wanted.get(key) != actual.get(key):
            names.append(key)
    return tuple(names)
