"""Reads of a proxy's admin listener: which backend answered a request (`/_ficus/trace`), the
shadow report (`/_ficus/diff`)."""

from __future__ import annotations

import itertools
from typing import Any

import aiohttp

_ids = itertools.count()


def fresh_request_id() -> str:
    return f"test-{next(_ids)}"


async def admin_json(client: aiohttp.ClientSession, admin_port: int, path: str) -> Any:
    async with client.get(f"http://127.0.0.1:{admin_port}{path}") as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def answered_by(client: aiohttp.ClientSession, admin_port: int, rid: str) -> str:
    """The backend ("legacy" / "new") that answered request `rid`, from the admin trace."""
    trace = await admin_json(client, admin_port, f"/_ficus/trace?request_id={rid}")
    entries = trace["entries"]
    assert len(entries) == 1, entries
    return str(entries[0]["backend"])


async def get_traced(
    client: aiohttp.ClientSession, port: int, admin_port: int, path: str, **headers: str
) -> tuple[int, str]:
    """GET `path` through the proxy; its status and the backend that answered it."""
    rid = fresh_request_id()
    url = f"http://127.0.0.1:{port}{path}"
    async with client.get(url, headers={"X-Request-Id": rid, **headers}) as response:
        await response.read()
        assert not any(h.lower().startswith("x-ficus-") for h in response.headers)
        status = response.status
    return status, await answered_by(client, admin_port, rid)
