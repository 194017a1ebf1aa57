"""Composition root: settings → Magento's token key, engine, sessions, reads, stored bodies,
metrics, the feed's consumer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ficus_catalog.applying import CatalogApply, Prepared
from ficus_catalog.auth import CachedCredentials, Gate, catalog_gate
from ficus_catalog.bodies import StoredBodies
from ficus_catalog.categories import CategoryReads
from ficus_catalog.database import make_engine, make_read_engine
from ficus_catalog.errors import MissingSetting
from ficus_catalog.migration import run_migrations
from ficus_catalog.reads import CatalogReads, seed_stores
from ficus_catalog.rendering import render_missing
from ficus_catalog.settings import CatalogSettings
from ficus_feed.applier import BatchApplier
from ficus_feed.consumer import Consumer
from ficus_feed.core import IsolatePoison
from ficus_feed.errors import InvalidEvent
from ficus_feed.metrics import FeedMetrics
from ficus_feed.pg.ledger import Ledger
from ficus_feed.pg.sessions import POISON, SessionTransactions
from ficus_feed.pg.source import PostgresEventSource
from ficus_feed.replay import DeadLetters
from ficus_legacy import tokens

CatalogApplier = BatchApplier[Session, Prepared]


@dataclass
class Catalog:
    settings: CatalogSettings
    engine: Engine
    read_engine: Engine
    sessions: sessionmaker[Session]
    reads: CatalogReads
    categories: CategoryReads
    bodies: StoredBodies
    metrics: FeedMetrics
    dead_letters: DeadLetters[Session, Prepared]
    consumer: Consumer | None
    gate: Gate

    def start(self) -> None:
        if self.consumer is not None:
            self.consumer.start()

    def close(self) -> None:
        if self.consumer is not None:
            self.consumer.stop()
        self.engine.dispose()
        self.read_engine.dispose()


def signing_key(settings: CatalogSettings) -> str:
    """The JWT key Magento derives from env.php's crypt key; refuses to go on without it."""
    crypt_key = settings.magento_crypt_key
    if crypt_key is None or not crypt_key.get_secret_value().strip():
        raise MissingSetting(
            "FICUS_CATALOG_MAGENTO_CRYPT_KEY is not set: the catalog accepts exactly Magento's"
            " tokens, checked with the key derived from env.php's crypt/key (the stand-in's"
            " FICUS_STANDIN_CRYPT_KEY), and cannot start without it"
        )
    return tokens.signing_key(crypt_key.get_secret_value())


def feed_applier(sessions: sessionmaker[Session], consumer_name: str) -> CatalogApplier:
    """Batches in a catalog transaction, checkpoint in `consumer_checkpoint`, dead letters in
    `dead_letter`; an invalid event or a value the database refuses is a dead letter."""
    return BatchApplier(
        SessionTransactions(sessions),
        Ledger(consumer_name),
        CatalogApply(),
        IsolatePoison((InvalidEvent, *POISON)),
    )


def build_consumer(
    settings: CatalogSettings, applier: CatalogApplier, metrics: FeedMetrics
) -> Consumer:
    return Consumer(
        PostgresEventSource(settings.events_url),
        applier,
        metrics,
        batch_size=settings.batch_size,
        poll_interval=settings.poll_interval,
        gap_grace=settings.gap_grace,
        name="catalog-consumer",
    )


def prepare_database(settings: CatalogSettings, sessions: sessionmaker[Session]) -> None:
    """Upgrade to head, then render the products a migration left without stored JSON."""
    run_migrations(settings.db_url, settings.migrations_dir)
    render_missing(sessions)


def bootstrap(settings: CatalogSettings) -> Catalog:
    """Check Magento's key material, migrate and render what the migration left unrendered
    (if asked), seed the store table and wire every part; nothing runs yet (`StoredBodies`
    opens in the event loop)."""
    key = signing_key(settings)
    engine = make_engine(settings.db_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    if settings.migrate_on_start:
        prepare_database(settings, sessions)
    seed_stores(sessions, settings.stores)
    metrics = FeedMetrics.standard("catalog")
    applier = feed_applier(sessions, settings.consumer_name)
    consumer = build_consumer(settings, applier, metrics) if settings.consumer_enabled else None
    read_engine = make_read_engine(settings.db_url)
    read_sessions = sessionmaker(read_engine, expire_on_commit=False)
    reads = CatalogReads(read_sessions)
    bodies = StoredBodies(settings.db_url, settings.default_store)
    gate = catalog_gate(key, CachedCredentials(bodies, settings.credentials_cache_seconds))
    return Catalog(
        settings,
        engine,
        read_engine,
        sessions,
        reads,
        CategoryReads(read_sessions),
        bodies,
        metrics,
        DeadLetters(applier),
        consumer,
        gate,
    )
