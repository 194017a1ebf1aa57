"""The engine manager against the real servers: health, binlog settings, idempotence, restart
after a crash, port clash, persistence across down/up, reset."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from ficus_devstack import PortInUse, ProcessState, Stack, build_stack
from ficus_devstack.engine import port_is_free
from tests.conftest import stack_settings_for_tests

pytestmark = pytest.mark.integration


def test_mariadb_has_binlog_row_full_and_gtid(stack: Stack) -> None:
    health = stack.mariadb.health()
    assert health.ok
    assert health.facts["binlog"] == "ON"
    assert health.facts["format"] == "ROW"
    assert health.facts["row image"] == "FULL"
    assert health.facts["gtid"].startswith("0-1-")


def test_postgres_runs_as_non_root_and_has_service_databases(stack: Stack) -> None:
    with stack.postgres.connect() as conn:
        names = {r[0] for r in conn.execute("SELECT datname FROM pg_database").fetchall()}
    assert set(stack.settings.service_databases) <= names
    pid = stack.postgres.process.pid()
    assert pid is not None
    assert Path(f"/proc/{pid}").stat().st_uid != 0


def test_second_up_says_already_running(stack: Stack) -> None:
    results = stack.up()
    assert [r.started for r in results] == [False, False]


@pytest.fixture
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A second, private stack for tests that stop, crash or wipe it."""
    base = stack_settings_for_tests()
    home = base.home.parent / (base.home.name + "-own")
    the_stack = build_stack(
        stack_settings_for_tests(
            home=home, mariadb_port=base.mariadb_port + 1, postgres_port=base.postgres_port + 1
        )
    )
    the_stack.reset()
    yield the_stack
    the_stack.reset()


def test_data_survives_down_up_and_reset_wipes_it(own_stack: Stack) -> None:
    own_stack.up()
    own_stack.postgres.ensure_database("kept")
    with own_stack.mariadb.admin_connection() as conn, conn.cursor() as cur:
        cur.execute("CREATE DATABASE kept_m")
    assert [r.started for r in own_stack.down()] == [True, True]
    assert all(s.state is ProcessState.STOPPED for s in own_stack.status())

    own_stack.up()
    with own_stack.postgres.connect() as pg:
        assert pg.execute("SELECT 1 FROM pg_database WHERE datname='kept'").fetchone()
    with own_stack.mariadb.admin_connection() as conn, conn.cursor() as cur:
        assert cur.execute("SHOW DATABASES LIKE 'kept_m'") == 1

    own_stack.reset()
    assert not own_stack.settings.home.exists()
    own_stack.up()
    with own_stack.postgres.connect() as pg:
        assert pg.execute("SELECT 1 FROM pg_database WHERE datname='kept'").fetchone() is None


def test_crashed_engine_is_reported_and_restarted_by_up(own_stack: Stack) -> None:
    own_stack.up()
    own_stack.mariadb.process.kill()
    states = {s.name: s.state for s in own_stack.status()}
    assert states == {"mariadb": ProcessState.CRASHED, "postgres": ProcessState.RUNNING}

    results = {r.name: r.started for r in own_stack.up()}
    assert results == {"mariadb": True, "postgres": False}
    assert own_stack.mariadb.health().ok


def test_port_clash_names_port_and_setting_and_leaves_nothing_started(own_stack: Stack) -> None:
    port = own_stack.settings.postgres_port
    with socket.socket() as squatter:
        # SO_REUSEADDR as servers set it: TIME_WAIT from the previous test must not matter
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind((own_stack.settings.host, port))
        squatter.listen()
        with pytest.raises(PortInUse) as info:
            own_stack.up()
    message = str(info.value)
    assert str(port) in message
    assert "FICUS_POSTGRES_PORT" in message
    # MariaDB had started before the clash; it must have been stopped again.
    assert all(s.state is ProcessState.STOPPED for s in own_stack.status())
    assert port_is_free(own_stack.settings.host, own_stack.settings.mariadb_port)
