"""What a Magento request body does to a customer (pure): sign-up, profile saves, the address
set, lockout fields, as Magento's `CustomerRepository`/`AccountManagement` apply them.

Validation raises the service's `InputError` with Magento's messages. Times are Magento's
"YYYY-MM-DD HH:MM:SS" (UTC); ids of new addresses are handed in (from the Magento id pool).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from ficus_contracts.customers import AddressState, CustomerState
from ficus_customer.errors import InputError
from ficus_legacy.core.accounts import Lockout

PROFILE = ("prefix", "firstname", "middlename", "lastname", "suffix", "dob", "taxvat", "gender")
UPDATABLE = (*PROFILE, "email", "group_id", "disable_auto_group_change")
_INTS = frozenset({"gender", "group_id", "disable_auto_group_change"})
_ADDRESS_REQUIRED = ("firstname", "lastname", "city", "country_id", "telephone", "street")
_ADDRESS_TEXT = ("firstname", "lastname", "middlename", "prefix", "suffix", "company", "city",
                 "postcode", "country_id", "telephone", "fax", "vat_id")  # fmt: skip
DUPLICATE_EMAIL = "A customer with the same email address already exists in an associated website."
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def magento_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)


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


def _require(data: Mapping[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        if key in data and not data[key]:
            raise InputError.required(key)


def profile(data: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """The given profile fields, typed as the state holds them."""
    _require(data, ("email", "firstname", "lastname"))
    return {k: _value(k, data[k]) for k in keys if k in data}


def _street(value: Any) -> str:
    return "\n".join(str(line) for line in value) if isinstance(value, list) else str(value)


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
        region=region.get("region") or None,
        region_id=int(data.get("region_id") or region.get("region_id") or 0) or None,
        created_at=previous.created_at if previous else now,
        updated_at=now,
        attributes=previous.attributes if previous else {},
    )
    return AddressState(**values)


NewId = Callable[[], int]


def changed(state: CustomerState, changes: Mapping[str, Any]) -> CustomerState:
    """The state with `changes`, validated as a whole."""
    return CustomerState.model_validate({**dict(state), **changes})


def replace_addresses(
    state: CustomerState, items: list[Any], new_id: NewId, now: str
) -> dict[str, Any]:
    """Magento's save with an `addresses` list: the list is the customer's address set (an
    item with a known `id` updates that address, one without is new, the missing ones go);
    `default_billing`/`default_shipping` flags name the defaults."""
    current = {a.entity_id: a for a in state.addresses}
    kept: list[AddressState] = []
    defaults: dict[str, int | None] = {"default_billing": None, "default_shipping": None}
    for item in items:
        if not isinstance(item, dict):
            raise InputError.invalid("addresses", item)
        known = current.get(int(item["id"])) if str(item.get("id") or "").isdigit() else None
        entry = address(item, known.entity_id if known else new_id(), now, known)
        kept.append(entry)
        for flag in defaults:
            if item.get(flag):
                defaults[flag] = entry.entity_id
    ids = {a.entity_id for a in kept}
    for flag in defaults:
        previous = getattr(state, flag)
        if defaults[flag] is None and previous in ids:
            defaults[flag] = previous
    return {"addresses": sorted(kept, key=lambda a: a.entity_id), **defaults}


def updated(
    state: CustomerState, data: Mapping[str, Any], new_id: NewId, now: str
) -> CustomerState:
    """The customer after `PUT /V1/customers/{id}` or `/me` with `data` (`customer`)."""
    changes = profile(data, UPDATABLE)
    if isinstance(data.get("addresses"), list):
        changes.update(replace_addresses(state, data["addresses"], new_id, now))
    changes["updated_at"] = now
    return changed(state, changes)


def created(
    entity_id: int,
    data: Mapping[str, Any],
    website_id: int,
    store: tuple[int, str | None],
    password_hash: str | None,
    new_id: NewId,
    now: str,
) -> CustomerState:
    """A new customer from `POST /V1/customers` (`store`: the store id and its name)."""
    for key in ("email", "firstname", "lastname"):
        if not data.get(key):
            raise InputError.required(key)
    store_id, store_name = store
    values = profile(data, PROFILE)
    values.update(
        entity_id=entity_id, email=str(data["email"]), website_id=website_id, store_id=store_id,
        group_id=_value("group_id", data.get("group_id")) or 1, created_in=store_name,
        password_hash=password_hash, created_at=now, updated_at=now,
    )  # fmt: skip
    state = CustomerState(**values)
    if isinstance(data.get("addresses"), list) and data["addresses"]:
        state = changed(state, replace_addresses(state, data["addresses"], new_id, now))
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
