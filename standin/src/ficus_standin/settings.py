"""Settings of the Magento stand-in, from FICUS_LEGACY_* environment variables."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from ficus_legacy.tokens import signing_key

# A development-only env.php `crypt/key` (32 characters, as Magento generates them).
DEVELOPMENT_CRYPT_KEY = "ficus0standin0development0key032"


class StandinSettings(BaseSettings):
    """Where the Magento database is and how tokens are made.

    The admin user is configured here (`admin_username`/`admin_password`), not stored in a table:
    the stand-in serves Magento's schema subset, which has no `admin_user`.
    """

    model_config = SettingsConfigDict(env_prefix="FICUS_LEGACY_", frozen=True, extra="ignore")

    mysql_url: SecretStr = SecretStr("mysql://ficus:ficus@127.0.0.1:13306/magento")
    # env.php's `crypt/key` (FICUS_STANDIN_CRYPT_KEY): tokens are signed as Magento signs them.
    crypt_key: SecretStr = Field(
        SecretStr(DEVELOPMENT_CRYPT_KEY),
        validation_alias=AliasChoices("crypt_key", "FICUS_STANDIN_CRYPT_KEY"),
    )
    # The HS256 key itself, overriding the one derived from crypt_key (a catalog sharing it).
    jwt_secret: SecretStr | None = None
    admin_username: str = "admin"
    admin_password: SecretStr = SecretStr("admin123")
    token_ttl_seconds: int = 3600
    # `checkout/options/enable_guest_checkout_login`: off by default since Magento 2.4.7, and then
    # isEmailAvailable answers true for every email (no account enumeration).
    guest_checkout_login: bool = False
    pool_size: int = 8

    def signing_secret(self) -> str:
        """The JWT key: `jwt_secret` when set, else Magento's derivation of `crypt_key`."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        return signing_key(self.crypt_key.get_secret_value())
