"""Sync's HTTP surface: `/healthz`, `/v1/lag` (the control plane's gate reads it) and
Prometheus `/metrics`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ficus_sync.lag import LagTracker


def create_app(lag: LagTracker) -> FastAPI:
    app = FastAPI(title="ficus-sync")

    @app.get("/healthz")
    def healthz(response: Response) -> dict[str, Any]:
        """200 while streaming is connected, 503 otherwise."""
        if not lag.connected:
            response.status_code = 503
        return {"status": "ok" if lag.connected else "reconnecting"}

    @app.get("/v1/lag")
    def get_lag() -> dict[str, Any]:
        """`{"domains": {"catalog": {"seconds_behind", "events_behind"}}, "tables": {...}}`."""
        return lag.snapshot()

    @app.get("/metrics")
    def metrics() -> Response:
        lag.snapshot()  # refresh the gauges
        return Response(generate_latest(lag.registry), media_type=CONTENT_TYPE_LATEST)

    return app
