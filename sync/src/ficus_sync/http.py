"""Sync's HTTP surface: `/healthz`, `/v1/lag` (the control plane's gate reads it) and
Prometheus `/metrics`.

On the Kafka engine `/v1/lag` also carries `"kafka": {"consumer_lag", "partitions"}`: the
consumer group's committed offsets vs the topics' high watermarks, next to the source lag.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ficus_sync.capture.port import LagReader
from ficus_sync.lag import LagTracker

log = logging.getLogger(__name__)


def create_app(lag: LagTracker, kafka_lag: LagReader | None = None) -> FastAPI:
    """`kafka_lag` reads the Kafka consumer lag (the composition root's `Capture.lag_reader`:
    None on the embedded engine)."""
    app = FastAPI(title="ficus-sync")

    @app.get("/healthz")
    def healthz(response: Response) -> dict[str, Any]:
        """200 while streaming is connected, 503 otherwise."""
        if not lag.connected:
            response.status_code = 503
        return {"status": "ok" if lag.connected else "reconnecting"}

    @app.get("/v1/lag")
    def get_lag() -> dict[str, Any]:
        """`{"domains": {"catalog": {"seconds_behind", "events_behind"}}, "tables": {...}}`,
        plus `"kafka": {"consumer_lag": N, "partitions": {...}}` on the Kafka engine."""
        document = lag.snapshot()
        if kafka_lag is not None:
            try:
                document["kafka"] = kafka_lag()
            except Exception as exc:  # noqa: BLE001 - Kafka away must not break the gate
                log.warning("reading the Kafka consumer lag failed: %s", exc)
                document["kafka"] = {"error": str(exc)}
        return document

    @app.get("/metrics")
    def metrics() -> Response:
        lag.snapshot()  # refresh the gauges
        return Response(generate_latest(lag.registry), media_type=CONTENT_TYPE_LATEST)

    return app
