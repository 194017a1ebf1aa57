"""Request bodies applied to a customer state, as Magento's repository saves them."""

from __future__ import annotations

from itertools import count
from typing import Any

import pytest

from ficus_customer.core import edits
from ficus_customer.errors import InputError, NoSuchEntity
from ficus_customer.testing import address_state, customer_state
from ficus_legacy.core import accounts
from ficus_legacy.core.customer_json import render_customer

NOW = "2026-12-07 10:00:00"


def _ids(start: int = 500) -> edits.NewId:
    return count(start).__next__


def _posted(**changes: Any) -> dict[str, Any]:
    """The customer as GET answers it, changed: what a client PUTs back."""
    return {**render_customer(customer_state(1)), **changes}


def test_a_save_replaces_the_profile_and_keeps_group_store_website() -> None:
    state = customer_state(1, prefix="Dr", taxvat="X1", group_id=4)
    posted = {"email": "new@x.com", "firstname": "Grace", "lastname": "Hopper", "gender": "1"}
    saved = edits.updated(state, posted, _ids(), NOW)
    assert (saved.firstname, saved.gender, saved.prefix, saved.taxvat) == ("Grace", 1, None, None)
    assert (saved.group_id, saved.store_id, saved.website_id) == (4, 1, 1)
    assert saved.updated_at == NOW and saved.addresses == state.addresses
    assert saved.default_billing == state.default_billing


def test_the_required_fields() -> None:
    with pytest.raises(InputError) as caught:
        accounts.require_email({"firstname": "A"})
    assert caught.value.message == accounts.EMAIL_MISSING
    with pytest.raises(InputError) as caught:
        accounts.require_names({"email": "a@b.c"})
    assert caught.value.message == (
        '"First Name" is a required value.\n"Last Name" is a required value.'
    )


def test_the_address_list_is_the_address_set() -> None:
    state = customer_state(1, addresses=[address_state(10), address_state(11)],
                           default_billing=11, default_shipping=10)  # fmt: skip
    kept = {"id": 10, "firstname": "A", "lastname": "B", "street": ["1 Road", "Floor 2"],
            "city": "Paris", "country_id": "FR", "telephone": "1"}  # fmt: skip
    new = {**kept, "id": None, "city": "Lyon", "default_billing": True}
    new.pop("id")
    saved = edits.updated(state, _posted(addresses=[kept, new]), _ids(), NOW)
    assert [(a.entity_id, a.city) for a in saved.addresses] == [(10, "Paris"), (500, "Lyon")]
    assert saved.addresses[0].street == "1 Road\nFloor 2"
    assert saved.addresses[0].created_at == state.addresses[0].created_at
    # 500 flagged billing; 10 is listed unflagged, so it stops being the shipping default
    assert (saved.default_billing, saved.default_shipping) == (500, None)


def test_an_address_of_another_customer_is_not_found() -> None:
    item = {"id": 99, "firstname": "A", "lastname": "B", "street": ["1"], "city": "C",
            "country_id": "FR", "telephone": "1"}  # fmt: skip
    with pytest.raises(NoSuchEntity):
        edits.updated(customer_state(1), _posted(addresses=[item]), _ids(), NOW)


def test_an_address_needs_magentos_required_fields() -> None:
    with pytest.raises(InputError) as caught:
        edits.updated(customer_state(1), _posted(addresses=[{"firstname": "A"}]), _ids(), NOW)
    assert caught.value.parameters == {"fieldName": "lastname"}


def test_a_new_customer() -> None:
    data = {"email": "a@b.c", "firstname": "A", "lastname": "B", "dob": "1990-01-02 00:00:00"}
    state = edits.created(7, data, (1, 1, "Default Store View"), "h:s:1", _ids(), NOW)
    assert (state.entity_id, state.group_id, state.dob, state.created_in) == (
        7, 1, "1990-01-02", "Default Store View",
    )  # fmt: skip
    assert state.created_at == state.updated_at == NOW and state.addresses == []


def test_lockout_fields_round_trip() -> None:
    state = customer_state(1, failures_num=3, first_failure="2026-12-07 09:00:00")
    fields = edits.lockout(state)
    assert edits.with_lockout(state, fields) == state
