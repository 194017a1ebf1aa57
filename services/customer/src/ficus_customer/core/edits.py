"""What a Magento request body does to a customer (pure), as Magento 2.4.8's
`CustomerRepository::save` / `AccountManagement::createAccount` and `Address\\Relation` apply it
(the stand-in answers the same):

- a save replaces the customer with the posted one: a profile field left out is emptied, while
  the group, store, website and auto-group flag keep their values unless given; the email is
  required, then first and last names; a new email drops a pending password reset;
- with `addresses` the address set is replaced (an item with an id updates that address, one
  without is created, the customer's others are deleted); a flagged address becomes the default,
  an unflagged current default stops being one, a deleted default is cleared.

Validation raises the service's `InputError` with Magento's messages. Times are Magento's
"YYYY-MM-DD HH:MM:SS" (UTC); ids of new addresses are handed in (from the Magento id pool).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from ficus_contracts.customers import AddressState, CustomerState
from ficus_customer.errors import InputError, NoSuchEntity
from ficus_legacy.core.accounts import Lockout, require_email

REPLACED = ("prefix", "firstname", "middlename", "lastname", "suffix", "dob", "taxvat", "gender")
KEPT = ("group_id", "store_id", "website_id", "disable_auto_group_change")
_INTS = frozenset({"gender", "group_id", "store_id", "website_id", "disable_auto_group_change"})
_ADDRESS_REQUIRED = ("firstname", "lastname", "street", "city", "country_id", "telephone")
_ADDRESS_TEXT = ("firstname", "lastname", "middlename", "prefix", "suffix", "company", "city",
                 "country_id", "postcode", "telephone", "fax", "vat_id")  # fmt: skip
_DEFAULTS = ("default_billing", "default_shipping")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

NewId = Callable[[], int]


def magento_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)


def changed(state: CustomerState, changes: Mapping[str, Any]) -> CustomerState:
    """The state with `changes`, validated as a whole."""
    return CustomerState.model_validate({**dict(state), **changes})


def _value(key: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if key in _INTS:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise InputError.invalid(key, value) from None
    if key == "dob":
        return str(value)[:10]
    return str(value)


def _id(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _street(value: Any) -> str:
    return "\n".join(map(str, value)) if isinstance(value, list) else str(value)


def address(
    data: Mapping[str, Any], entity_id: int, now: str, previous: AddressState | None
) -> AddressState:
    """An address from its `AddressInterface` JSON (`region` object or `region_id`)."""
    for key in _ADDRESS_REQUIRED:
        if not data.get(key):
            raise InputError.required(key)
    given = data.get("region")
    region: Mapping[str, Any] = given if isinstance(given, dict) else {}
    values: dict[str, Any] = {k: _value(k, data.get(k)) for k in _ADDRESS_TEXT}
    values.update(
        entity_id=entity_id,
        street=_street(data["street"]),
        region=_value("region", region.get("region")),
        region_id=_id(data.get("region_id") or region.get("region_id")) or None,
        created_at=previous.created_at if previous else now,
        updated_at=now,
        attributes=previous.attributes if previous else {},
    )
    return AddressState(**values)


def _flags(defaults: dict[str, int | None], address_id: int, item: Mapping[str, Any]) -> None:
    for flag in _DEFAULTS:
        if item.get(flag):
            defaults[flag] = address_id
        elif defaults[flag] == address_id:  # an unflagged default stops being one
            defaults[flag] = None


def replace_addresses(
    state: CustomerState, data: Mapping[str, Any], new_id: NewId, now: str
) -> dict[str, Any]:
    """The changes of a save carrying `addresses`: the new set and the defaults."""
    items = data["addresses"]
    if not isinstance(items, list):
        raise InputError.invalid("addresses", items)
    current = {a.entity_id: a for a in state.addresses}
    defaults = {flag: _id(data.get(flag)) for flag in _DEFAULTS}
    kept: dict[int, AddressState] = {}
    for item in items:
        if not isinstance(item, dict):
            raise InputError.invalid("addresses", item)
        given = item.get("id")
        if given is not None and _id(given) not in current:
            raise NoSuchEntity.field("addressId", given)
        known = None if given is None else current[int(given)]
        entry = address(item, known.entity_id if known else new_id(), now, known)
        kept[entry.entity_id] = entry
        _flags(defaults, entry.entity_id, item)
    for flag in _DEFAULTS:  # a deleted default is cleared
        if defaults[flag] in current and defaults[flag] not in kept:
            defaults[flag] = None
    return {"addresses": sorted(kept.values(), key=lambda a: a.entity_id), **defaults}


def profile(data: Mapping[str, Any], current: CustomerState | None) -> dict[str, Any]:
    """The replaced profile fields, and the kept ones (given, or the current values)."""
    values = {k: _value(k, data.get(k)) for k in REPLACED}
    for key in KEPT:
        given = _value(key, data.get(key))
        values[key] = given if given is not None or current is None else getattr(current, key)
    return values


def updated(
    state: CustomerState, data: Mapping[str, Any], new_id: NewId, now: str
) -> CustomerState:
    """The customer after `PUT /V1/customers/{id}` or `/me` with `data` (`customer`); the
    caller checked the email (`require_email`, uniqueness) and names first."""
    changes = profile(data, state)
    changes.update(email=require_email(data), updated_at=now)
    if changes["email"] != state.email:  # a new email drops a pending password reset
        changes.update(rp_token=None, rp_token_created_at=None)
    if data.get("addresses") is not None:
        changes.update(replace_addresses(state, data, new_id, now))
    return changed(state, changes)


def created(
    entity_id: int,
    data: Mapping[str, Any],
    store: tuple[int, int, str | None],
    password_hash: str | None,
    new_id: NewId,
    now: str,
) -> CustomerState:
    """A new customer from `POST /V1/customers` (`store`: website id, store id, store name)."""
    website_id, store_id, store_name = store
    values = profile(data, None)
    values.update(
        entity_id=entity_id, email=require_email(data), website_id=website_id, store_id=store_id,
        group_id=values["group_id"] or 1, disable_auto_group_change=0, created_in=store_name,
        password_hash=password_hash, created_at=now, updated_at=now,
    )  # fmt: skip
    state = CustomerState(**values)
    if data.get("addresses"):
        blank = {**data, "default_billing": None, "default_shipping": None}
        state = changed(state, replace_addresses(state, blank, new_id, now))
    return state


def lockout(state: CustomerState) -> Lockout:
    return Lockout(
        state.failures_num, parse_time(state.first_failure), parse_time(state.lock_expires)
    )


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else magento_time(moment)


def with_lockout(state: CustomerState, fields: Lockout) -> CustomerState:
    return changed(
        state,
        {
            "failures_num": fields.failures_num,
            "first_failure": _time(fields.first_failure),
            "lock_expires": _time(fields.lock_expires),
        },
    )
