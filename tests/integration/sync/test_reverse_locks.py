"""Reverse sync's batch beside the stand-in's customer writes, on one real MariaDB: a batch
locks its own customers only (their rows, addresses, grid rows; customer rows first, as every
stand-in write). Held open right before its COMMIT, it does not stop the stand-in from saving
another customer's profile and addresses. Its locking reads used to scan (the optimizer's
choice on a small table) and REPEATABLE READ kept every scanned row locked: the stand-in's
save of another customer then waited on the batch while the batch waited on it, InnoDB
deadlock 1213, a 500 to the shopper. A batch that still loses a deadlock is run again in place.
"""

# ruff: noqa: F811 - the fixtures are imported from test_reverse_support

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from ficus_contracts.customers import CustomerState
from ficus_contracts.reverse import OutboxRow
from ficus_devstack.process import wait_until
from ficus_standin import StandinSettings, create_app
from ficus_sync.reverse.magento import Magento as Reverse
from ficus_sync.reverse.worker import mysql_connection
from tests.integration.sync.test_reverse_support import (  # noqa: F401 - fixtures
    START,
    Magento,
    customer,
    magento,
)

pytestmark = pytest.mark.integration
ADMIN = {"username": "admin", "password": "Secret-admin-1"}


def _address(entity_id: int, city: str = "Oslo") -> dict[str, Any]:
    return {
        "entity_id": entity_id, "firstname": "Ann", "lastname": "Lee", "street": "1 Main St",
        "city": city, "country_id": "NO", "telephone": "555", "created_at": START,
        "updated_at": START,
    }  # fmt: skip


def _seeded(magento: Magento, entity_id: int, address_id: int) -> CustomerState:
    state = customer(entity_id, addresses=[_address(address_id)], default_billing=address_id)
    magento.write(state)
    return state


def _row(outbox_id: int, state: CustomerState, base: CustomerState | None) -> OutboxRow:
    return OutboxRow(
        id=outbox_id, aggregate="customer", entity_id=state.entity_id, kind="upserted",
        payload=state.model_dump(mode="json"),
        base=None if base is None else base.model_dump(mode="json"),
        hlc=int(time.time() * 1000) << 16, service_version=1,
    )  # fmt: skip


class HeldBatch:
    """`apply_batch` in a thread, paused right before its COMMIT until `release()`."""

    def __init__(self, mysql_url: str, rows: list[OutboxRow]) -> None:
        self.held, self._go = threading.Event(), threading.Event()
        self.outcomes: list[object] = []
        reverse = Reverse(mysql_connection(mysql_url), "customer", self._pause)
        self.thread = threading.Thread(
            target=lambda: self.outcomes.extend(reverse.apply_batch(rows, 0.0)), daemon=True
        )
        self.thread.start()

    def _pause(self, point: str) -> None:
        if point == "before_commit":
            self.held.set()
            self._go.wait(60)

    def release(self) -> None:
        self._go.set()
        self.thread.join(30)


@pytest.fixture
def standin(magento: Magento, mysql_url: str) -> Iterator[TestClient]:
    settings = StandinSettings(
        mysql_url=SecretStr(mysql_url),
        jwt_secret=SecretStr("integration-secret-of-sufficient-length"),
        admin_username=ADMIN["username"], admin_password=SecretStr(ADMIN["password"]),
        pool_size=2,
    )  # fmt: skip
    with TestClient(create_app(settings)) as client:
        yield client


