"""The composition root: settings → engines, consumer, indexer, service."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from elasticsearch import ApiError, TransportError

from ficus_search import migration
from ficus_search.consumer import BatchApplier, Consumer
from ficus_search.esengine import ElasticsearchEngine
from ficus_search.esindex import EsIndexer, ensure_alias
from ficus_search.metrics import SearchMetrics
from ficus_search.pgengine import PostgresEngine
from ficus_search.service import SearchService
from ficus_search.settings import SearchSettings
from ficus_search.source import EventSource

log = logging.getLogger(__name__)


@dataclass
class Components:
    settings: SearchSettings
    metrics: SearchMetrics
    service: SearchService
    postgres: PostgresEngine
    elasticsearch: ElasticsearchEngine | None
    indexer: EsIndexer | None
    consumer: Consumer | None

    def start(self) -> None:
        if self.indexer is not None:
            self.indexer.start()
        if self.consumer is not None:
            self.consumer.start()

    def stop(self) -> None:
        if self.consumer is not None:
            self.consumer.stop()
        if self.indexer is not None:
            self.indexer.stop()
        if self.elasticsearch is not None:
            self.elasticsearch.close()
        self.postgres.close()


def open_elasticsearch(settings: SearchSettings) -> ElasticsearchEngine:
    engine = ElasticsearchEngine.open(
        settings.elasticsearch_url, settings.index_alias, settings.es_timeout
    )
    try:
        ensure_alias(engine.client.options(request_timeout=10), settings.index_alias)
    except (TransportError, ApiError) as exc:
        log.warning("elasticsearch not ready (%s); the indexer will retry", exc)
    return engine


def build(settings: SearchSettings, metrics: SearchMetrics | None = None) -> Components:
    metrics = metrics or SearchMetrics()
    migration.upgrade(settings.database_url)
    postgres = PostgresEngine.open(
        settings.database_url,
        settings.pool_size,
        cache_entries=settings.aggregate_cache,
        page_entries=settings.page_cache,
        parallel_below=settings.parallel_below,
    )
    elastic: ElasticsearchEngine | None = None
    indexer: EsIndexer | None = None
    if settings.engine == "elasticsearch":
        elastic = open_elasticsearch(settings)
        indexer = EsIndexer(
            elastic.client.options(request_timeout=30),
            settings.database_url,
            settings.index_alias,
            metrics,
            rebuild_outdated=settings.rebuild_outdated_index,
        )
        fallback = postgres if settings.on_engine_down == "fallback" else None
        service = SearchService(elastic, metrics, fallback)
    else:
        service = SearchService(postgres, metrics)
    consumer = None
    if settings.consume:
        consumer = Consumer(
            EventSource(settings.events_url),
            BatchApplier(settings.database_url),
            metrics,
            batch_size=settings.batch_size,
            poll_interval=settings.poll_interval,
            gap_grace=settings.gap_grace,
            freshness_engine="postgres",
            on_commit=indexer.wake if indexer is not None else None,
        )
    return Components(settings, metrics, service, postgres, elastic, indexer, consumer)
