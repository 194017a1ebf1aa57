"""The admin listener (`FICUS_PROXY_ADMIN_HOST`/`_PORT`, loopback by default), never the
shopper port: `/healthz`, `/readyz`, `/metrics` (Prometheus), `/_ficus/diff?domain=` (shadow
comparison results, read by `ficus diff`) and `/_ficus/trace?request_id=&limit=` (which backend
answered the recent requests), and `POST /_ficus/shadow` (a shadow copy handed over by the nginx
plane, `shadow/intake.py`). They describe this worker only; `shadow_stat` in the control DB
sums replicas."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from aiohttp import web

from ficus_contracts.guard.state import CutoverMap
from ficus_proxy.core.trace import Trace
from ficus_proxy.metrics import ProxyMetrics
from ficus_proxy.server import Handler
from ficus_proxy.shadow.intake import PATH as INTAKE_PATH
from ficus_proxy.shadow.intake import ShadowIntake
from ficus_proxy.shadow.sender import ShadowSender


class Admin:
    def __init__(
        self,
        state: CutoverMap,
        shadow: ShadowSender,
        metrics: ProxyMetrics,
        is_ready: Callable[[], bool],
        describe: Callable[[], dict[str, Any]],
        trace: Trace,
        intake: ShadowIntake | None = None,
    ) -> None:
        self._state = state
        self._shadow = shadow
        self._metrics = metrics
        self._is_ready = is_ready
        self._describe = describe
        self._trace = trace
        self._intake = intake
        self._handlers: dict[str, Handler] = {
            "/healthz": self.healthz,
            "/readyz": self.readyz,
            "/metrics": self.metrics,
            "/_ficus/diff": self.diff,
            "/_ficus/trace": self.trace,
        }

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        """The admin listener's one handler: dispatch by exact path, GET only (but for the
        nginx plane's shadow copies, POST `/_ficus/shadow`)."""
        if request.path == INTAKE_PATH and self._intake is not None:
            return await self._intake.handle(request)
        handler = self._handlers.get(request.path)
        if handler is None:
            return web.json_response({"message": "no such admin path"}, status=404)
        if request.method not in ("GET", "HEAD"):
            return web.json_response({"message": "GET only"}, status=405)
        return await handler(request)

    async def healthz(self, request: web.BaseRequest) -> web.StreamResponse:
        return web.json_response({"status": "ok", "pid": os.getpid()})

    async def readyz(self, request: web.BaseRequest) -> web.StreamResponse:
        ready = self._is_ready()
        body = {"ready": ready, "pid": os.getpid(), **self._describe()}
        return web.json_response(body, status=200 if ready else 503)

    async def metrics(self, request: web.BaseRequest) -> web.StreamResponse:
        for domain, cutover in self._state.effective.items():
            self._metrics.state_version.labels(domain).set(cutover.version)
            self._metrics.tripped.labels(domain).set(int(cutover.reads_fail_open_tripped))
        for domain, stats in self._shadow.recorder.report()["domains"].items():
            rate = stats["window"]["mismatch_rate"]
            self._metrics.shadow_rate.labels(domain).set(rate if rate is not None else 0.0)
        return web.Response(body=self._metrics.render(), content_type="text/plain")

    async def trace(self, request: web.BaseRequest) -> web.StreamResponse:
        rid = request.query.get("request_id") or None
        try:
            limit = int(request.query.get("limit", "100"))
        except ValueError:
            return web.json_response({"message": "limit must be an integer"}, status=400)
        entries = [e.as_json() for e in self._trace.find(rid, limit)]
        return web.json_response({"pid": os.getpid(), "entries": entries})

    async def diff(self, request: web.BaseRequest) -> web.StreamResponse:
        domain = request.query.get("domain") or None
        report = self._shadow.recorder.report(domain)
        report["pid"] = os.getpid()
        report["pending"] = self._shadow.pending
        report["noise"] = {
            pattern: sorted(rules.learned)
            for pattern, rules in self._shadow.rules.items()
            if rules.learned
        }
        described = {pattern: r.describe()["noise"] for pattern, r in self._shadow.rules.items()}
        report["noise_rules"] = {pattern: rules for pattern, rules in described.items() if rules}
        return web.Response(text=json.dumps(report), content_type="application/json")
