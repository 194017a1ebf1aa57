"""Issue #13, acceptance: conflicts. The same customer edited in Magento (direct SQL, with
`updated_at`) and in the service while sync is down (inside the lag window): one conflict row
per field both sides changed, newest wins, both sides converge and `ficus reconcile customer`
finds nothing. One email signed up on both sides of one website: an open manual conflict that
`ficus conflicts --open` lists and `ficus conflicts resolve ID --take magento` settles."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from ficus_control.client import ControlClient
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from tests.e2e.customers import (
    Shopfront,
    await_true,
    conflicts_of,
    differing,
    ficus,
    kill,
    reconcile,
    signup,
    unique_email,
)
from tests.e2e.customers import writes_lane as _writes_lane

pytestmark = pytest.mark.e2e
LAG = 60
EDIT = (
    "UPDATE customer_entity SET firstname = 'Magento', lastname = 'Edited', "
    "updated_at = UTC_TIMESTAMP() WHERE entity_id = %s"
)
A_SECOND_LATER = "SELECT UTC_TIMESTAMP() >= %s + INTERVAL 1 SECOND"


@pytest.fixture
def writes_at_new(control: ControlClient) -> Iterator[None]:
    yield from _writes_lane(control, "new")


@pytest.fixture(scope="module")
def front(local_stack: Stack) -> Shopfront:
    return Shopfront.of(local_stack.settings)


class Shopper:
    """A customer of Magento's (created in its admin) who signs in through the proxy."""

    def __init__(self, front: Shopfront) -> None:
        self.front, self.email = front, unique_email("conflict")
        admin = front.standin.admin_token()
        created = front.standin.call("POST", "/V1/customers", admin, json=signup(self.email))
        assert created.status_code == 200, created.text
        await_true(lambda: front.proxy.signs_in(self.email), LAG, "the service has Magento's")
        self.token = front.proxy.customer_token(self.email)
        self.me: dict[str, Any] = front.proxy.call("GET", "/V1/customers/me", self.token).json()
        self.id = int(self.me["id"])

    def rename(self, firstname: str) -> str:
        """The service's edit; its `updated_at`."""
        self.me["firstname"] = firstname
        answer = self.front.proxy.write("PUT", "/V1/customers/me", self.token,
                                       json={"customer": self.me})  # fmt: skip
        assert answer.status_code == 200, answer.text
        return str(answer.json()["updated_at"])

    def edit_in_magento(self) -> str:
        db = self.front.db
        db.mysql(EDIT, self.id)
        return str(db.one(db.mysql("SELECT updated_at FROM customer_entity WHERE entity_id = %s",
                                   self.id)))  # fmt: skip

    def names(self) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        magento = self.front.db.mysql(
            "SELECT firstname, lastname FROM customer_entity WHERE entity_id = %s", self.id
        )
        state = self.front.db.service_customer(self.id) or {}
        return magento[0], (state.get("firstname"), state.get("lastname"))


def _a_second_after(front: Shopfront, stamp: str) -> None:
    await_true(lambda: bool(front.db.one(front.db.mysql(A_SECOND_LATER, stamp))), 5, "a second")


@pytest.mark.usefixtures("writes_at_new")
def test_profile_edited_on_both_sides_the_newest_wins_and_both_converge(
    local_stack: Stack, front: Shopfront, cli_env: Mapping[str, str]
) -> None:
    older_magento, newer_magento = Shopper(front), Shopper(front)
    front.quiet()
    kill(local_stack, "sync")  # neither direction runs: both edits fall inside the lag window
    _a_second_after(front, older_magento.edit_in_magento())
    older_magento.rename("Service")
    _a_second_after(front, newer_magento.rename("Service"))
    newer_magento.edit_in_magento()
    local_stack["sync"].start()
    front.quiet(LAG)

    expected = {older_magento: ("Service", "Edited"), newer_magento: ("Magento", "Edited")}
    for shopper, names in expected.items():
        converged = lambda s=shopper, n=names: s.names() == (n, n)  # noqa: E731
        await_true(converged, LAG, f"customer {shopper.id} converged")
    assert [c[1:] for c in conflicts_of(front.db, older_magento.id)] == [
        ("firstname", "service", "newest_wins", "resolved")
    ]
    assert [c[1:] for c in conflicts_of(front.db, newer_magento.id)] == [
        ("firstname", "magento", "newest_wins", "resolved")
    ]
    report = reconcile(cli_env)  # customers of other tests may differ: see the report
    assert differing(report.stdout) & {older_magento.id, newer_magento.id} == set(), report.stdout


def _clash(local_stack: Stack, front: Shopfront) -> tuple[int, int, int, str]:
    """One email signed up through the proxy (the service) and in Magento's admin while sync
    is down: (the service's customer, Magento's, the open conflict's id, the email)."""
    front.quiet()
    kill(local_stack, "sync")
    email = unique_email("clash")
    ours = front.proxy.write("POST", "/V1/customers", json=signup(email, "Service"))
    admin = front.standin.admin_token()
    theirs = front.standin.call("POST", "/V1/customers", admin, json=signup(email, "Magento"))
    assert (ours.status_code, theirs.status_code) == (200, 200), ours.text + theirs.text
    local_stack["sync"].start()
    service_id, magento_id = int(ours.json()["id"]), int(theirs.json()["id"])
    await_true(lambda: conflicts_of(front.db, service_id) != [], LAG, "the clash logged")
    [(conflict_id, field, winner, policy, status)] = conflicts_of(front.db, service_id)
    assert (field, winner, policy, status) == ("email", "magento", "manual", "open")
    return service_id, magento_id, int(conflict_id), email


def _resolve(cli_env: Mapping[str, str], conflict_id: int) -> None:
    listed = ficus(cli_env, "conflicts", "--open")
    assert listed.returncode == 0, listed.stderr
    assert f"│ {conflict_id} " in listed.stdout and "manual" in listed.stdout, listed.stdout
    resolved = ficus(cli_env, "conflicts", "resolve", str(conflict_id), "--take", "magento")
    assert resolved.returncode == 0, resolved.stdout + resolved.stderr
    assert f"│ {conflict_id} " not in ficus(cli_env, "conflicts", "--open").stdout


@pytest.mark.usefixtures("writes_at_new")
def test_one_email_on_both_sides_is_a_manual_conflict_the_operator_resolves(
    local_stack: Stack, front: Shopfront, cli_env: Mapping[str, str]
) -> None:
    service_id, magento_id, conflict_id, email = _clash(local_stack, front)
    _resolve(cli_env, conflict_id)
    [(_, _, _, _, status)] = conflicts_of(front.db, service_id)
    assert status == "resolved"
    owners = front.db.mysql(
        "SELECT entity_id, firstname FROM customer_entity WHERE email = %s", email
    )
    assert owners == [(magento_id, "Magento")]


@pytest.mark.usefixtures("writes_at_new")
def test_after_the_email_clash_is_resolved_both_sides_converge(
    local_stack: Stack, front: Shopfront, cli_env: Mapping[str, str]
) -> None:
    _, magento_id, conflict_id, email = _clash(local_stack, front)
    _resolve(cli_env, conflict_id)
    holders = lambda: front.db.pg(  # noqa: E731
        "ficus_customer", "SELECT entity_id FROM customer WHERE email = %s", email
    )
    assert wait_until(lambda: holders() == [(magento_id,)], 20), holders()
    report = reconcile(cli_env)
    assert report.returncode == 0, report.stdout + report.stderr
