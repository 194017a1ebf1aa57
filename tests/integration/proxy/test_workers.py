"""`python -m ficus_proxy serve --workers 2`: two processes share the port and the admin port
(SO_REUSEPORT)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import aiohttp
import pytest

from tests.integration.proxy.backends import Backend, closed_port
from tests.integration.proxy.cohort import CRYPT_KEY
from tests.polling import eventually

pytestmark = pytest.mark.integration


async def test_two_workers_share_the_port_and_stop_on_sigterm(legacy: Backend) -> None:
    port, admin = closed_port(), closed_port()
    env = os.environ | {"FICUS_PROXY_LEGACY_URL": legacy.url, "FICUS_PROXY_ADMIN_PORT": str(admin)}
    env |= {"FICUS_PROXY_MAGENTO_CRYPT_KEY": CRYPT_KEY}
    argv = [sys.executable, "-m", "ficus_proxy", "serve", "--port", str(port), "--workers", "2"]
    parent = subprocess.Popen(argv, env=env, stderr=subprocess.DEVNULL)
    pids: set[int] = set()
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as c:

            async def both_answered() -> bool:
                try:
                    async with c.get(f"http://127.0.0.1:{admin}/healthz") as response:
                        pids.add((await response.json())["pid"])
                except aiohttp.ClientError:
                    pass
                return len(pids) == 2

            assert await eventually(both_answered, timeout=60, interval=0.02)  # a busy machine
            async with c.get(f"http://127.0.0.1:{port}/rest/V1/anything") as response:
                assert response.status == 200
    finally:
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=15) == 0
    assert parent.pid not in pids
