"""`GET /V1/products?searchCriteria…`: entity ids matching the criteria, with store fallback
(`EavJoins`); `category_id` matches the product's category links.
"""

from __future__ import annotations

from ficus_legacy.core.searchcriteria import SearchCriteria
from ficus_legacy.eav import Eav
from ficus_standin import sqlsearch
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.repositories.eav_joins import EavJoins

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


def search(
    conn: Connection, eav: Eav, criteria: SearchCriteria, store_id: int
) -> tuple[list[int], int]:
    joins = EavJoins(eav, "catalog_product", "p", store_id, STATIC, _ALIASES)

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
