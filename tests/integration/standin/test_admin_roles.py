"""The stand-in's admin ACL as Magento's: admin users belong to roles (`authorization_role`),
roles carry rules (`authorization_rule`), and every admin route asks them; the install puts
admin user 1 in Administrators (`Magento_Backend::all`)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ficus_legacy import roles, tokens
from ficus_legacy.core.acl import ROOT
from ficus_standin import StandinSettings
from ficus_standin.cli import app as cli_app
from tests.integration.standin.conftest import Seed

pytestmark = pytest.mark.integration

PRODUCTS = "/rest/V1/products?searchCriteria[pageSize]=1"
CUSTOMERS = "/rest/V1/customers/search?searchCriteria[pageSize]=1"


def _denied(resource: str) -> dict[str, object]:
    return {
        "message": "The consumer isn't authorized to access %resources.",
        "parameters": {"resources": resource},
    }


def _bearer(settings: StandinSettings, user_id: int) -> dict[str, str]:
    token = tokens.issue(settings.signing_secret(), user_id, tokens.UserType.ADMIN)
    return {"Authorization": f"Bearer {token}"}


def test_the_install_puts_admin_1_in_administrators(magento: Seed) -> None:
    rows = magento.rows(
        "SELECT g.role_name, r.resource_id, r.permission FROM authorization_role u"
        " JOIN authorization_role g ON g.role_id = u.parent_id AND g.role_type = 'G'"
        " JOIN authorization_rule r ON r.role_id = g.role_id"
        " WHERE u.role_type = 'U' AND u.user_type = '2' AND u.user_id = 1"
    )
    assert rows == [{"role_name": "Administrators", "resource_id": ROOT, "permission": "allow"}]


def test_a_narrowed_role_allows_its_resources_only(
    client: TestClient, magento: Seed, settings: StandinSettings, admin: dict[str, str]
) -> None:
    group = roles.create_group(magento.conn, "Catalog", ["Magento_Catalog::products"])
    roles.assign(magento.conn, 7, group, "Cat")
    magento.conn.commit()
    narrowed = _bearer(settings, 7)
    assert client.get(PRODUCTS, headers=narrowed).status_code == 200
    refused = client.get(CUSTOMERS, headers=narrowed)
    assert (refused.status_code, refused.json()) == (401, _denied("Magento_Customer::customer"))
    assert client.get(CUSTOMERS, headers=admin).status_code == 200  # admin 1: everything


def test_an_admin_without_a_role_is_allowed_nothing(
    client: TestClient, magento: Seed, settings: StandinSettings
) -> None:
    refused = client.get(PRODUCTS, headers=_bearer(settings, 8))
    assert (refused.status_code, refused.json()) == (401, _denied("Magento_Catalog::products"))
    group = roles.create_group(magento.conn, "All", [ROOT])
    roles.assign(magento.conn, 8, group, "Eight")
    magento.conn.commit()
    assert client.get(PRODUCTS, headers=_bearer(settings, 8)).status_code == 200
    roles.unassign(magento.conn, 2, 8)
    magento.conn.commit()
    assert client.get(PRODUCTS, headers=_bearer(settings, 8)).status_code == 401


def test_a_deny_rule_under_the_root_denies(
    client: TestClient, magento: Seed, settings: StandinSettings
) -> None:
    group = roles.create_group(magento.conn, "Most", [ROOT])
    with magento.conn.cursor() as cur:  # written by hand: saveRel never mixes the two
        cur.execute(
            "INSERT INTO authorization_rule (role_id, resource_id, permission)"
            " VALUES (%s, 'Magento_Catalog::products', 'deny')",
            (group,),
        )
    roles.assign(magento.conn, 9, group, "Nine")
    magento.conn.commit()
    assert client.get(PRODUCTS, headers=_bearer(settings, 9)).status_code == 401
    assert client.get(CUSTOMERS, headers=_bearer(settings, 9)).status_code == 200


def test_the_cli_creates_a_narrowed_admin_and_prints_its_token(
    client: TestClient, magento: Seed, settings: StandinSettings
) -> None:
    url = settings.mysql_url.get_secret_value()
    result = CliRunner().invoke(
        cli_app,
        ["role", "--user-id", "12", "--allow", "Magento_Customer::customer", "--url", url],
        env={"FICUS_LEGACY_JWT_SECRET": settings.signing_secret()},
    )
    assert result.exit_code == 0, result.output
    header = {"Authorization": f"Bearer {result.output.strip()}"}
    assert client.get(CUSTOMERS, headers=header).status_code == 200
    assert client.get(PRODUCTS, headers=header).status_code == 401
    permissions = magento.rows(
        "SELECT r.resource_id, r.permission FROM authorization_rule r JOIN authorization_role u"
        " ON u.parent_id = r.role_id WHERE u.user_id = 12 AND u.role_type = 'U' ORDER BY rule_id"
    )
    written = [(p["resource_id"], p["permission"]) for p in permissions]
    assert written[:2] == [
        ("Magento_Backend::admin", "allow"),
        ("Magento_Customer::customer", "allow"),
    ]
    assert ("Magento_Catalog::products", "deny") in written  # saveRel: a row per resource
    assert {p for _, p in written[2:]} == {"deny"}
