"""What sync captures and which aggregate each captured row belongs to (pure).

`touched(table, row)` names the aggregates a row change can alter; `ALL` means every aggregate
of every kind (store views, websites or attribute metadata changed). Aggregates: `product` and
`category` keyed by entity_id, `store` (a store view with its group and website) keyed by
store_id. A `store`, `store_group` or `store_website` row touches ALL: the store views it
names, and every product and category (their per-store attributes cover the active views).

`customer` (keyed by customer_entity.entity_id) covers the customer's EAV rows and its
addresses (`parent_id`). An address EAV row only names its address: `touched` returns an
`ADDRESS` touch, which the mirror resolves to the customer (`customer_address_entity.parent_id`).
A `ficus_reverse_log` row (reverse sync's marker, see docs/reverse-sync.md) touches the
aggregate it names.

Credentials (`ficus_contracts.auth`): `auth_revocation`, one per `jwt_auth_revoked` row, keyed
internally by `revocation_key(user_type_id, user_id)` (a customer 5 and an admin 5 are two
aggregates; the event's entity_id stays the user id, see `event_entity_id`); `admin_role`, one
per admin user (`authorization_role` row of role_type 'U', user_type 2), keyed by user_id. A
group role ('G') row or an `authorization_rule` row only names its role: `touched` returns a
`ROLE` touch, which the mirror resolves to the admin users whose 'U' row has that parent_id.

`integration_token`, one per `oauth_token` row, keyed by its entity_id. Its state carries what
Magento reads to accept the token (`ficus_contracts.auth.IntegrationTokenState`), so rows of
other tables only name the tokens to rebuild: an `integration` row its consumer
(`TOKEN_LINK` touch ('oauth_consumer', consumer_id)), an integration's 'U' role row (user_type
1) its integration (('integration', user_id)), a rule row its role (the `ROLE` touch, which
also names the integration whose own 'U' role it is), the bearer config row every token
(('core_config_data', 0)); the mirror resolves them to tokens (`Mirror._link_tokens`).
`oauth_consumer` is captured for its cascades only (deleting a consumer deletes its tokens
and integration; InnoDB does not binlog those).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Final, Literal, cast

from ficus_contracts.auth import BEARER_PATH, admin_role_aggregate_id, revocation_aggregate_id
from ficus_contracts.reverse import REVERSE_LOG_TABLE
from ficus_sync.core.envelope import Value

Aggregate = Literal[
    "product", "category", "store", "auth_revocation", "admin_role", "integration_token", "customer"
]  # fmt: skip
Touch = tuple[Aggregate, int]
ADDRESS: Final = "customer_address"
AddressTouch = tuple[Literal["customer_address"], int]
ROLE: Final = "authorization_role"
RoleTouch = tuple[Literal["authorization_role"], int]
TokenLinkKind = Literal["oauth_consumer", "integration", "core_config_data"]
TokenLinkTouch = tuple[TokenLinkKind, int]
TOKEN_LINKS: Final[tuple[TokenLinkKind, ...]] = (
    "oauth_consumer",
    "integration",
    "core_config_data",
)
SUPER_LABEL: Final = "catalog_product_super_attribute_label"
SuperLabelTouch = tuple[Literal["catalog_product_super_attribute_label"], int]

AGGREGATES: Final[tuple[Aggregate, ...]] = (
    "store", "category", "product", "auth_revocation", "admin_role", "integration_token",
    "customer",
)  # fmt: skip
"""Every aggregate, in the order the projector emits a batch's events (a new store view is
announced before the products that get values for it)."""

EAV_TYPES: Final = ("varchar", "int", "decimal", "text", "datetime")

PRODUCT_TABLES: Final[dict[str, str]] = {
    "catalog_product_entity": "entity_id",
    **{f"catalog_product_entity_{t}": "entity_id" for t in EAV_TYPES},
    "catalog_product_website": "product_id",
    "catalog_category_product": "product_id",
    "cataloginventory_stock_item": "product_id",
    "cataloginventory_stock_status": "product_id",
    "catalog_product_super_link": "parent_id",
    "catalog_product_relation": "parent_id",
    "catalog_product_super_attribute": "product_id",
}
CATEGORY_TABLES: Final[dict[str, str]] = {
    "catalog_category_entity": "entity_id",
    **{f"catalog_category_entity_{t}": "entity_id" for t in EAV_TYPES},
}
CUSTOMER_TABLES: Final[dict[str, str]] = {
    "customer_entity": "entity_id",
    **{f"customer_entity_{t}": "entity_id" for t in EAV_TYPES},
    "customer_address_entity": "parent_id",
}
ADDRESS_VALUE_TABLES: Final[dict[str, str]] = {
    f"customer_address_entity_{t}": "entity_id" for t in EAV_TYPES
}
REVOCATION_TABLE: Final = "jwt_auth_revoked"
ROLE_TABLES: Final[dict[str, str]] = {
    "authorization_role": "parent_id",
    "authorization_rule": "role_id",
}
TOKEN_TABLES: Final[dict[str, str]] = {
    "oauth_consumer": "entity_id",
    "oauth_token": "consumer_id",
    "integration": "consumer_id",
    "core_config_data": "path",
}
LOOKUP_COLUMNS: Final[dict[str, str]] = {
    **PRODUCT_TABLES,
    **CATEGORY_TABLES,
    **CUSTOMER_TABLES,
    **ADDRESS_VALUE_TABLES,
    **ROLE_TABLES,
    **{table: column for table, column in TOKEN_TABLES.items() if table != "oauth_consumer"},
    REVERSE_LOG_TABLE: "entity_id",  # the projector reads a customer's watermark by it
    SUPER_LABEL: "product_super_attribute_id",  # resolved to its product like an address
}
"""The column of each aggregate table that names its aggregate (the mirror indexes it)."""
STORE_TABLES: Final = ("store_website", "store_group", "store")
METADATA_TABLES: Final = (
    *STORE_TABLES,
    "eav_entity_type",
    "eav_attribute",
    "catalog_eav_attribute",
)

CAPTURED: Final[tuple[str, ...]] = (
    *METADATA_TABLES,
    *CATEGORY_TABLES,
    *PRODUCT_TABLES,
    SUPER_LABEL,
    *CUSTOMER_TABLES,
    *ADDRESS_VALUE_TABLES,
    REVERSE_LOG_TABLE,
    REVOCATION_TABLE,
    *ROLE_TABLES,
    *TOKEN_TABLES,
)


class _All:
    """Marker: the change touches every aggregate."""

    def __repr__(self) -> str:
        return "ALL"


ALL: Final = _All()


def is_captured(table: str) -> bool:
    return table in _CAPTURED_SET


_CAPTURED_SET = frozenset(CAPTURED)


_Kind = Aggregate | Literal["customer_address", "catalog_product_super_attribute_label"]
_TABLE_AGGREGATE: Final[dict[str, tuple[_Kind, str]]] = {
    **{table: ("product", column) for table, column in PRODUCT_TABLES.items()},
    SUPER_LABEL: (SUPER_LABEL, "product_super_attribute_id"),
    **{table: ("category", column) for table, column in CATEGORY_TABLES.items()},
    **{table: ("customer", column) for table, column in CUSTOMER_TABLES.items()},
    **{table: (ADDRESS, column) for table, column in ADDRESS_VALUE_TABLES.items()},
}


AnyTouch = Touch | AddressTouch | RoleTouch | SuperLabelTouch | TokenLinkTouch


def touched(table: str, row: Mapping[str, Value]) -> list[AnyTouch] | _All:
    """The aggregates that a change of `row` in `table` may alter (address touches still to
    be resolved to their customer, role touches to the role's admin users, super attribute
    label touches to the configurable product)."""
    if table in METADATA_TABLES:
        return ALL
    if table == REVERSE_LOG_TABLE:
        marker = reverse_marker(row)
        return [marker[0]] if marker is not None else []
    if table == REVOCATION_TABLE or table in ROLE_TABLES:
        return _credential_touches(table, row)
    if table in TOKEN_TABLES:
        return _token_touches(table, row)
    found = _TABLE_AGGREGATE.get(table)
    if found is None:
        return []
    value = row.get(found[1])
    if value is None:
        return []
    return [(found[0], int(value))]  # type: ignore[arg-type, list-item]


def reverse_marker(row: Mapping[str, Value]) -> tuple[Touch, str, int] | None:
    """A `ficus_reverse_log` row as (aggregate touch, state hash, outbox id); None for an
    aggregate sync does not project."""
    aggregate, entity_id = row.get("aggregate"), row.get("entity_id")
    if not isinstance(entity_id, int) or aggregate not in AGGREGATES:
        return None
    touch = cast(Touch, (aggregate, entity_id))
    outbox_id = row.get("outbox_id")
    return touch, str(row.get("state_hash")), outbox_id if isinstance(outbox_id, int) else 0


def revocation_key(user_type_id: int, user_id: int) -> int:
    """The internal key (projection, id map) of a `jwt_auth_revoked` row: unique across user
    types, where the user id alone is not."""
    return user_type_id * 2**32 + user_id


def event_entity_id(aggregate: Aggregate, key: int) -> int:
    """The entity_id an event carries for the aggregate of internal `key` (the user id for a
    revocation, as `ficus_contracts.auth` specifies; the key itself otherwise)."""
    return key % 2**32 if aggregate == "auth_revocation" else key


def fixed_uuid(aggregate: Aggregate, key: int) -> uuid.UUID | None:
    """The aggregate_id `ficus_contracts.auth` fixes for a credential aggregate (None: the id
    map draws a random one)."""
    if aggregate == "auth_revocation":
        return revocation_aggregate_id(key // 2**32, key % 2**32)
    if aggregate == "admin_role":
        return admin_role_aggregate_id(key)
    return None


def is_admin_user_row(row: Mapping[str, Value]) -> bool:
    """An `authorization_role` row that stands for an admin user (role_type 'U', user_type 2)."""
    return str(row.get("role_type")) == "U" and str(row.get("user_type")) == "2"


def _credential_touches(table: str, row: Mapping[str, Value]) -> list[AnyTouch]:
    if table == REVOCATION_TABLE:
        user_type, user = row.get("user_type_id"), row.get("user_id")
        if user_type is None or user is None:
            return []
        return [("auth_revocation", revocation_key(int(user_type), int(user)))]  # type: ignore[arg-type]
    if table == "authorization_role" and str(row.get("role_type")) == "U":
        user = row.get("user_id")
        if not user:
            return []
        if is_integration_row(row):
            return [("integration", int(user))]  # type: ignore[arg-type]
        return [("admin_role", int(user))] if is_admin_user_row(row) else []  # type: ignore[arg-type]
    role = row.get("role_id")
    return [(ROLE, int(role))] if role is not None else []  # type: ignore[arg-type]


def is_integration_row(row: Mapping[str, Value]) -> bool:
    """An `authorization_role` row that is an integration's own role ('U', user_type 1)."""
    return str(row.get("role_type")) == "U" and str(row.get("user_type")) == "1"


def _token_touches(table: str, row: Mapping[str, Value]) -> list[AnyTouch]:
    if table == "oauth_token":
        token = row.get("entity_id")
        return [("integration_token", int(token))] if token is not None else []  # type: ignore[arg-type]
    if table == "integration":
        consumer = row.get("consumer_id")
        return [("oauth_consumer", int(consumer))] if consumer is not None else []  # type: ignore[arg-type]
    if table == "core_config_data" and row.get("path") == BEARER_PATH:
        return [("core_config_data", 0)]
    return []  # oauth_consumer: its deletion cascades to the rows that touch
