"""`GET /V1/categories/list?searchCriteria…` (CategoryListInterface): the category ids of the
page and the total, filtered and sorted as Magento's EAV category collection does (values seen
from the request's store view); an unknown field is the collection's "Invalid attribute name"."""

from __future__ import annotations

from ficus_legacy.core.searchcriteria import SearchCriteria
from ficus_legacy.core.webapi_errors import InputError
from ficus_legacy.eav import Eav
from ficus_standin import sqlsearch
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.repositories import categories
from ficus_standin.repositories.eav_joins import EavJoins

INVALID_ATTRIBUTE = "Invalid attribute name: %1"


def search(
    conn: Connection, eav: Eav, criteria: SearchCriteria, store_id: int
) -> tuple[list[int], int]:
    joins = EavJoins(eav, "catalog_category", "c", store_id, categories.COLUMNS, {})

    def resolve(name: str) -> str:
        expr = joins.resolve(name)
        if expr is None:
            raise InputError(INVALID_ATTRIBUTE, [name])
        return expr

    where, where_params = sqlsearch.where_clause(criteria, resolve)
    order = sqlsearch.order_clause(criteria, resolve, "c.entity_id ASC")
    base = "FROM catalog_category_entity c" + "".join(joins.sql) + f" WHERE {where}"
    params = [*joins.params, *where_params]
    with dict_cursor(conn) as cur:
        cur.execute(f"SELECT COUNT(*) AS n {base}", params)
        total = int(cur.fetchone()["n"])  # type: ignore[index]
        cur.execute(
            f"SELECT c.entity_id {base} ORDER BY {order}" + sqlsearch.limit_clause(criteria),
            params,
        )
        ids = [int(row["entity_id"]) for row in cur.fetchall()]
    return ids, total
