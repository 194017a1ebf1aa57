"""The projector: rebuilds each touched aggregate from the mirror and emits a full-state,
versioned domain event only when its state changed (hash of the last emitted state)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Protocol

import psycopg

from ficus_contracts.events import CategoryState, EventKind, ProductState, StoreState
from ficus_sync import database
from ficus_sync.core.shape import qualified
from ficus_sync.core.tables import AGGREGATES, Aggregate, Touch
from ficus_sync.errors import ProjectionError
from ficus_sync.mirror import PgConn, TouchSet

State = ProductState | CategoryState | StoreState
DELETED_HASH = "deleted"
_CHUNK = 500
# the mirror table holding each aggregate's root row, and the column naming the aggregate
_ENTITY_TABLE: dict[Aggregate, tuple[str, str]] = {
    "store": ("store", "store_id"),
    "category": ("catalog_category_entity", "entity_id"),
    "product": ("catalog_product_entity", "entity_id"),
}


class StateReader(Protocol):
    """Builds aggregates' current states from the mirror (absent: the entity is gone)."""

    def read(
        self, conn: PgConn, aggregate: Aggregate, entity_ids: Sequence[int]
    ) -> dict[int, State]: ...

    def invalidate(self) -> None:
        """Forget cached metadata (stores, attributes)."""


class Change(NamedTuple):
    entity_id: int
    version: int
    digest: str
    text: str | None  # the state's JSON; None for a deletion


def state_document(state: State) -> dict[str, Any]:
    return state.model_dump(mode="json")


def state_text(state: State) -> str:
    """The state's JSON (deterministic: flatten sorts every list and mapping)."""
    return state.model_dump_json()


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


class Projector:
    def __init__(self, reader: StateReader) -> None:
        self.reader = reader
        self.emitted: dict[str, int] = dict.fromkeys(AGGREGATES, 0)

    def expand(self, conn: PgConn, touches: TouchSet) -> set[Touch]:
        """Every aggregate the touches stand for (all of them after a metadata change)."""
        if not touches.everything:
            return set(touches.keys)
        found: set[Touch] = set()
        for aggregate in AGGREGATES:
            table, column = _ENTITY_TABLE[aggregate]
            rows = conn.execute(
                f'SELECT "{column}" FROM {qualified(table)} UNION '  # type: ignore[arg-type]
                "SELECT entity_id FROM projection WHERE aggregate = %s AND NOT deleted",
                (aggregate,),
            ).fetchall()
            found.update((aggregate, int(r[0])) for r in rows)
        return found

    def project(self, conn: PgConn, touches: TouchSet, source_ts_ms: int | None) -> int:
        if touches.everything:
            self.reader.invalidate()
        try:
            return self._project(conn, touches, source_ts_ms)
        except BaseException:
            self.reader.invalidate()  # the metadata read may belong to a rolled-back batch
            raise

    def _project(self, conn: PgConn, touches: TouchSet, source_ts_ms: int | None) -> int:
        keys = self.expand(conn, touches)
        emitted = 0
        for aggregate in AGGREGATES:
            ids = sorted(e for a, e in keys if a == aggregate)
            for start in range(0, len(ids), _CHUNK):
                emitted += self._project_chunk(
                    conn, aggregate, ids[start : start + _CHUNK], source_ts_ms
                )
        return emitted

    def _project_chunk(
        self, conn: PgConn, aggregate: Aggregate, ids: list[int], source_ts_ms: int | None
    ) -> int:
        """Two round trips per chunk: (1) the aggregates' mirror rows and their last emitted
        hashes, pipelined together; (2) id map, events and projection rows, pipelined."""
        with conn.pipeline():
            previous_rows = conn.execute(
                "SELECT entity_id, version, state_hash FROM projection "
                "WHERE aggregate = %s AND entity_id = ANY(%s)",
                (aggregate, ids),
            )
            states = self.reader.read(conn, aggregate, ids)  # its own pipeline nests in ours
        previous = {int(r[0]): (int(r[1]), str(r[2])) for r in previous_rows.fetchall()}
        changes = list(self._changes(ids, states, previous))
        if not changes:
            return 0
        with conn.pipeline():
            database.ensure_uuids(conn, aggregate, [c.entity_id for c in changes])
            written = self._write(conn, aggregate, changes, source_ts_ms)
        if int(written.fetchone()[0]) != len(changes):  # type: ignore[index]
            raise ProjectionError(f"{aggregate}: events written for {len(changes)} changes differ")
        self.emitted[aggregate] += len(changes)
        return len(changes)

    @staticmethod
    def _changes(
        ids: Iterable[int], states: dict[int, State], previous: dict[int, tuple[int, str]]
    ) -> Iterable[Change]:
        for entity_id in ids:
            state = states.get(entity_id)
            text = state_text(state) if state is not None else None
            digest = text_hash(text) if text is not None else DELETED_HASH
            before = previous.get(entity_id)
            if before is None and text is None:
                continue  # never emitted, already gone
            if before is not None and before[1] == digest:
                continue
            version = before[0] + 1 if before else 1
            yield Change(entity_id, version, digest, text)

    @staticmethod
    def _write(
        conn: PgConn, aggregate: Aggregate, changes: list[Change], source_ts_ms: int | None
    ) -> psycopg.Cursor[Any]:
        """One set-based statement: the events (uuid from the id map, seq in change order),
        then the projection rows pointing at them; returns a cursor counting the events."""
        kinds = [
            EventKind.DELETED.value if c.text is None else EventKind.UPSERTED.value for c in changes
        ]
        # payloads travel as ONE JSON array: a text[] parameter would be escaped char by char
        documents = "[" + ",".join(c.text or "null" for c in changes) + "]"
        return conn.execute(
            "WITH t AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::text[],"
            " %s::text[]) WITH ORDINALITY AS t(e, v, k, h, i)),"
            " ev AS (INSERT INTO domain_event (aggregate, aggregate_id, entity_id, version, kind,"
            " payload, source_ts_ms) SELECT %s, m.uuid, t.e, t.v, t.k,"
            " NULLIF(p.doc, 'null'::jsonb), %s"
            " FROM t JOIN jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS p(doc, i) USING (i)"
            " JOIN id_map m ON m.aggregate = %s AND m.entity_id = t.e"
            " ORDER BY i RETURNING entity_id, seq),"
            " pr AS (INSERT INTO projection (aggregate, entity_id, version, state_hash, deleted,"
            " last_seq) SELECT %s, t.e, t.v, t.h, t.k = %s, ev.seq FROM t JOIN ev ON ev.entity_id"
            " = t.e ON CONFLICT (aggregate, entity_id) DO UPDATE SET version = EXCLUDED.version,"
            " state_hash = EXCLUDED.state_hash, deleted = EXCLUDED.deleted,"
            " last_seq = EXCLUDED.last_seq RETURNING 1)"
            " SELECT count(*) FROM pr",
            (
                [c.entity_id for c in changes],
                [c.version for c in changes],
                kinds,
                [c.digest for c in changes],
                aggregate,
                source_ts_ms,
                documents,
                aggregate,
                aggregate,
                EventKind.DELETED.value,
            ),
        )
