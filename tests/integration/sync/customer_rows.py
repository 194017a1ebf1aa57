"""Customers in a Magento database for sync's customer tests (direct SQL, explicit timestamps so
a write can be rehearsed and replayed to the same state), the reference state read from MySQL,
reverse-sync markers, and a stepper that applies exactly the batches a test chooses."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pymysql
import pymysql.cursors

from ficus_contracts.customers import CustomerState
from ficus_contracts.reverse import REVERSE_LOG_DDL
from ficus_legacy.core.customers import customer_state
from ficus_legacy.metadata import AttributeCatalog
from ficus_sync import bootstrap, database
from ficus_sync.capture.port import CaptureSource, Transaction
from ficus_sync.core.statehash import state_hash
from ficus_sync.lag import gtid_distance
from ficus_sync.pipeline import Pipeline
from ficus_sync.settings import SyncSettings
from tests.integration.sync.helpers import master_gtid

Conn = Any  # a pymysql connection (its class is not subscriptable at run time)
STAMP = "2024-05-01 10:00:00"


class Customers:
    """Writes customers into one Magento database (a test's `shop` installed the schema)."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn
        self.note = self._attribute(1, "ficus_note")
        self.landmark = self._attribute(2, "ficus_landmark")
        self.conn.commit()

    def _attribute(self, entity_type_id: int, code: str) -> int:
        self.sql(
            "INSERT IGNORE INTO eav_attribute (entity_type_id, attribute_code, backend_type,"
            " frontend_input, is_user_defined) VALUES (%s, %s, 'varchar', 'text', 1)",
            (entity_type_id, code),
        )
        return int(self.one("SELECT attribute_id FROM eav_attribute WHERE attribute_code = %s",
                            (code,)))  # fmt: skip

    def sql(self, statement: str, args: Any = None) -> int:
        with self.conn.cursor() as cur:
            cur.execute(statement, args)
            return int(cur.lastrowid or 0)

    def one(self, statement: str, args: Any = None) -> Any:
        with self.conn.cursor() as cur:
            cur.execute(statement, args)
            row = cur.fetchone()
        return row[0] if row else None

    def create(
        self, email: str, firstname: str = "Ada", note: str | None = None, entity_id: int = 0
    ) -> int:
        entity_id = (
            self.sql(
                "INSERT INTO customer_entity (entity_id, website_id, email, group_id, store_id,"
                " created_at, updated_at, firstname, lastname, password_hash) VALUES"
                " (NULLIF(%s, 0), 1, %s, 1, 1, %s, %s, %s, 'Lovelace', 'abc:salt:1')",
                (entity_id, email, STAMP, STAMP, firstname),
            )
            or entity_id
        )
        if note is not None:
            self.set_note(entity_id, note)
        return entity_id

    def set_note(self, entity_id: int, note: str) -> None:
        self.sql(
            "INSERT INTO customer_entity_varchar (attribute_id, entity_id, value) VALUES"
            " (%s, %s, %s) ON DUPLICATE KEY UPDATE value = VALUES(value)",
            (self.note, entity_id, note),
        )

    def rename(self, entity_id: int, firstname: str, updated_at: str = STAMP) -> None:
        self.sql(
            "UPDATE customer_entity SET firstname = %s, updated_at = %s WHERE entity_id = %s",
            (firstname, updated_at, entity_id),
        )

    def add_address(self, parent_id: int, city: str, landmark: str | None = None) -> int:
        address_id = self.sql(
            "INSERT INTO customer_address_entity (parent_id, created_at, updated_at, city,"
            " country_id, firstname, lastname, street, telephone) VALUES (%s, %s, %s, %s, 'FR',"
            " 'Ada', 'Lovelace', 'Rue 1\\nBat B', '0102')",
            (parent_id, STAMP, STAMP, city),
        )
        if landmark is not None:
            self.set_landmark(address_id, landmark)
        return address_id

    def set_landmark(self, address_id: int, landmark: str) -> None:
        self.sql(
            "INSERT INTO customer_address_entity_varchar (attribute_id, entity_id, value) VALUES"
            " (%s, %s, %s) ON DUPLICATE KEY UPDATE value = VALUES(value)",
            (self.landmark, address_id, landmark),
        )

    def state(self, entity_id: int) -> CustomerState | None:
        """The reference: MySQL rows through the same flatten the projector applies."""
        return reference_states(self.conn, [entity_id]).get(entity_id)

    def ensure_log(self) -> None:
        """Magento's ficus_reverse_log, as the reverse worker creates it (DDL: commits)."""
        self.sql(REVERSE_LOG_DDL)

    def marker(self, entity_id: int, outbox_id: int, digest: str) -> None:
        self.sql(
            "INSERT INTO ficus_reverse_log (domain, outbox_id, aggregate, entity_id, state_hash,"
            " applied_at) VALUES ('customer', %s, 'customer', %s, %s, UTC_TIMESTAMP(6))",
            (outbox_id, entity_id, digest),
        )

    def rehearse(self, entity_id: int, write: Callable[[], object]) -> str:
        """The state hash `write` leaves `entity_id` in, found in a rolled-back transaction
        (the reverse worker knows its merged state before writing; explicit timestamps make
        the replay land on the same state)."""
        self.conn.begin()
        write()
        digest = state_hash(self.state(entity_id))
        self.conn.rollback()
        return digest

    def reverse_write(
        self, entity_id: int, outbox_id: int, write: Callable[[], object], digest: str | None = None
    ) -> str:
        """What the reverse worker does: the marker first, then the rows, ONE transaction.
        `digest` defaults to the rehearsed state's hash. Returns the marker's hash."""
        self.ensure_log()  # DDL commits: outside the transactions below
        digest = digest or self.rehearse(entity_id, write)
        self.conn.begin()
        self.marker(entity_id, outbox_id, digest)
        write()
        self.conn.commit()
        return digest


def reference_states(conn: Conn, ids: list[int]) -> dict[int, CustomerState]:
    catalog = AttributeCatalog.load(conn)
    attributes = {
        a.attribute_id: a for c in ("customer", "customer_address") for a in catalog.of(c)
    }
    with conn.cursor(pymysql.cursors.DictCursor) as cur:
        cur.execute("SELECT * FROM customer_entity WHERE entity_id IN %s", (ids,))
        entities = list(cur.fetchall())
        cur.execute("SELECT * FROM customer_entity_varchar WHERE entity_id IN %s", (ids,))
        values = list(cur.fetchall())
        cur.execute("SELECT * FROM customer_address_entity WHERE parent_id IN %s", (ids,))
        addresses = list(cur.fetchall())
        address_ids = [a["entity_id"] for a in addresses] or [0]
        cur.execute(
            "SELECT * FROM customer_address_entity_varchar WHERE entity_id IN %s", (address_ids,)
        )
        address_values: dict[int, list[dict[str, Any]]] = {}
        for row in cur.fetchall():
            address_values.setdefault(int(row["entity_id"]), []).append(row)
    return {
        int(e["entity_id"]): customer_state(
            e, [v for v in values if v["entity_id"] == e["entity_id"]], addresses,
            address_values, attributes,
        )
        for e in entities
    }  # fmt: skip


def events_of(settings: SyncSettings, entity_id: int) -> list[tuple[int, str, Any]]:
    """(version, kind, payload) of every customer event of `entity_id`, in order."""
    with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT version, kind, payload FROM domain_event WHERE aggregate = 'customer'"
            " AND entity_id = %s ORDER BY seq",
            (entity_id,),
        ).fetchall()
    return [(int(v), str(k), p) for v, k, p in rows]


