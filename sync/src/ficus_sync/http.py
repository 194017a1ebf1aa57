"""Sync's HTTP surface: `/healthz`, `/v1/lag` (the control plane's gate reads it), reverse
sync's `/v1/reverse/health` and `/v1/reverse/{domain}/drain` (control's writes gates and the
writes rollback call them), `/v1/queues` (the forward DLQ and the open conflicts per domain:
control's `dlq_forward` and `conflicts` criteria) and Prometheus `/metrics`.

On the Kafka engine `/v1/lag` also carries `"kafka": {"consumer_lag", "partitions"}`: the
consumer group's committed offsets vs the topics' high watermarks, next to the source lag.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any, Literal, Protocol

from fastapi import FastAPI, HTTPException, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from ficus_sync.capture.port import LagReader
from ficus_sync.errors import SyncError
from ficus_sync.lag import LagTracker
from ficus_sync.queues import QueueSizes
from ficus_sync.reverse.errors import ResolutionRefused
from ficus_sync.reverse.status import ReverseStatus

log = logging.getLogger(__name__)


class ConflictDesk(Protocol):
    """The conflict log (`reverse_cli.ConflictDesk`): open conflicts, and a decision."""

    def open(self, domain: str) -> list[dict[str, Any]]: ...

    def resolve(self, conflict_id: int, take: Literal["magento", "service"], who: str) -> str: ...


class Decision(BaseModel):
    take: Literal["magento", "service"]
    by: str  # who decided, as control authenticated them (the conflict log's resolved_by)


def create_app(
    lag: LagTracker,
    kafka_lag: LagReader | None = None,
    reverse: ReverseStatus | None = None,
    queues: Callable[[], Mapping[str, QueueSizes]] | None = None,
    conflicts: ConflictDesk | None = None,
) -> FastAPI:
    """`kafka_lag` reads the Kafka consumer lag (the composition root's `Capture.lag_reader`:
    None on the embedded engine); `reverse` is reverse sync's status (None: no reverse
    worker); `queues` counts the forward DLQ and open conflicts (`queues.QueueCounts`; None:
    `/v1/queues` answers 404, so nothing reads a false 0); `conflicts` serves the conflict log
    (None: `/v1/conflicts` answers 404)."""
    app = FastAPI(title="ficus-sync")

    @app.get("/healthz")
    def healthz(response: Response) -> dict[str, Any]:
        """200 while streaming is connected, 503 otherwise."""
        if not lag.connected:
            response.status_code = 503
        return {"status": "ok" if lag.connected else "reconnecting"}

    @app.get("/v1/lag")
    def get_lag() -> dict[str, Any]:
        """`{"domains": {"catalog": {"seconds_behind", "events_behind"}}, "tables": {...},
        "reverse": {"customer": {"seconds_behind", "events_behind"}}}`, plus `"kafka":
        {"consumer_lag": N, "partitions": {...}}` on the Kafka engine."""
        document = lag.snapshot()
        document["reverse"] = reverse.lag() if reverse is not None else {}
        if kafka_lag is not None:
            try:
                document["kafka"] = kafka_lag()
            except Exception as exc:  # noqa: BLE001 - Kafka away must not break the gate
                log.warning("reading the Kafka consumer lag failed: %s", exc)
                document["kafka"] = {"error": str(exc)}
        return document

    @app.get("/v1/reverse/health")
    def reverse_health() -> dict[str, Any]:
        """`{"customer": {"running", "dlq", "lag_seconds", "pending", "last_error"}}`."""
        return reverse.health() if reverse is not None else {}

    @app.post("/v1/reverse/{domain}/drain")
    def drain(domain: str, timeout: float = 30.0) -> dict[str, Any]:
        """Wait until the domain's outbox has nothing pending (at most `timeout` seconds):
        `{"drained": bool, "pending": n}`."""
        if reverse is None or domain not in reverse.domains:
            raise HTTPException(404, f"no reverse sync for domain {domain!r}")
        try:
            backlog = reverse.drain(domain, min(max(timeout, 0.0), 600.0))
        except Exception as exc:  # noqa: BLE001 - the service's database away: not drained
            raise HTTPException(503, f"reading the {domain} outbox failed: {exc}") from exc
        return {"drained": backlog.pending == 0, "pending": backlog.pending}

    @app.get("/v1/queues")
    def get_queues() -> dict[str, Any]:
        """`{"domains": {"customer": {"forward_dlq": n, "conflicts": n}, ...}}`; 503 when
        sync's Postgres or Magento's database cannot be read."""
        if queues is None:
            raise HTTPException(404, "this sync counts no queues")
        try:
            sizes = queues()
        except SyncError as exc:
            raise HTTPException(503, f"counting the queues failed: {exc}") from exc
        return {"domains": {domain: asdict(size) for domain, size in sizes.items()}}

    @app.get("/v1/conflicts")
    def open_conflicts(domain: str) -> dict[str, Any]:
        """`{"conflicts": [{id, domain, entity_id, field, magento_value, service_value, ...}]}`:
        the domain's open (manual) conflicts."""
        desk = _desk(conflicts)
        try:
            return {"conflicts": desk.open(domain)}
        except SyncError as exc:
            raise HTTPException(503, f"reading the conflict log failed: {exc}") from exc

    @app.post("/v1/conflicts/{conflict_id}/resolve")
    def resolve_conflict(conflict_id: int, decision: Decision) -> dict[str, Any]:
        """Apply a decision as `ficus conflicts resolve ID --take SIDE` does: 200 with what was
        done, 409 when refused (not open, email taken), 503 when a database is away."""
        desk = _desk(conflicts)
        try:
            done = desk.resolve(conflict_id, decision.take, decision.by)
        except ResolutionRefused as exc:
            raise HTTPException(409, str(exc)) from exc
        except SyncError as exc:
            raise HTTPException(503, f"resolving conflict {conflict_id} failed: {exc}") from exc
        return {"resolved": done}

    @app.get("/metrics")
    def metrics() -> Response:
        lag.snapshot()  # refresh the gauges
        return Response(generate_latest(lag.registry), media_type=CONTENT_TYPE_LATEST)

    return app


def _desk(conflicts: ConflictDesk | None) -> ConflictDesk:
    if conflicts is None:
        raise HTTPException(404, "this sync serves no conflict log")
    return conflicts
