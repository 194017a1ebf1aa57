"""The customer aggregate (Magento `customer_entity` + `customer_address_entity` and their EAV
value tables), as forward sync projects it and as the customer service writes it back.

Values are carried as Magento stores them: datetimes "YYYY-MM-DD HH:MM:SS" (UTC, as Magento's
timestamp columns), `dob` "YYYY-MM-DD", ints as ints, NULL as None. Custom EAV attributes
(`customer_entity_{varchar,int,datetime,decimal,text}`, `customer_address_entity_*`) are keyed by
attribute code with their text value, as `ProductState.attributes` does. Addresses are sorted by
`entity_id`; `default_billing` / `default_shipping` name address entity_ids.

The state is deterministic (same Magento rows → same JSON), so its hash identifies it: sync's
projector and the reverse worker hash it the same way (`ficus_sync.projector.text_hash` of
`model_dump_json()`), which is what the no-echo rule compares.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

AttributeValue = str | None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AddressState(_Frozen):
    """One `customer_address_entity` row with its custom EAV values."""

    entity_id: int
    is_active: bool = True
    firstname: str
    lastname: str
    middlename: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    company: str | None = None
    street: str  # lines joined by "\n", as Magento stores them
    city: str
    region: str | None = None
    region_id: int | None = None
    postcode: str | None = None
    country_id: str
    telephone: str
    fax: str | None = None
    vat_id: str | None = None
    created_at: str
    updated_at: str
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)


class CustomerState(_Frozen):
    """One `customer_entity` row (static columns), its custom EAV values and its addresses.

    `password_hash` travels as Magento stores it (`hash:salt:version`), so that a customer who
    signed up on either side logs in on the other; `failures_num`, `first_failure` and
    `lock_expires` are Magento's lockout state.
    """

    entity_id: int
    website_id: int | None
    email: str
    group_id: int = 0
    store_id: int | None = 0
    created_at: str
    updated_at: str
    is_active: bool = True
    disable_auto_group_change: int = 0
    created_in: str | None = None
    prefix: str | None = None
    firstname: str | None = None
    middlename: str | None = None
    lastname: str | None = None
    suffix: str | None = None
    dob: str | None = None
    password_hash: str | None = None
    rp_token: str | None = None
    rp_token_created_at: str | None = None
    default_billing: int | None = None
    default_shipping: int | None = None
    taxvat: str | None = None
    confirmation: str | None = None
    gender: int | None = None
    failures_num: int = 0
    first_failure: str | None = None
    lock_expires: str | None = None
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    addresses: list[AddressState] = Field(default_factory=list)
