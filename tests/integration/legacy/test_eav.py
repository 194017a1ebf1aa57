"""EAV round trips across store scopes against a real MariaDB with Magento's schema."""

from __future__ import annotations

from decimal import Decimal

import pymysql
import pytest

from ficus_legacy.eav import Eav
from ficus_legacy.errors import EntityNotFound, UnknownAttribute, UnknownStore
from ficus_legacy.metadata import AttributeCatalog, Scope

pytestmark = pytest.mark.integration
Conn = pymysql.Connection  # type: ignore[type-arg]
P = "catalog_product"


def _add_store_views(conn: Conn) -> None:
    """Store 2 in website 1 beside store 1; store 3 in a second website."""
    with conn.cursor() as cur:
        cur.execute("INSERT INTO store_website VALUES (2, 'second', 'Second', 0, 2, 0)")
        cur.execute("INSERT INTO store_group VALUES (2, 2, 'Second Store', 2, 3, 'second')")
        cur.execute("INSERT INTO store VALUES (2, 'french', 1, 1, 'French', 0, 1)")
        cur.execute("INSERT INTO store VALUES (3, 'other', 2, 2, 'Other', 0, 1)")


@pytest.fixture
def magento(magento_tx: Conn) -> Conn:
    """The shared installed database, rolled back after each test (these tests never commit)."""
    return magento_tx


@pytest.fixture
def eav(magento: Conn) -> Eav:
    _add_store_views(magento)
    return Eav.load(magento)


def _product(eav: Eav, conn: Conn, sku: str = "p-1") -> int:
    static = {"sku": sku, "type_id": "simple", "attribute_set_id": 4}
    values = {"name": "Chair", "price": "12.5", "status": 1, "visibility": 4}
    return eav.create(conn, P, static, values)


def test_attributes_are_resolved_by_code(magento: Conn) -> None:
    catalog = AttributeCatalog.load(magento)
    name = catalog.get(P, "name")
    assert (name.backend_type, name.scope, name.is_static) == ("varchar", Scope.STORE, False)
    assert catalog.get(P, "status").scope is Scope.WEBSITE
    assert catalog.get(P, "sku").is_static
    assert catalog.get("catalog_category", "name").attribute_id != name.attribute_id
    assert catalog.entity_type(P).default_attribute_set_id == 4
    with pytest.raises(UnknownAttribute):
        catalog.get(P, "no_such_attribute")


def test_store_override_round_trip(eav: Eav, magento: Conn) -> None:
    pid = _product(eav, magento)
    eav.write(magento, P, pid, {"name": "Chaise"}, store_id=2)
    assert eav.read(magento, P, pid, 0)["name"] == "Chair"
    assert eav.read(magento, P, pid, 1)["name"] == "Chair"
    assert eav.read(magento, P, pid, 2)["name"] == "Chaise"
    eav.remove_overrides(magento, P, pid, ["name", "price"], store_id=2)
    assert eav.read(magento, P, pid, 2)["name"] == "Chair"
    eav.remove_overrides(magento, P, pid, ["name"], store_id=0)
    assert eav.read(magento, P, pid, 0)["name"] == "Chair"
    assert eav.read(magento, P, pid, 2)["sku"] == "p-1"
    assert eav.read(magento, P, pid, 2)["price"] == Decimal("12.500000")


def test_global_attribute_written_from_a_store_view_lands_at_store_0(
    eav: Eav, magento: Conn
) -> None:
    pid = _product(eav, magento)
    eav.write(magento, P, pid, {"price": "9.99"}, store_id=2)
    with magento.cursor() as cur:
        cur.execute("SELECT store_id, value FROM catalog_product_entity_decimal WHERE entity_id=%s",
                    (pid,))  # fmt: skip
        assert cur.fetchall() == ((0, Decimal("9.990000")),)


def test_website_scoped_write_reaches_every_view_of_the_website(eav: Eav, magento: Conn) -> None:
    pid = _product(eav, magento)
    eav.write(magento, P, pid, {"status": 2}, store_id=1)
    assert [eav.read(magento, P, pid, s)["status"] for s in (0, 1, 2, 3)] == [1, 2, 2, 1]
    with magento.cursor() as cur:
        cur.execute(
            "SELECT store_id FROM catalog_product_entity_int WHERE entity_id=%s"
            " AND attribute_id=%s ORDER BY store_id",
            (pid, eav.catalog.attribute_id(P, "status")),
        )
        assert [r[0] for r in cur.fetchall()] == [0, 1, 2]


