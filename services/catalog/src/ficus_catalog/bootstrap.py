"""Composition root: settings → engine, sessions, reads, metrics, consumer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ficus_catalog.consumer import BatchApplier, Consumer
from ficus_catalog.database import make_engine
from ficus_catalog.metrics import CatalogMetrics
from ficus_catalog.migration import run_migrations
from ficus_catalog.reads import CatalogReads, seed_stores
from ficus_catalog.settings import CatalogSettings
from ficus_catalog.source import EventSource


@dataclass
class Catalog:
    settings: CatalogSettings
    engine: Engine
    sessions: sessionmaker[Session]
    reads: CatalogReads
    metrics: CatalogMetrics
    consumer: Consumer | None

    def start(self) -> None:
        if self.consumer is not None:
            self.consumer.start()

    def close(self) -> None:
        if self.consumer is not None:
            self.consumer.stop()
        self.engine.dispose()


def build_consumer(
    settings: CatalogSettings, sessions: sessionmaker[Session], metrics: CatalogMetrics
) -> Consumer:
    return Consumer(
        EventSource(settings.events_url),
        BatchApplier(sessions, settings.consumer_name),
        metrics,
        batch_size=settings.batch_size,
        poll_interval=settings.poll_interval,
        gap_grace=settings.gap_grace,
    )


def bootstrap(settings: CatalogSettings) -> Catalog:
    """Migrate (if asked), seed the store table and wire every part; nothing runs yet."""
    if settings.migrate_on_start:
        run_migrations(settings.db_url, settings.migrations_dir)
    engine = make_engine(settings.db_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    seed_stores(sessions, settings.stores)
    metrics = CatalogMetrics()
    consumer = build_consumer(settings, sessions, metrics) if settings.consumer_enabled else None
    return Catalog(settings, engine, sessions, CatalogReads(sessions), metrics, consumer)
