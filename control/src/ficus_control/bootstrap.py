"""Composition root: builds the control plane's service and adapters from its settings."""

from __future__ import annotations

from dataclasses import dataclass

from ficus_control.adapters.pg_cutover import PostgresCutoverStore
from ficus_control.adapters.pg_tokens import PostgresTokenStore
from ficus_control.adapters.proxy_diff import HttpDiffSource
from ficus_control.adapters.sync_lag import HttpLagProbe
from ficus_control.cutover import CutoverService, DomainRegistry
from ficus_control.settings import ControlSettings


@dataclass(frozen=True)
class Control:
    service: CutoverService
    tokens: PostgresTokenStore
    diffs: HttpDiffSource
    lag: HttpLagProbe

    def close(self) -> None:
        self.diffs.client.close()
        self.lag.client.close()


def bootstrap(settings: ControlSettings) -> Control:
    """No connection is opened here; adapters connect per call."""
    store = PostgresCutoverStore(settings.db_url, settings.http_timeout)
    lag = HttpLagProbe(settings.sync_url, settings.http_timeout)
    service = CutoverService(DomainRegistry(settings.domains), store, store, store, lag)
    return Control(
        service=service,
        tokens=PostgresTokenStore(settings.db_url, settings.http_timeout),
        diffs=HttpDiffSource(settings.proxy_urls, settings.http_timeout),
        lag=lag,
    )