def projection_of(settings: SyncSettings, entity_id: int) -> tuple[int, str] | None:
    with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT version, state_hash FROM projection WHERE aggregate = 'customer'"
            " AND entity_id = %s",
            (entity_id,),
        ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


class Stepper:
    """sync's real pipeline on the embedded engine, but the test decides the batches: `take()`
    reads every transaction up to MariaDB's position now, `apply()` applies them as ONE batch."""

    def __init__(self, components: bootstrap.Components, source: CaptureSource) -> None:
        self.components = components
        self.source = source
        self.pipeline = Pipeline(
            components.pg, source, components.mirror, components.projector, components.lag,
            components.reload_shapes,
        )  # fmt: skip

    def take(self, settings: SyncSettings, timeout: float = 30) -> list[Transaction]:
        target = master_gtid(settings)
        taken: list[Transaction] = []
        deadline = time.monotonic() + timeout
        while not taken or gtid_distance(target, taken[-1].position.get("gtid")) > 0:
            if time.monotonic() > deadline:
                raise AssertionError(f"binlog did not reach {target}")
            txn = self.source.poll(timeout=0.5)
            if txn is not None:
                taken.append(txn)
        return taken

    def apply(self, batch: list[Transaction]) -> None:
        self.pipeline.apply(batch)

    def step(self, settings: SyncSettings) -> None:
        """Everything up to now, as one batch."""
        self.apply(self.take(settings))


@contextmanager
def stepper(settings: SyncSettings) -> Iterator[Stepper]:
    """Build, snapshot if needed, open the binlog at the checkpoint; close at the end."""
    components = bootstrap.build(settings)
    try:
        bootstrap.snapshot_if_needed(components)
        source = components.capture.source()
        position = database.load_checkpoint(components.pg, source.name)
        hints = {name: shape.hints for name, shape in components.mirror.shapes.items()}
        source.open(position, hints)
        try:
            yield Stepper(components, source)
        finally:
            source.close()
    finally:
        components.close()
