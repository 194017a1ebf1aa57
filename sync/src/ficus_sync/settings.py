"""Settings of the sync deployable, read from FICUS_SYNC_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class SyncSettings(BaseSettings):
    """Where sync reads from and writes to. Every field has an env var, e.g.
    `mysql_url` ← FICUS_SYNC_MYSQL_URL, `server_id` ← FICUS_SYNC_SERVER_ID."""

    model_config = SettingsConfigDict(env_prefix="FICUS_SYNC_", frozen=True)

    mysql_url: str = "mysql://ficus:ficus@127.0.0.1:13306/magento"
    postgres_url: str = "postgresql://postgres@127.0.0.1:15432/ficus_sync"
    host: str = "127.0.0.1"
    port: int = 18081
    server_id: int = 4242  # replica id on MariaDB; unique among replicas
    max_batch_events: int = 5_000
    snapshot_chunk_rows: int = 20_000
    backoff_max_seconds: float = 5.0
    # Commit batches without waiting for the WAL flush (Postgres `synchronous_commit = off`).
    # Keeps sync's own exactly-once: a batch's effects and its checkpoint are ONE transaction
    # and WAL is replayed in order, so a Postgres crash can only drop the last few batches
    # whole, checkpoint included; sync then re-reads them from the binlog. Off by default
    # because a consumer OUTSIDE this Postgres cluster may have read an event that the crash
    # then drops (a consumer in the same cluster cannot: its own flushed commit flushes the
    # earlier WAL holding that event). See `bootstrap.connect_pg`.
    async_commit: bool = False
    # the catalog service, for `reconcile catalog` (compares what it serves, not only sync)
    catalog_url: str | None = None
    # capture engine of `run`: embedded binlog reader, or Debezium via Kafka (FICUS_SYNC_KAFKA_*)
    engine: Literal["embedded", "kafka"] = "embedded"
    # Alembic environment of sync's database (default: the repository's migrations/sync)
    migrations_dir: Path | None = None
    # Reverse sync (docs/reverse-sync.md): the customer service's database (its outbox and
    # Magento id pool); unset → no reverse worker for customer
    reverse_customer_database_url: str | None = None
    reverse_batch: int = 200  # outbox rows read per round
    reverse_apply_batch: int = 50  # outbox rows applied per MySQL transaction
    reverse_pool_low: int = 50  # top up the service's Magento id pool below this many ids …
    reverse_pool_block: int = 200  # … by a block of this many
    reverse_poll_seconds: float = 0.5  # idle poll besides the outbox NOTIFY
    # test hook: "before_commit:N" / "after_commit:N" kills the worker (SIGKILL) at that point
    # of its N-th outbox row (proves exactly once across kill -9); never set in production
    reverse_fault: str | None = None

    def reverse_databases(self) -> dict[str, str]:
        """The service database of every domain that takes writes (reverse sync runs for it)."""
        found = {"customer": self.reverse_customer_database_url}
        return {domain: url for domain, url in found.items() if url}
