"""Composition root: settings → database pool, the hybrid clock (restored from the largest
value written), the feed's consumer, dead letters, the accounts service; nothing runs yet."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from ficus_contracts.events import DomainEvent
from ficus_customer import migration, repository, stores
from ficus_customer.accounts import Accounts, WriteMetrics
from ficus_customer.applying import CustomerApply
from ficus_customer.core.hlc import HybridClock
from ficus_customer.credentials import customer_gate
from ficus_customer.errors import MissingSetting
from ficus_customer.reads import Reads
from ficus_customer.repository import Conn
from ficus_customer.settings import CustomerSettings
from ficus_feed.applier import BatchApplier
from ficus_feed.consumer import Consumer
from ficus_feed.core import IsolatePoison
from ficus_feed.errors import InvalidEvent
from ficus_feed.metrics import FeedMetrics
from ficus_feed.pg.connections import POISON, ConnectionTransactions
from ficus_feed.pg.ledger import Ledger
from ficus_feed.pg.source import PostgresEventSource
from ficus_feed.replay import DeadLetters
from ficus_legacy import tokens
from ficus_legacy.gate import Gate

CustomerApplier = BatchApplier[Conn, DomainEvent]


@dataclass
class Components:
    settings: CustomerSettings
    pool: ConnectionPool[Conn]
    clock: HybridClock
    signing_key: str
    metrics: FeedMetrics
    reads: Reads
    accounts: Accounts
    dead_letters: DeadLetters[Conn, DomainEvent]
    consumer: Consumer | None
    gate: Gate

    def start(self) -> None:
        if self.consumer is not None:
            self.consumer.start()

    def close(self) -> None:
        if self.consumer is not None:
            self.consumer.stop()
        self.pool.close()


def feed_applier(database_url: str, consumer_name: str, clock: HybridClock) -> CustomerApplier:
    """Batches in one customer-database transaction, checkpoint in `consumer_checkpoint`, dead
    letters in `dead_letter`; an invalid event or a value the database refuses (an email
    another customer of the website holds) is a dead letter."""
    return BatchApplier(
        ConnectionTransactions(database_url),
        Ledger(consumer_name),
        CustomerApply(clock),
        IsolatePoison((InvalidEvent, *POISON)),
    )


def build_consumer(
    settings: CustomerSettings, applier: CustomerApplier, metrics: FeedMetrics
) -> Consumer:
    return Consumer(
        PostgresEventSource(settings.events_url),
        applier,
        metrics,
        batch_size=settings.batch_size,
        poll_interval=settings.poll_interval,
        gap_grace=settings.gap_grace,
        name="customer-consumer",
    )


def signing_key(settings: CustomerSettings) -> str:
    """The JWT key Magento derives from env.php's crypt key; refuses to go on without it."""
    if settings.magento_crypt_key is None or not settings.magento_crypt_key.get_secret_value():
        raise MissingSetting(
            "FICUS_CUSTOMER_MAGENTO_CRYPT_KEY is not set: the customer service signs and checks"
            " Magento's JWTs with the key derived from env.php's crypt/key, and cannot start"
            " without it"
        )
    return tokens.signing_key(settings.magento_crypt_key.get_secret_value())


def prepare_database(settings: CustomerSettings) -> int:
    """Migrate (if asked) and seed the store views; returns the largest HLC written."""
    if settings.migrate_on_start:
        migration.upgrade(settings.database_url, settings.migrations_dir)
    with repository.connect(settings.database_url) as conn:
        stores.seed(conn)
        return repository.max_hlc(conn)


def bootstrap(settings: CustomerSettings) -> Components:
    """Check the key, migrate, restore the clock and wire every part."""
    key = signing_key(settings)
    clock = HybridClock(prepare_database(settings))
    pool: ConnectionPool[Conn] = ConnectionPool(
        settings.database_url,
        min_size=1,
        max_size=settings.pool_size,
        kwargs={"row_factory": dict_row},
        open=True,
    )
    metrics = FeedMetrics.standard("customer")
    applier = feed_applier(settings.database_url, settings.consumer_name, clock)
    consumer = build_consumer(settings, applier, metrics) if settings.consumer_enabled else None
    writes = WriteMetrics.standard(metrics.registry)
    accounts = Accounts(pool, clock, settings.retry_after_seconds, writes)
    return Components(
        settings, pool, clock, key, metrics, Reads(pool), accounts, DeadLetters(applier), consumer,
        customer_gate(key, pool),
    )  # fmt: skip
