"""Reference flattening (bulk, chunked) agrees with per-store EAV reads of the same rows."""

from __future__ import annotations

import pymysql
import pytest

from ficus_legacy.core.flatten import canonical
from ficus_legacy.eav import Eav
from ficus_legacy.reference import category_states, product_states
from ficus_standin.generator import SeedSpec, generate

pytestmark = pytest.mark.integration
Conn = pymysql.Connection  # type: ignore[type-arg]


def _expected(
    eav: Eav, conn: Conn, entity_type: str, entity_id: int, store: int
) -> dict[str, object]:
    record = eav.read(conn, entity_type, entity_id, store)
    out = {}
    for code, value in record.items():
        attribute = eav.catalog.find(entity_type, code)
        if attribute is not None and not attribute.is_static:
            out[code] = canonical(value, attribute.backend_type)
    return out


def test_product_and_category_states_match_eav_reads(mariadb_conn: Conn) -> None:
    generate(mariadb_conn, SeedSpec(products=120, customers=2, orders=2, seed=5))
    eav = Eav.load(mariadb_conn)
    states = list(product_states(mariadb_conn, chunk=50))
    assert [s.entity_id for s in states] == list(range(1, 121))
    assert sorted(states[0].attributes) == [0, 1, 2, 3, 4]  # store 5 is inactive
    for state in states[::7]:
        for store in state.attributes:
            assert state.attributes[store] == _expected(eav, mariadb_conn, "catalog_product",
                                                        state.entity_id, store)  # fmt: skip
        assert state.stock_item is not None
        assert state.website_ids
    parents = [s for s in states if s.type_id == "configurable"]
    assert parents and all(len(p.configurable_children) >= 2 for p in parents)
    children = {c for p in parents for c in p.configurable_children}
    by_id = {s.entity_id: s for s in states}
    assert all(not by_id[c].category_links for c in children)
    assert all(s.category_links for s in states if s.entity_id not in children)
    assert all(
        by_id[c].website_ids == p.website_ids for p in parents for c in p.configurable_children
    )
    assert parents[0].configurable_attributes == ["color", "size"]
    categories = list(category_states(mariadb_conn))
    assert (
        categories[1].entity_id == 2 and categories[1].attributes[1]["name"] == "Default Category"
    )
    french = next(c for c in categories if c.entity_id == 3).attributes[2]["name"]
    assert french is not None and french.endswith("(FR)")
    assert list(product_states(mariadb_conn, [5, 3])) == [states[2], states[4]]
