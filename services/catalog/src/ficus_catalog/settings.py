"""Settings of the catalog service, read from FICUS_CATALOG_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_stores() -> dict[str, int]:
    # The local stack's store views (the legacy generator's); real sites set FICUS_CATALOG_STORES.
    return {"admin": 0, "default": 1, "french": 2, "german": 3, "eu_en": 4, "archive": 5}


class CatalogSettings(BaseSettings):
    """Where the catalog's database and the event source are, and how the consumer runs.

    `stores` maps Magento store codes to store ids (JSON in FICUS_CATALOG_STORES). It is only
    a seed: it fills the `catalog_store` table while no store event has been applied; the
    first store event from sync replaces it, and later starts leave the table alone.
    `default_store` (a code) answers requests without a store code only until then too: the
    store events name Magento's default store view.

    The Magento routes accept exactly Magento's credentials: an admin JWT signed with the key
    derived from `magento_crypt_key`, not revoked in Magento (`jwt_auth_revoked`, fed by sync).
    """

    model_config = SettingsConfigDict(env_prefix="FICUS_CATALOG_", frozen=True)

    db_url: str = "postgresql://postgres@127.0.0.1:15432/ficus_catalog"
    events_url: str = "postgresql://postgres@127.0.0.1:15432/ficus_sync"
    host: str = "127.0.0.1"
    port: int = 18082
    stores: dict[str, int] = Field(default_factory=default_stores)
    default_store: str = "default"
    consumer_name: str = "catalog"
    consumer_enabled: bool = True
    poll_interval: float = 1.0
    batch_size: int = 500
    gap_grace: float = 0.5
    # env.php's `crypt/key` (FICUS_CATALOG_MAGENTO_CRYPT_KEY, the stand-in's
    # FICUS_STANDIN_CRYPT_KEY): tokens are checked with the key Magento derives from it. No
    # default: the service refuses to start without it (`bootstrap.signing_key`).
    magento_crypt_key: SecretStr | None = None
    # how long a user's revocation / an admin's role read from the catalog's database is reused
    credentials_cache_seconds: float = Field(default=1.0, ge=0)
    migrate_on_start: bool = True
    # `serve` runs this many processes behind one port (each with its own consumer: the feed
    # applies every event once across replicas); the database is migrated once, before.
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    migrations_dir: Path | None = None
