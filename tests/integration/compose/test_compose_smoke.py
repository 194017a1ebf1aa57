"""Every Ficus service of docker-compose.yml starts and becomes healthy: its exact `command`
and `environment` run as a local process against the suite's MariaDB and Postgres, in
dependency order (the one-shot `control-migrate` first), each required to pass its compose
healthcheck URL; then all are stopped.

Substitutions (see compose.py): compose hosts → 127.0.0.1 on the test engines' or free ports;
the databases of POSTGRES_MULTIPLE_DATABASES are created first under unique names; sync runs
with FICUS_SYNC_ENGINE=embedded (the file's own variable: the Kafka engine would need Kafka and
Kafka Connect); search's Elasticsearch address points at a free port with nothing listening,
so search is healthy through its Postgres fallback (on_engine_down=fallback, the default) —
the Elasticsearch path has its own suite."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from ficus_legacy.schema import install
from ficus_legacy.types import Connection
from tests.integration.compose.compose import (
    Process,
    Rewrite,
    free_port,
    healthy,
    load,
    process,
    run_one_shot,
    start_order,
)
from tests.unit.test_compose import FICUS_SERVICES, ONE_SHOTS

pytestmark = pytest.mark.integration

START_TIMEOUT = 90.0


@pytest.fixture
def magento_database(mariadb_conn: Connection, mariadb_database: str) -> str:
    """A MariaDB database with Magento's (empty) schema, for sync's binlog capture."""
    install(mariadb_conn)
    mariadb_conn.commit()
    return mariadb_database


def _variables(stack: Stack, magento_database: str) -> dict[str, str]:
    s = stack.settings
    return {
        "POSTGRES_PASSWORD": "smoke",  # the test Postgres trusts local connections
        "MAGENTO_DB_USER": s.mariadb_user,
        "MAGENTO_DB_PASSWORD": s.mariadb_password,
        "MAGENTO_DB_NAME": magento_database,
        "MAGENTO_DB_ROOT_PASSWORD": "unused-by-the-embedded-engine",
        "DEBEZIUM_DB_PASSWORD": "unused-by-the-embedded-engine",
        "MAGENTO_CRYPT_KEY": "0123456789abcdef0123456789abcdef",
        "MAGENTO_URL": f"http://127.0.0.1:{free_port()}",
        "FICUS_PROXY_TOKEN": "smoke-token",
        "PROXY_DB_PASSWORD": "smoke-proxy",  # the test Postgres trusts local connections
        "FICUS_SYNC_ENGINE": "embedded",
    }


def _rewrite(stack: Stack, services: dict[str, object], suffix: str) -> Rewrite:
    s = stack.settings
    addresses = {"postgres:5432": s.postgres_port, "magento-db:3306": s.mariadb_port}
    for name in ("kafka:9092", "connect:8083", "elasticsearch:9200"):
        addresses[name] = free_port()  # not started: see the module docstring
    for name in sorted(FICUS_SERVICES):
        command = services[name]["command"]  # type: ignore[index]
        addresses[f"{name}:{command[command.index('--port') + 1]}"] = free_port()
        environment = services[name].get("environment", {})  # type: ignore[attr-defined]
        for key, value in environment.items():
            if key.endswith("_ADMIN_PORT"):  # a second listener (the proxy's admin one)
                addresses[f"{name}:{value}"] = free_port()
    postgres_env = services["postgres"]["environment"]  # type: ignore[index]
    names = str(postgres_env["POSTGRES_MULTIPLE_DATABASES"]).split(",")
    databases = {n.strip(): f"{n.strip()}_{suffix}" for n in names}
    return Rewrite(addresses, frozenset(services), databases)


@pytest.fixture
def plan(stack: Stack, magento_database: str) -> Iterator[list[Process]]:
    """The Ficus services in start order, their Postgres databases created (and dropped)."""
    services = load(_variables(stack, magento_database))
    rewrite = _rewrite(stack, services, uuid.uuid4().hex[:8])
    for local in rewrite.databases.values():
        stack.postgres.ensure_database(local)
    order = start_order(services, FICUS_SERVICES | ONE_SHOTS)
    yield [process(name, services[name], rewrite) for name in order]
    with stack.postgres.connect() as conn:
        for local in rewrite.databases.values():
            conn.execute(f'DROP DATABASE IF EXISTS "{local}" WITH (FORCE)')


def _start(proc: Process, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            proc.argv, env=proc.env, cwd=log.parent, stdout=out, stderr=subprocess.STDOUT
        )


def _stop(running: list[subprocess.Popen[bytes]]) -> None:
    for child in reversed(running):
        child.terminate()
    for child in reversed(running):
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-30:])


def _become_healthy(child: subprocess.Popen[bytes], url: str) -> bool:
    up = wait_until(lambda: child.poll() is not None or healthy(url), START_TIMEOUT)
    return up and child.poll() is None


def test_every_ficus_service_starts_and_becomes_healthy(
    plan: list[Process], tmp_path: Path
) -> None:
    assert {p.name for p in plan} == FICUS_SERVICES | ONE_SHOTS
    running: list[subprocess.Popen[bytes]] = []
    try:
        for proc in plan:
            log = tmp_path / f"{proc.name}.log"
            if proc.health_url is None:
                done = run_one_shot(proc, log)
                assert done.returncode == 0, f"{proc.name} failed:\n{_tail(log)}"
                continue
            running.append(_start(proc, log))
            healthy_now = _become_healthy(running[-1], proc.health_url)
            assert healthy_now, f"{proc.name} not healthy:\n{_tail(log)}"
    finally:
        _stop(running)
