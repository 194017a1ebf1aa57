"""A data plane's in-memory cutover state: what the control database said last, plus read
trips the plane (a proxy, the nginx agent) decided itself and has not yet seen confirmed by the
database.

A local trip holds until the control plane has acknowledged it (HTTP 2xx on /trip) AND a row
newer than the one seen at trip time has arrived: from then on the database is authoritative
(so a person re-enabling the domain re-enables it here too). Requests read `effective`, a plain
dict rebuilt on each change.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from dataclasses import dataclass

from ficus_contracts.cutover import DomainCutover


@dataclass
class _LocalTrip:
    version: int
    delivered: bool = False


class CutoverMap:
    def __init__(self) -> None:
        self._db: dict[str, DomainCutover] = {}
        self._trips: dict[str, _LocalTrip] = {}
        self.effective: dict[str, DomainCutover] = {}
        self.loaded_at: float | None = None

    def replace_all(self, states: Iterable[DomainCutover]) -> None:
        self._db = {s.domain: s for s in states}
        self.loaded_at = time.time()
        self._rebuild()

    def apply(self, state: DomainCutover) -> None:
        self._db[state.domain] = state
        self._rebuild()

    def trip_reads(self, domain: str) -> None:
        current = self._db.get(domain)
        self._trips[domain] = _LocalTrip(current.version if current else 0)
        self._rebuild()

    def trip_delivered(self, domain: str) -> None:
        trip = self._trips.get(domain)
        if trip is not None:
            trip.delivered = True
            self._rebuild()

    def is_tripped_locally(self, domain: str) -> bool:
        return domain in self._trips

    def get(self, domain: str) -> DomainCutover | None:
        return self.effective.get(domain)

    def _rebuild(self) -> None:
        for domain, trip in list(self._trips.items()):
            row = self._db.get(domain)
            if trip.delivered and row is not None and row.version > trip.version:
                del self._trips[domain]
        effective = dict(self._db)
        for domain in self._trips:
            base = effective.get(domain, DomainCutover(domain))
            effective[domain] = dataclasses.replace(base, reads_fail_open_tripped=True)
        self.effective = effective
