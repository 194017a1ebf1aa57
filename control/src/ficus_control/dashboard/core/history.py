"""The last hour of sampled signals per domain, as a ring buffer in control's memory (pure).

Control samples every few seconds (see `sampler.py`); a restart starts the charts afresh.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Sample:
    at: float  # unix seconds
    forward_lag_s: float | None
    mismatch_rate: float | None
    compared: int
    reverse_lag_s: float | None = None  # None: sync runs no reverse sync for the domain


class History:
    def __init__(self, keep_seconds: float = 3600, capacity: int = 4000) -> None:
        self.keep = keep_seconds
        self.capacity = capacity
        self._samples: dict[str, deque[Sample]] = {}
        self._lock = threading.Lock()

    def add(self, domain: str, sample: Sample) -> None:
        with self._lock:
            samples = self._samples.setdefault(domain, deque(maxlen=self.capacity))
            samples.append(sample)
            while samples and samples[0].at < sample.at - self.keep:
                samples.popleft()

    def samples(self, domain: str, now: float | None = None) -> list[Sample]:
        since = (time.time() if now is None else now) - self.keep
        with self._lock:
            return [s for s in self._samples.get(domain, ()) if s.at >= since]

    def series(self, domain: str, now: float | None = None) -> dict[str, Any]:
        """Chart-ready columns: times (HH:MM:SS, UTC) and one value list per signal."""
        samples = self.samples(domain, now)
        return {
            "labels": [time.strftime("%H:%M:%S", time.gmtime(s.at)) for s in samples],
            "forward_lag_s": [s.forward_lag_s for s in samples],
            "reverse_lag_s": [s.reverse_lag_s for s in samples],
            "mismatch_pct": [_pct(s.mismatch_rate) for s in samples],
        }


def _pct(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 4)
