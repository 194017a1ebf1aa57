"""Settings of the Magento stand-in, from FICUS_LEGACY_* environment variables."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class StandinSettings(BaseSettings):
    """Where the Magento database is and how tokens are made.

    The admin user is configured here (`admin_username`/`admin_password`), not stored in a table:
    the stand-in serves Magento's schema subset, which has no `admin_user`.
    """

    model_config = SettingsConfigDict(env_prefix="FICUS_LEGACY_", frozen=True, extra="ignore")

    mysql_url: SecretStr = SecretStr("mysql://ficus:ficus@127.0.0.1:13306/magento")
    jwt_secret: SecretStr = SecretStr("ficus-standin-development-only-secret")
    admin_username: str = "admin"
    admin_password: SecretStr = SecretStr("admin123")
    token_ttl_seconds: int = 3600
    pool_size: int = 8
