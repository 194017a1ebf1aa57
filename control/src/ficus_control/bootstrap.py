"""Composition root: builds the control plane's service and adapters from its settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ficus_control.adapters.pg_cutover import PostgresCutoverStore
from ficus_control.adapters.pg_plan import PostgresPlanStore
from ficus_control.adapters.pg_tokens import PostgresTokenStore
from ficus_control.adapters.proxy_diff import HttpDiffSource
from ficus_control.adapters.proxy_metrics import HttpProxyMetrics
from ficus_control.adapters.reverse_drain import HttpReverseDrain
from ficus_control.adapters.sync_conflicts import HttpConflictSource
from ficus_control.adapters.sync_lag import HttpLagProbe
from ficus_control.adapters.sync_queues import HttpSyncQueues
from ficus_control.adapters.writes_evidence import HttpWritesEvidence
from ficus_control.conflicts import Conflicts
from ficus_control.cutover import CutoverService, DomainRegistry
from ficus_control.cutover.drain import WritesRollback
from ficus_control.plan.loader import default_plan_path, load_plan
from ficus_control.plan.ports import ExtraSignals, ReverseProbe
from ficus_control.plan.service import PlanService
from ficus_control.plan.signals import SignalCollector
from ficus_control.settings import ControlSettings


@dataclass(frozen=True)
class Control:
    service: CutoverService
    tokens: PostgresTokenStore
    diffs: HttpDiffSource
    lag: HttpLagProbe
    plan: PlanService | None = None
    conflicts: Conflicts | None = None

    def close(self) -> None:
        self.diffs.client.close()
        self.lag.client.close()
        if self.conflicts is not None:
            self.conflicts.source.client.close()  # type: ignore[attr-defined]
        if self.plan is not None:
            self.plan.signals.close()


def bootstrap(settings: ControlSettings) -> Control:
    """No connection is opened here; adapters connect per call. The plan file is read and
    validated here: an invalid plan stops control from starting, with the reason."""
    store = PostgresCutoverStore(settings.db_url, settings.http_timeout)
    lag = HttpLagProbe(settings.sync_url, settings.http_timeout)
    service = CutoverService(DomainRegistry(settings.domains), store, store, store, lag)
    evidence = HttpWritesEvidence(
        settings.sync_url, settings.service_urls, settings.routes_file,
        PostgresPlanStore(settings.db_url, settings.http_timeout).last_reconciliation,
        settings.http_timeout,
    )  # fmt: skip
    service.writes_evidence = evidence
    service.max_reverse_lag_seconds = settings.reverse_lag_gate_seconds
    metrics = HttpProxyMetrics(settings.proxy_urls, settings.http_timeout)
    queues = HttpSyncQueues(settings.sync_url, settings.http_timeout)
    plan = plan_service(settings, service, store, lag, [metrics, queues], evidence)
    if settings.plan_gates:
        service.plan_gate = plan
    drain = HttpReverseDrain(settings.sync_url, settings.http_timeout)
    service.writes_rollback = WritesRollback(store, drain)
    return Control(
        service=service,
        tokens=PostgresTokenStore(settings.db_url, settings.http_timeout),
        diffs=HttpDiffSource(settings.proxy_urls, settings.http_timeout),
        lag=lag,
        plan=plan,
        conflicts=Conflicts(
            DomainRegistry(settings.domains), HttpConflictSource(settings.sync_url), store
        ),
    )


def plan_service(
    settings: ControlSettings,
    service: CutoverService,
    store: PostgresCutoverStore,
    lag: HttpLagProbe,
    extras: Sequence[ExtraSignals] = (),
    reverse: ReverseProbe | None = None,
) -> PlanService:
    """The plan of `settings.plan_file` (default: the repository's control/plan.yaml),
    measured with `lag`, `store` (shadow stats, gate policy), `extras` (proxy metrics, sync's
    queues) and
    `reverse` (reverse sync's health)."""
    loaded = load_plan(settings.plan_file or default_plan_path(), settings.domains)
    plan_store = PostgresPlanStore(settings.db_url, settings.http_timeout)
    signals = SignalCollector(lag, store, store, plan_store, extras, reverse)
    return PlanService(loaded, service, plan_store, signals)
