"""The forward merge: Magento's event, except the fields of the service's writes the event has
not seen (outbox ids above its watermark, acked or not)."""

from __future__ import annotations

from typing import Any

from ficus_customer.core.merge import Write, changed_fields, kept_fields, merge_forward
from ficus_customer.testing import address_state, customer_state


def _json(**fields: Any) -> dict[str, Any]:
    return customer_state(1, **fields).model_dump(mode="json")


def _merge(theirs: dict[str, Any], ours: dict[str, Any], *writes: Write) -> dict[str, Any]:
    return merge_forward(theirs, ours, kept_fields(writes))


def test_fields_are_top_level_attribute_codes_and_the_address_list() -> None:
    a = _json(attributes={"loyalty": "1", "gone": "x"})
    b = _json(firstname="B", attributes={"loyalty": "2"}, addresses=[address_state(10, city="B")])
    assert changed_fields(a, b) == {"firstname", "attributes.loyalty", "attributes.gone",
                                    "addresses"}  # fmt: skip


def test_an_unseen_write_keeps_its_fields() -> None:
    base = _json()
    ours = _json(firstname="Service", attributes={"loyalty": "gold"})
    theirs = _json(firstname="Magento", lastname="Magento", attributes={"loyalty": "silver"})
    merged = _merge(theirs, ours, Write(base, ours))
    assert (merged["firstname"], merged["lastname"]) == ("Service", "Magento")
    assert merged["attributes"] == {"loyalty": "gold"}


def test_an_event_that_saw_no_write_of_two_keeps_both() -> None:
    base = _json(firstname="Ada")
    first = _json(firstname="Grace")
    second = _json(firstname="Grace", lastname="Hopper")
    stale = _json(firstname="Ada", dob="1906-12-09")  # Magento before both writes, + a dob edit
    merged = _merge(stale, second, Write(base, first), Write(first, second))
    assert (merged["firstname"], merged["lastname"], merged["dob"]) == (
        "Grace", "Hopper", "1906-12-09",
    )  # fmt: skip


def test_no_unseen_write_takes_the_event_wholesale_even_a_value_seen_before() -> None:
    ours = _json(firstname="Grace")
    back = _json(firstname="Ada")  # Magento's edit back to the value the write replaced
    assert _merge(back, ours) == back


def test_a_customer_born_in_the_service_keeps_every_field_until_seen() -> None:
    ours = _json(firstname="Service")
    magento = _json(firstname="Magento")
    assert _merge(magento, ours, Write(None, ours)) == ours


def test_an_attribute_the_service_removed_stays_removed() -> None:
    base = _json(attributes={"loyalty": "gold"})
    ours = _json()
    assert _merge(base, ours, Write(base, ours))["attributes"] == {}
