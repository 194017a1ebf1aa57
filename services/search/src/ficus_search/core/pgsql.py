"""The Postgres engine's SQL (pure): the WHERE clause shared by hits, totals and facets, the
relevance score, and the statements that compute a page of hits, the total, both facets and
the generation of the snapshot they come from. Relevance is `ts_rank` (weights A name and sku,
B children, C descriptions) plus bonuses for an exact name or sku; `ts_rank_cd` (cover
density) cost ~6x more per match and changes little on short product texts."""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal
from typing import Any

from ficus_search.core.aggregatecache import Aggregates
from ficus_search.core.query import FacetValue, SearchQuery, Sort, price_bucket

FACET_SIZE = 1000

_GENERATION = "(SELECT generation FROM search_generation)"

# On an aggregate-cache miss: the page of hits, the total, both facets and the generation of
# the snapshot they come from, in one statement (one snapshot). Sorted by relevance, every
# match is ranked anyway, so the hits come from the one scan `m`; sorted by a column, the hits
# take their own index scan with LIMIT and no match is ranked but the page.
_MATCHES = """
WITH m AS MATERIALIZED (
    SELECT {ranked}final_price, category_ids FROM search_match WHERE {where})
{hits}
UNION ALL SELECT 't', NULL, count(*), NULL FROM m
UNION ALL SELECT 'g', NULL, {generation}, NULL
"""

_RANKED_HITS = """(SELECT 'h' AS kind, entity_id::numeric AS value, 0::bigint AS n, score FROM m
    ORDER BY score DESC, entity_id LIMIT %(limit)s OFFSET %(offset)s)"""

_SORTED_HITS = """(SELECT 'h' AS kind, entity_id::numeric AS value, 0::bigint AS n,
    {score} AS score FROM search_match WHERE {where}
    ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s)"""

_FACETS = """
UNION ALL (
    SELECT 'c', c, count(*), NULL FROM (SELECT unnest(category_ids) AS c FROM m) AS u
    GROUP BY c ORDER BY count(*) DESC, c LIMIT {facet_size})
UNION ALL (
    SELECT 'p', floor(final_price / %(step)s) * %(step)s AS low, count(*), NULL FROM m
    WHERE final_price IS NOT NULL GROUP BY low ORDER BY low)
"""

_ORDER = {
    Sort.RELEVANCE: "score DESC, entity_id",
    Sort.PRICE_ASC: "final_price ASC NULLS LAST, entity_id",
    Sort.PRICE_DESC: "final_price DESC NULLS LAST, entity_id",
    Sort.NAME_ASC: "lower(name) ASC, entity_id",
    Sort.NAME_DESC: "lower(name) DESC, entity_id",
    Sort.ID: "entity_id",
}


def tsquery(words: list[str]) -> str:
    """All words, the last one as a prefix: 'blue' & 'jack':*"""
    parts = [f"'{w}'" for w in words]
    parts[-1] += ":*"
    return " & ".join(parts)


