"""A CustomerState as Magento's customer JSON."""

from __future__ import annotations

from ficus_customer.testing import address_state, customer_state
from ficus_legacy.core.customer_json import render_customer


def test_the_customer_json() -> None:
    state = customer_state(3, addresses=[address_state(30), address_state(31, region_id=12)],
                           default_billing=31, default_shipping=30, middlename=None)  # fmt: skip
    body = render_customer(state)
    assert list(body)[:5] == ["id", "group_id", "default_billing", "default_shipping", "created_at"]
    assert (body["default_billing"], body["default_shipping"]) == ("31", "30")
    assert "middlename" not in body and "password_hash" not in body
    first, second = body["addresses"]
    assert first["street"] == ["12 Analytical Row", "Flat 3"] and first["default_shipping"]
    assert "default_billing" not in first and second["default_billing"] is True
    assert first["region"] == {"region_code": "Greater London", "region": "Greater London",
                               "region_id": 0}  # fmt: skip
    assert second["region_id"] == 12 and first["customer_id"] == 3
    assert body["extension_attributes"] == {"is_subscribed": False}