def test_an_open_batch_does_not_hold_up_the_stand_in_saving_another_customer(
    magento: Magento, mysql_url: str, standin: TestClient
) -> None:
    ours, theirs = _seeded(magento, 7001, 9001), _seeded(magento, 7003, 9003)
    token = standin.post("/rest/V1/integration/admin/token", json=ADMIN).json()
    theirs_json = standin.get(f"/rest/V1/customers/{theirs.entity_id}",
                              headers={"Authorization": f"Bearer {token}"}).json()  # fmt: skip
    born = customer(7002, email="born@example.com")  # a service-born id between the two
    dumped = ours.model_dump(mode="json")
    edited = CustomerState.model_validate(
        {**dumped, "firstname": "Batch", "addresses": [*dumped["addresses"], _address(9002)]}
    )
    batch = HeldBatch(mysql_url, [_row(1, edited, ours), _row(2, born, None)])
    assert batch.held.wait(30), "the batch did not reach its COMMIT"
    theirs_json["firstname"] = "Standin"
    added = {**theirs_json["addresses"][0], "id": None, "city": "Tromso"}
    theirs_json["addresses"] = [*theirs_json["addresses"], added]
    pool = ThreadPoolExecutor(1)
    try:
        saving = pool.submit(
            standin.put, f"/rest/V1/customers/{theirs.entity_id}",
            json={"customer": theirs_json}, headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip
        saved: httpx.Response = saving.result(timeout=20)  # waits here when the batch holds it
    finally:
        batch.release()
        pool.shutdown(wait=True)
    assert saved.status_code == 200, saved.text
    assert [o.status for o in batch.outcomes] == ["applied", "applied"]  # type: ignore[attr-defined]
    now = magento.read(theirs.entity_id)
    assert now is not None and now.firstname == "Standin" and len(now.addresses) == 2
    assert magento.read(ours.entity_id) == edited


def _deadlocks(magento: Magento) -> int:
    """InnoDB's count of deadlocks it has broken since the server started."""
    return int(magento.scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                              " WHERE VARIABLE_NAME = 'INNODB_DEADLOCKS'"))  # fmt: skip


def _grid_write_blocked(magento: Magento) -> bool:
    """The batch's grid refresh is on the server, waiting: INNODB_TRX does not always list a
    transaction blocked inside an INSERT … SELECT (seen on MariaDB 10.11), the process list
    does."""
    return bool(magento.scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                               " WHERE info LIKE 'INSERT INTO customer_grid_flat%'"))  # fmt: skip


def test_a_batch_that_loses_a_deadlock_is_applied_again_in_place(
    magento: Magento, mysql_url: str
) -> None:
    ours = _seeded(magento, 7001, 9001)
    edited = ours.model_copy(update={"firstname": "Batch"})
    runs: list[str] = []
    reverse = Reverse(mysql_connection(mysql_url), "customer", runs.append)
    outcomes: list[object] = []
    batch = threading.Thread(
        target=lambda: outcomes.extend(reverse.apply_batch([_row(1, edited, ours)], 0.0)),
        daemon=True,
    )
    other = mysql_connection(mysql_url)
    deadlocks = _deadlocks(magento)
    try:
        other.begin()
        with other.cursor() as cur:  # heavier than the batch: InnoDB rolls the batch back
            cur.executemany(
                "INSERT INTO customer_entity (entity_id, email, website_id) VALUES (%s, %s, 1)",
                [(i, f"ballast{i}@example.com") for i in range(8000, 8200)],
            )
            cur.execute("SELECT 1 FROM customer_grid_flat WHERE entity_id = 7001 FOR UPDATE")
        batch.start()  # locks customer 7001, then waits for its grid row
        assert wait_until(lambda: _grid_write_blocked(magento), 20, interval=0.05)
        with other.cursor() as cur:  # the opposite order: the cycle closes, the batch loses
            cur.execute("SELECT 1 FROM customer_entity WHERE entity_id = 7001 FOR UPDATE")
        other.commit()
    finally:
        other.close()
        batch.join(30)
    assert _deadlocks(magento) > deadlocks  # the cycle closed and InnoDB broke it
    assert [o.status for o in outcomes] == ["applied"]  # type: ignore[attr-defined]
    assert runs == ["before_commit", "after_commit"]  # one COMMIT: the second run's
    assert magento.read(7001) == edited
    assert [row[0] for row in magento.log()] == [1]
