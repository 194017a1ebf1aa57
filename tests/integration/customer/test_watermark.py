"""The causal watermark on real engines (MariaDB with binlog, sync's embedded capture, projector
and reverse worker, the customer service): a customer event carries the newest outbox id
Magento's state in it has taken into account, and the service keeps exactly the fields of its
writes above it, acked or not (docs/reverse-sync.md, "Watermark")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pymysql
import pytest

from ficus_customer.bootstrap import Components, bootstrap
from ficus_customer.settings import CustomerSettings
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from ficus_legacy import customers
from tests.integration.customer.conftest import CRYPT_KEY
from tests.integration.customer.test_api import signup
from tests.integration.customer.test_round_trip import (
    Pipeline,
    _admin_token,
    _pool_filled,
    running_pipeline,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def live(
    stack: Stack,
    mariadb_conn: pymysql.Connection,  # type: ignore[type-arg]
    mariadb_database: str,
    customer_url: str,
) -> Iterator[Pipeline]:
    with running_pipeline(stack, mariadb_conn, mariadb_database, customer_url) as pipeline:
        yield pipeline


@pytest.fixture
def paused(
    stack: Stack,
    mariadb_conn: pymysql.Connection,  # type: ignore[type-arg]
    mariadb_database: str,
    customer_url: str,
) -> Iterator[tuple[Pipeline, Components]]:
    """The pipeline with the service's consumer off, and the service's feed to drain by hand."""
    with running_pipeline(
        stack, mariadb_conn, mariadb_database, customer_url, consume=False
    ) as pipeline:
        settings = CustomerSettings(
            database_url=customer_url, events_url=pipeline.sync.postgres_url,
            magento_crypt_key=CRYPT_KEY, migrate_on_start=False, poll_interval=30.0,
        )  # fmt: skip
        components = bootstrap(settings)
        try:
            yield pipeline, components
        finally:
            components.close()


def _created(pipeline: Pipeline) -> int:
    assert wait_until(lambda: _pool_filled(pipeline), 60, 0.1), "the id pool was not filled"
    created = pipeline.http.post("/rest/V1/customers", json=signup(addresses=[]))
    assert created.status_code == 200, created.text
    pipeline.settled()
    return int(created.json()["id"])


def _put(pipeline: Pipeline, customer_id: int, **changes: Any) -> None:
    admin = {"Authorization": "Bearer " + _admin_token()}
    body = {"customer": {**pipeline.row(customer_id)["state"], **changes}}  # type: ignore[dict-item]
    answer = pipeline.http.put(f"/rest/V1/customers/{customer_id}", json=body, headers=admin)
    assert answer.status_code == 200, answer.text


def _magento_edit(pipeline: Pipeline, customer_id: int, lastname: str) -> None:
    with pipeline.magento.cursor() as cur:
        cur.execute(
            "UPDATE customer_entity SET lastname = %s WHERE entity_id = %s", (lastname, customer_id)
        )
    pipeline.magento.commit()


def _watermarks(pipeline: Pipeline, customer_id: int) -> list[int | None]:
    with psycopg.connect(pipeline.sync.postgres_url) as conn:
        rows = conn.execute(
            "SELECT reverse_watermark FROM domain_event WHERE aggregate = 'customer'"
            " AND entity_id = %s ORDER BY seq",
            (customer_id,),
        ).fetchall()
    return [r[0] for r in rows]


def _last_outbox_id(pipeline: Pipeline, customer_id: int) -> int:
    with psycopg.connect(pipeline.service_db) as conn:
        row = conn.execute("SELECT max(id) FROM outbox WHERE entity_id = %s", (customer_id,))
        found = row.fetchone()
    assert found is not None and found[0] is not None
    return int(found[0])


def _magento(pipeline: Pipeline, customer_id: int) -> dict[str, Any]:
    pipeline.magento.commit()
    return customers.read(pipeline.magento, [customer_id])[customer_id].model_dump(mode="json")


def test_a_stale_event_after_the_ack_does_not_take_back_a_won_conflict(
    paused: tuple[Pipeline, Components],
) -> None:
    pipeline, components = paused
    customer_id = _created(pipeline)
    _magento_edit(pipeline, customer_id, "Magento")  # projected, not yet consumed
    assert wait_until(lambda: len(_watermarks(pipeline, customer_id)) == 1, 30, 0.05)
    _put(pipeline, customer_id, lastname="Service")  # newer: wins the conflict in Magento
    pipeline.settled()
    written = _last_outbox_id(pipeline, customer_id)
    assert _magento(pipeline, customer_id)["lastname"] == "Service"
    (watermark,) = _watermarks(pipeline, customer_id)  # the echo made no event
    assert watermark is not None and watermark < written  # the create's, not the update's
    assert components.consumer is not None
    components.consumer.drain()  # the Magento edit arrives after the service's write was acked
    row = pipeline.row(customer_id)
    assert row["state"]["lastname"] == "Service"  # type: ignore[index]
    assert row["forward_version"] == 1
    assert row["state"] == _magento(pipeline, customer_id)


def test_a_magento_edit_after_the_write_is_taken_even_back_to_an_earlier_value(
    live: Pipeline,
) -> None:
    pipeline = live
    customer_id = _created(pipeline)
    _put(pipeline, customer_id, lastname="King")
    pipeline.settled()
    written = _last_outbox_id(pipeline, customer_id)

    def lastname() -> object:
        return pipeline.row(customer_id)["state"]["lastname"]  # type: ignore[index]

    _magento_edit(pipeline, customer_id, "Byron")  # a Magento edit after the service's write
    assert wait_until(lambda: lastname() == "Byron", 30, 0.05), "the Magento edit was not taken"
    _magento_edit(pipeline, customer_id, "King")
    assert wait_until(lambda: lastname() == "King", 30, 0.05)
    _magento_edit(pipeline, customer_id, "Lovelace")  # the value the service's write replaced
    assert wait_until(lambda: lastname() == "Lovelace", 30, 0.05), "an earlier value was refused"
    assert _watermarks(pipeline, customer_id) == [written] * 3
    assert pipeline.row(customer_id)["state"] == _magento(pipeline, customer_id)
