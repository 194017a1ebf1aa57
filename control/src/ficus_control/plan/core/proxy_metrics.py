"""Read success and read p99 of a domain's new backend from the proxies' Prometheus text
(`ficus_proxy_requests_total`, `ficus_proxy_request_seconds_bucket`), summed over every proxy
replica since each started (pure). Only reads reach the new backend before writes move, so
these are the read signals of Phase 1. Write p99 comes from each proxy's writes budget over its
window (`ficus_proxy_write_p99_ms`, `ficus_proxy_write_window_requests`)."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable

from ficus_contracts.criteria.evaluate import Reading
from ficus_contracts.criteria.model import Signal

_LINE = re.compile(r"^(?P<name>[a-zA-Z_:][\w:]*)\{(?P<labels>[^}]*)\}\s+(?P<value>\S+)")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def _samples(text: str, name: str) -> Iterable[tuple[dict[str, str], float]]:
    for line in text.splitlines():
        match = _LINE.match(line)
        if match is not None and match.group("name") == name:
            yield dict(_LABEL.findall(match.group("labels"))), float(match.group("value"))


def read_signals(texts: Iterable[str], domain: str) -> dict[Signal, Reading]:
    """The domain's read success ratio and read p99 (ms, a bucket's upper bound) at the new
    backend; no evidence while the new backend has answered nothing."""
    texts = list(texts)
    total = failures = 0.0
    buckets: dict[float, float] = defaultdict(float)
    for text in texts:
        for labels, value in _samples(text, "ficus_proxy_requests_total"):
            if labels.get("domain") == domain and labels.get("backend") == "new":
                total += value
                status = int(labels.get("status", "0") or 0)
                failures += value if status >= 500 or status < 100 else 0
        for labels, value in _samples(text, "ficus_proxy_request_seconds_bucket"):
            if labels.get("domain") == domain and labels.get("backend") == "new":
                buckets[math.inf if labels["le"] == "+Inf" else float(labels["le"])] += value
    if total == 0:
        why = f"the new backend of {domain} has answered no request through the proxies"
        return {Signal.READ_SUCCESS: Reading(missing=why), Signal.READ_P99: Reading(missing=why)}
    samples = int(total)
    return {
        Signal.READ_SUCCESS: Reading(1 - failures / total, samples),
        Signal.READ_P99: Reading(_p99_ms(buckets), samples),
    }


def write_signals(texts: Iterable[str], domain: str) -> dict[Signal, Reading]:
    """The domain's write p99 (ms) at the new backend over each proxy's writes-budget window
    (`ficus_proxy_write_p99_ms`): the worst replica's, as percentiles do not add up; its
    samples are the writes every replica's window holds. No evidence when no write flowed."""
    requests, p99s = 0.0, []
    for text in texts:
        for labels, value in _samples(text, "ficus_proxy_write_window_requests"):
            requests += value if labels.get("domain") == domain else 0
        for labels, value in _samples(text, "ficus_proxy_write_p99_ms"):
            if labels.get("domain") == domain:
                p99s.append(value)
    if requests == 0 or not p99s:
        why = f"no write of {domain} reached its new backend within the proxies' window"
        return {Signal.WRITE_P99: Reading(missing=why)}
    return {Signal.WRITE_P99: Reading(max(p99s), int(requests))}


def _p99_ms(buckets: dict[float, float]) -> float:
    """The upper bound of the first bucket holding 99 % of the answers, in ms."""
    count = buckets.get(math.inf, 0.0)
    for bound in sorted(buckets):
        if buckets[bound] >= 0.99 * count:
            return bound * 1000
    return math.inf
