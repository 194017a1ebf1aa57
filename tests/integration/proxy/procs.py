"""Proxy processes started with `python -m ficus_proxy serve`, and probes of their state (on
their admin listener)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import aiohttp

from tests.integration.proxy.admin import get_traced
from tests.integration.proxy.backends import closed_port
from tests.integration.proxy.cohort import CRYPT_KEY

PRODUCT = "/rest/V1/products/24-MB01"
ADMIN_PORTS: dict[int, int] = {}  # shopper port -> admin port, of the processes spawned here


def spawn(env: dict[str, str], log: Any) -> tuple[subprocess.Popen[bytes], int]:
    port, admin = closed_port(), closed_port()
    argv = [sys.executable, "-m", "ficus_proxy", "serve", "--port", str(port)]
    env = os.environ | {"FICUS_PROXY_MAGENTO_CRYPT_KEY": CRYPT_KEY} | env
    env |= {"FICUS_PROXY_ADMIN_PORT": str(admin)}
    process = subprocess.Popen(argv, env=env, stdout=log, stderr=log)
    ADMIN_PORTS[port] = admin
    return process, port


def admin_of(port: int) -> int:
    """The admin port of a spawned proxy (a port not spawned here is taken as an admin port)."""
    return ADMIN_PORTS.get(port, port)


async def readyz(client: aiohttp.ClientSession, port: int) -> dict[str, Any] | None:
    try:
        async with client.get(f"http://127.0.0.1:{admin_of(port)}/readyz") as response:
            body: dict[str, Any] = await response.json()
            return body if response.status == 200 else None
    except aiohttp.ClientError:
        return None


async def version_seen(client: aiohttp.ClientSession, port: int) -> int | None:
    body = await readyz(client, port)
    catalog = (body or {}).get("cutover", {}).get("catalog")
    return None if catalog is None else int(catalog["version"])


async def backend_of(client: aiohttp.ClientSession, port: int, admin: int | None = None) -> str:
    status, backend = await get_traced(client, port, admin or admin_of(port), PRODUCT)
    assert status == 200
    return backend
