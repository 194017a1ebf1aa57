"""Circuit breaker per upstream, and the consecutive-failure trip per domain. Pure: the clock
is passed in.

Breaker: `closed` -> (K consecutive failures) -> `open` -> (cool-down elapsed) -> `half_open`,
where exactly one probe request is let through: success closes, failure re-opens.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable


class BreakerState(enum.Enum):
    CLOSED = 0
    OPEN = 1
    HALF_OPEN = 2


class CircuitBreaker:
    def __init__(
        self,
        failures_to_open: int = 5,
        cooldown: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failures_to_open = failures_to_open
        self.cooldown = cooldown
        self._clock = clock
        self.state = BreakerState.CLOSED
        self.consecutive_failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False

    def allow(self) -> bool:
        """May a request go to this upstream now? In half-open, only one probe at a time."""
        if self.state is BreakerState.CLOSED:
            return True
        if self.state is BreakerState.OPEN:
            if self._clock() - self._opened_at < self.cooldown:
                return False
            self.state = BreakerState.HALF_OPEN
        if self._probe_in_flight:
            return False
        self._probe_in_flight = True
        return True

    def record_success(self) -> None:
        self.consecutive_failures = 0
        self._probe_in_flight = False
        self.state = BreakerState.CLOSED

    def release_probe(self) -> None:
        """The probe's outcome says nothing about the upstream: let another probe through."""
        self._probe_in_flight = False

    def record_failure(self) -> None:
        self.consecutive_failures += 1
        was_probe = self._probe_in_flight
        self._probe_in_flight = False
        if was_probe or self.consecutive_failures >= self.failures_to_open:
            self.state = BreakerState.OPEN
            self._opened_at = self._clock()


class FailureTrip:
    """The seed's rule: K consecutive failed reads on a domain's new backend disable its read
    cutover. `record_failure` returns True exactly once, when the trip fires."""

    def __init__(self, failures_to_trip: int = 3) -> None:
        self.failures_to_trip = failures_to_trip
        self.consecutive = 0

    def record_success(self) -> None:
        self.consecutive = 0

    def record_failure(self) -> bool:
        self.consecutive += 1
        return self.consecutive == self.failures_to_trip

    def reset(self) -> None:
        self.consecutive = 0
