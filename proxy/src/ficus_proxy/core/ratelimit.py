"""Token-bucket rate limits keyed by client address or customer, sans-IO: the clock is passed
in, and `take` answers how long to wait (0.0 = allowed). Memory is bounded: when `max_keys`
buckets exist, the full (idle) ones are forgotten first, then all of them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    rate: float  # tokens per second; 0 disables the limit
    burst: float  # bucket size

    @property
    def enabled(self) -> bool:
        return self.rate > 0


class TokenBuckets:
    def __init__(
        self, limit: RateLimit, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: dict[str, list[float]] = {}  # key -> [tokens, updated_at]

    def take(self, key: str) -> float:
        """Spend one token of `key`'s bucket: 0.0 if allowed, else seconds until one is free."""
        now = self._clock()
        limit = self.limit
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._max_keys:
                self._evict(now)
            bucket = self._buckets[key] = [limit.burst, now]
        tokens = min(limit.burst, bucket[0] + (now - bucket[1]) * limit.rate)
        bucket[1] = now
        if tokens >= 1.0:
            bucket[0] = tokens - 1.0
            return 0.0
        bucket[0] = tokens
        return (1.0 - tokens) / limit.rate

    def __len__(self) -> int:
        return len(self._buckets)

    def _evict(self, now: float) -> None:
        limit = self.limit
        full = [
            key
            for key, (tokens, at) in self._buckets.items()
            if tokens + (now - at) * limit.rate >= limit.burst
        ]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self._max_keys:
            self._buckets.clear()
