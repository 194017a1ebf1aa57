import pytest
from sqlalchemy import create_engine, inspect

from ficus_catalog.database import sqlalchemy_url
from ficus_catalog.migration import run_migrations
from ficus_catalog.tables import Base

pytestmark = pytest.mark.integration


def test_upgrade_head_on_a_fresh_database_creates_the_model(postgres_url: str) -> None:
    run_migrations(postgres_url)
    run_migrations(postgres_url)  # at head: a no-op
    engine = create_engine(sqlalchemy_url(postgres_url))
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
