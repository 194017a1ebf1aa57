"""Admin endpoints, dispatched by exact path before any proxying: `/healthz`, `/readyz`,
`/metrics` (Prometheus) and `/_ficus/diff?domain=` (shadow comparison results, read by
`ficus diff`). They describe this worker only; `shadow_stat` in the control DB sums replicas."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from aiohttp import web

from ficus_proxy.cutover.core.state import CutoverMap
from ficus_proxy.metrics import ProxyMetrics
from ficus_proxy.server import Handler
from ficus_proxy.shadow.sender import ShadowSender


class Admin:
    def __init__(
        self,
        state: CutoverMap,
        shadow: ShadowSender,
        metrics: ProxyMetrics,
        is_ready: Callable[[], bool],
        describe: Callable[[], dict[str, Any]],
    ) -> None:
        self._state = state
        self._shadow = shadow
        self._metrics = metrics
        self._is_ready = is_ready
        self._describe = describe

    def handlers(self) -> dict[str, Handler]:
        return {
            "/healthz": self.healthz,
            "/readyz": self.readyz,
            "/metrics": self.metrics,
            "/_ficus/diff": self.diff,
        }

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
        return web.Response(text=json.dumps(report), content_type="application/json")
