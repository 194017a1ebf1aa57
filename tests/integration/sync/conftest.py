"""Fixtures for sync's integration tests: a Magento database with a small store, sync's own
Postgres database, settings pointing at both, and a sync subprocess runner."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pymysql
import pytest

from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from ficus_sync.settings import SyncSettings
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session", autouse=True)
def full_row_metadata(stack: Stack) -> None:
    """Column names in the binlog's table maps (the lead may put this in the stack's my.cnf)."""
    conn = stack.mariadb.admin_connection()
    with conn.cursor() as cur:
        cur.execute("SET GLOBAL binlog_row_metadata = 'FULL'")
    conn.close()


@pytest.fixture
def mysql_url(stack: Stack, mariadb_database: str) -> str:
    s = stack.settings
    return (
        f"mysql://{s.mariadb_user}:{s.mariadb_password}@{s.host}:{s.mariadb_port}/"
        f"{mariadb_database}"
    )


@pytest.fixture
def shop(mariadb_conn: pymysql.Connection) -> Shop:  # type: ignore[type-arg]
    return Shop(mariadb_conn)


@pytest.fixture
def sync_settings(mysql_url: str, postgres_url: str) -> SyncSettings:
    return SyncSettings(
        mysql_url=mysql_url,
        postgres_url=postgres_url,
        port=free_port(),
        server_id=random.randint(5000, 2_000_000),
        snapshot_chunk_rows=500,
    )


def sync_env(settings: SyncSettings) -> dict[str, str]:
    env = dict(os.environ)
    for name, value in settings.model_dump().items():
        if value is not None:  # an unset optional setting stays unset
            env[f"FICUS_SYNC_{name.upper()}"] = str(value)
    return env


class SyncProcess:
    """`python -m ficus_sync …` as a child process (so a test can kill -9 it)."""

    def __init__(self, settings: SyncSettings, log: Path) -> None:
        self.settings = settings
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, *args: str) -> SyncProcess:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "ficus_sync", "-v", *args],
                env=sync_env(self.settings),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def wait(self, timeout: float = 60) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout=timeout)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def sync_process(
    sync_settings: SyncSettings, tmp_path: Path
) -> Iterator[Callable[..., SyncProcess]]:
    started: list[SyncProcess] = []

    def start(*args: str) -> SyncProcess:
        process = SyncProcess(sync_settings, tmp_path / "sync.log").start(*args)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def poll(condition: Callable[[], Any], timeout: float, message: str) -> None:
    if not wait_until(lambda: bool(condition()), timeout, interval=0.1):
        raise AssertionError(message)
