"""Settings of the local stack, read from FICUS_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class StackSettings(BaseSettings):
    """Where the local stack lives and which ports it uses.

    Every field is overridable with an environment variable: `home` with FICUS_HOME,
    `mariadb_port` with FICUS_MARIADB_PORT, and so on.
    """

    model_config = SettingsConfigDict(env_prefix="FICUS_", frozen=True)

    home: Path = Field(default_factory=lambda: Path.cwd() / ".ficus")
    host: str = "127.0.0.1"
    mariadb_port: int = 13306
    postgres_port: int = 15432
    standin_port: int = 18080
    sync_port: int = 18081
    catalog_port: int = 18082
    control_port: int = 18083
    search_port: int = 18084
    customer_port: int = 18085
    proxy_port: int = 18000
    elasticsearch_port: int = 19200
    os_user: str = "ficus"
    start_timeout: float = 60.0
    mariadb_database: str = "magento"
    mariadb_user: str = "ficus"
    mariadb_password: str = "ficus"  # noqa: S105 - local development stack only
    postgres_user: str = "postgres"
    service_databases: tuple[str, ...] = (
        "ficus_control",
        "ficus_sync",
        "ficus_catalog",
        "ficus_search",
        "ficus_customer",
    )
    # env.php's `crypt/key` of the local Magento (the stand-in's development key): the stand-in
    # and the customer service sign and check Magento's JWTs with the key derived from it
    magento_crypt_key: str = "ficus0standin0development0key032"  # noqa: S105 - local stack only

    def env_name(self, field: str) -> str:
        return f"FICUS_{field.upper()}"

    @property
    def run_dir(self) -> Path:
        return self.home / "run"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def mariadb_url(self) -> str:
        return (
            f"mysql://{self.mariadb_user}:{self.mariadb_password}@{self.host}:"
            f"{self.mariadb_port}/{self.mariadb_database}"
        )

    def postgres_url(self, database: str) -> str:
        return f"postgresql://{self.postgres_user}@{self.host}:{self.postgres_port}/{database}"
