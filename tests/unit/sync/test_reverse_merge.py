"""The reverse worker's 3-way merge of a customer (pure): one-sided changes taken, both-sided
changes by policy (newest wins, email manual), email clashes parked or kept open."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ficus_contracts.customers import CustomerState
from ficus_sync.reverse.core import deletion_conflict, merge_customer, newest_wins_time_ms
from ficus_sync.reverse.core.merge import ABSENT, EXISTENCE_FIELD, fields

BASE: dict[str, Any] = CustomerState(
    entity_id=7,
    website_id=1,
    email="ann@example.com",
    created_at="2026-01-01 10:00:00",
    updated_at="2026-01-01 10:00:00",
    firstname="Ann",
    lastname="Lee",
    attributes={"loyalty": "gold"},
    addresses=[
        {
            "entity_id": 70,
            "firstname": "Ann",
            "lastname": "Lee",
            "street": "1 Main St",
            "city": "Oslo",
            "country_id": "NO",
            "telephone": "1",
            "created_at": "2026-01-01 10:00:00",
            "updated_at": "2026-01-01 10:00:00",
        }  # fmt: skip
    ],
    default_billing=70,
).model_dump(mode="json")


def changed(document: dict[str, Any], **values: Any) -> dict[str, Any]:
    result = {**document, **values}
    return CustomerState.model_validate(result).model_dump(mode="json")


def merge(base: Any, service: Any, magento: Any, *, service_newer: bool = True, **kw: Any) -> Any:
    return merge_customer(
        base, service, magento, service_ms=2000 if service_newer else 1000, magento_ms=1500, **kw
    )


def test_one_sided_changes_are_taken_without_conflict() -> None:
    service = changed(BASE, firstname="Anna", updated_at="2026-01-02 10:00:00")
    magento = changed(BASE, lastname="Leigh", updated_at="2026-01-03 10:00:00")
    result = merge(BASE, service, magento)
    assert result.conflicts == ()
    assert (result.state["firstname"], result.state["lastname"]) == ("Anna", "Leigh")
    assert result.state["updated_at"] == "2026-01-03 10:00:00"  # the later of the two
    CustomerState.model_validate(result.state)


def test_the_services_own_state_keeps_its_clock_whatever_magentos_says() -> None:
    service = changed(BASE, firstname="Anna", updated_at="2026-01-02 10:00:00")
    magento = changed(BASE, updated_at="2026-01-05 10:00:00")  # a later stamp, nothing else
    result = merge(BASE, service, magento)
    assert result.state == service  # exactly the service's state: its echo is recognised


@pytest.mark.parametrize(("service_newer", "winner"), [(True, "service"), (False, "magento")])
def test_both_sides_changed_newest_wins(service_newer: bool, winner: str) -> None:
    service = changed(BASE, firstname="Anna")
    magento = changed(BASE, firstname="Annie")
    result = merge(BASE, service, magento, service_newer=service_newer)
    assert result.state["firstname"] == ("Anna" if service_newer else "Annie")
    [conflict] = result.conflicts
    assert (conflict.field, conflict.magento_value, conflict.service_value) == (
        "firstname", "Annie", "Anna",
    )  # fmt: skip
    assert (conflict.winner, conflict.policy, conflict.open) == (winner, "newest_wins", False)


def test_a_tie_goes_to_the_service() -> None:
    service, magento = changed(BASE, firstname="Anna"), changed(BASE, firstname="Annie")
    result = merge_customer(BASE, service, magento, service_ms=5, magento_ms=5)
    assert result.state is not None and result.state["firstname"] == "Anna"
    assert result.conflicts[0].winner == "service"


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    service = changed(BASE, firstname="Anna")
    result = merge(BASE, service, changed(BASE, firstname="Anna"))
    assert result.conflicts == () and result.state["firstname"] == "Anna"


def test_email_changed_on_both_sides_is_manual_and_keeps_magento() -> None:
    service = changed(BASE, email="ann@service.example")
    magento = changed(BASE, email="ann@magento.example")
    result = merge(BASE, service, magento)
    assert result.state["email"] == "ann@magento.example"
    [conflict] = result.conflicts
    assert (conflict.field, conflict.policy, conflict.open) == ("email", "manual", True)
    assert conflict.winner == "magento" and conflict.service_value == "ann@service.example"


def test_an_email_taken_by_another_customer_stays_magentos() -> None:
    service = changed(BASE, email="bob@example.com", firstname="Anna")
    result = merge(BASE, service, BASE, email_taken_by=8)
    assert result.state["email"] == BASE["email"] and result.state["firstname"] == "Anna"
    [conflict] = result.conflicts
    assert conflict.open and conflict.magento_value["taken_by"] == 8


def test_attributes_merge_per_code() -> None:
    service = changed(BASE, attributes={"loyalty": "gold", "nickname": "A"})
    magento = changed(BASE, attributes={})  # Magento dropped loyalty
    result = merge(BASE, service, magento)
    assert result.state["attributes"] == {"nickname": "A"} and result.conflicts == ()


def test_attribute_changed_on_both_sides_names_its_code() -> None:
    service = changed(BASE, attributes={"loyalty": "silver"})
    magento = changed(BASE, attributes={"loyalty": "bronze"})
    [conflict] = merge(BASE, service, magento).conflicts
    assert conflict.field == "attributes.loyalty"


def test_addresses_are_one_field_and_defaults_follow_them() -> None:
    moved = {**BASE["addresses"][0], "entity_id": 71, "city": "Bergen"}
    service = changed(BASE, addresses=[moved], default_billing=71)
    magento = changed(BASE, addresses=[{**BASE["addresses"][0], "city": "Hamar"}])
    result = merge(BASE, service, magento, service_newer=False)  # Magento's addresses win
    assert result.state["addresses"][0]["city"] == "Hamar"
    assert result.state["default_billing"] == 70  # not 71: that address is not there
    assert [c.field for c in result.conflicts] == ["addresses"]


def test_a_customer_born_in_the_service_is_written_as_is() -> None:
    result = merge(None, BASE, None)
    assert result.state == BASE and result.conflicts == () and not result.parked


def test_a_new_customer_whose_email_is_taken_parks() -> None:
    result = merge(None, BASE, None, email_taken_by=3)
    assert result.parked and result.state is None
    [conflict] = result.conflicts
    assert (conflict.field, conflict.policy, conflict.open) == ("email", "manual", True)


def test_an_edit_of_a_customer_magento_deleted_parks() -> None:
    result = merge(BASE, changed(BASE, firstname="Anna"), None)
    assert result.parked and result.conflicts[0].field == EXISTENCE_FIELD


def test_a_new_customer_whose_id_magento_already_uses_parks() -> None:
    result = merge(None, changed(BASE, firstname="Anna"), changed(BASE, email="other@x.io"))
    assert result.parked
    [conflict] = result.conflicts
    assert (conflict.field, conflict.open) == (EXISTENCE_FIELD, True)
    assert conflict.magento_value["email"] == "other@x.io"


def test_magento_time_uses_the_clock_offset() -> None:
    # Magento's clock runs 2 s ahead: its 10:00:02 is our 10:00:00
    assert newest_wins_time_ms("2026-01-01 10:00:02", 2000) == newest_wins_time_ms(
        "2026-01-01 10:00:00", 0
    )


NAMES = st.sampled_from(["Ann", "Anna", "Annie", None])
EMAILS = st.sampled_from(["a@x.io", "b@x.io", "c@x.io"])
CODES = st.dictionaries(st.sampled_from(["loyalty", "nick"]), st.sampled_from(["1", "2", None]))


@st.composite
def variants(draw: st.DrawFn) -> dict[str, Any]:
    return changed(
        BASE, firstname=draw(NAMES), lastname=draw(NAMES), email=draw(EMAILS),
        attributes=draw(CODES), group_id=draw(st.integers(0, 2)),
    )  # fmt: skip


@given(variants(), variants(), variants(), st.booleans())
def test_merge_properties(base: Any, service: Any, magento: Any, newer: bool) -> None:
    result = merge(base, service, magento, service_newer=newer)
    assert result.state is not None
    merged, before, ours, theirs = (fields(d) for d in (result.state, base, service, magento))
    CustomerState.model_validate(result.state)
    conflicted = {c.field for c in result.conflicts}
    for name in {*ours, *theirs} - {"updated_at"}:
        o, t, b = (side.get(name, ABSENT) for side in (ours, theirs, before))
        if o in (t, b):
            assert merged.get(name, ABSENT) == t and name not in conflicted
        elif t == b:
            assert merged.get(name, ABSENT) == o and name not in conflicted
        else:
            assert name in conflicted
            assert merged.get(name, ABSENT) == (o if newer and name != "email" else t)


@given(variants(), variants())
def test_service_only_changes_reproduce_the_service_state(base: Any, service: Any) -> None:
    result = merge(base, service, base)
    assert result.conflicts == ()
    assert {**result.state, "updated_at": 0} == {**service, "updated_at": 0}


def test_a_deletion_racing_a_magento_edit_is_an_open_manual_conflict() -> None:
    edited = {**BASE, "firstname": "Bo", "updated_at": "2026-01-02 10:00:00"}
    raced = deletion_conflict(BASE, edited)
    assert raced is not None and (raced.field, raced.winner, raced.policy, raced.open) == (
        EXISTENCE_FIELD, "service", "manual", True,
    )  # fmt: skip
    assert raced.magento_value == edited and raced.service_value is None
    touched = {**BASE, "updated_at": "2026-01-02 10:00:00"}  # only the clock moved
    assert deletion_conflict(BASE, touched) is None
    assert deletion_conflict(None, edited) is None and deletion_conflict(BASE, None) is None
