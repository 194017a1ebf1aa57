"""The scale engine: Elasticsearch through the official client, behind an alias.

The distribution from Maven Central has no analysis-common module, so the mapping uses only
what ships in core: the `standard` analyzer and a `lowercase` normalizer. Documents carry a
`search_text` field holding the same pre-tokenized words the Postgres engine indexes, so both
engines match the same documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from ficus_search.core.document import search_fields_json
from ficus_search.core.errors import EngineUnavailable
from ficus_search.core.ports import IndexEngine
from ficus_search.core.query import FacetValue, Hit, SearchQuery, SearchResult, Sort, price_bucket

FACET_SIZE = 1000

SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {"normalizer": {"lc": {"type": "custom", "filter": ["lowercase"]}}},
}

_KEYWORD_LC = {"type": "keyword", "normalizer": "lc"}
# Bumped with every change of MAPPINGS or SETTINGS that queries rely on; an index behind the
# alias with an older one (none before version 2) is rebuilt by the indexer (`esindex`).
MAPPING_VERSION = 2
MAPPINGS: dict[str, Any] = {
    "_meta": {"ficus_mapping_version": MAPPING_VERSION},
    "dynamic": "strict",
    "properties": {
        "entity_id": {"type": "integer"},
        # filtered by term only: keyword postings beat numeric points for exact matches
        "store_id": {"type": "keyword"},
        "sku": _KEYWORD_LC,
        "type_id": {"type": "keyword"},
        "name": {"type": "text", "fields": {"sort": _KEYWORD_LC}},
        "url_key": {"type": "keyword"},
        "short_description": {"type": "text"},
        "description": {"type": "text"},
        "price": {"type": "double"},
        "special_price": {"type": "double"},
        "final_price": {"type": "double"},
        "visibility": {"type": "byte"},
        "status": {"type": "byte"},
        "in_stock": {"type": "boolean"},
        "category_ids": {"type": "integer"},
        "categories": {
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "keyword"},
                "path": {"type": "keyword"},
            }
        },
        "child_skus": _KEYWORD_LC,
        "child_names": {"type": "text"},
        "child_attributes": {"type": "object", "enabled": False},
        "created_at": {"type": "keyword"},
        "updated_at": {"type": "keyword"},
        # A query's last word is a prefix: indexed prefixes turn it into one term lookup
        # instead of expanding every matching word into a doc-id set per query.
        "search_text": {
            "type": "text",
            "analyzer": "standard",
            "index_prefixes": {"min_chars": 1, "max_chars": 10},
        },
    },
}

_SORT: dict[Sort, list[Any]] = {
    Sort.RELEVANCE: [{"_score": "desc"}, {"entity_id": "asc"}],
    Sort.PRICE_ASC: [{"final_price": {"order": "asc", "missing": "_last"}}, {"entity_id": "asc"}],
    Sort.PRICE_DESC: [{"final_price": {"order": "desc", "missing": "_last"}}, {"entity_id": "asc"}],
    Sort.NAME_ASC: [{"name.sort": "asc"}, {"entity_id": "asc"}],
    Sort.NAME_DESC: [{"name.sort": "desc"}, {"entity_id": "asc"}],
    Sort.ID: [{"entity_id": "asc"}],
}


def es_source(document: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    """The stored document plus the pre-tokenized `search_text`."""
    text = " ".join(v for v in fields.values() if v)
    return {**document, "search_text": text}


def source_of(document: dict[str, Any]) -> dict[str, Any]:
    return es_source(document, search_fields_json(document))


def filters(query: SearchQuery) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"term": {"store_id": query.store_id}},
        {"terms": {"visibility": list(query.visibility)}},
    ]
    if query.category_ids:
        out.append({"terms": {"category_ids": list(query.category_ids)}})
    price: dict[str, float] = {}
    if query.price_min is not None:
        price["gte"] = float(query.price_min)
    if query.price_max is not None:
        price["lte"] = float(query.price_max)
    if price:
        out.append({"range": {"final_price": price}})
    if query.in_stock is not None:
        out.append({"term": {"in_stock": query.in_stock}})
    return out


def es_query(query: SearchQuery) -> dict[str, Any]:
    bool_query: dict[str, Any] = {"filter": filters(query)}
    if query.text:
        text = query.text.lower()
        bool_query["must"] = [
            {
                "bool": {
                    "should": [
                        {
                            "match_bool_prefix": {
                                "search_text": {"query": " ".join(query.words), "operator": "and"}
                            }
                        },
                        {"prefix": {"sku": {"value": text}}},
                    ],
                    "minimum_should_match": 1,
                }
            }
        ]
        bool_query["should"] = [
            {"term": {"name.sort": {"value": text, "boost": 100}}},
            {"term": {"sku": {"value": text, "boost": 100}}},
            {"prefix": {"sku": {"value": text, "boost": 10}}},
            {"match": {"name": {"query": query.text, "boost": 2}}},
        ]
    return {"bool": bool_query}


# Only what parse_response reads: less JSON to write and to parse per query.
RESPONSE_FILTER = [
    "responses.hits.hits._score",
    "responses.hits.hits.fields",
    "responses.hits.total",
    "responses.aggregations",
    "responses.error",
    "responses.status",  # keeps an empty response in its place
]


def hits_body(query: SearchQuery) -> dict[str, Any]:
    """The page of hits only: no total (so Lucene may skip non-competitive documents)."""
    return {
        "query": es_query(query),
        "sort": _SORT[query.effective_sort],
        "from": query.offset,
        "size": query.page_size,
        "track_total_hits": False,
        # from doc values: no _source or stored-field loading per hit
        "_source": False,
        "stored_fields": "_none_",
        "docvalue_fields": ["entity_id"],
    }


def aggregates_body(query: SearchQuery) -> dict[str, Any]:
    """Total and facets with size 0: Elasticsearch's shard request cache keeps its answer
    until the next refresh that changes the index, so it is never stale."""
    body: dict[str, Any] = {"query": es_query(query), "size": 0, "track_total_hits": True}
    if query.facets:
        body["aggs"] = {
            "categories": {
                "terms": {
                    "field": "category_ids",
                    "size": FACET_SIZE,
                    "order": [{"_count": "desc"}, {"_key": "asc"}],
                }
            },
            "prices": {
                "histogram": {
                    "field": "final_price",
                    "interval": query.price_step,
                    "min_doc_count": 1,
                }
            },
        }
    return body


def es_body(query: SearchQuery) -> dict[str, Any]:
    """Hits, total and facets in one request (tools; the engine sends two, see `searches`)."""
    return hits_body(query) | aggregates_body(query) | {"size": query.page_size}


def searches(alias: str, query: SearchQuery, request_cache: bool = True) -> list[dict[str, Any]]:
    """The multi-search lines: hits, then the cacheable total and facets."""
    return [
        {"index": alias},
        hits_body(query),
        {"index": alias, "request_cache": request_cache},
        aggregates_body(query),
    ]


def parse_response(response: dict[str, Any], query: SearchQuery) -> SearchResult:
    """A response of `es_body`, or the two of `searches` merged by `merge_responses`."""
    hits = [
        Hit(int(h["fields"]["entity_id"][0]), float(h.get("_score") or 0.0))
        for h in response["hits"]["hits"]
    ]
    aggs = response.get("aggregations") or {}
    categories = [
        FacetValue(str(b["key"]), int(b["doc_count"]))
        for b in (aggs.get("categories") or {}).get("buckets", [])
    ]
    prices = [
        FacetValue(price_bucket(Decimal(str(b["key"])), query.price_step), int(b["doc_count"]))
        for b in (aggs.get("prices") or {}).get("buckets", [])
    ]
    total = int(response["hits"]["total"]["value"])
    return SearchResult(hits, total, categories, prices, "elasticsearch")


def merge_responses(responses: list[dict[str, Any]]) -> dict[str, Any]:
    """One search response from the multi-search's two; raises on a failed one."""
    for item in responses:
        if "error" in item:
            raise EngineUnavailable(f"elasticsearch: {item['error']}")
    hits, aggregates = responses
    merged = dict(aggregates)
    page = hits.get("hits", {}).get("hits", [])  # absent when filtered out and empty
    merged["hits"] = {"total": aggregates["hits"]["total"], "hits": page}
    return merged


