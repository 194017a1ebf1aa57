"""Settings of the sync deployable, read from FICUS_SYNC_* environment variables."""

from __future__ import annotations

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
    # the catalog service, for `reconcile catalog` (compares what it serves, not only sync)
    catalog_url: str | None = None
