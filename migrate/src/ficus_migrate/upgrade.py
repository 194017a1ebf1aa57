"""Bring a database to Alembic head: run by each member on start and by its `migrate` command."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from ficus_migrate.urls import sqlalchemy_url


def alembic_config(url: str, directory: Path) -> Config:
    """The Alembic configuration of the revisions in `directory` for the database at `url`
    (the environment reads the URL back from `sqlalchemy.url`)."""
    config = Config(str(directory / "alembic.ini"))
    config.set_main_option("script_location", str(directory))
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, directory: Path) -> None:
    """Upgrade the database at `url` to head; a no-op when it is current."""
    command.upgrade(alembic_config(url, directory), "head")


def repository_migrations(name: str, module_file: str, depth: int) -> Path:
    """`migrations/<name>` of the repository that holds `module_file`, `depth` directories up
    (a member's source tree sits at a fixed depth below the repository root)."""
    return Path(module_file).resolve().parents[depth] / "migrations" / name