class ElasticsearchEngine(IndexEngine):
    """Searches the alias; a timeout or connection failure becomes EngineUnavailable fast
    (no retries: the service decides between the fallback engine and a 503)."""

    name = "elasticsearch"

    def __init__(self, client: Elasticsearch, alias: str, request_cache: bool = True) -> None:
        self._client = client
        self._alias = alias
        self._request_cache = request_cache

    @classmethod
    def open(
        cls, url: str, alias: str, timeout: float, request_cache: bool = True
    ) -> ElasticsearchEngine:
        client = Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)
        return cls(client, alias, request_cache)

    @property
    def client(self) -> Elasticsearch:
        return self._client

    def search(self, query: SearchQuery) -> SearchResult:
        try:
            response = self._client.msearch(
                searches=searches(self._alias, query, self._request_cache),
                filter_path=RESPONSE_FILTER,
            )
        except (TransportError, ApiError) as exc:
            raise EngineUnavailable(f"elasticsearch: {exc}") from exc
        return parse_response(merge_responses(list(response["responses"])), query)

    def document(self, store_id: int, entity_id: int) -> dict[str, Any] | None:
        try:
            response = self._client.get(index=self._alias, id=f"{store_id}-{entity_id}")
        except ApiError as exc:
            if exc.meta.status == 404:
                return None
            raise
        source = dict(response["_source"])
        source.pop("search_text", None)
        return source

    def documents(self, store_id: int, entity_ids: list[int]) -> dict[int, dict[str, Any]]:
        if not entity_ids:
            return {}
        try:
            response = self._client.mget(
                index=self._alias, ids=[f"{store_id}-{i}" for i in entity_ids]
            )
        except (TransportError, ApiError) as exc:
            raise EngineUnavailable(f"elasticsearch: {exc}") from exc
        out = {}
        for doc in response["docs"]:
            if doc.get("found"):
                source = dict(doc["_source"])
                source.pop("search_text", None)
                out[int(source["entity_id"])] = source
        return out

    def all_documents(self) -> Iterator[dict[str, Any]]:
        """Every stored document (for reconciliation tests and tools)."""
        from elasticsearch.helpers import scan

        for hit in scan(self._client, index=self._alias, query={"query": {"match_all": {}}}):
            source = dict(hit["_source"])
            source.pop("search_text", None)
            yield source

    def healthy(self) -> bool:
        try:
            return bool(self._client.indices.exists_alias(name=self._alias))
        except (TransportError, ApiError):
            return False

    def close(self) -> None:
        self._client.close()
