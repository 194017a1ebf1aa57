"""The feed's pure parts: event parsing, outcomes, batching and dead-letter decisions.

No driver or framework here; import-linter holds that."""

from ficus_feed.core.batching import Triage, lag_seconds, newest_ts_ms, triage
from ficus_feed.core.deadletter import (
    DeadLetterPolicy,
    IsolatePoison,
    PoisonUnlessTransient,
    json_safe,
)
from ficus_feed.core.events import AGGREGATES, Handled, Outcome, parse_event

__all__ = [
    "AGGREGATES",
    "DeadLetterPolicy",
    "Handled",
    "IsolatePoison",
    "Outcome",
    "PoisonUnlessTransient",
    "Triage",
    "json_safe",
    "lag_seconds",
    "newest_ts_ms",
    "parse_event",
    "triage",
]