def like_prefix(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def where(query: SearchQuery, sku_arm: bool = True) -> tuple[str, dict[str, Any]]:
    """The WHERE clause shared by hits, count and facets. Without `sku_arm` (the caller saw,
    in the same snapshot, that no sku starts with the text) the text matches through the
    index condition alone, and no row re-checks an OR per row."""
    clauses = ["store_id = %(store)s::integer", "visibility = ANY(%(visibility)s)"]
    params: dict[str, Any] = {"store": query.store_id, "visibility": list(query.visibility)}
    if query.text:
        # store_id in each arm lets the store's own text index take the text arm.
        text = "(store_id = %(store)s::integer AND search_text @@ to_tsquery('simple', %(tsq)s))"
        clauses.append(f"({text} OR lower(sku) LIKE %(sku_prefix)s)" if sku_arm else text)
        params["tsq"] = tsquery(query.words)
        if sku_arm:
            params["sku_prefix"] = like_prefix(query.text)
    if query.category_ids:
        clauses.append("category_ids && %(categories)s::integer[]")
        params["categories"] = list(query.category_ids)
    if query.price_min is not None:
        clauses.append("final_price >= %(price_min)s")
        params["price_min"] = query.price_min
    if query.price_max is not None:
        clauses.append("final_price <= %(price_max)s")
        params["price_max"] = query.price_max
    if query.in_stock is not None:
        clauses.append("in_stock = %(in_stock)s")
        params["in_stock"] = query.in_stock
    return " AND ".join(clauses), params


def score_sql(query: SearchQuery, sku_arm: bool = True) -> str:
    if not query.text:
        return "0.0"
    score = (
        "ts_rank(search_text, to_tsquery('simple', %(tsq)s))"
        " + CASE WHEN lower(name) = %(exact)s THEN 100 ELSE 0 END"
    )
    if not sku_arm:  # no sku starts with the text, so none equals it either
        return score
    return (
        score + " + CASE WHEN lower(sku) = %(exact)s THEN 100 ELSE 0 END"
        " + CASE WHEN lower(sku) LIKE %(sku_prefix)s THEN 10 ELSE 0 END"
    )


def aggregates_key(clause: str, params: dict[str, Any], query: SearchQuery) -> Hashable:
    """What the total and facets depend on: the filters (not sort, page or exact text)."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return (clause, frozen, query.facets, query.price_step)


def matches_sql(query: SearchQuery, clause: str, sku_arm: bool = True) -> str:
    score = score_sql(query, sku_arm)
    if query.effective_sort is Sort.RELEVANCE:
        ranked, hits = f"entity_id, {score} AS score, ", _RANKED_HITS
    else:
        order = _ORDER[query.effective_sort]
        ranked, hits = "", _SORTED_HITS.format(score=score, where=clause, order=order)
    sql = _MATCHES.format(ranked=ranked, where=clause, hits=hits, generation=_GENERATION)
    if query.facets:
        sql += _FACETS.format(facet_size=FACET_SIZE)
    return sql


def parse_aggregates(rows: list[dict[str, Any]], step: int) -> tuple[int, Aggregates]:
    """(generation, aggregates) from the rows of `_MATCHES`."""
    generation = next(int(r["n"]) for r in rows if r["kind"] == "g")
    total = next((int(r["n"]) for r in rows if r["kind"] == "t"), 0)
    categories = [FacetValue(str(int(r["value"])), int(r["n"])) for r in rows if r["kind"] == "c"]
    prices = [
        FacetValue(price_bucket(Decimal(r["value"]), step), int(r["n"]))
        for r in rows
        if r["kind"] == "p"
    ]
    return generation, Aggregates(total, categories, prices)


# On a miss run apart from the hits (another connection, another snapshot): the total, both
# facets and the generation, without ranking any match.
_AGGREGATES = """
WITH m AS MATERIALIZED (SELECT final_price, category_ids FROM search_match WHERE {where})
SELECT 't' AS kind, NULL::numeric AS value, count(*) AS n, NULL::float8 AS score FROM m
UNION ALL SELECT 'g', NULL, {generation}, NULL
"""


def aggregates_sql(query: SearchQuery, clause: str) -> str:
    sql = _AGGREGATES.format(where=clause, generation=_GENERATION)
    if query.facets:
        sql += _FACETS.format(facet_size=FACET_SIZE)
    return sql


def hits_sql(query: SearchQuery, clause: str, sku_arm: bool = True) -> str:
    """A page of hits alone."""
    return (
        f"SELECT entity_id, {score_sql(query, sku_arm)} AS score "  # noqa: S608
        f"FROM search_match WHERE {clause} ORDER BY {_ORDER[query.effective_sort]} "
        "LIMIT %(limit)s OFFSET %(offset)s"
    )


def precheck_sql(query: SearchQuery) -> tuple[str, dict[str, Any]]:
    """The documents' generation and whether any sku starts with the text, in one row."""
    if not query.text:
        return f"SELECT {_GENERATION} AS generation, true AS sku_arm", {}  # noqa: S608
    return (
        f"SELECT {_GENERATION} AS generation, "  # noqa: S608
        "EXISTS (SELECT 1 FROM search_match WHERE lower(sku) LIKE %(p)s) AS sku_arm",
        {"p": like_prefix(query.text)},
    )


def search_params(query: SearchQuery, filters: dict[str, Any]) -> dict[str, Any]:
    return filters | {
        "exact": (query.text or "").lower(),
        "limit": query.page_size,
        "offset": query.offset,
        "step": query.price_step,
    }
