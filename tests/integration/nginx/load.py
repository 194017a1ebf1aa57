"""A steady keep-alive load in its own process (the test's event loop stays free to probe):
`python -m tests.integration.nginx.load URL CONNECTIONS` sends GETs on CONNECTIONS keep-alive
connections until its stdin closes, then prints the outcomes as JSON ({status or error: n})."""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter

import aiohttp


async def load(url: str, connections: int) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    loop = asyncio.get_running_loop()
    stop = loop.run_in_executor(None, sys.stdin.read)  # returns when stdin closes
    connector = aiohttp.TCPConnector(limit=connections)
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def one_connection() -> None:
            while not stop.done():
                try:
                    async with session.get(url) as response:
                        await response.read()
                        outcomes[str(response.status)] += 1
                except (aiohttp.ClientError, TimeoutError) as exc:
                    outcomes[type(exc).__name__] += 1

        await asyncio.gather(*(one_connection() for _ in range(connections)))
    return outcomes


if __name__ == "__main__":
    print(json.dumps(asyncio.run(load(sys.argv[1], int(sys.argv[2])))))  # noqa: T201
