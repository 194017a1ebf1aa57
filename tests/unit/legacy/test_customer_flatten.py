"""Flattening customer rows into CustomerState: pymysql rows and mirror rows agree; state_diff."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from ficus_contracts.customers import AddressState, CustomerState
from ficus_legacy.core.customers import canonical_date, customer_state, state_diff
from ficus_legacy.core.flatten import AttributeRow

ATTRS = {
    140: AttributeRow("loyalty_tier", "varchar"),
    141: AttributeRow("points", "int"),
    142: AttributeRow("credit", "decimal"),
    143: AttributeRow("member_since", "datetime"),
    144: AttributeRow("notes", "text"),
    150: AttributeRow("delivery_hint", "varchar"),
}
CREATED = datetime(2024, 1, 2, 3, 4, 5)
CREATED_MS = 1704164645000  # the same moment as epoch ms (a Debezium DATETIME)
CREATED_ISO = "2024-01-02T03:04:05Z"  # the same moment as a Debezium TIMESTAMP


def _pymysql_rows() -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    entity = {
        "entity_id": 7, "website_id": 1, "email": "zoë@example.com", "group_id": 1,
        "increment_id": None, "store_id": 1, "created_at": CREATED, "updated_at": CREATED,
        "is_active": 1, "disable_auto_group_change": 0, "created_in": "Default Store View",
        "prefix": None, "firstname": "Zoë", "middlename": None, "lastname": "Ünal",
        "suffix": None, "dob": date(1990, 2, 28), "password_hash": "abc:salt:1",
        "rp_token": None, "rp_token_created_at": None, "default_billing": 12,
        "default_shipping": 11, "taxvat": None, "confirmation": None, "gender": 2,
        "failures_num": 0, "first_failure": None, "lock_expires": CREATED,
        "session_cutoff": None,
    }  # fmt: skip
    values = [
        {"value_id": 1, "attribute_id": 140, "entity_id": 7, "value": "gold ✨"},
        {"value_id": 2, "attribute_id": 141, "entity_id": 7, "value": 42},
        {"value_id": 3, "attribute_id": 142, "entity_id": 7, "value": Decimal("3.5")},
        {"value_id": 4, "attribute_id": 143, "entity_id": 7, "value": CREATED},
        {"value_id": 5, "attribute_id": 144, "entity_id": 7, "value": None},
        {"value_id": 6, "attribute_id": 999, "entity_id": 7, "value": "deleted attribute"},
    ]
    addresses = [_address(12, "Back St 2\nFloor 3"), _address(11, "Main St 1")]
    return entity, values, addresses


def _address(entity_id: int, street: str) -> dict[str, Any]:
    return {
        "entity_id": entity_id, "increment_id": None, "parent_id": 7, "created_at": CREATED,
        "updated_at": CREATED, "is_active": 1, "city": "Köln", "company": None,
        "country_id": "DE", "fax": None, "firstname": "Zoë", "lastname": "Ünal",
        "middlename": None, "postcode": "50667", "prefix": None, "region": "NRW",
        "region_id": 88, "street": street, "suffix": None, "telephone": "+49 1",
        "vat_id": None, "vat_is_valid": None, "vat_request_date": None,
        "vat_request_id": None, "vat_request_success": None,
    }  # fmt: skip


def _as_mirror(row: dict[str, Any]) -> dict[str, Any]:
    """The same row as the capture envelope types it: timestamps ISO, dates epoch days,
    decimals as text, ints sometimes as text."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        if isinstance(value, datetime):
            out[name] = CREATED_ISO if name != "value" else CREATED_MS
        elif isinstance(value, date):
            out[name] = (value - date(1970, 1, 1)).days
        elif isinstance(value, Decimal):
            out[name] = "3.500000"
        elif name == "value" and isinstance(value, int):
            out[name] = str(value)
        else:
            out[name] = value
    return out


