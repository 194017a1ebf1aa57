"""The projector: rebuilds each touched aggregate from the mirror and emits a full-state,
versioned domain event only when its state changed (hash of the last seen state).

No echo (docs/reverse-sync.md): a rebuilt state whose hash equals an expectation the mirror
stored from a reverse-sync marker is reverse sync's own write coming back. Its hash becomes the
aggregate's last seen state WITHOUT an event or a version bump (a customer born in the service
gets a version-0 projection row), and that expectation and older ones of the aggregate go.

Watermark: a customer event carries `reverse_watermark`, max(outbox_id) of the customer's
`ficus_reverse_log` rows in the mirror (any status: the worker decided them all). The log row
is written in the same MySQL transaction as the Magento rows and mirrored in binlog order, so
it names the newest service write the projected state has taken into account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, Protocol

import psycopg

from ficus_contracts.customers import CustomerState
from ficus_contracts.events import EventKind, Payload
from ficus_contracts.reverse import REVERSE_LOG_TABLE
from ficus_sync import database
from ficus_sync.core.shape import qualified
from ficus_sync.core.statehash import DELETED_HASH, state_text, text_hash
from ficus_sync.core.tables import AGGREGATES, Aggregate, Touch, event_entity_id, fixed_uuid
from ficus_sync.errors import ProjectionError
from ficus_sync.mirror import PgConn, TouchSet

__all__ = ["DELETED_HASH", "Projector", "StateReader", "state_document", "state_text", "text_hash"]

State = Payload
EchoCounter = Callable[[str, int], None]  # (aggregate, echoes suppressed)
_CHUNK = 500
# the mirror table holding each aggregate's root row, and the expression naming the aggregate
_ENTITY_TABLE: dict[Aggregate, tuple[str, str]] = {
    "store": ("store", '"store_id"'),
    "category": ("catalog_category_entity", '"entity_id"'),
    "product": ("catalog_product_entity", '"entity_id"'),
    "auth_revocation": ("jwt_auth_revoked", "user_type_id::bigint * 4294967296 + user_id"),
    "admin_role": ("authorization_role", "user_id"),
    "integration_token": ("oauth_token", '"entity_id"'),
    "customer": ("customer_entity", '"entity_id"'),
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


class Echo(NamedTuple):
    entity_id: int
    digest: str
    outbox_id: int  # the matched expectation: it and older ones are done
    recorded: bool  # the projection already holds this hash


Expected = dict[int, list[tuple[int, str]]]  # entity_id -> [(outbox_id, state_hash)]
Watermarks = dict[int, int]  # entity_id -> max(outbox_id) of its reverse log rows
_WATERMARKS = (
    f"SELECT entity_id, max(outbox_id) FROM {qualified(REVERSE_LOG_TABLE)}"
    " WHERE domain = %s AND aggregate = %s AND entity_id = ANY(%s) GROUP BY entity_id"
)


def state_document(state: State) -> dict[str, Any]:
    return state.model_dump(mode="json")


def _no_count(_aggregate: str, _count: int) -> None:
    return None


class Projector:
    def __init__(self, reader: StateReader, on_echo: EchoCounter = _no_count) -> None:
        self.reader = reader
        self.on_echo = on_echo
        self.emitted: dict[str, int] = dict.fromkeys(AGGREGATES, 0)
        self.suppressed: dict[str, int] = dict.fromkeys(AGGREGATES, 0)
        self._log_mirrored = False  # the mirror holds ficus_reverse_log (once true, for good)

    def expand(self, conn: PgConn, touches: TouchSet) -> set[Touch]:
        """Every aggregate the touches stand for (all of them after a metadata change)."""
        if not touches.everything:
            return set(touches.keys)
        found: set[Touch] = set()
        for aggregate in AGGREGATES:
            table, column = _ENTITY_TABLE[aggregate]
            source = qualified(table)  # a table Magento lacks (no mirror): projected rows only
            if conn.execute("SELECT to_regclass(%s)", (source,)).fetchone() == (None,):
                source, column = "(SELECT NULL::bigint) AS absent WHERE false", "NULL::bigint"
            rows = conn.execute(
                f"SELECT {column} FROM {source} UNION "  # type: ignore[arg-type]
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
        """Two round trips per chunk: (1) the aggregates' mirror rows, their last seen hashes
        and expected echoes, pipelined together; (2) id map, events and projection rows."""
        states, previous, expected = self._read(conn, aggregate, ids)
        changes: list[Change] = []
        echoes: list[Echo] = []
        for item in self._changes(ids, states, previous, expected):
            if isinstance(item, Echo):
                echoes.append(item)
            else:
                changes.append(item)
        if not changes and not echoes:
            return 0
        marks = self._watermarks(conn, aggregate, [c.entity_id for c in changes])
        with conn.pipeline():
            self._ensure_uuids(conn, aggregate, changes, echoes, states)
            if echoes:
                self._record_echoes(conn, aggregate, echoes)
            written = (
                self._write(conn, aggregate, changes, source_ts_ms, marks) if changes else None
            )
        if written is not None and int(written.fetchone()[0]) != len(changes):  # type: ignore[index]
            raise ProjectionError(f"{aggregate}: events written for {len(changes)} changes differ")
        self._count(aggregate, len(changes), sum(not e.recorded for e in echoes))
        return len(changes)

    def _read(
        self, conn: PgConn, aggregate: Aggregate, ids: list[int]
    ) -> tuple[dict[int, State], dict[int, tuple[int, str]], Expected]:
        """The states, the projection rows (version, hash) and the expected echoes of `ids`."""
        with conn.pipeline():
            previous_rows = conn.execute(
                "SELECT entity_id, version, state_hash FROM projection "
                "WHERE aggregate = %s AND entity_id = ANY(%s)",
                (aggregate, ids),
            )
            expected_rows = conn.execute(
                "SELECT entity_id, outbox_id, state_hash FROM echo_expectation "
                "WHERE aggregate = %s AND entity_id = ANY(%s)",
                (aggregate, ids),
            )
            states = self.reader.read(conn, aggregate, ids)  # its own pipeline nests in ours
        previous = {int(r[0]): (int(r[1]), str(r[2])) for r in previous_rows.fetchall()}
        expected: Expected = {}
        for entity_id, outbox_id, digest in expected_rows.fetchall():
            expected.setdefault(int(entity_id), []).append((int(outbox_id), str(digest)))
        return states, previous, expected

    def _watermarks(self, conn: PgConn, aggregate: Aggregate, ids: list[int]) -> Watermarks:
        """The customers' watermarks: max(outbox_id) of their mirrored reverse log rows."""
        if aggregate != "customer" or not ids:
            return {}
        if not self._log_mirrored:
            found = conn.execute("SELECT to_regclass(%s)", (qualified(REVERSE_LOG_TABLE),))
            self._log_mirrored = found.fetchone() != (None,)
            if not self._log_mirrored:
                return {}
        rows = conn.execute(_WATERMARKS, (aggregate, aggregate, ids)).fetchall()  # type: ignore[arg-type]
        return {int(r[0]): int(r[1]) for r in rows}

    def _count(self, aggregate: Aggregate, emitted: int, suppressed: int) -> None:
        self.emitted[aggregate] += emitted
        if suppressed:
            self.suppressed[aggregate] += suppressed
            self.on_echo(aggregate, suppressed)

    @staticmethod
    def _changes(
        ids: Iterable[int],
        states: dict[int, State],
        previous: dict[int, tuple[int, str]],
        expected: Expected,
    ) -> Iterable[Change | Echo]:
        for entity_id in ids:
            state = states.get(entity_id)
            text = state_text(state) if state is not None else None
            digest = text_hash(text) if text is not None else DELETED_HASH
            before = previous.get(entity_id)
            matched = [o for o, h in expected.get(entity_id, []) if h == digest]
            if matched:  # reverse sync's own write: seen, not news
                recorded = before is not None and before[1] == digest
                yield Echo(entity_id, digest, max(matched), recorded)
                continue
            if before is None and text is None:
                continue  # never emitted, already gone
            if before is not None and before[1] == digest:
                continue
            version = before[0] + 1 if before else 1
            yield Change(entity_id, version, digest, text)

    @staticmethod
    def _ensure_uuids(
        conn: PgConn,
        aggregate: Aggregate,
        changes: list[Change],
        echoes: list[Echo],
        states: dict[int, State],
    ) -> None:
        """Id map entries for the aggregates (and a customer's addresses), both ways."""
        ids = [c.entity_id for c in changes] + [e.entity_id for e in echoes]
        fixed = [fixed_uuid(aggregate, key) for key in ids]
        if ids and fixed[0] is not None:  # the credential aggregates' ids are deterministic
            conn.execute(
                "INSERT INTO id_map (aggregate, entity_id, uuid) SELECT %s, * FROM"
                " unnest(%s::bigint[], %s::uuid[]) ON CONFLICT (aggregate, entity_id) DO NOTHING",
                (aggregate, ids, fixed),
            )
        database.ensure_uuids(conn, aggregate, ids)
        if aggregate == "customer":
            addresses = [
                address.entity_id
                for entity_id in ids
                if isinstance(state := states.get(entity_id), CustomerState)
                for address in state.addresses
            ]
            if addresses:
                database.ensure_uuids(conn, "customer_address", addresses)

    @staticmethod
    def _record_echoes(conn: PgConn, aggregate: Aggregate, echoes: list[Echo]) -> None:
        """The echoed hash becomes the last seen state (version and last event unchanged; a
        first sight gets version 0 without an event); matched expectations and older go."""
        entity_ids = [e.entity_id for e in echoes]
        conn.execute(
            "INSERT INTO projection (aggregate, entity_id, version, state_hash, deleted, last_seq)"
            " SELECT %s, e, 0, h, h = %s, 0 FROM unnest(%s::bigint[], %s::text[]) AS t(e, h)"
            " ON CONFLICT (aggregate, entity_id) DO UPDATE SET state_hash = EXCLUDED.state_hash,"
            " deleted = EXCLUDED.deleted",
            (aggregate, DELETED_HASH, entity_ids, [e.digest for e in echoes]),
        )
        conn.execute(
            "DELETE FROM echo_expectation x USING unnest(%s::bigint[], %s::bigint[]) AS d(e, o)"
            " WHERE x.aggregate = %s AND x.entity_id = d.e AND x.outbox_id <= d.o",
            (entity_ids, [e.outbox_id for e in echoes], aggregate),
        )

    @staticmethod
    def _write(
        conn: PgConn,
        aggregate: Aggregate,
        changes: list[Change],
        source_ts_ms: int | None,
        marks: Watermarks,
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
            " %s::text[], %s::bigint[], %s::bigint[]) WITH ORDINALITY AS t(e, v, k, h, x, w, i)),"
            " ev AS (INSERT INTO domain_event (aggregate, aggregate_id, entity_id, version, kind,"
            " payload, source_ts_ms, reverse_watermark) SELECT %s, m.uuid, t.x, t.v, t.k,"
            " NULLIF(p.doc, 'null'::jsonb), %s, t.w"
            " FROM t JOIN jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS p(doc, i) USING (i)"
            " JOIN id_map m ON m.aggregate = %s AND m.entity_id = t.e"
            " ORDER BY i RETURNING aggregate_id, seq),"
            " pr AS (INSERT INTO projection (aggregate, entity_id, version, state_hash, deleted,"
            " last_seq) SELECT m.aggregate, t.e, t.v, t.h, t.k = %s, ev.seq FROM t JOIN id_map m"
            " ON m.aggregate = %s AND m.entity_id = t.e JOIN ev ON ev.aggregate_id = m.uuid"
            " ON CONFLICT (aggregate, entity_id) DO UPDATE SET version = EXCLUDED.version,"
            " state_hash = EXCLUDED.state_hash, deleted = EXCLUDED.deleted,"
            " last_seq = EXCLUDED.last_seq RETURNING 1)"
            " SELECT count(*) FROM pr",
            (
                [c.entity_id for c in changes],
                [c.version for c in changes],
                kinds,
                [c.digest for c in changes],
                [event_entity_id(aggregate, c.entity_id) for c in changes],
                [marks.get(c.entity_id) for c in changes],
                aggregate,
                source_ts_ms,
                documents,
                aggregate,
                EventKind.DELETED.value,
                aggregate,
            ),
        )
