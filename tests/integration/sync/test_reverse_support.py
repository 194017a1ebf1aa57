"""Support of reverse sync's integration tests (no tests here): Magento's database with its
schema, a service database with the reverse contract's outbox and id pool, the worker in a
thread. The test modules import these fixtures."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from ficus_contracts.customers import CustomerState
from ficus_contracts.reverse import OUTBOX_DDL
from ficus_devstack import Stack
from ficus_legacy import customers as legacy
from ficus_legacy.schema import install
from ficus_sync.reverse import ledger
from ficus_sync.reverse.outbox import Outbox, probe_backlog
from ficus_sync.reverse.status import ReverseStatus
from ficus_sync.reverse.worker import ReverseConfig, ReverseWorker, mysql_connection
from ficus_sync.settings import SyncSettings
from tests.integration.sync.conftest import SyncProcess, free_port, poll

pytestmark = pytest.mark.integration

Connection = Any
START = "2026-01-01 10:00:00"


def customer(entity_id: int, email: str | None = None, **values: Any) -> CustomerState:
    fields: dict[str, Any] = {
        "entity_id": entity_id, "website_id": 1, "email": email or f"c{entity_id}@example.com",
        "created_at": START, "updated_at": START, "firstname": "Ann", "lastname": "Lee",
        "store_id": 1, "group_id": 1,
    }  # fmt: skip
    return CustomerState.model_validate({**fields, **values})


def hlc(at_ms: float | None = None) -> int:
    return int(at_ms if at_ms is not None else time.time() * 1000) << 16


class Service:
    """The service's side of the contract: its outbox and id pool (Postgres)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.conn = psycopg.connect(url, autocommit=True)
        self.conn.execute(OUTBOX_DDL)  # type: ignore[arg-type]

    def write(
        self, state: CustomerState | dict[str, Any] | None, base: CustomerState | None = None,
        *, entity_id: int | None = None, kind: str = "upserted", at_ms: float | None = None,
    ) -> int:  # fmt: skip
        payload = state.model_dump(mode="json") if isinstance(state, CustomerState) else state
        entity = entity_id if entity_id is not None else int((payload or {})["entity_id"])
        row = self.conn.execute(
            "INSERT INTO outbox (aggregate, entity_id, kind, payload, base, hlc, service_version)"
            " VALUES ('customer', %s, %s, %s, %s, %s, 1) RETURNING id",
            (entity, kind, None if payload is None else Jsonb(payload),
             None if base is None else Jsonb(base.model_dump(mode="json")), hlc(at_ms)),
        ).fetchone()  # fmt: skip
        self.conn.execute("NOTIFY ficus_outbox_customer")
        assert row is not None
        return int(row[0])

    def pending(self) -> int:
        return Outbox(self.conn, "customer").backlog().pending

    def pool_sizes(self) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT entity_table, count(*) FROM magento_id_pool GROUP BY entity_table"
        )
        return {str(table): int(count) for table, count in rows}

    def take_id(self, table: str) -> int:
        row = self.conn.execute(
            "DELETE FROM magento_id_pool WHERE (entity_table, entity_id) = (SELECT entity_table,"
            " entity_id FROM magento_id_pool WHERE entity_table = %s ORDER BY entity_id LIMIT 1)"
            " RETURNING entity_id",
            (table,),
        ).fetchone()
        assert row is not None, f"the {table} pool is empty"
        return int(row[0])


class Magento:
    """Magento's database as a test sees it (its own connection, autocommit)."""

    def __init__(self, url: str) -> None:
        self.conn = mysql_connection(url)
        install(self.conn)
        self.conn.commit()
        ledger.ensure(self.conn)

    def read(self, entity_id: int) -> CustomerState | None:
        return legacy.read(self.conn, [entity_id]).get(entity_id)

    def write(self, state: CustomerState) -> None:
        self.conn.begin()
        legacy.write(self.conn, state, self.read(state.entity_id))
        self.conn.commit()

    def scalar(self, sql: str, args: Any = None) -> Any:
        with self.conn.cursor() as cur:
            cur.execute(sql, args if isinstance(args, tuple | list) or args is None else (args,))
            row = cur.fetchone()
        return None if row is None else row[0]

    def log(self) -> list[tuple[Any, ...]]:
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT outbox_id, entity_id, state_hash, status FROM ficus_reverse_log "
                "ORDER BY outbox_id"
            )
            return list(cur.fetchall())


@pytest.fixture
def service(postgres_url: str) -> Iterator[Service]:
    the_service = Service(postgres_url)
    yield the_service
    the_service.conn.close()


@pytest.fixture
def magento(mysql_url: str) -> Iterator[Magento]:
    the_magento = Magento(mysql_url)
    yield the_magento
    the_magento.conn.close()


@pytest.fixture
def config(mysql_url: str, service: Service) -> ReverseConfig:
    return ReverseConfig(
        "customer", service.url, mysql_url, pool_low=5, pool_block=10, poll_seconds=0.2
    )


class Running:
    def __init__(self, config: ReverseConfig) -> None:
        import prometheus_client

        self.status = ReverseStatus(
            prometheus_client.CollectorRegistry(),
            {"customer": lambda: probe_backlog(config.service_url)},
        )
        self.stop = threading.Event()
        self.thread = threading.Thread(target=ReverseWorker(config, self.status).run,
                                       args=(self.stop,), daemon=True)  # fmt: skip
        self.thread.start()

    def halt(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)


@pytest.fixture
def worker(config: ReverseConfig) -> Iterator[Callable[[], Running]]:
    started: list[Running] = []

    def start() -> Running:
        started.append(Running(config))
        return started[-1]

    yield start
    for running in started:
        running.halt()


@pytest.fixture
def sync_run(
    stack: Stack, service: Service, mysql_url: str, tmp_path: Path
) -> Iterator[Callable[[], tuple[SyncSettings, SyncProcess]]]:
    """`python -m ficus_sync run` (forward sync and the reverse worker for customer) on a
    database of its own; stopped, and its database dropped, after the test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    stack.postgres.ensure_database(name)
    settings = SyncSettings(
        mysql_url=mysql_url, postgres_url=stack.settings.postgres_url(name), port=free_port(),
        server_id=random.randint(5000, 2_000_000), reverse_customer_database_url=service.url,
    )  # fmt: skip
    started: list[SyncProcess] = []

    def start() -> tuple[SyncSettings, SyncProcess]:
        started.append(SyncProcess(settings, tmp_path / "sync.log").start("run"))
        return settings, started[-1]

    yield start
    for process in started:
        process.stop()
    with stack.postgres.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drained(service: Service, timeout: float = 30) -> None:
    poll(lambda: service.pending() == 0, timeout, "the outbox was not drained")
