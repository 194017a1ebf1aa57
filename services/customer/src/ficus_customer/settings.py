"""Settings of the customer service, read from FICUS_CUSTOMER_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class CustomerSettings(BaseSettings):
    """Where the customer database and the event source are, Magento's key material, and how
    the consumer runs.

    `magento_crypt_key` is env.php's `crypt/key` (FICUS_CUSTOMER_MAGENTO_CRYPT_KEY): customer
    and admin JWTs are signed and checked with the key Magento derives from it, so a token from
    either side is good on the other. The service refuses to start without it.
    """

    model_config = SettingsConfigDict(env_prefix="FICUS_CUSTOMER_", frozen=True)

    database_url: str = "postgresql://postgres@127.0.0.1:15432/ficus_customer"
    events_url: str = "postgresql://postgres@127.0.0.1:15432/ficus_sync"
    host: str = "127.0.0.1"
    port: int = 18085
    magento_crypt_key: SecretStr | None = None
    token_ttl_seconds: int = 3600
    consumer_name: str = "customer"
    consumer_enabled: bool = True
    poll_interval: float = 1.0
    batch_size: int = 500
    gap_grace: float = 0.5
    pool_size: int = 8
    migrate_on_start: bool = True
    migrations_dir: Path | None = None
    idempotency_hours: int = 24
    retry_after_seconds: int = 2
    # `checkout/options/enable_guest_checkout_login`, off by default since Magento 2.4.7: while
    # off, isEmailAvailable answers true for every email (no account enumeration)
    guest_checkout_login: bool = False
