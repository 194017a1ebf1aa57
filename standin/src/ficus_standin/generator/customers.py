"""Generated customers with one or two addresses each (default billing and shipping)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from ficus_standin.generator.bulk import BulkWriter
from ficus_standin.generator.common import (
    CITIES,
    EMOJI,
    FIRST_NAMES,
    LAST_NAMES,
    password_hash,
    ts,
)

CUSTOMER_COLUMNS = (
    "entity_id", "website_id", "email", "group_id", "store_id", "created_at", "updated_at",
    "is_active", "created_in", "firstname", "middlename", "lastname", "dob", "password_hash",
    "default_billing", "default_shipping", "gender", "taxvat",
)  # fmt: skip
ADDRESS_COLUMNS = (
    "entity_id", "parent_id", "created_at", "updated_at", "is_active", "city", "company",
    "country_id", "firstname", "lastname", "postcode", "region", "street", "telephone",
)  # fmt: skip
STORE_NAMES = {1: "Default Store View", 4: "EU English"}


@dataclass(frozen=True)
class Address:
    entity_id: int
    firstname: str
    lastname: str
    street: str
    city: str
    country_id: str
    postcode: str
    telephone: str


@dataclass(frozen=True)
class Customer:
    entity_id: int
    email: str
    firstname: str
    lastname: str
    group_id: int
    website_id: int
    store_id: int
    address: Address


def _address(rng: random.Random, entity_id: int, first: str, last: str) -> Address:
    city, country, postcode = rng.choice(CITIES)
    street = f"{rng.randint(1, 200)} Main Street" + ("\nBuilding B" if rng.random() < 0.3 else "")
    phone = f"+33 1 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    return Address(entity_id, first, last, street, city, country, postcode, phone)


def write_customers(
    writer: BulkWriter, rng: random.Random, total: int, on_progress: Callable[[int], None]
) -> list[Customer]:
    """`total` customers; ~15% belong to the second website."""
    customers: list[Customer] = []
    address_id = 0
    for cid in range(1, total + 1):
        website = 2 if rng.random() < 0.15 else 1
        store = 4 if website == 2 else 1
        first = rng.choice(FIRST_NAMES) + (f" {rng.choice(EMOJI)}" if rng.random() < 0.02 else "")
        last = rng.choice(LAST_NAMES)
        created = ts(cid * 3)
        addresses = [
            _address(rng, address_id + n + 1, first, last) for n in range(rng.randint(1, 2))
        ]
        address_id += len(addresses)
        for a in addresses:
            writer.add("customer_address_entity", ADDRESS_COLUMNS, (
                a.entity_id, cid, created, created, 1, a.city,
                None if rng.random() < 0.7 else "ACME GmbH", a.country_id, a.firstname,
                a.lastname, a.postcode, None, a.street, a.telephone))  # fmt: skip
        group = rng.choice((1, 1, 1, 2, 3))
        dob = None if rng.random() < 0.4 else f"{rng.randint(1950, 2004)}-0{rng.randint(1, 9)}-15"
        writer.add("customer_entity", CUSTOMER_COLUMNS, (
            cid, website, f"customer{cid}@example.com", group, store, created,
            ts(cid * 3 + rng.randint(0, 9000)), int(rng.random() > 0.02), STORE_NAMES[store],
            first, None if rng.random() < 0.9 else "Q.", last, dob, password_hash(rng),
            addresses[0].entity_id, addresses[-1].entity_id, rng.choice((None, 1, 2)),
            None if rng.random() < 0.8 else f"FR{rng.randint(10**9, 10**10 - 1)}"))  # fmt: skip
        customers.append(
            Customer(
                cid, f"customer{cid}@example.com", first, last, 1, website, store, addresses[0]
            )
        )
        writer.maybe_flush()
        on_progress(1)
    return customers
