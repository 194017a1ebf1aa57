"""A customer's outbox ids increase in commit order (the forward watermark relies on it): every
write path locks the customer row before it inserts its outbox row, so a concurrent write of the
same customer takes its id only after the holder committed."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import psycopg
import pytest

from ficus_customer import repository
from ficus_devstack.process import wait_until
from tests.integration.customer.conftest import Service
from tests.integration.customer.test_api import PASSWORD, signup

pytestmark = pytest.mark.integration

Write = Callable[[Service, int], httpx.Response]


def _update(service: Service, customer_id: int) -> httpx.Response:
    body = {"customer": {**(service.state(customer_id) or {}), "lastname": "Later"}}
    return service.http.put(f"/rest/V1/customers/{customer_id}", json=body, headers=service.admin())


def _sign_in_failure(service: Service, _customer_id: int) -> httpx.Response:
    body = {"username": "ada@example.com", "password": "wrong-" + PASSWORD}  # a counted failure
    return service.http.post("/rest/V1/integration/customer/token", json=body)


def _delete(service: Service, customer_id: int) -> httpx.Response:
    return service.http.delete(f"/rest/V1/customers/{customer_id}", headers=service.admin())


def _waiting_on_a_lock(conn: psycopg.Connection[tuple[object, ...]]) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    ).fetchone()
    return bool(row and row[0])


@pytest.mark.parametrize("write", [_update, _sign_in_failure, _delete])
def test_a_write_takes_its_outbox_id_after_the_customer_lock(
    service: Service, write: Write
) -> None:
    created = service.http.post("/rest/V1/customers", json=signup())
    assert created.status_code == 200, created.text
    customer_id = int(created.json()["id"])
    answers: list[httpx.Response] = []
    with (
        repository.connect(service.database_url) as holder,
        psycopg.connect(service.database_url, autocommit=True) as watcher,
    ):
        stored = repository.load(holder, customer_id, for_update=True)  # the lock, held
        assert stored is not None
        thread = threading.Thread(target=lambda: answers.append(write(service, customer_id)))
        thread.start()
        assert wait_until(lambda: _waiting_on_a_lock(watcher), 10, 0.02), "the write did not wait"
        assert len(service.outbox()) == 1  # only the sign-up's: no id taken while it waits
        first = repository.append_outbox(holder, customer_id, stored.state, None, stored.clocks)
        holder.commit()
        thread.join(30)
    assert answers and answers[0].status_code in (200, 401), answers[0].text
    ids = [row["id"] for row in service.outbox()]
    assert len(ids) == 3 and ids[1] == first and ids[2] > first  # commit order
