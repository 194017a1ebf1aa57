"""Manual conflicts on real databases: an email changed on both sides keeps Magento's value
and stays open; a customer born in the service with a taken email parks; an operator's
decision (`take service` / `take magento`) is applied with the conflict's closing."""

# ruff: noqa: F811 - the fixtures are imported from test_reverse_support

from __future__ import annotations

from collections.abc import Callable

import pytest

from ficus_sync.reverse import actions
from ficus_sync.reverse.errors import ResolutionRefused
from ficus_sync.reverse.worker import ReverseConfig
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


def open_conflicts(mysql_url: str) -> list[actions.ledger.ConflictRow]:
    return actions.conflicts(mysql_url, "customer", open_only=True)


def test_email_changed_on_both_sides_stays_open_until_taken_from_magento(
    service: Service, magento: Magento, worker: Callable[[], Running], config: ReverseConfig,
    mysql_url: str,
) -> None:  # fmt: skip
    base = customer(7101)
    magento.write(base)
    magento.write(base.model_copy(update={"email": "m@example.com"}))
    service.write(base.model_copy(update={"email": "s@example.com", "firstname": "S"}), base)
    worker()
    drained(service)
    now = magento.read(7101)
    assert now is not None and (now.email, now.firstname) == ("m@example.com", "S")
    [conflict] = open_conflicts(mysql_url)
    assert (conflict.field, conflict.magento_value, conflict.service_value) == (
        "email", "m@example.com", "s@example.com",
    )  # fmt: skip
    assert (conflict.policy, conflict.winner) == ("manual", "magento")
    done = actions.resolve_conflict(config, conflict.id, "magento", "tester")
    assert "goes to the service" in done
    after = magento.read(7101)
    assert after is not None and after.email == "m@example.com"
    assert after.updated_at > now.updated_at  # a change the forward path projects and emits
    assert open_conflicts(mysql_url) == []
    [closed] = actions.conflicts(mysql_url, "customer", open_only=False)
    assert closed.resolved_by == "tester: take magento"
    with pytest.raises(ResolutionRefused):
        actions.resolve_conflict(config, conflict.id, "service", "tester")


def test_take_service_writes_the_services_email(
    service: Service, magento: Magento, worker: Callable[[], Running], config: ReverseConfig,
    mysql_url: str,
) -> None:  # fmt: skip
    base = customer(7111)
    magento.write(base)
    magento.write(base.model_copy(update={"email": "m2@example.com"}))
    service.write(base.model_copy(update={"email": "s2@example.com"}), base)
    worker()
    drained(service)
    [conflict] = open_conflicts(mysql_url)
    actions.resolve_conflict(config, conflict.id, "service", "tester")
    now = magento.read(7111)
    assert now is not None and now.email == "s2@example.com"


def test_a_new_customer_with_a_taken_email_parks_until_the_email_is_free(
    service: Service, magento: Magento, worker: Callable[[], Running], config: ReverseConfig,
    mysql_url: str,
) -> None:  # fmt: skip
    magento.write(customer(7121, email="taken@example.com"))
    born = customer(7122, email="taken@example.com")
    outbox_id = service.write(born)
    worker()
    drained(service)
    assert magento.read(7122) is None
    assert (outbox_id, 7122, "", "parked") in magento.log()
    [conflict] = open_conflicts(mysql_url)
    assert conflict.field == "email" and conflict.magento_value["taken_by"] == 7121
    with pytest.raises(ResolutionRefused, match="held by Magento customer 7121"):
        actions.resolve_conflict(config, conflict.id, "service", "tester")
    magento.write(customer(7121, email="moved@example.com"))
    actions.resolve_conflict(config, conflict.id, "service", "tester")
    now = magento.read(7122)
    assert now is not None and now.email == "taken@example.com"


def test_an_edit_of_a_customer_deleted_in_magento_parks_and_can_be_restored(
    service: Service, magento: Magento, worker: Callable[[], Running], config: ReverseConfig,
    mysql_url: str,
) -> None:  # fmt: skip
    base = customer(7131)
    magento.write(base)
    with magento.conn.cursor() as cur:
        cur.execute("DELETE FROM customer_entity WHERE entity_id = 7131")
    service.write(base.model_copy(update={"firstname": "Still here"}), base)
    worker()
    drained(service)
    assert magento.read(7131) is None
    [conflict] = open_conflicts(mysql_url)
    assert conflict.field == "(customer)"
    actions.resolve_conflict(config, conflict.id, "service", "tester")
    now = magento.read(7131)
    assert now is not None and now.firstname == "Still here"


def test_a_new_customer_on_an_id_magento_uses_parks_and_never_overwrites(
    service: Service, magento: Magento, worker: Callable[[], Running], config: ReverseConfig,
    mysql_url: str,
) -> None:  # fmt: skip
    theirs = customer(7141, email="magento@example.com")
    magento.write(theirs)
    service.write(customer(7141, email="service@example.com"))  # no base: born in the service
    worker()
    drained(service)
    assert magento.read(7141) == theirs
    [conflict] = open_conflicts(mysql_url)
    assert conflict.field == "(customer)" and conflict.magento_value["email"] == theirs.email
    with pytest.raises(ResolutionRefused, match="Magento customer 7141 exists"):
        actions.resolve_conflict(config, conflict.id, "service", "tester")
    assert magento.read(7141) == theirs


def test_a_deletion_racing_a_magento_edit_deletes_and_is_logged_as_a_conflict(
    service: Service, magento: Magento, worker: Callable[[], Running], mysql_url: str
) -> None:
    base, quiet = customer(7131), customer(7132)
    magento.write(base)
    magento.write(quiet)
    edited = base.model_copy(update={"firstname": "EditedInMagento"})
    magento.write(edited)
    service.write(None, base, entity_id=7131, kind="deleted")  # raced the Magento edit
    service.write(None, quiet, entity_id=7132, kind="deleted")  # nothing raced
    running = worker()
    drained(service)
    assert magento.read(7131) is None and magento.read(7132) is None
    [conflict] = actions.conflicts(mysql_url, "customer", open_only=False)
    assert (conflict.entity_id, conflict.field, conflict.service_value) == (
        7131,
        "(customer)",
        None,
    )
    assert conflict.magento_value["firstname"] == "EditedInMagento"
    assert (conflict.winner, conflict.policy, conflict.status) == (
        "service", "manual", "open",
    )  # fmt: skip
    assert running.status.conflicts_total.labels("customer", "manual")._value.get() == 1
