from __future__ import annotations

import os
import socket
import subprocess
import sys

import httpx
import pytest

from ficus_devstack.process import wait_until
from ficus_standin import StandinSettings
from tests.integration.standin.conftest import Seed

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_legacy_cli_serve_runs_the_stand_in(magento: Seed, settings: StandinSettings) -> None:
    magento.product("CLI-1", "Served", "9.5000")
    port = free_port()
    env = {
        **os.environ,
        "FICUS_LEGACY_MYSQL_URL": settings.mysql_url.get_secret_value(),
        "FICUS_LEGACY_ADMIN_PASSWORD": "Cli-admin-1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "ficus_standin", "serve", "--port", str(port)], env=env
    )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        assert wait_until(healthy, timeout=30), "the stand-in did not answer /healthz"
        token = httpx.post(
            f"{base}/rest/V1/integration/admin/token",
            json={"username": "admin", "password": "Cli-admin-1"},
        ).json()
        product = httpx.get(
            f"{base}/rest/default/V1/products/CLI-1", headers={"Authorization": f"Bearer {token}"}
        )
        assert product.status_code == 200 and product.json()["price"] == 9.5
    finally:
        server.terminate()
        server.wait(timeout=10)