def _state(mirror: bool) -> CustomerState:
    entity, values, addresses = _pymysql_rows()
    if mirror:
        entity, values = _as_mirror(entity), [_as_mirror(v) for v in values]
        addresses = [_as_mirror(a) for a in addresses]
    address_values = {
        11: [{"attribute_id": 150, "entity_id": 11, "value": "ring twice"}],
    }
    return customer_state(entity, values, addresses, address_values, ATTRS)


def test_pymysql_rows_and_mirror_rows_give_the_same_state() -> None:
    assert _state(mirror=False).model_dump_json() == _state(mirror=True).model_dump_json()


def test_state_carries_magentos_text() -> None:
    state = _state(mirror=False)
    assert state.dob == "1990-02-28"
    assert state.created_at == state.lock_expires == "2024-01-02 03:04:05"
    assert state.attributes == {
        "credit": "3.500000",
        "loyalty_tier": "gold ✨",
        "member_since": "2024-01-02 03:04:05",
        "notes": None,
        "points": "42",
    }
    assert [a.entity_id for a in state.addresses] == [11, 12]
    assert state.addresses[1].street == "Back St 2\nFloor 3"
    assert state.addresses[0].attributes == {"delivery_hint": "ring twice"}
    assert state.addresses[1].attributes == {}
    assert state.is_active is True


def test_addresses_of_another_customer_are_ignored() -> None:
    entity, values, addresses = _pymysql_rows()
    stranger = {**_address(13, "Elsewhere"), "parent_id": 8}
    state = customer_state(entity, values, [*addresses, stranger], {}, ATTRS)
    assert [a.entity_id for a in state.addresses] == [11, 12]


def test_missing_defaults_take_magentos_column_defaults() -> None:
    entity = {"entity_id": 1, "website_id": None, "email": "a@b.c",
              "created_at": CREATED, "updated_at": CREATED}  # fmt: skip
    state = customer_state(entity, [], [], {}, ATTRS)
    assert (state.group_id, state.failures_num, state.is_active) == (0, 0, True)
    assert state.website_id is None and state.store_id is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(2000, 1, 31), "2000-01-31"),
        (datetime(2000, 1, 31, 23, 59, tzinfo=UTC), "2000-01-31"),
        (10987, "2000-01-31"),
        ("2000-01-31", "2000-01-31"),
        (-1, "1969-12-31"),
    ],
)
def test_canonical_date(value: object, text: str) -> None:
    assert canonical_date(value) == text


def _address_state(entity_id: int, city: str = "Köln") -> AddressState:
    return AddressState(
        entity_id=entity_id, firstname="A", lastname="B", street="S", city=city,
        country_id="DE", telephone="1", created_at="2024-01-01 00:00:00",
        updated_at="2024-01-01 00:00:00",
    )  # fmt: skip


def test_state_diff_names_top_level_fields_and_attribute_codes() -> None:
    base = _state(mirror=False)
    other = base.model_copy(
        update={
            "firstname": "Zoe",
            "attributes": {**base.attributes, "points": "43", "new_code": "x"},
            "addresses": [*base.addresses[:1], _address_state(12, "Bonn")],
        }
    )
    other_without = base.model_copy(
        update={"attributes": {k: v for k, v in base.attributes.items() if k != "notes"}}
    )
    assert state_diff(base, base) == []
    assert state_diff(base, other) == [
        "firstname",
        "addresses",
        "attributes.new_code",
        "attributes.points",
    ]
    assert state_diff(base, other_without) == ["attributes.notes"]
    assert state_diff(other_without, base) == ["attributes.notes"]


def test_customer_flatten_imports_no_driver() -> None:
    code = (
        "import sys, ficus_legacy.core.customers;"
        "bad = {'pymysql', 'psycopg', 'sqlalchemy'} & set(sys.modules);"
        "print(sorted(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)  # noqa: S603
    assert result.returncode == 0, result.stdout + result.stderr
