"""Integration access tokens on the stand-in as on Magento 2.4.8: an opaque `oauth_token` of
user type 1 names its integration, whose own role decides; accepted as a bearer only when
`oauth/consumer/enable_integration_as_bearer` is set (off by default), refused once revoked."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ficus_legacy import integrations
from ficus_standin import StandinSettings
from ficus_standin.cli import app as cli_app
from tests.integration.standin.conftest import Seed

pytestmark = pytest.mark.integration

PRODUCTS = "/rest/V1/products?searchCriteria[pageSize]=1"
CUSTOMERS = "/rest/V1/customers/search?searchCriteria[pageSize]=1"


def _get(client: TestClient, path: str, token: str) -> int:
    return client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code


def test_an_integration_token_is_a_bearer_only_when_magento_is_configured_so(
    client: TestClient, magento: Seed
) -> None:
    issued = integrations.create(magento.conn, "erp", ["Magento_Catalog::products"])
    magento.conn.commit()
    row = magento.rows("SELECT type, revoked, authorized, user_type FROM oauth_token")
    assert row == [{"type": "access", "revoked": 0, "authorized": 1, "user_type": 1}]
    assert len(issued.token) == 32
    assert _get(client, PRODUCTS, issued.token) == 401  # Magento's default: off
    integrations.enable_bearer(magento.conn)
    magento.conn.commit()
    assert _get(client, PRODUCTS, issued.token) == 200
    refused = client.get(CUSTOMERS, headers={"Authorization": f"Bearer {issued.token}"})
    assert refused.status_code == 401
    assert refused.json()["parameters"] == {"resources": "Magento_Customer::customer"}
    assert _get(client, PRODUCTS, issued.token.upper() + "x") == 401


def test_a_revoked_or_deleted_token_is_refused(client: TestClient, magento: Seed) -> None:
    first = integrations.create(magento.conn, "one", ["Magento_Catalog::products"])
    second = integrations.create(magento.conn, "two", ["Magento_Catalog::products"])
    integrations.enable_bearer(magento.conn)
    magento.conn.commit()
    assert _get(client, PRODUCTS, first.token) == _get(client, PRODUCTS, second.token) == 200
    with magento.conn.cursor() as cur:
        cur.execute("UPDATE oauth_token SET revoked = 1 WHERE token = %s", (first.token,))
        cur.execute("DELETE FROM integration WHERE integration_id = %s", (second.integration_id,))
    magento.conn.commit()
    assert _get(client, PRODUCTS, first.token) == _get(client, PRODUCTS, second.token) == 401


def test_the_cli_creates_an_integration_and_prints_its_token(
    client: TestClient, settings: StandinSettings
) -> None:
    url = settings.mysql_url.get_secret_value()
    args = ["integration", "--name", "pim", "--allow", "Magento_Customer::customer"]
    result = CliRunner().invoke(cli_app, [*args, "--enable-bearer", "--url", url])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert _get(client, CUSTOMERS, token) == 200
    assert _get(client, PRODUCTS, token) == 401
