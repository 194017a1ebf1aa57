"""Request bodies applied to a customer state, as Magento's repository saves them."""

from __future__ import annotations

from itertools import count

import pytest

from ficus_customer.core import edits
from ficus_customer.errors import InputError
from ficus_customer.testing import address_state, customer_state

NOW = "2026-12-07 10:00:00"


def _ids(start: int = 500) -> edits.NewId:
    return count(start).__next__


def test_a_profile_save_changes_only_the_given_fields() -> None:
    state = customer_state(1)
    saved = edits.updated(state, {"firstname": "Grace", "gender": "1", "unknown": "x"}, _ids(), NOW)
    assert (saved.firstname, saved.gender, saved.lastname) == ("Grace", 1, state.lastname)
    assert saved.updated_at == NOW and saved.addresses == state.addresses


@pytest.mark.parametrize("field", ["email", "firstname", "lastname"])
def test_a_required_field_cannot_be_emptied(field: str) -> None:
    with pytest.raises(InputError) as caught:
        edits.updated(customer_state(1), {field: ""}, _ids(), NOW)
    assert caught.value.parameters == {"fieldName": field}


def test_the_address_list_is_the_address_set() -> None:
    state = customer_state(1, addresses=[address_state(10), address_state(11)],
                           default_billing=11, default_shipping=10)  # fmt: skip
    kept = {"id": 10, "firstname": "A", "lastname": "B", "street": ["1 Road", "Floor 2"],
            "city": "Paris", "country_id": "FR", "telephone": "1"}  # fmt: skip
    new = {**kept, "id": None, "city": "Lyon", "default_billing": True}
    saved = edits.updated(state, {"addresses": [kept, new]}, _ids(), NOW)
    assert [(a.entity_id, a.city) for a in saved.addresses] == [(10, "Paris"), (500, "Lyon")]
    assert saved.addresses[0].street == "1 Road\nFloor 2"
    assert saved.addresses[0].created_at == state.addresses[0].created_at
    assert (saved.default_billing, saved.default_shipping) == (500, 10)


def test_an_address_needs_magentos_required_fields() -> None:
    with pytest.raises(InputError) as caught:
        edits.updated(customer_state(1), {"addresses": [{"firstname": "A"}]}, _ids(), NOW)
    assert caught.value.parameters == {"fieldName": "lastname"}


def test_a_new_customer() -> None:
    data = {"email": "a@b.c", "firstname": "A", "lastname": "B", "dob": "1990-01-02 00:00:00"}
    state = edits.created(7, data, 1, (1, "Default Store View"), "h:s:1", _ids(), NOW)
    assert (state.entity_id, state.group_id, state.dob, state.created_in) == (
        7, 1, "1990-01-02", "Default Store View",
    )  # fmt: skip
    assert state.created_at == state.updated_at == NOW and state.addresses == []


def test_lockout_fields_round_trip() -> None:
    state = customer_state(1, failures_num=3, first_failure="2026-12-07 09:00:00")
    fields = edits.lockout(state)
    assert edits.with_lockout(state, fields) == state
