"""A deletion in one system racing an edit in the other, on real engines (MariaDB with binlog,
sync's embedded capture, projector and reverse worker, the customer service): a manual conflict
on the customer itself, open in the conflict log with both sides' values; the deletion stands on
both sides meanwhile; `conflicts resolve ID --take magento|service` decides through the
pipeline (docs/reverse-sync.md, "Conflicts")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from ficus_customer.bootstrap import Components
from ficus_devstack.process import wait_until
from ficus_legacy import customers
from ficus_sync.reverse import actions, ledger
from ficus_sync.reverse.worker import ReverseConfig
from tests.integration.customer.test_round_trip import Pipeline, _admin_token
from tests.integration.customer.test_watermark import (
    _created,
    _magento_edit,
    _put,
    _watermarks,
)
from tests.integration.customer.test_watermark import paused as paused  # noqa: F401 - fixture
from tests.integration.sync.helpers import wait_caught_up

pytestmark = pytest.mark.integration


def _config(pipeline: Pipeline) -> ReverseConfig:
    service_url = pipeline.sync.reverse_databases()["customer"]
    return ReverseConfig("customer", service_url, pipeline.sync.mysql_url)


def _magento(pipeline: Pipeline, customer_id: int) -> dict[str, Any] | None:
    pipeline.magento.commit()
    found = customers.read(pipeline.magento, [customer_id]).get(customer_id)
    return None if found is None else found.model_dump(mode="json")


def _service(pipeline: Pipeline, customer_id: int) -> dict[str, Any] | None:
    with psycopg.connect(pipeline.service_db) as conn:
        row = conn.execute(
            "SELECT state FROM customer WHERE entity_id = %s", (customer_id,)
        ).fetchone()
    return None if row is None else dict(row[0])


def _conflicts(pipeline: Pipeline, customer_id: int) -> list[ledger.ConflictRow]:
    found = actions.conflicts(pipeline.sync.mysql_url, "customer", open_only=False)
    return [c for c in found if c.entity_id == customer_id]


@pytest.fixture
def raced(paused: tuple[Pipeline, Components]) -> Iterator[tuple[Pipeline, Components, int]]:  # noqa: F811
    """A customer the service deleted while a Magento edit it had not seen was on its way."""
    pipeline, components = paused
    customer_id = _created(pipeline)
    _magento_edit(pipeline, customer_id, "EditedInMagento")
    assert wait_until(lambda: len(_watermarks(pipeline, customer_id)) == 1, 30, 0.05)
    admin = {"Authorization": "Bearer " + _admin_token()}
    deleted = pipeline.http.delete(f"/rest/V1/customers/{customer_id}", headers=admin)
    assert deleted.status_code == 200, deleted.text
    pipeline.settled()
    assert components.consumer is not None
    components.consumer.drain()  # the Magento edit reaches the service after its deletion
    yield pipeline, components, customer_id


def test_a_deletion_racing_a_magento_edit_is_an_open_manual_conflict_with_both_values(
    raced: tuple[Pipeline, Components, int],
) -> None:
    pipeline, _, customer_id = raced
    assert _magento(pipeline, customer_id) is None  # the deletion stands meanwhile, both sides
    assert _service(pipeline, customer_id) is None
    [conflict] = _conflicts(pipeline, customer_id)
    assert (conflict.field, conflict.policy, conflict.status, conflict.winner) == (
        "(customer)", "manual", "open", "service",
    )  # fmt: skip
    assert conflict.magento_value["lastname"] == "EditedInMagento"  # Magento's lost state
    assert conflict.service_value is None  # the service's: deleted
    listed = actions.conflicts(pipeline.sync.mysql_url, "customer", open_only=True)
    assert conflict.id in [c.id for c in listed]  # `ficus conflicts --open` lists it


def test_take_magento_brings_the_customer_back_to_both_sides(
    raced: tuple[Pipeline, Components, int],
) -> None:
    pipeline, components, customer_id = raced
    [conflict] = _conflicts(pipeline, customer_id)
    actions.resolve_conflict(_config(pipeline), conflict.id, "magento", "tester")
    back = _magento(pipeline, customer_id)
    assert back is not None and back["lastname"] == "EditedInMagento"
    wait_caught_up(pipeline.sync)
    assert components.consumer is not None
    components.consumer.drain()
    assert _service(pipeline, customer_id) == _magento(pipeline, customer_id)
    [closed] = _conflicts(pipeline, customer_id)
    assert (closed.status, closed.resolved_by) == ("resolved", "tester: take magento")
    _put(pipeline, customer_id, firstname="Again")  # the service writes it as before
    pipeline.settled()
    again = _magento(pipeline, customer_id)
    assert again is not None and again["firstname"] == "Again"


def test_take_service_keeps_the_deletion(raced: tuple[Pipeline, Components, int]) -> None:
    pipeline, components, customer_id = raced
    [conflict] = _conflicts(pipeline, customer_id)
    done = actions.resolve_conflict(_config(pipeline), conflict.id, "service", "tester")
    assert "deletion stands" in done
    wait_caught_up(pipeline.sync)
    assert components.consumer is not None
    components.consumer.drain()
    assert _magento(pipeline, customer_id) is None and _service(pipeline, customer_id) is None
    [closed] = _conflicts(pipeline, customer_id)
    assert (closed.status, closed.resolved_by) == ("resolved", "tester: take service")


def test_an_edit_of_a_customer_magento_deleted_meanwhile_is_the_same_manual_conflict(
    paused: tuple[Pipeline, Components],  # noqa: F811
) -> None:
    """The other direction: the service edits, Magento deletes in the same window."""
    pipeline, components = paused
    customer_id = _created(pipeline)
    with pipeline.magento.cursor() as cur:
        cur.execute("DELETE FROM customer_entity WHERE entity_id = %s", (customer_id,))
    pipeline.magento.commit()
    assert wait_until(lambda: len(_watermarks(pipeline, customer_id)) == 1, 30, 0.05)
    _put(pipeline, customer_id, lastname="EditedInService")  # not seen the deletion yet
    pipeline.settled()
    assert _magento(pipeline, customer_id) is None  # parked: not written
    [conflict] = _conflicts(pipeline, customer_id)
    assert (conflict.field, conflict.policy, conflict.status) == ("(customer)", "manual", "open")
    assert conflict.magento_value is None
    assert conflict.service_value["lastname"] == "EditedInService"
    assert components.consumer is not None
    components.consumer.drain()  # Magento's deletion reaches the service: both sides agree
    assert _service(pipeline, customer_id) is None
    actions.resolve_conflict(_config(pipeline), conflict.id, "service", "tester")
    wait_caught_up(pipeline.sync)
    components.consumer.drain()
    service = _service(pipeline, customer_id)
    assert service is not None and service["lastname"] == "EditedInService"
    assert service == _magento(pipeline, customer_id)
