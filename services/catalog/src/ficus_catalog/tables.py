"""The catalog's own normalized schema (SQLAlchemy 2, typed). Alembic's migrations under
`migrations/catalog/` create exactly these tables.

A product is one `product` row with its per-store values, websites, categories, stock and
configurable links, and its Magento JSON per store view (`product_json`, rendered when the
event was applied); `applied_version` remembers the last version applied per aggregate (also
after a deletion, so a stale upsert never resurrects a deleted product).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


_CHILD = "all, delete-orphan"


def _product_fk() -> Mapped[uuid.UUID]:
    return mapped_column(
        UUID(as_uuid=True), ForeignKey("product.uuid", ondelete="CASCADE"), primary_key=True
    )


class Product(Base):
    __tablename__ = "product"

    uuid: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    entity_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    sku: Mapped[str] = mapped_column(Text, index=True)
    type_id: Mapped[str] = mapped_column(Text, index=True)
    attribute_set_id: Mapped[int] = mapped_column(Integer)
    has_options: Mapped[int] = mapped_column(SmallInteger, default=0)
    required_options: Mapped[int] = mapped_column(SmallInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    version: Mapped[int] = mapped_column(BigInteger)
    applied_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    stores: Mapped[list[ProductStoreValue]] = relationship(
        cascade=_CHILD, order_by="ProductStoreValue.store_id", passive_deletes=True
    )
    websites: Mapped[list[ProductWebsite]] = relationship(
        cascade=_CHILD, order_by="ProductWebsite.ordinal", passive_deletes=True
    )
    categories: Mapped[list[ProductCategory]] = relationship(
        cascade=_CHILD, order_by="ProductCategory.ordinal", passive_deletes=True
    )
    stock: Mapped[Stock | None] = relationship(cascade=_CHILD, passive_deletes=True)
    children: Mapped[list[ConfigurableChild]] = relationship(
        cascade=_CHILD, order_by="ConfigurableChild.ordinal", passive_deletes=True
    )
    super_attributes: Mapped[list[ConfigurableAttribute]] = relationship(
        cascade=_CHILD, order_by="ConfigurableAttribute.ordinal", passive_deletes=True
    )
    options: Mapped[list[ConfigurableOptionRow]] = relationship(
        cascade=_CHILD, order_by="ConfigurableOptionRow.option_id", passive_deletes=True
    )


class ProductStoreValue(Base):
    """A product's effective attribute values in one store view (store 0 = defaults)."""

    __tablename__ = "product_store_value"

    product_uuid: Mapped[uuid.UUID] = _product_fk()
    store_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    url_key: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    short_description: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal | None] = mapped_column(Numeric)
    special_price: Mapped[Decimal | None] = mapped_column(Numeric)
    weight: Mapped[Decimal | None] = mapped_column(Numeric)
    status: Mapped[int | None] = mapped_column(Integer)
    visibility: Mapped[int | None] = mapped_column(Integer)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


class ProductWebsite(Base):
    __tablename__ = "product_website"

    product_uuid: Mapped[uuid.UUID] = _product_fk()
    website_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer)


class ProductCategory(Base):
    __tablename__ = "product_category"

    product_uuid: Mapped[uuid.UUID] = _product_fk()
    category_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    ordinal: Mapped[int] = mapped_column(Integer)


class Stock(Base):
    __tablename__ = "stock"

    product_uuid: Mapped[uuid.UUID] = _product_fk()
    item_id: Mapped[int] = mapped_column(BigInteger)
    stock_id: Mapped[int] = mapped_column(Integer)
    qty: Mapped[Decimal | None] = mapped_column(Numeric)
    is_in_stock: Mapped[bool] = mapped_column(Boolean)
    manage_stock: Mapped[bool] = mapped_column(Boolean)
    use_config_manage_stock: Mapped[bool] = mapped_column(Boolean)
    min_sale_qty: Mapped[Decimal] = mapped_column(Numeric)
    max_sale_qty: Mapped[Decimal] = mapped_column(Numeric)
    low_stock_date: Mapped[datetime | None] = mapped_column(DateTime)


class ConfigurableChild(Base):
    __tablename__ = "configurable_child"

    product_uuid: Mapped[uuid.UUID] = _product_fk()
    child_entity_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer)


class ConfigurableAttribute(Base):
    __tablename__ = "configurable_attribute"

    product_uuid: Mapped[uuid.UUID] = _product_fk()
    attribute_code: Mapped[str] = mapped_column(Text, primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer)


class ConfigurableOptionRow(Base):
    """A configurable product's option (`catalog_product_super_attribute`), as the event's
    `ConfigurableOption`: `GET /V1/configurable-products/{sku}/options/all` reads it."""

    __tablename__ = "configurable_option"

    product_uuid: Mapped[uuid.UUID] = _product_fk()
    option_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    attribute_id: Mapped[int] = mapped_column(Integer)
    attribute_code: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    frontend_label: Mapped[str | None] = mapped_column(Text)
    # its label rows by store: {"0": {"use_default": 0, "value": "Color"}}
    labels: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default=text("'{}'::jsonb")
    )


