"""A small real HTTP server (stdlib, on loopback, in a thread) answering the documented shapes
of sync's reverse endpoints (`GET /v1/reverse/health`, `POST /v1/reverse/{domain}/drain`) and a
service's route manifest (`GET /_ficus/routes`), changeable by a test; it records the requests
it got."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ficus_control.settings import ControlSettings
from ficus_customer.rest import manifest

Answer = tuple[int, Any]


def healthy(**overrides: Any) -> dict[str, Any]:
    entry = {"running": True, "dlq": 0, "lag_seconds": 0.2, "pending": 0, "last_error": None}
    return {"customer": entry | overrides}


@dataclass
class Sync:
    health: Any = field(default_factory=healthy)
    routes: Any = field(default_factory=manifest)  # the customer service's own manifest
    drain: Callable[[str, float], Answer] = lambda domain, timeout: (
        200,
        {"drained": True, "pending": 0},
    )
    seen: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""

    def answer(self, method: str, target: str) -> Answer:
        self.seen.append((method, target))
        parts = urlsplit(target)
        if (method, parts.path) == ("GET", "/v1/reverse/health"):
            return 200, self.health
        if (method, parts.path) == ("GET", "/_ficus/routes"):
            return 200, self.routes
        if (
            method == "POST"
            and parts.path.startswith("/v1/reverse/")
            and parts.path.endswith("/drain")
        ):
            timeout = float(parse_qs(parts.query).get("timeout", ["30"])[0])
            return self.drain(parts.path.split("/")[3], timeout)
        return 404, {"detail": "Not Found"}


@contextmanager
def serving(sync: Sync) -> Iterator[Sync]:
    class Handler(BaseHTTPRequestHandler):
        def _reply(self) -> None:
            status, body = sync.answer(self.command, self.path)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _reply  # noqa: N815 (http.server's names)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sync.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield sync
    finally:
        server.shutdown()
        server.server_close()


def settings_with(control_db: str, sync: Sync) -> ControlSettings:
    """Control settings whose sync and customer service are `sync`."""
    return ControlSettings(
        db_url=control_db, sync_url=sync.url, proxy_urls=("http://proxy.test",),
        service_urls={"customer": sync.url}, plan_gates=False,  # the writes gates' own rules
    )  # fmt: skip
