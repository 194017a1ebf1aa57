from decimal import Decimal

import pytest

from ficus_catalog.core.values import join_attributes, parse_datetime, split_attributes
from ficus_catalog.errors import InvalidEvent


def test_common_attributes_go_to_typed_columns_and_the_rest_to_the_jsonb() -> None:
    columns, extra = split_attributes({"name": "Shirt", "price": "12.500000", "color": "49"})
    assert columns["name"] == "Shirt"
    assert columns["price"] == Decimal("12.500000")
    assert columns["status"] is None
    assert extra == {"color": "49"}


@pytest.mark.parametrize(
    "values",
    [
        {"price": "12.500000", "status": "1", "visibility": "4", "weight": "0.0000"},
        {"status": "01", "price": "1e3", "weight": "abc"},  # kept as text, not coerced
        {"name": None, "price": None, "custom": None},  # present-but-null survives
        {"name": "", "description": "<p>x</p>", "special_price": "-0.000001"},
        {"status": "99999999999"},  # does not fit an int4
    ],
)
def test_split_then_join_gives_the_values_back(values: dict[str, str | None]) -> None:
    columns, extra = split_attributes(values)
    assert join_attributes(columns, extra) == values


def test_absent_attribute_stays_absent() -> None:
    columns, extra = split_attributes({"color": "49"})
    assert "name" not in join_attributes(columns, extra)


def test_magento_datetimes_must_round_trip() -> None:
    assert parse_datetime("2024-03-01 10:00:00", "created_at").hour == 10
    with pytest.raises(InvalidEvent, match="created_at"):
        parse_datetime("2024-03-01T10:00:00Z", "created_at")
