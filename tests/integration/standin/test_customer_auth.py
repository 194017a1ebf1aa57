"""Customer sign-in as Magento 2.4.8: legacy hashes upgraded, lockout after 10 failures,
password change (Magento's errors, older tokens revoked)."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.integration.standin.conftest import Seed

pytestmark = pytest.mark.integration

BAD_SIGN_IN = (
    "The account sign-in was incorrect or your account is disabled temporarily. "
    "Please wait and try again later."
)
ADA = {
    "customer": {"email": "ada@example.com", "firstname": "Ada", "lastname": "Lovelace"},
    "password": "Passw0rd!",
}


def _sign_in(client: TestClient, password: str) -> Response:
    return client.post(
        "/rest/V1/integration/customer/token",
        json={"username": "ada@example.com", "password": password},
    )


def _legacy_ada(client: TestClient, magento: Seed) -> int:
    """Ada with a version-1 (sha256) hash, as a Magento 2.0 store would have written it."""
    customer_id = int(client.post("/rest/V1/customers", json=ADA).json()["id"])
    legacy = f"{hashlib.sha256(b'saltPassw0rd!').hexdigest()}:salt:1"
    with magento.conn.cursor() as cur:
        cur.execute(
            "UPDATE customer_entity SET password_hash = %s WHERE entity_id = %s",
            (legacy, customer_id),
        )
    magento.conn.commit()
    return customer_id


def _auth(magento: Seed, customer_id: int) -> dict[str, object]:
    rows = magento.rows(
        "SELECT password_hash, failures_num, first_failure, lock_expires,"
        " TIMESTAMPDIFF(SECOND, NOW(), lock_expires) AS lock_left"
        " FROM customer_entity WHERE entity_id = %s",
        customer_id,
    )
    return rows[0]


def test_a_legacy_hash_is_rehashed_as_argon2id_on_sign_in(
    client: TestClient, magento: Seed
) -> None:
    customer_id = _legacy_ada(client, magento)
    assert _sign_in(client, "Passw0rd!").status_code == 200
    stored = str(_auth(magento, customer_id)["password_hash"])
    assert stored.endswith(":3_32_2_67108864") and len(stored.split(":")[1]) == 32
    assert _sign_in(client, "Passw0rd!").status_code == 200


def test_ten_failures_lock_the_account_for_ten_minutes(client: TestClient, magento: Seed) -> None:
    customer_id = _legacy_ada(client, magento)
    for attempt in range(1, 10):
        assert _sign_in(client, f"wrong-{attempt}").json() == {"message": BAD_SIGN_IN}
    state = _auth(magento, customer_id)
    assert (state["failures_num"], state["lock_expires"]) == (9, None)
    assert state["first_failure"] is not None
    assert _sign_in(client, "wrong-10").status_code == 401
    state = _auth(magento, customer_id)
    assert state["failures_num"] == 10 and 595 <= int(state["lock_left"]) <= 600  # type: ignore[call-overload]
    locked = _sign_in(client, "Passw0rd!")  # the right password, but locked
    assert (locked.status_code, locked.json()) == (401, {"message": BAD_SIGN_IN})

    with magento.conn.cursor() as cur:  # ten minutes later
        cur.execute("UPDATE customer_entity SET lock_expires = NOW() - INTERVAL 1 SECOND")
    magento.conn.commit()
    assert _sign_in(client, "Passw0rd!").status_code == 200
    state = _auth(magento, customer_id)
    assert (state["failures_num"], state["first_failure"], state["lock_expires"]) == (0, None, None)


def test_a_failure_after_an_expired_lock_counts_from_one(client: TestClient, magento: Seed) -> None:
    customer_id = _legacy_ada(client, magento)
    with magento.conn.cursor() as cur:
        cur.execute(
            "UPDATE customer_entity SET failures_num = 10, first_failure = NOW() - INTERVAL 1 HOUR,"
            " lock_expires = NOW() - INTERVAL 1 MINUTE"
        )
    magento.conn.commit()
    assert _sign_in(client, "wrong").status_code == 401
    state = _auth(magento, customer_id)
    assert (state["failures_num"], state["lock_expires"]) == (1, None)


def test_password_change_as_magento(client: TestClient, magento: Seed) -> None:
    customer_id = int(client.post("/rest/V1/customers", json=ADA).json()["id"])
    auth = {"Authorization": f"Bearer {_sign_in(client, 'Passw0rd!').json()}"}
    url = "/rest/V1/customers/me/password"

    wrong = client.put(
        url, json={"currentPassword": "nope", "newPassword": "N3w-secret"}, headers=auth
    )
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"message": "The password doesn't match this account. Verify the password and try again."},
    )
    assert _auth(magento, customer_id)["failures_num"] == 1
    weak = client.put(
        url, json={"currentPassword": "Passw0rd!", "newPassword": "short"}, headers=auth
    )
    assert (weak.status_code, weak.json()) == (
        400,
        {
            "message": "The password needs at least %1 characters."
            " Create a new password and try again.",
            "parameters": ["8"],
        },
    )
    missing = client.put(url, json={"currentPassword": "Passw0rd!"}, headers=auth)
    assert missing.status_code == 400
    assert missing.json()["parameters"] == {"fieldName": "newPassword"}

    changed = client.put(
        url, json={"currentPassword": "Passw0rd!", "newPassword": "N3w-secret"}, headers=auth
    )
    assert (changed.status_code, changed.json()) == (200, True)
    assert (
        magento.scalar(
            "SELECT COUNT(*) FROM jwt_auth_revoked WHERE user_type_id = 3 AND user_id = %s",
            customer_id,
        )
        == 1
    )
    assert client.get("/rest/V1/customers/me", headers=auth).status_code == 401  # revoked
    assert _sign_in(client, "Passw0rd!").status_code == 401
    assert _sign_in(client, "N3w-secret").status_code == 200
