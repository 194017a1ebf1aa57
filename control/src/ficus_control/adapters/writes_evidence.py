"""The evidence the writes gates weigh, read from where it lives: reverse sync's health from
sync (`GET {sync_url}/v1/reverse/health`), the domain's write routes from the proxy's route
table (a YAML file) and from the service (`GET {service_url}/_ficus/routes`), the last
reconciliation from the control database. Nothing here raises: what cannot be read is
reported as missing, and the gate it feeds fails."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
import yaml

from ficus_control.cutover.core.writes_gates import (
    Reconciliation,
    ReverseHealth,
    RouteRow,
    WritesEvidence,
    served_rows,
    write_rows,
)
from ficus_control.errors import ControlError


class HttpWritesEvidence:
    """Implements WritesEvidenceSource over HTTP (sync, the domain's service), the route-table
    file and `reconciliations` (the plan store's `last_reconciliation`)."""

    def __init__(
        self,
        sync_url: str,
        service_urls: Mapping[str, str],
        routes_file: Path,
        reconciliations: Callable[[str], Reconciliation | None],
        timeout: float = 3.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.health_url = sync_url.rstrip("/") + "/v1/reverse/health"
        self.service_urls = {d: u.rstrip("/") for d, u in service_urls.items()}
        self.routes_file = routes_file
        self.reconciliations = reconciliations
        self.client = client or httpx.Client(timeout=timeout)

    def evidence(self, domain: str) -> WritesEvidence:
        served, routes_error = self._served(domain)
        return WritesEvidence(
            self.health(domain), self._reconciliation(domain), self._required(domain), served,
            routes_error,
        )  # fmt: skip

    def health(self, domain: str) -> ReverseHealth:
        """Reverse sync of `domain` as sync reports it (ReverseProbe); never raises."""
        body, error = self._get(self.health_url)
        entry = body.get(domain) if isinstance(body, dict) else None
        if error is not None or not isinstance(entry, dict):
            return ReverseHealth(error=error or f"sync reports no reverse sync for {domain!r}")
        try:
            return ReverseHealth(
                running=entry["running"] is True, dlq=int(entry["dlq"]),
                lag_seconds=float(entry["lag_seconds"]), pending=int(entry.get("pending") or 0),
                last_error=entry.get("last_error"),
            )  # fmt: skip
        except (KeyError, TypeError, ValueError) as exc:
            return ReverseHealth(
                error=f"sync's reverse health for {domain!r} is malformed: {exc!r}"
            )

    def _served(self, domain: str) -> tuple[frozenset[RouteRow] | None, str | None]:
        base = self.service_urls.get(domain)
        if base is None:
            return None, f"no service URL for {domain!r} (FICUS_CONTROL_SERVICE_URLS)"
        body, error = self._get(base + "/_ficus/routes")
        if error is not None:
            return None, error
        if not isinstance(body, dict) or body.get("domain") != domain:
            return None, f"{base}/_ficus/routes is not the manifest of {domain!r}"
        return served_rows(body), None

    def _required(self, domain: str) -> frozenset[RouteRow]:
        try:
            return write_rows(yaml.safe_load(self.routes_file.read_text()), domain)
        except (OSError, yaml.YAMLError):
            return frozenset()  # no write row: the routes gate fails with that

    def _reconciliation(self, domain: str) -> Reconciliation | None:
        try:
            return self.reconciliations(domain)
        except ControlError:
            return None

    def _get(self, url: str) -> tuple[Any, str | None]:
        try:
            response = self.client.get(url)
            response.raise_for_status()
            return response.json(), None
        except httpx.HTTPError as exc:
            return None, f"{url} unreachable: {exc}"
        except ValueError:
            return None, f"{url} answered non-JSON"
