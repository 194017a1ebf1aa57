"""The customer service in the real pipeline: its writes reach Magento through sync's reverse
worker and come back as echoes that change nothing (no event, no version bump); a Magento edit
reaches the service as a forward event (MariaDB with binlog, sync's embedded capture, its
reverse worker, the service over HTTP)."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import psycopg
import pymysql
import pytest
from psycopg.rows import dict_row

from ficus_customer.api import create_app
from ficus_customer.settings import CustomerSettings
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from ficus_legacy import customers, tokens
from ficus_legacy.schema import install
from ficus_sync import bootstrap
from ficus_sync.lag import LagTracker
from ficus_sync.settings import SyncSettings
from tests.integration.catalog.conftest import fresh_database
from tests.integration.customer.conftest import CRYPT_KEY, serving
from tests.integration.customer.test_api import PASSWORD, signup
from tests.integration.sync.helpers import wait_caught_up

pytestmark = pytest.mark.integration


@dataclass
class Pipeline:
    http: httpx.Client
    service_db: str
    sync: SyncSettings
    magento: pymysql.Connection  # type: ignore[type-arg]

    def row(self, entity_id: int) -> dict[str, object]:
        with psycopg.connect(self.service_db, row_factory=dict_row) as conn:
            row = conn.execute(
                "SELECT state, forward_version, version FROM customer WHERE entity_id = %s",
                (entity_id,),
            ).fetchone()
        assert row is not None
        return row

    def events(self) -> list[tuple[int, int]]:
        with psycopg.connect(self.sync.postgres_url) as conn:
            rows = conn.execute(
                "SELECT entity_id, version FROM domain_event WHERE aggregate = 'customer'"
                " ORDER BY seq"
            ).fetchall()
        return [(int(r[0]), int(r[1])) for r in rows]

    def pending(self) -> int:
        with psycopg.connect(self.service_db) as conn:
            row = conn.execute("SELECT count(*) FROM outbox WHERE acked_at IS NULL").fetchone()
        return int(row[0]) if row else -1

    def settled(self) -> None:
        """Every outbox row applied to Magento, and forward capture past it."""
        assert wait_until(lambda: self.pending() == 0, 30, 0.05), "reverse sync did not drain"
        wait_caught_up(self.sync)
        self.magento.commit()


def _run(workers: dict[str, bootstrap.Worker]) -> tuple[threading.Event, list[threading.Thread]]:
    stop = threading.Event()
    threads = [threading.Thread(target=w, args=(stop,), name=n) for n, w in workers.items()]
    for thread in threads:
        thread.start()
    return stop, threads


@pytest.fixture
def pipeline(
    stack: Stack,
    mariadb_conn: pymysql.Connection,
    mariadb_database: str,
    customer_url: str,  # type: ignore[type-arg]
) -> Iterator[Pipeline]:
    with running_pipeline(stack, mariadb_conn, mariadb_database, customer_url) as running:
        yield running


@contextmanager
def running_pipeline(
    stack: Stack,
    mariadb_conn: pymysql.Connection,  # type: ignore[type-arg]
    mariadb_database: str,
    customer_url: str,
    *,
    consume: bool = True,
) -> Iterator[Pipeline]:
    """Sync (embedded capture, projector, reverse worker) and the customer service over HTTP
    (its consumer off unless `consume`: a test then drains events itself)."""
    admin = stack.mariadb.admin_connection()
    with admin.cursor() as cur:  # column names in the binlog's table maps
        cur.execute("SET GLOBAL binlog_row_metadata = 'FULL'")
    admin.close()
    install(mariadb_conn)
    mariadb_conn.commit()
    s = stack.settings
    mysql = f"mysql://{s.mariadb_user}:{s.mariadb_password}@{s.host}:{s.mariadb_port}"
    with fresh_database(stack, "sync") as sync_url:
        settings = SyncSettings(
            mysql_url=f"{mysql}/{mariadb_database}", postgres_url=sync_url,
            server_id=random.randint(5000, 2_000_000), reverse_customer_database_url=customer_url,
            reverse_pool_low=5, reverse_pool_block=20,
        )  # fmt: skip
        lag = LagTracker()
        stop, threads = _run(
            bootstrap.workers(settings, lag, bootstrap.reverse_status(settings, lag))
        )
        wait_caught_up(settings)  # the first snapshot is taken before the service writes
        service = CustomerSettings(
            database_url=customer_url, events_url=sync_url, magento_crypt_key=CRYPT_KEY,
            migrate_on_start=False, poll_interval=0.2, consumer_enabled=consume,
        )  # fmt: skip
        try:
            with (
                serving(create_app(service)) as url,
                httpx.Client(base_url=url, timeout=30) as http,
            ):
                yield Pipeline(http, customer_url, settings, mariadb_conn)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)


def _pool_filled(pipeline: Pipeline) -> bool:
    with psycopg.connect(pipeline.service_db) as conn:
        row = conn.execute("SELECT count(DISTINCT entity_table) FROM magento_id_pool").fetchone()
    return bool(row and row[0] == 2)


def test_service_writes_reach_magento_once_and_their_echoes_change_nothing(
    pipeline: Pipeline,
) -> None:
    assert wait_until(lambda: _pool_filled(pipeline), 60, 0.1), "the id pool was not filled"
    created = pipeline.http.post("/rest/V1/customers", json=signup())
    assert created.status_code == 200, created.text
    customer_id = int(created.json()["id"])
    token = pipeline.http.post(
        "/rest/V1/integration/customer/token",
        json={"username": "ada@example.com", "password": PASSWORD},
    ).json()
    me = {"Authorization": f"Bearer {token}"}
    body = {"customer": {**created.json(), "lastname": "King"}}
    assert pipeline.http.put("/rest/V1/customers/me", json=body, headers=me).status_code == 200
    pipeline.settled()

    magento = customers.read(pipeline.magento, [customer_id])[customer_id]
    service = pipeline.row(customer_id)
    assert magento.model_dump(mode="json") == service["state"]  # Magento holds the service's
    assert (service["version"], service["forward_version"]) == (2, 0)  # no echo applied
    assert pipeline.events() == []  # 2 service writes, 0 forward events

    with pipeline.magento.cursor() as cur:  # an admin edit in Magento, after the lag
        cur.execute("UPDATE customer_entity SET firstname = 'Augusta' WHERE entity_id = %s",
                    (customer_id,))  # fmt: skip
    pipeline.magento.commit()

    def edited() -> bool:
        return pipeline.row(customer_id)["state"]["firstname"] == "Augusta"  # type: ignore[index]

    assert wait_until(edited, 30, 0.05), "the Magento edit did not reach the service"
    assert pipeline.events() == [(customer_id, 1)]
    row = pipeline.row(customer_id)
    assert (row["version"], row["forward_version"]) == (3, 1)
    assert row["state"]["lastname"] == "King"  # type: ignore[index]


def test_edits_on_both_sides_within_the_lag_converge(pipeline: Pipeline) -> None:
    assert wait_until(lambda: _pool_filled(pipeline), 60, 0.1), "the id pool was not filled"
    created = pipeline.http.post("/rest/V1/customers", json=signup(addresses=[]))
    customer_id = int(created.json()["id"])
    pipeline.settled()
    admin = {"Authorization": "Bearer " + _admin_token()}
    with pipeline.magento.cursor() as cur:  # Magento's edit and the service's, in one window
        cur.execute("UPDATE customer_entity SET lastname = 'Magento' WHERE entity_id = %s",
                    (customer_id,))  # fmt: skip
    pipeline.magento.commit()
    body = {"customer": {**created.json(), "firstname": "Service"}}
    saved = pipeline.http.put(f"/rest/V1/customers/{customer_id}", json=body, headers=admin)
    assert saved.status_code == 200, saved.text
    pipeline.settled()

    def converged() -> bool:
        pipeline.magento.commit()
        magento = customers.read(pipeline.magento, [customer_id])[customer_id]
        return magento.model_dump(mode="json") == pipeline.row(customer_id)["state"]

    assert wait_until(converged, 30, 0.1), "the two sides did not converge"
    state = pipeline.row(customer_id)["state"]
    assert (state["firstname"], state["lastname"]) == ("Service", "Magento")  # type: ignore[index]


def _admin_token() -> str:
    return tokens.issue(tokens.signing_key(CRYPT_KEY), 1, tokens.UserType.ADMIN)
