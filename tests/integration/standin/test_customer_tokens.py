"""The stand-in's tokens as Magento's: signed with the key derived from `crypt/key`, refused
once revoked (`jwt_auth_revoked`), and sign-in lockout."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from ficus_legacy import tokens
from ficus_standin import StandinSettings, create_app
from tests.integration.standin.conftest import Seed

pytestmark = pytest.mark.integration

CRYPT_KEY = "retired0key0of0thirty0two0chars0 a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
SELF_DENIED = {
    "message": "The consumer isn't authorized to access %resources.",
    "parameters": {"resources": "self"},
}
ADA = {
    "customer": {"email": "ada@example.com", "firstname": "Ada", "lastname": "Lovelace"},
    "password": "Passw0rd!",
}


@pytest.fixture
def keyed(magento: Seed, settings: StandinSettings) -> Iterator[TestClient]:
    """The stand-in signing with `crypt/key` as Magento does (no jwt_secret override)."""
    keyed_settings = settings.model_copy(
        update={"jwt_secret": None, "crypt_key": SecretStr(CRYPT_KEY)}
    )
    with TestClient(create_app(keyed_settings), raise_server_exceptions=False) as test_client:
        yield test_client


def _customer_token(client: TestClient) -> str:
    answer = client.post(
        "/rest/V1/integration/customer/token",
        json={"username": "ada@example.com", "password": "Passw0rd!"},
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()
    return token


def test_tokens_are_signed_with_the_last_crypt_key_padded_as_magento(keyed: TestClient) -> None:
    assert keyed.post("/rest/V1/customers", json=ADA).status_code == 200
    token = _customer_token(keyed)
    claims = tokens.verify(tokens.signing_key(CRYPT_KEY), token, tokens.UserType.CUSTOMER)
    assert claims.expires_at - claims.issued_at == 3600
    with pytest.raises(tokens.TokenError):
        tokens.verify(tokens.signing_key(CRYPT_KEY.split()[0]), token)


def test_a_revoked_token_is_refused_as_magento_ignores_it(keyed: TestClient, magento: Seed) -> None:
    customer_id = keyed.post("/rest/V1/customers", json=ADA).json()["id"]
    token = _customer_token(keyed)
    auth = {"Authorization": f"Bearer {token}"}
    assert keyed.get("/rest/V1/customers/me", headers=auth).status_code == 200
    issued = tokens.verify(tokens.signing_key(CRYPT_KEY), token).issued_at
    with magento.conn.cursor() as cur:
        cur.execute(
            "INSERT INTO jwt_auth_revoked (user_type_id, user_id, revoke_before)"
            " VALUES (3, %s, %s)",
            (customer_id, issued),
        )
    magento.conn.commit()
    refused = keyed.get("/rest/V1/customers/me", headers=auth)
    assert (refused.status_code, refused.json()) == (401, SELF_DENIED)


def test_the_crypt_key_comes_from_ficus_standin_crypt_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FICUS_STANDIN_CRYPT_KEY", CRYPT_KEY)
    assert StandinSettings().signing_secret() == tokens.signing_key(CRYPT_KEY)
    monkeypatch.delenv("FICUS_STANDIN_CRYPT_KEY")
    default = StandinSettings().crypt_key.get_secret_value()
    assert len(default) == 32 and StandinSettings(jwt_secret="x" * 32).signing_secret() == "x" * 32
