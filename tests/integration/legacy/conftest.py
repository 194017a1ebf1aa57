"""A MariaDB database with Magento's schema installed, for legacy adapter tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime

import pymysql
import pytest

from ficus_devstack import Stack
from ficus_legacy.schema import install

INSTALLED_AT = datetime(2024, 1, 1)


@pytest.fixture
def magento(mariadb_conn: pymysql.Connection) -> pymysql.Connection:  # type: ignore[type-arg]
    """`mariadb_conn` with Magento's tables and install rows."""
    install(mariadb_conn, installed_at=INSTALLED_AT)
    return mariadb_conn


@pytest.fixture
def other_database(stack: Stack) -> Iterator[pymysql.Connection]:  # type: ignore[type-arg]
    """A second fresh database (connection), for comparing two generated stores."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = stack.mariadb.admin_connection()
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
    s = stack.settings
    conn = pymysql.connect(
        host=s.host,
        port=s.mariadb_port,
        user=s.mariadb_user,
        password=s.mariadb_password,
        database=name,
        charset="utf8mb4",
    )
    yield conn
    conn.close()
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
    admin.close()


def _connect(stack: Stack, database: str) -> pymysql.Connection:  # type: ignore[type-arg]
    s = stack.settings
    return pymysql.connect(
        host=s.host,
        port=s.mariadb_port,
        user=s.mariadb_user,
        password=s.mariadb_password,
        database=database,
        charset="utf8mb4",
        autocommit=False,
    )


@pytest.fixture(scope="session")
def installed_database(stack: Stack) -> Iterator[str]:
    """One database with Magento installed, shared by tests that never commit."""
    name = f"t_shared_{uuid.uuid4().hex[:8]}"
    with stack.mariadb.admin_connection() as admin, admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
    conn = _connect(stack, name)
    install(conn, installed_at=INSTALLED_AT)
    conn.close()
    yield name
    # a fresh connection: other tests may have restarted MariaDB meanwhile
    with stack.mariadb.admin_connection() as admin, admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture
def magento_tx(stack: Stack, installed_database: str) -> Iterator[pymysql.Connection]:  # type: ignore[type-arg]
    """A connection to the shared installed database whose work is rolled back afterwards:
    for tests that only run DML and never commit."""
    conn = _connect(stack, installed_database)
    yield conn
    conn.rollback()
    conn.close()
