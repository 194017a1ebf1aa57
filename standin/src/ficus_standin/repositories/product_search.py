"""`GET /V1/products?searchCriteria…`: entity ids matching the criteria, with store fallback.

Static fields are columns of catalog_product_entity; an EAV attribute is joined twice (store 0
and the current store) and read as `IF(store row exists, store value, default value)`, as
Magento's collection does; `category_id` matches the product's category links.
"""

from __future__ import annotations

from typing import Any

from ficus_legacy.core.searchcriteria import SearchCriteria
from ficus_legacy.eav import Eav
from ficus_standin import sqlsearch
from ficus_standin.db import Connection, dict_cursor

STATIC = frozenset(
    [
        "entity_id",
        "attribute_set_id",
        "type_id",
        "sku",
        "has_options",
        "required_options",
        "created_at",
        "updated_at",
    ]
)
_ALIASES = {"id": "entity_id"}


class _Joins:
    def __init__(self, eav: Eav, store_id: int) -> None:
        self.eav = eav
        self.store_id = store_id
        self.sql: list[str] = []
        self.params: list[Any] = []
        self.known: dict[str, str] = {}

    def resolve(self, name: str) -> str | None:
        name = _ALIASES.get(name, name)
        if name in STATIC:
            return f"p.`{name}`"
        if name in self.known:
            return self.known[name]
        attribute = self.eav.catalog.find("catalog_product", name)
        if attribute is None or attribute.is_static:
            return None
        n = len(self.known)
        table = attribute.value_table
        self.sql.append(
            f" LEFT JOIN `{table}` d{n} ON d{n}.entity_id = p.entity_id"
            f" AND d{n}.attribute_id = %s AND d{n}.store_id = 0"
        )
        self.params.append(attribute.attribute_id)
        expr = f"d{n}.value"
        if self.store_id:
            self.sql.append(
                f" LEFT JOIN `{table}` s{n} ON s{n}.entity_id = p.entity_id"
                f" AND s{n}.attribute_id = %s AND s{n}.store_id = %s"
            )
            self.params += [attribute.attribute_id, self.store_id]
            expr = f"IF(s{n}.value_id IS NULL, d{n}.value, s{n}.value)"
        self.known[name] = expr
        return expr


def search(
    conn: Connection, eav: Eav, criteria: SearchCriteria, store_id: int
) -> tuple[list[int], int]:
    joins = _Joins(eav, store_id)

    def resolve(name: str) -> str | None:
        if name == "category_id":
            return "ccp_link.category_id"
        return joins.resolve(name)

    where, where_params = sqlsearch.where_clause(criteria, resolve)
    order = sqlsearch.order_clause(criteria, resolve, "p.entity_id ASC")
    link = ""
    if "category_id" in criteria.fields():
        link = " LEFT JOIN catalog_category_product ccp_link ON ccp_link.product_id = p.entity_id"
    base = "FROM catalog_product_entity p" + "".join(joins.sql) + link + f" WHERE {where}"
    params = [*joins.params, *where_params]
    with dict_cursor(conn) as cur:
        cur.execute(f"SELECT COUNT(DISTINCT p.entity_id) AS n {base}", params)
        total = int(cur.fetchone()["n"])  # type: ignore[index]
        cur.execute(
            f"SELECT p.entity_id {base} GROUP BY p.entity_id ORDER BY {order}"
            + sqlsearch.limit_clause(criteria),
            params,
        )
        ids = [int(row["entity_id"]) for row in cur.fetchall()]
    return ids, total
