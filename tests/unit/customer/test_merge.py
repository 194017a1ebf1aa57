"""The forward merge: Magento's event, except the fields the service's pending writes change."""

from __future__ import annotations

from ficus_customer.core.merge import changed_fields, merge_forward, pending_fields
from ficus_customer.testing import address_state, customer_state


def _json(**fields: object) -> dict[str, object]:
    return customer_state(1, **fields).model_dump(mode="json")


def test_fields_are_top_level_attribute_codes_and_the_address_list() -> None:
    a = _json(attributes={"loyalty": "1", "gone": "x"})
    b = _json(firstname="B", attributes={"loyalty": "2"}, addresses=[address_state(10, city="B")])
    assert changed_fields(a, b) == {"firstname", "attributes.loyalty", "attributes.gone",
                                    "addresses"}  # fmt: skip


def test_the_service_keeps_what_its_pending_writes_change() -> None:
    base = _json()
    ours = _json(firstname="Service", attributes={"loyalty": "gold"})
    theirs = _json(firstname="Old", lastname="Magento", attributes={"loyalty": "silver"})
    mine = pending_fields([(base, ours)])
    merged = merge_forward(theirs, ours, mine)
    assert merged["firstname"] == "Service"
    assert merged["attributes"] == {"loyalty": "gold"}
    assert merged["lastname"] == "Magento"


def test_an_event_emitted_before_magento_got_the_write_does_not_undo_it() -> None:
    base = _json(firstname="Ada")
    first = _json(firstname="Grace")
    second = _json(firstname="Grace", lastname="Hopper")
    mine = pending_fields([(base, first), (first, second)])
    stale_event = _json(firstname="Ada", dob="1906-12-09")
    merged = merge_forward(stale_event, second, mine)
    assert (merged["firstname"], merged["lastname"], merged["dob"]) == (
        "Grace",
        "Hopper",
        "1906-12-09",
    )


def test_a_customer_born_in_the_service_keeps_every_field() -> None:
    ours = _json(firstname="Service")
    assert merge_forward(_json(firstname="Magento"), ours, pending_fields([(None, ours)])) == ours


def test_an_attribute_the_service_removed_stays_removed() -> None:
    base = _json(attributes={"loyalty": "gold"})
    ours = _json()
    merged = merge_forward(base, ours, pending_fields([(base, ours)]))
    assert merged["attributes"] == {}
