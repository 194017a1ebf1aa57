"""Domain events: full-state, versioned snapshots of one aggregate, produced by sync's
projector and applied idempotently by services (a newer `version` wins; an equal or older one
is ignored).

Transport on the embedded engine: table `domain_event` in sync's Postgres database

    domain_event(seq bigserial PK, aggregate text, aggregate_id uuid, version bigint,
                 kind text, payload jsonb, source_ts_ms bigint, created_at timestamptz,
                 reverse_watermark bigint NULL)

with `NOTIFY ficus_domain_event` on commit; consumers remember the last `seq` they applied, in
their own database, in the same transaction as the effect. On the Kafka path the same JSON is the
value of a record on topic `ficus.domain.<aggregate>` keyed by aggregate_id.

Values of EAV attributes are carried as Magento stores them, as text: decimals with their
scale ("12.500000"), datetimes "YYYY-MM-DD HH:MM:SS", ints as digits; NULL as None.
"""

from __future__ import annotations

import enum
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ficus_contracts.auth import AdminRoleState, AuthRevocationState, IntegrationTokenState
from ficus_contracts.customers import CustomerState

DOMAIN_EVENT_CHANNEL = "ficus_domain_event"

AttributeValue = str | None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EventKind(enum.StrEnum):
    UPSERTED = "upserted"
    DELETED = "deleted"


class CategoryLink(_Frozen):
    category_id: int
    position: int = 0


class StockItem(_Frozen):
    item_id: int
    stock_id: int = 1
    qty: str | None  # decimal(12,4) text, e.g. "100.0000"
    is_in_stock: bool
    manage_stock: bool = True
    use_config_manage_stock: bool = True
    min_sale_qty: str = "1.0000"
    max_sale_qty: str = "10000.0000"
    low_stock_date: str | None = None


class OptionLabel(_Frozen):
    """A `catalog_product_super_attribute_label` row: an option's label in one store."""

    use_default: int | None = None
    value: str | None = None


class ConfigurableOption(_Frozen):
    """One option of a configurable product (a `catalog_product_super_attribute` row) with the
    attribute's code and admin label (`eav_attribute.frontend_label`), which its REST form
    (`GET /V1/configurable-products/{sku}/options/all`) labels it with."""

    id: int  # product_super_attribute_id
    attribute_id: int
    attribute_code: str
    position: int = 0
    frontend_label: str | None = None
    labels: dict[int, OptionLabel] = Field(default_factory=dict)  # label rows by store_id


class ProductState(_Frozen):
    """A product as Magento holds it, flattened: every EAV attribute per store view.

    `attributes[store_id][attribute_code]` is the store's own value if it has one, else the
    store-0 default; `attributes[0]` holds the defaults. Every active store view is present.
    """

    entity_id: int
    sku: str
    type_id: str
    attribute_set_id: int
    has_options: int = 0
    required_options: int = 0
    created_at: str
    updated_at: str
    website_ids: list[int] = Field(default_factory=list)
    category_links: list[CategoryLink] = Field(default_factory=list)
    stock_item: StockItem | None = None
    configurable_children: list[int] = Field(default_factory=list)  # child entity_ids
    configurable_attributes: list[str] = Field(default_factory=list)  # super attribute codes
    # the super attribute rows, by product_super_attribute_id (additive: #14)
    configurable_options: list[ConfigurableOption] = Field(default_factory=list)
    attributes: dict[int, dict[str, AttributeValue]] = Field(default_factory=dict)


class CategoryState(_Frozen):
    """A category with its tree position and its EAV attributes per store view."""

    entity_id: int
    parent_id: int
    path: str  # "1/2/5"
    position: int
    level: int
    children_count: int = 0
    created_at: str
    updated_at: str
    attributes: dict[int, dict[str, AttributeValue]] = Field(default_factory=dict)


class StoreState(_Frozen):
    """A Magento store view (`store` row) with its store group's and website's identity.

    Keyed by `store_id`; store 0 (admin) is included as Magento has it. `is_active` is the
    view's own flag; which views get product values is still decided by
    `ProductState.attributes` (every active view other than 0).
    """

    store_id: int
    code: str
    website_id: int
    website_code: str
    group_id: int
    name: str
    sort_order: int = 0
    is_active: bool
    root_category_id: int = 0  # the store group's root category
    # Magento's store for requests without a store code: the default store view of the
    # default group of the default website
    is_default: bool = False

    @property
    def entity_id(self) -> int:
        """Magento's id of the aggregate, as for products and categories."""
        return self.store_id


Payload = (
    ProductState
    | CategoryState
    | StoreState
    | CustomerState
    | AuthRevocationState
    | AdminRoleState
    | IntegrationTokenState
)
"""Every aggregate's payload (an `upserted` event of aggregate A carries `PAYLOAD_TYPES[A]`)."""


class DomainEvent(_Frozen):
    """One versioned full-state event; `payload` is None for deletions.

    Aggregates: `product` (ProductState), `category` (CategoryState), `store`
    (StoreState, `entity_id` = store_id), `customer` (CustomerState with its addresses),
    `auth_revocation` (AuthRevocationState, `entity_id` = user_id) and `admin_role`
    (AdminRoleState, `entity_id` = admin user_id) and `integration_token`
    (IntegrationTokenState, `entity_id` = oauth_token entity_id), in `ficus_contracts.auth`.
    Consumers ignore aggregates they do not hold.
    """

    aggregate: Literal[
        "product",
        "category",
        "store",
        "customer",
        "auth_revocation",
        "admin_role",
        "integration_token",
    ]
    aggregate_id: UUID
    entity_id: int  # Magento's id, as in the id map
    version: int
    kind: EventKind
    source_ts_ms: int | None = None  # Magento commit time, for lag
    # customer events: the newest service write (outbox id) Magento's state has taken into
    # account, i.e. max(outbox_id) of the customer's `ficus_reverse_log` rows in the mirror
    # when the state was built (None: none yet / not a customer); docs/reverse-sync.md
    reverse_watermark: int | None = None
    payload: Payload | None = None


PAYLOAD_TYPES: dict[str, type[Payload]] = {
    "product": ProductState,
    "category": CategoryState,
    "store": StoreState,
    "customer": CustomerState,
    "auth_revocation": AuthRevocationState,
    "admin_role": AdminRoleState,
    "integration_token": IntegrationTokenState,
}
"""Each aggregate's payload model: an `upserted` event of that aggregate carries exactly it."""


DOMAIN_EVENT_DDL = """
CREATE TABLE IF NOT EXISTS domain_event (
    seq          bigserial PRIMARY KEY,
    aggregate    text        NOT NULL,
    aggregate_id uuid        NOT NULL,
    entity_id    bigint      NOT NULL,
    version      bigint      NOT NULL,
    kind         text        NOT NULL,
    payload      jsonb,
    source_ts_ms bigint,
    created_at   timestamptz NOT NULL DEFAULT now(),
    reverse_watermark bigint
);
CREATE INDEX IF NOT EXISTS domain_event_aggregate ON domain_event (aggregate, seq);
"""
"""The embedded transport's event table, created by sync in its own database. A row's JSON
form is `DomainEvent.model_dump(mode="json")` split into these columns."""
