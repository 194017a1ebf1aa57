"""A password changed (or reset) in the customer service revokes the customer's older tokens in
Magento too, as AccountManagement does (JwtUserToken's Revoker: a `jwt_auth_revoked` row, user
type 3): the outbox row carries `revoke_before`, and the reverse worker (`python -m ficus_sync
reverse run`, killed -9 around its MySQL commit) writes that row in the one MySQL transaction
that writes the new `password_hash`, exactly once. Real MariaDB, Postgres and the stand-in."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymysql
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from ficus_customer.bootstrap import Components
from ficus_customer.recovery import Recovery
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from ficus_legacy import customers, tokens
from ficus_legacy.core.recovery import TEMPLATES
from ficus_legacy.schema import install
from ficus_standin import StandinSettings, create_app
from ficus_sync.reverse import ledger
from ficus_sync.settings import SyncSettings
from tests.integration.customer.conftest import CRYPT_KEY, fill_pool
from tests.integration.customer.test_api import PASSWORD, signup
from tests.integration.sync.conftest import SyncProcess

pytestmark = pytest.mark.integration

NEW_PASSWORD = "N3w-secret-pass"
KEY = tokens.signing_key(CRYPT_KEY)


@pytest.fixture
def magento_url(stack: Stack, mariadb_conn: pymysql.Connection, mariadb_database: str) -> str:  # type: ignore[type-arg]
    install(mariadb_conn)
    ledger.ensure(mariadb_conn)
    mariadb_conn.commit()
    s = stack.settings
    return (
        f"mysql://{s.mariadb_user}:{s.mariadb_password}@{s.host}:{s.mariadb_port}/"
        f"{mariadb_database}"
    )


@pytest.fixture
def standin(magento_url: str) -> Iterator[TestClient]:
    """The stand-in on the same Magento database, signing with the same crypt key."""
    settings = StandinSettings(mysql_url=SecretStr(magento_url), crypt_key=SecretStr(CRYPT_KEY))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def reverse(magento_url: str, service_url: str, tmp_path: Path, fault: str | None) -> SyncProcess:
    settings = SyncSettings(
        mysql_url=magento_url, reverse_customer_database_url=service_url, reverse_fault=fault,
        reverse_apply_batch=1, reverse_pool_low=1, reverse_pool_block=5,
    )  # fmt: skip
    return SyncProcess(settings, tmp_path / "reverse.log").start("reverse", "run")


def outbox(components: Components) -> list[dict[str, Any]]:
    with components.pool.connection() as conn:
        return conn.execute(
            "SELECT id, kind, revoke_before, acked_at FROM outbox ORDER BY id"
        ).fetchall()


def scalar(conn: pymysql.Connection, sql: str, *args: Any) -> Any:  # type: ignore[type-arg]
    conn.commit()  # a fresh snapshot
    with conn.cursor() as cur:
        cur.execute(sql, args)
        row = cur.fetchone()
    return None if row is None else row[0]


def drained(components: Components) -> bool:
    return all(row["acked_at"] is not None for row in outbox(components))


def me(client: TestClient, token: str) -> int:
    return client.get(
        "/rest/V1/customers/me", headers={"Authorization": f"Bearer {token}"}
    ).status_code


def test_a_password_changed_in_the_service_revokes_magentos_older_tokens_exactly_once(
    components: Components,
    customer_url: str,
    magento_url: str,
    mariadb_conn: pymysql.Connection,  # type: ignore[type-arg]
    standin: TestClient,
    tmp_path: Path,
) -> None:
    fill_pool(customer_url, "customer_entity", range(1000, 1010))
    fill_pool(customer_url, "customer_address_entity", range(2000, 2010))
    with components.accounts.transaction() as conn:
        ada = components.accounts.create(conn, None, signup(addresses=[])["customer"], PASSWORD)
    survivor = reverse(magento_url, customer_url, tmp_path, None)
    try:
        assert wait_until(lambda: drained(components), 60, 0.05), survivor.output()[-2000:]
    finally:
        survivor.stop()
    old = tokens.issue(KEY, ada.entity_id, tokens.UserType.CUSTOMER, now=time.time() - 5)
    assert me(standin, old) == 200  # Magento takes the service's customer and its token

    failure = components.accounts.change_password(ada.entity_id, PASSWORD, NEW_PASSWORD)
    assert failure is None
    change = outbox(components)[-1]
    assert change["revoke_before"] is not None and change["acked_at"] is None
    refused = components.reads.revoked_before(3, ada.entity_id)
    assert refused == change["revoke_before"]  # the service refuses the old token at once
    with pytest.raises(tokens.TokenError, match="revoked"):
        tokens.verify(KEY, old, revoked_before=lambda t, u: components.reads.revoked_before(t, u))
    assert me(standin, old) == 200  # Magento until the reverse apply

    revoked = "SELECT revoke_before FROM jwt_auth_revoked WHERE user_type_id = 3 AND user_id = %s"
    crashed = reverse(magento_url, customer_url, tmp_path, "before_commit:1")
    assert crashed.wait(60) == -signal.SIGKILL, crashed.output()[-2000:]
    assert scalar(mariadb_conn, revoked, ada.entity_id) is None  # rolled back with the hash
    assert me(standin, old) == 200

    crashed = reverse(magento_url, customer_url, tmp_path, "after_commit:1")
    assert crashed.wait(60) == -signal.SIGKILL, crashed.output()[-2000:]
    assert outbox(components)[-1]["acked_at"] is None  # committed in Magento, not acknowledged
    assert scalar(mariadb_conn, revoked, ada.entity_id) == change["revoke_before"]

    survivor = reverse(magento_url, customer_url, tmp_path, None)
    try:
        assert wait_until(lambda: drained(components), 60, 0.05), survivor.output()[-2000:]
    finally:
        survivor.stop()
    logged = "SELECT count(*) FROM ficus_reverse_log WHERE outbox_id = %s"
    assert scalar(mariadb_conn, logged, change["id"]) == 1  # applied once
    assert scalar(mariadb_conn, revoked, ada.entity_id) == change["revoke_before"]
    magento = customers.read(mariadb_conn, [ada.entity_id])[ada.entity_id]
    with components.pool.connection() as conn:
        stored = conn.execute(
            "SELECT state->>'password_hash' AS hash FROM customer WHERE entity_id = %s",
            (ada.entity_id,),
        ).fetchone()
    assert stored is not None and magento.password_hash == stored["hash"]

    refused_there = standin.get("/rest/V1/customers/me", headers={"Authorization": f"Bearer {old}"})
    assert refused_there.status_code == 401, refused_there.text
    login = {"username": ada.email, "password": NEW_PASSWORD}
    signed_in = standin.post("/rest/V1/integration/customer/token", json=login)
    assert signed_in.status_code == 200, signed_in.text
    assert me(standin, signed_in.json()) == 200  # issued after the revocation's second


def test_a_password_reset_in_the_service_carries_the_revocation(
    components: Components, customer_url: str
) -> None:
    fill_pool(customer_url, "customer_entity", range(1000, 1010))
    with components.accounts.transaction() as conn:
        ada = components.accounts.create(conn, None, signup(addresses=[])["customer"], PASSWORD)
    recovery = Recovery(components.accounts)
    recovery.initiate_reset(None, ada.email, None, TEMPLATES[0])
    with components.pool.connection() as conn:
        row = conn.execute("SELECT state->>'rp_token' AS token FROM customer").fetchone()
    assert row is not None
    before = int(time.time())
    recovery.reset_password(None, ada.email, row["token"], NEW_PASSWORD)
    rows = outbox(components)
    assert [r["revoke_before"] is not None for r in rows] == [False, False, True]
    assert rows[-1]["revoke_before"] >= before
    assert components.reads.revoked_before(3, ada.entity_id) == rows[-1]["revoke_before"]
