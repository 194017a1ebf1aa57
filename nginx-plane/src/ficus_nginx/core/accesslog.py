"""nginx's structured access log of the routed requests, and what each one sent to a new
backend means for that backend's guard. Pure.

One JSON object per line (`log_format ficus escape=json`), written for every request on a route
of the table, whichever side answered (an operator, or a test, can tell a request's side from
it by its request id; nginx writes it after the answer is sent, so a reader waits for it):
`rid` the request id sent upstream, `d` the decision (`legacy:-`, `read:catalog`,
`write:customer`, `drain:customer`, `reject:customer` for a write the open breaker refused), `s`
the shopper's status, `us` `$upstream_status` and `ut` `$upstream_response_time`. An
`error_page` redirect to `@legacy` (a read that fell back) adds a second group after ` : `,
Magento's: so the first group is always the new backend's, and a second one means the read
fell back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from ficus_contracts.cutover import Direction

ACCESS_LOG = "logs/access.json"  # under the plane's prefix
LOG_FORMAT = (
    'log_format ficus escape=json \'{"t":$msec,"rid":"$ficus_rid","d":"$ficus_decision",'
    '"s":$status,"us":"$upstream_status","ut":"$upstream_response_time"}\';'
)
_LEGACY = '"d":"legacy:'
Verdict = Literal["ok", "failed", "inconclusive", "rejected"]
_DIRECTIONS = {"read": Direction.READS, "write": Direction.WRITES}


@dataclass(frozen=True)
class Outcome:
    """One request a new backend was asked to answer, as the guard counts it: `failed` (5xx,
    refused, timeout, a read's 404/405), `inconclusive` (a failed read Magento failed too:
    the request was at fault), `ok`, or `rejected` (a write the open breaker refused: the
    backend was not asked)."""

    domain: str
    direction: Direction
    verdict: Verdict
    latency_ms: float
    reason: str = ""
    fell_back: bool = False


def http_directives() -> list[str]:
    """The http-level lines: the format, which requests are logged (nothing else is)."""
    return [
        "access_log off;",
        LOG_FORMAT,
        'map $ficus_route $ficus_logged { default 1; "" 0; }  # every routed request',
    ]


def server_directives(prefix: str) -> list[str]:
    """The shopper server's lines (its named locations inherit them)."""
    return [
        "    set $ficus_decision legacy:-;  # a request refused before its decision: not logged",
        f"    access_log {prefix}/{ACCESS_LOG} ficus if=$ficus_logged;",
    ]


def parse(line: str) -> Outcome | None:
    """The outcome of one log line; None for a line that is not a new backend's request."""
    if _LEGACY in line:  # most lines, while a domain is on Magento: not worth decoding
        return None
    try:
        entry = json.loads(line)
        mode, domain = str(entry["d"]).split(":", 1)
        groups = str(entry["us"]).split(" : ")
        times = str(entry["ut"]).split(" : ")
    except (ValueError, KeyError, TypeError):
        return None
    if mode == "reject":
        return Outcome(domain, Direction.WRITES, "rejected", 0.0, "breaker_open")
    direction = _DIRECTIONS.get(mode)
    if direction is None:
        return None
    status = _last_int(groups[0])
    latency = _seconds(times[0]) * 1000
    legacy = _last_int(groups[1]) if len(groups) > 1 else None
    return _judge(domain, direction, status, latency, legacy, len(groups) > 1)


def _judge(
    domain: str,
    direction: Direction,
    status: int | None,
    latency_ms: float,
    legacy: int | None,
    fell_back: bool,
) -> Outcome:
    reason = _failure(direction, status, fell_back)
    if reason is None:
        return Outcome(domain, direction, "ok", latency_ms)
    if direction is Direction.READS and legacy is not None and legacy >= 400:
        return Outcome(domain, direction, "inconclusive", latency_ms, reason, fell_back)
    return Outcome(domain, direction, "failed", latency_ms, reason, fell_back)


def _failure(direction: Direction, status: int | None, fell_back: bool) -> str | None:
    """A read's 404/405 is a route miss only when it fell back (ficus.lua `miss` found the
    framework's "no such route"); else it was the service's own answer, passed on."""
    if status is None:
        return "no answer"
    if status >= 500:
        return f"status {status}"
    if direction is Direction.READS:
        return "route_miss" if status in (404, 405) and fell_back else None
    return "route_miss" if status == 405 else None


def _last_int(group: str) -> int | None:
    """The last server's status of a group (`502, 200`: nginx tried two servers)."""
    value = group.split(",")[-1].strip()
    return int(value) if value.isdigit() else None


def _seconds(group: str) -> float:
    total = 0.0
    for value in group.split(","):
        try:
            total += float(value.strip())
        except ValueError:
            continue
    return total
