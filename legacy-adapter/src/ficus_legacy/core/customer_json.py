"""A `CustomerState` rendered as Magento's customer JSON (`CustomerInterface`, with its
`AddressInterface` items), as `GET /V1/customers/{id}` and `/me` answer it.

Pure, so every side that holds a customer answers the same JSON: Magento's output processor
leaves nulls out; `default_billing`/`default_shipping` are strings on the customer and `true`
flags on the address they name; `street` is the stored text split into lines; `region` is always
an object (`region_id` 0 when there is none). Keys follow the interfaces' getters, the order
Magento's `DataObjectProcessor` writes them in.
"""

from __future__ import annotations

from typing import Any

from ficus_contracts.customers import AddressState, CustomerState

__all__ = ["render_address", "render_customer"]


def _present(out: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in out.items() if v is not None}


def render_address(address: AddressState, customer: CustomerState) -> dict[str, Any]:
    """One `addresses` item of the customer."""
    region_id = address.region_id or 0
    out: dict[str, Any] = {
        "id": address.entity_id,
        "customer_id": customer.entity_id,
        "region": _present(
            {"region_code": address.region, "region": address.region, "region_id": region_id}
        ),
        "region_id": region_id,
        "country_id": address.country_id,
        "street": address.street.split("\n"),
        "company": address.company,
        "telephone": address.telephone,
        "fax": address.fax,
        "postcode": address.postcode,
        "city": address.city,
        "firstname": address.firstname,
        "lastname": address.lastname,
        "middlename": address.middlename,
        "prefix": address.prefix,
        "suffix": address.suffix,
        "vat_id": address.vat_id,
    }
    if customer.default_shipping == address.entity_id:
        out["default_shipping"] = True
    if customer.default_billing == address.entity_id:
        out["default_billing"] = True
    return _present(out)


def _reference(address_id: int | None) -> str | None:
    return None if address_id is None else str(address_id)


def render_customer(state: CustomerState) -> dict[str, Any]:
    """The customer as Magento's REST API answers it."""
    out: dict[str, Any] = {
        "id": state.entity_id,
        "group_id": state.group_id,
        "default_billing": _reference(state.default_billing),
        "default_shipping": _reference(state.default_shipping),
        "confirmation": state.confirmation,
        "created_at": state.created_at,
        "updated_at": state.updated_at,
        "created_in": state.created_in,
        "dob": state.dob,
        "email": state.email,
        "firstname": state.firstname,
        "lastname": state.lastname,
        "middlename": state.middlename,
        "prefix": state.prefix,
        "suffix": state.suffix,
        "gender": state.gender,
        "store_id": state.store_id,
        "taxvat": state.taxvat,
        "website_id": state.website_id,
        "addresses": [render_address(a, state) for a in state.addresses],
        "disable_auto_group_change": state.disable_auto_group_change,
        "extension_attributes": {"is_subscribed": False},
    }
    return _present(out)
