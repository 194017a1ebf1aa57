"""`ficus up`'s control provisioning gives the proxy its own credentials: a `proxy` API token
(read state, report trips/rollbacks) and a `ficus_proxy` database role, both in the proxy's
environment instead of an operator token and the superuser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from ficus_control.adapters.pg_tokens import PostgresTokenStore
from ficus_control.provision import run_migrations
from ficus_control.tokens import Role
from ficus_devstack import Stack
from ficus_devstack.localstack import LocalStack, Profile
from tests.conftest import stack_settings_for_tests

pytestmark = pytest.mark.integration


@pytest.fixture
def local(stack: Stack, tmp_path: Path) -> Iterator[LocalStack]:
    stack.postgres.ensure_database("ficus_control")
    yield LocalStack(stack_settings_for_tests(home=tmp_path), Profile())
    with stack.postgres.connect() as conn:
        conn.execute('DROP DATABASE IF EXISTS "ficus_control" WITH (FORCE)')
    stack.postgres.ensure_database("ficus_control")  # empty again, as the session's stack made it


def test_the_proxy_gets_a_proxy_token_and_its_own_database_role(local: LocalStack) -> None:
    control_db = local.settings.postgres_url("ficus_control")
    run_migrations(control_db)
    older = PostgresTokenStore(control_db).create("proxy", Role.OPERATOR)  # an older stack's
    (local.settings.home / "control").mkdir(parents=True)
    (local.settings.home / "control" / "proxy-token").write_text(older)
    local.provision_control()
    local.provision_control()  # idempotent, as `ficus up` is
    env = local.environment()
    principal = PostgresTokenStore(control_db).principal(env["FICUS_PROXY_TOKEN"])
    assert principal is not None
    assert principal.role is Role.PROXY
    assert PostgresTokenStore(control_db).principal(older) is None  # revoked, not left behind
    proxy_db = env["FICUS_PROXY_CONTROL_DB_URL"]
    with psycopg.connect(proxy_db) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("ficus_proxy",)
        conn.execute("SELECT count(*) FROM cutover_state")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT count(*) FROM audit_log")