class Category(Base):
    __tablename__ = "category"

    uuid: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    entity_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    parent_id: Mapped[int] = mapped_column(BigInteger)
    path: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    children_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(BigInteger)
    stores: Mapped[list[CategoryStoreValue]] = relationship(
        cascade=_CHILD, order_by="CategoryStoreValue.store_id", passive_deletes=True
    )


class CategoryStoreValue(Base):
    __tablename__ = "category_store_value"

    category_uuid: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("category.uuid", ondelete="CASCADE"), primary_key=True
    )
    store_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


class AppliedVersion(Base):
    """The last version applied per aggregate, kept after deletion (a tombstone)."""

    __tablename__ = "applied_version"

    aggregate: Mapped[str] = mapped_column(Text, primary_key=True)
    aggregate_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class ConsumerCheckpoint(Base):
    """The last event `seq` a consumer applied; moves in the same transaction as the effect."""

    __tablename__ = "consumer_checkpoint"

    consumer: Mapped[str] = mapped_column(Text, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class DeadLetter(Base):
    """An event that could not be applied, with the reason; the stream went on past it."""

    __tablename__ = "dead_letter"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    consumer: Mapped[str] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    aggregate: Mapped[str | None] = mapped_column(Text)
    aggregate_id: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int | None] = mapped_column(BigInteger)
    event: Mapped[dict[str, Any]] = mapped_column(JSONB)
    error: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CatalogStore(Base):
    """Magento's store views: the store code → store id map of the `/rest/{code}/` routes.

    Rows come from sync's `store` events (`version` set, newest wins through
    `applied_version`). Before the first store event, the rows are the `stores` setting
    (`version` NULL, the other columns NULL); the first applied store event removes them.
    """

    __tablename__ = "catalog_store"

    code: Mapped[str] = mapped_column(Text, primary_key=True)
    store_id: Mapped[int] = mapped_column(Integer, unique=True)
    version: Mapped[int | None] = mapped_column(BigInteger)
    website_id: Mapped[int | None] = mapped_column(Integer)
    website_code: Mapped[str | None] = mapped_column(Text)
    group_id: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool | None] = mapped_column(Boolean)
    root_category_id: Mapped[int | None] = mapped_column(BigInteger)
    is_default: Mapped[bool | None] = mapped_column(Boolean)


class ProductJson(Base):
    """A product's Magento JSON (`GET /V1/products/{sku}`) as one store view sees it, rendered
    in the transaction that applied the product's event: store 0 (`all`, and every view with
    no values of its own) and each view that has values of its own. A by-sku read is one
    lookup on (lower(sku), store_id, entity_id) returning these bytes."""

    __tablename__ = "product_json"

    product_uuid: Mapped[uuid.UUID] = _product_fk()
    store_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(BigInteger)
    sku: Mapped[str] = mapped_column(Text)
    body: Mapped[bytes] = mapped_column(LargeBinary)


Index(
    "ix_product_json_sku",
    func.lower(ProductJson.sku),
    ProductJson.store_id,
    ProductJson.entity_id,
)


class TokenRevocation(Base):
    """Magento's `jwt_auth_revoked`, from sync's `auth_revocation` events: a user's tokens
    issued at or before `revoke_before` (Unix time) are refused (`auth.Gate`)."""

    __tablename__ = "token_revocation"

    user_type_id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    revoke_before: Mapped[int] = mapped_column(BigInteger)
    aggregate_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), unique=True)
    version: Mapped[int] = mapped_column(BigInteger)


class AdminRole(Base):
    """What each admin user may do, from sync's `admin_role` events (Magento's
    `authorization_role` / `authorization_rule`): the ACL resources their role allows and
    denies (`ficus_legacy.core.acl`)."""

    __tablename__ = "admin_role"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    role_id: Mapped[int] = mapped_column(BigInteger)
    resources: Mapped[list[str]] = mapped_column(ARRAY(Text))
    denied: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    aggregate_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), unique=True)
    version: Mapped[int] = mapped_column(BigInteger)


class IntegrationToken(Base):
    """Magento's integration access tokens, from sync's `integration_token` events
    (`ficus_contracts.auth.IntegrationTokenState`: the token's SHA-256, never the token, and
    what Magento reads to accept it), looked up by hash for the gate."""

    __tablename__ = "integration_token"

    token_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(Text, index=True)
    user_type: Mapped[int | None] = mapped_column(SmallInteger)
    revoked: Mapped[bool]
    integration_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[int | None] = mapped_column(SmallInteger)
    bearer_enabled: Mapped[bool]
    resources: Mapped[list[str]] = mapped_column(ARRAY(Text))
    denied: Mapped[list[str]] = mapped_column(ARRAY(Text))
    aggregate_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), unique=True)
    version: Mapped[int] = mapped_column(BigInteger)
