"""Proxy processes started with `python -m ficus_proxy serve`, and probes of their state."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import aiohttp

from tests.integration.proxy.backends import closed_port

PRODUCT = "/rest/V1/products/24-MB01"


def spawn(env: dict[str, str], log: Any) -> tuple[subprocess.Popen[bytes], int]:
    port = closed_port()
    argv = [sys.executable, "-m", "ficus_proxy", "serve", "--port", str(port)]
    process = subprocess.Popen(argv, env=os.environ | env, stdout=log, stderr=log)
    return process, port


async def readyz(client: aiohttp.ClientSession, port: int) -> dict[str, Any] | None:
    try:
        async with client.get(f"http://127.0.0.1:{port}/readyz") as response:
            body: dict[str, Any] = await response.json()
            return body if response.status == 200 else None
    except aiohttp.ClientError:
        return None


async def version_seen(client: aiohttp.ClientSession, port: int) -> int | None:
    body = await readyz(client, port)
    catalog = (body or {}).get("cutover", {}).get("catalog")
    return None if catalog is None else int(catalog["version"])


async def backend_of(client: aiohttp.ClientSession, port: int) -> str:
    async with client.get(f"http://127.0.0.1:{port}{PRODUCT}") as response:
        assert response.status == 200
        return response.headers["X-Ficus-Backend"]
