"""Reverse sync's failures on real databases: a row Magento refuses is logged dead and
acknowledged, the stream goes on, health shows it, and a replay after the cause is fixed
applies it in the worker's one transaction; lost connections (both databases) are retried."""

# ruff: noqa: F811 - the fixtures are imported from test_reverse_support

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pymysql
import pytest

from ficus_sync.reverse import actions
from ficus_sync.reverse.worker import ReverseConfig
from tests.integration.sync.conftest import poll
from tests.integration.sync.test_reverse_support import (  # noqa: F401 - fixtures
    Magento,
    Running,
    Service,
    config,
    customer,
    drained,
    magento,
    service,
    worker,
)

pytestmark = pytest.mark.integration


def test_poison_rows_go_to_the_dlq_and_the_stream_goes_on(
    service: Service, magento: Magento, worker: Callable[[], Running], mysql_url: str
) -> None:
    invalid = service.write({"entity_id": 8001, "email": None}, entity_id=8001)
    refused = service.write(customer(8002, website_id=77))  # no such website: a FK refuses
    fine = service.write(customer(8003))
    running = worker()
    drained(service)
    assert magento.read(8003) is not None and magento.read(8002) is None
    assert [(r[0], r[3]) for r in magento.log()] == [
        (invalid, "dead"), (refused, "dead"), (fine, "applied"),
    ]  # fmt: skip
    dead = actions.dead_letters(mysql_url, "customer")
    assert [d.outbox_id for d in dead] == [invalid, refused]
    assert "invalid outbox row" in dead[0].error and "foreign key" in dead[1].error.lower()
    poll(lambda: running.status.health()["customer"]["dlq"] == 2, 10, "health shows no DLQ")
    health = running.status.health()["customer"]
    assert health["running"] and health["pending"] == 0 and health["last_error"]
    assert running.status.dead_total.labels("customer")._value.get() == 2


def test_replay_applies_a_fixed_dead_row_and_leaves_a_still_broken_one(
    service: Service, magento: Magento, worker: Callable[[], Running], config: ReverseConfig,
    mysql_url: str,
) -> None:  # fmt: skip
    invalid = service.write({"entity_id": 8011}, entity_id=8011)
    refused = service.write(customer(8012, website_id=78))
    running = worker()
    drained(service)
    running.halt()
    with magento.conn.cursor() as cur:  # the cause is fixed: the website exists now
        cur.execute("INSERT INTO store_website VALUES (78, 'w78', 'W78', 0, 1, 0)")
    result = actions.replay(config)
    assert result.replayed == [refused] and list(result.failed) == [invalid]
    assert magento.read(8012) == customer(8012, website_id=78)
    assert [(r[0], r[3]) for r in magento.log()] == [(invalid, "dead"), (refused, "applied")]
    assert [d.outbox_id for d in actions.dead_letters(mysql_url, "customer")] == [invalid]


def test_lost_connections_are_retried_and_nothing_is_lost_or_repeated(
    service: Service, magento: Magento, worker: Callable[[], Running]
) -> None:
    running = worker()
    first = [service.write(customer(8100 + n)) for n in range(10)]
    drained(service)
    kill_other_sessions(service, magento)  # both databases drop the worker's connections
    second = [service.write(customer(8200 + n)) for n in range(10)]
    drained(service)
    assert [row[0] for row in magento.log()] == first + second
    assert magento.scalar("SELECT count(*) FROM customer_entity") == 20
    poll(lambda: running.status.health()["customer"]["running"], 10, "the worker did not resume")
    assert running.status.health()["customer"]["last_error"]  # the loss was reported


def kill_other_sessions(service: Service, magento: Magento) -> None:
    service.conn.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    with magento.conn.cursor() as cur:
        cur.execute(
            "SELECT id FROM information_schema.processlist WHERE db = DATABASE() "
            "AND id <> CONNECTION_ID()"
        )
        for (session_id,) in cur.fetchall():
            with contextlib.suppress(pymysql.err.OperationalError):  # gone meanwhile (1094)
                cur.execute(f"KILL CONNECTION {int(session_id)}")
