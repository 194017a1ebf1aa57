"""Writing CustomerState into Magento's rows and reading it back: exactly the state, always."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pymysql
import pytest

from ficus_contracts.customers import AddressState, CustomerState
from ficus_legacy import customers
from ficus_legacy.customers import CustomerAttributes, DuplicateEmail, EntityIdTaken

pytestmark = pytest.mark.integration
Conn = pymysql.Connection  # type: ignore[type-arg]

BACKENDS = ("varchar", "int", "decimal", "datetime", "text")
CHARS = "abcxyzÄöüßéçñ漢字🙂🪑 -'.0123456789"


@pytest.fixture
def attributes(magento_tx: Conn) -> Iterator[CustomerAttributes]:
    """Custom EAV attributes of every backend type for customers (1) and addresses (2)."""
    with magento_tx.cursor() as cur:
        for type_id in (1, 2):
            for backend in BACKENDS:
                cur.execute(
                    "INSERT INTO eav_attribute (entity_type_id, attribute_code, backend_type)"
                    " VALUES (%s, %s, %s)",
                    (type_id, f"x_{type_id}_{backend}", backend),
                )
    yield CustomerAttributes.load(magento_tx)


class Random:
    """Random but valid customer states (lengths within Magento's columns)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - test data
        self.next_address = 70_000

    def text(self, size: int = 20) -> str:
        n = self.rng.randint(1, size)
        return "".join(self.rng.choice(CHARS) for _ in range(n)).strip() or "x"

    def maybe(self, size: int = 20) -> str | None:
        return None if self.rng.random() < 0.3 else self.text(size)

    def moment(self) -> str:
        r = self.rng
        day = f"{r.randint(2001, 2037)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
        return f"{day} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"

    def value(self, backend: str) -> str | None:
        r = self.rng
        if r.random() < 0.15:
            return None
        return {
            "varchar": lambda: self.text(),
            "text": lambda: self.text(300),
            "int": lambda: str(r.randint(-(2**31), 2**31 - 1)),
            "decimal": lambda: f"{r.randint(-99999, 99999)}.{r.randint(0, 999999):06d}",
            "datetime": self.moment,
        }[backend]()

    def attrs(self, type_id: int) -> dict[str, str | None]:
        codes = [b for b in BACKENDS if self.rng.random() < 0.5]
        return {f"x_{type_id}_{b}": self.value(b) for b in sorted(codes)}

    def address(self, entity_id: int | None = None) -> AddressState:
        if entity_id is None:
            self.next_address += 1
        return AddressState(
            entity_id=entity_id or self.next_address, is_active=self.rng.random() < 0.9,
            firstname=self.text(), lastname=self.text(), middlename=self.maybe(),
            prefix=self.maybe(40), suffix=self.maybe(40), company=self.maybe(),
            street="\n".join(self.text() for _ in range(self.rng.randint(1, 3))),
            city=self.text(), region=self.maybe(), region_id=self.rng.choice((None, 1, 88)),
            postcode=self.maybe(10), country_id=self.rng.choice(("DE", "FR", "US")),
            telephone=self.text(15), fax=self.maybe(), vat_id=self.maybe(),
            created_at=self.moment(), updated_at=self.moment(), attributes=self.attrs(2),
        )  # fmt: skip

    def addresses(self, old: list[AddressState]) -> list[AddressState]:
        kept = [a if self.rng.random() < 0.5 else self.address(a.entity_id)
                for a in old if self.rng.random() < 0.7]  # fmt: skip
        return sorted(kept + [self.address() for _ in range(self.rng.randint(0, 2))],
                      key=lambda a: a.entity_id)  # fmt: skip

    def customer(self, entity_id: int, old: CustomerState | None = None) -> CustomerState:
        r = self.rng
        addresses = self.addresses(old.addresses if old else [])
        ids = [a.entity_id for a in addresses]
        return CustomerState(
            entity_id=entity_id, website_id=r.choice((None, 1)),
            email=f"{entity_id}.{r.randint(0, 9)}{self.text(30)}@example.com",
            group_id=r.randint(0, 3), store_id=r.choice((None, 0, 1)),
            created_at=self.moment(), updated_at=self.moment(), is_active=r.random() < 0.9,
            disable_auto_group_change=r.randint(0, 1), created_in=self.maybe(),
            prefix=self.maybe(40), firstname=self.maybe(), middlename=self.maybe(),
            lastname=self.maybe(), suffix=self.maybe(40),
            dob=None if r.random() < 0.3 else self.moment()[:10],
            password_hash=self.maybe(128), rp_token=self.maybe(128),
            rp_token_created_at=None if r.random() < 0.5 else self.moment(),
            default_billing=r.choice([None, *ids]), default_shipping=r.choice([None, *ids]),
            taxvat=self.maybe(50), confirmation=self.maybe(64), gender=r.choice((None, 1, 2, 3)),
            failures_num=r.randint(0, 5), first_failure=None if r.random() < 0.5 else self.moment(),
            lock_expires=None if r.random() < 0.5 else self.moment(), attributes=self.attrs(1),
            addresses=addresses,
        )  # fmt: skip


def test_random_states_round_trip(magento_tx: Conn, attributes: CustomerAttributes) -> None:
    gen = Random(seed=13)
    current: dict[int, CustomerState] = {}
    for step in range(120):
        entity_id = 60_000 + gen.rng.randint(0, 29)
        previous = current.get(entity_id)
        state = gen.customer(entity_id, previous)
        customers.write(magento_tx, state, previous, attributes=attributes)
        current[entity_id] = state
        assert customers.read(magento_tx, [entity_id], attributes=attributes) == {
            entity_id: state
        }, f"step {step}"
    assert customers.read(magento_tx, list(current), attributes=attributes) == current


def test_write_refreshes_the_grid_and_delete_removes_everything(
    magento_tx: Conn, attributes: CustomerAttributes
) -> None:
    gen = Random(seed=5)
    state = gen.customer(61_000)
    state = state.model_copy(update={"firstname": "Zoë", "middlename": None, "prefix": None,
                                     "suffix": None, "lastname": "Ünal"})  # fmt: skip
    customers.write(magento_tx, state, None, attributes=attributes)
    with magento_tx.cursor() as cur:
        cur.execute("SELECT name, email FROM customer_grid_flat WHERE entity_id = 61000")
        assert cur.fetchone() == ("Zoë Ünal", state.email)
    customers.delete(magento_tx, 61_000)
    assert customers.read(magento_tx, [61_000], attributes=attributes) == {}
    with magento_tx.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM customer_grid_flat WHERE entity_id = 61000")
        assert cur.fetchone() == (0,)
        cur.execute("SELECT COUNT(*) FROM customer_address_entity WHERE parent_id = 61000")
        assert cur.fetchone() == (0,)


def test_refusals_are_named(magento_tx: Conn, attributes: CustomerAttributes) -> None:
    gen = Random(seed=7)
    first = gen.customer(62_000).model_copy(update={"website_id": 1, "addresses": [],
        "default_billing": None, "default_shipping": None})  # fmt: skip
    customers.write(magento_tx, first, None, attributes=attributes)
    with pytest.raises(EntityIdTaken):
        customers.write(magento_tx, first, None, attributes=attributes)
    twin = first.model_copy(update={"entity_id": 62_001})
    with pytest.raises(DuplicateEmail):
        customers.write(magento_tx, twin, None, attributes=attributes)


def test_read_for_update_and_an_update_of_a_row_gone(
    magento_tx: Conn, attributes: CustomerAttributes
) -> None:
    gen = Random(seed=9)
    state = gen.customer(63_000)
    customers.write(magento_tx, state, None, attributes=attributes)
    locked = customers.read(magento_tx, [63_000], for_update=True, attributes=attributes)
    assert locked == {63_000: state}
    customers.delete(magento_tx, 63_000)
    customers.write(magento_tx, state, state, attributes=attributes)  # previous is stale
    assert customers.read(magento_tx, [63_000]) == {63_000: state}
