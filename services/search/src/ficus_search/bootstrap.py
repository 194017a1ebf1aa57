"""The composition root: settings → engines, the feed's consumer, indexer, service."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from elasticsearch import ApiError, TransportError

from ficus_contracts.events import DomainEvent
from ficus_feed.applier import BatchApplier
from ficus_feed.consumer import Consumer
from ficus_feed.core import Handled, IsolatePoison, Outcome
from ficus_feed.errors import InvalidEvent
from ficus_feed.metrics import FeedMetrics
from ficus_feed.pg.connections import POISON, ConnectionTransactions
from ficus_feed.pg.ledger import DeadLetterTable, Ledger
from ficus_feed.pg.source import PostgresEventSource
from ficus_feed.replay import DeadLetters
from ficus_search import migration, repository
from ficus_search.applying import SearchApply
from ficus_search.esengine import ElasticsearchEngine
from ficus_search.esindex import EsIndexer, ensure_alias
from ficus_search.metrics import SearchMetrics
from ficus_search.pgengine import PostgresEngine
from ficus_search.service import SearchService
from ficus_search.settings import SearchSettings

log = logging.getLogger(__name__)
CONSUMER = "search"
SearchApplier = BatchApplier[repository.Conn, DomainEvent]


class CommitHooks:
    """Run after each batch the consumer committed: wake the Elasticsearch indexer, and
    expire the API's store map after a store event (`on_store_change`, set by the API)."""

    def __init__(self, wake: Callable[[], None] | None = None) -> None:
        self.wake = wake
        self.on_store_change: Callable[[], None] | None = None

    def __call__(self, handled: list[Handled]) -> None:
        if self.wake is not None:
            self.wake()
        stores = any(h.aggregate == "store" and h.outcome is Outcome.APPLIED for h in handled)
        if stores and self.on_store_change is not None:
            self.on_store_change()


@dataclass
class Components:
    settings: SearchSettings
    metrics: SearchMetrics
    service: SearchService
    postgres: PostgresEngine
    elasticsearch: ElasticsearchEngine | None
    indexer: EsIndexer | None
    consumer: Consumer | None
    hooks: CommitHooks = field(default_factory=CommitHooks)

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
        if settings.index:
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
    hooks = CommitHooks(indexer.wake if indexer is not None else None)
    consumer = None
    if settings.consume:
        consumer = event_consumer(
            settings.events_url,
            settings.database_url,
            metrics,
            batch_size=settings.batch_size,
            poll_interval=settings.poll_interval,
            gap_grace=settings.gap_grace,
            on_commit=hooks,
        )
    return Components(settings, metrics, service, postgres, elastic, indexer, consumer, hooks)


def feed_applier(database_url: str, today: Callable[[], dt.date] = dt.date.today) -> SearchApplier:
    """Batches in one search-database transaction, checkpoint in `search_checkpoint`, dead
    letters in `search_dead_letter`; an invalid event or a refused value is a dead letter."""
    return BatchApplier(
        ConnectionTransactions(database_url),
        Ledger(CONSUMER, "search_checkpoint", _DEAD_LETTERS),
        SearchApply(today),
        IsolatePoison((InvalidEvent, *POISON)),
    )


_DEAD_LETTERS = DeadLetterTable("search_dead_letter", consumer_column=False, key_column="entity_id")


def feed_metrics(metrics: SearchMetrics) -> FeedMetrics:
    """The consumer's share of search's metrics; freshness counts searchable changes only."""
    return FeedMetrics(
        registry=metrics.registry,
        events=metrics.events,
        checkpoint=metrics.checkpoint,
        lag_events=metrics.lag_events,
        errors=metrics.consumer_errors,
        apply_lag=metrics.freshness.labels("postgres"),
        fresh=lambda h: h.outcome is Outcome.APPLIED and h.aggregate != "store",
    )


def event_consumer(
    events_url: str,
    database_url: str,
    metrics: SearchMetrics,
    *,
    batch_size: int = 500,
    poll_interval: float = 1.0,
    gap_grace: float = 0.5,
    on_commit: Callable[[list[Handled]], None] | None = None,
) -> Consumer:
    """sync's `domain_event` → the search database, through `ficus_feed`'s consumer."""
    return Consumer(
        PostgresEventSource(events_url),
        feed_applier(database_url),
        feed_metrics(metrics),
        batch_size=batch_size,
        poll_interval=poll_interval,
        gap_grace=gap_grace,
        on_commit=on_commit,
        name="search-consumer",
    )


def dead_letters(database_url: str) -> DeadLetters[repository.Conn, DomainEvent]:
    """Search's dead letters, to list and replay (`python -m ficus_search dlq …`)."""
    return DeadLetters(feed_applier(database_url))