def test_static_write_and_delete(eav: Eav, magento: Conn) -> None:
    pid = _product(eav, magento)
    eav.write(magento, P, pid, {"sku": "p-renamed", "name": "Stool"}, store_id=0)
    assert eav.read(magento, P, pid)["sku"] == "p-renamed"
    assert eav.delete(magento, P, pid)
    with pytest.raises(EntityNotFound):
        eav.read(magento, P, pid)
    with magento.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM catalog_product_entity_varchar WHERE entity_id=%s", (pid,)
        )
        assert cur.fetchone() == (0,)


def test_bulk_read_equals_single_reads(eav: Eav, magento: Conn) -> None:
    ids = [_product(eav, magento, f"sku-{n}") for n in range(5)]
    eav.write(magento, P, ids[1], {"name": "Über ☕ 🪑", "description": "x" * 70000}, store_id=1)
    eav.write(magento, P, ids[3], {"special_from_date": "2024-02-03 00:00:00"}, store_id=1)
    for store in (0, 1, 2):
        bulk = eav.read_many(magento, P, [*ids, 999_999], store)
        assert bulk == {pid: eav.read(magento, P, pid, store) for pid in ids}
    assert eav.read(magento, P, ids[1], 1)["name"] == "Über ☕ 🪑"
    assert len(eav.read(magento, P, ids[1], 1)["description"]) == 70000


def test_category_and_customer_records(eav: Eav, magento: Conn) -> None:
    assert eav.read(magento, "catalog_category", 2)["name"] == "Default Category"
    assert eav.read(magento, "catalog_category", 2)["path"] == "1/2"
    cid = eav.create(magento, "customer", {"email": "a@example.com", "website_id": 1,
                                           "firstname": "Ann"}, {})  # fmt: skip
    eav.write(magento, "customer", cid, {"lastname": "Lee"}, store_id=1)
    record = eav.read(magento, "customer", cid)
    assert (record["firstname"], record["lastname"]) == ("Ann", "Lee")


def test_single_store_install_saves_store_values_at_store_0(magento: Conn) -> None:
    eav = Eav.load(magento)  # only store 1 besides admin: Magento's hasSingleStore()
    pid = _product(eav, magento)
    eav.write(magento, P, pid, {"name": "Renamed"}, store_id=1)
    with magento.cursor() as cur:
        cur.execute(
            "SELECT store_id, value FROM catalog_product_entity_varchar"
            " WHERE entity_id = %s AND attribute_id = %s",
            (pid, eav.catalog.attribute_id(P, "name")),
        )
        assert cur.fetchall() == ((0, "Renamed"),)


def test_required_value_written_in_a_store_view_also_gets_a_default(
    eav: Eav, magento: Conn
) -> None:
    pid = eav.create(magento, P, {"sku": "no-name", "type_id": "simple", "attribute_set_id": 4}, {})
    eav.write(magento, P, pid, {"name": "Nom", "meta_title": "Titre"}, store_id=2)
    assert eav.read(magento, P, pid, 0)["name"] == "Nom"
    assert "meta_title" not in eav.read(magento, P, pid, 0)
    eav.write(magento, P, pid, {"name": "Nom 2"}, store_id=2)
    assert eav.read(magento, P, pid, 0)["name"] == "Nom"


def test_touch_sets_updated_at(eav: Eav, magento: Conn) -> None:
    pid = _product(eav, magento)
    with magento.cursor() as cur:
        cur.execute(
            "UPDATE catalog_product_entity SET updated_at = '2001-01-01' WHERE entity_id = %s",
            (pid,),
        )
    eav.write(magento, P, pid, {"name": "Fresh"}, store_id=2, touch=True)
    assert eav.read(magento, P, pid)["updated_at"].year > 2001


def test_store_metadata(eav: Eav) -> None:
    stores = eav.stores
    assert stores.by_code("french").store_id == 2
    assert stores.website_of(3) == 2
    assert [v.store_id for v in stores.views_of_website(1)] == [1, 2]
    assert [v.store_id for v in stores.active_views()] == [1, 2, 3]
    assert stores.website(2).code == "second"
    with pytest.raises(UnknownStore):
        stores.by_code("nope")
