"""The search service's settings (env prefix FICUS_SEARCH_), built once in main()."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SearchSettings(BaseSettings):
    """Every field can be set as FICUS_SEARCH_<NAME>, e.g. FICUS_SEARCH_ENGINE=elasticsearch.

    - `database_url`: the search service's own Postgres database (state, documents, DLQ).
    - `events_url`: sync's Postgres database, read-only (table `domain_event`).
    - `engine`: `postgres` (full-text search in `database_url`) or `elasticsearch`.
    - `on_engine_down`: `fallback` answers from Postgres when Elasticsearch fails, `fail` → 503.
    - `stores`: store code → store id for the `/rest/{store}/...` routes and `store=`, only
      until sync's first store event: then the `search_store` table (store events) is the map.
    - `store_refresh_seconds`: how old the in-process copy of that map may get (a code the
      copy lacks reloads it at once, and so does a store event the consumer applied).
    - `aggregate_cache`: totals and facets kept per documents' generation by the Postgres
      engine (entries; 0 disables). Any committed document change invalidates them.
    - `rebuild_outdated_index`: rebuild the Elasticsearch index (alias swap) at start when it
      was written with an older mapping version; false only logs that `ficus search rebuild`
      is needed.
    - `parallel_below`: an uncached text search ranks and aggregates its matches on two
      connections at once when at most this many searches are in flight (itself included;
      0: never): less latency for a little more CPU while the engine is not busy.
    - `page_cache`: pages of hits kept the same way (entries; 0, or no aggregate cache,
      disables).
    - `workers`: HTTP worker processes behind one port (default: the number of cores); with
      more than one, `serve` runs the consumer and the Elasticsearch indexer once, in the
      supervising process, and the workers only answer requests.
    - `index`: run the Elasticsearch indexer in this process (false in `serve`'s workers).
    """

    model_config = SettingsConfigDict(env_prefix="FICUS_SEARCH_", frozen=True)

    database_url: str = "postgresql://postgres@127.0.0.1:15432/ficus_search"
    events_url: str = "postgresql://postgres@127.0.0.1:15432/ficus_sync"
    engine: Literal["postgres", "elasticsearch"] = "postgres"
    elasticsearch_url: str = "http://127.0.0.1:19200"
    index_alias: str = "ficus_products"
    es_timeout: float = 0.5
    on_engine_down: Literal["fallback", "fail"] = "fallback"
    host: str = "127.0.0.1"
    port: int = 18084
    consume: bool = True
    index: bool = True
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    batch_size: int = 500
    poll_interval: float = 1.0
    gap_grace: float = 0.5
    pool_size: int = 10
    aggregate_cache: int = 4096
    page_cache: int = 4096
    parallel_below: int = 1
    rebuild_outdated_index: bool = True
    stores: dict[str, int] = {"default": 1}
    store_refresh_seconds: float = 1.0
    price_facet_step: int = 50
    max_query_length: int = 200
    max_page_size: int = 100
