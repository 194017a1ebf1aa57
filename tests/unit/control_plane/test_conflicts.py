"""The operator's decision on a conflict (control's service over sync's conflict log, faked
here as the port it is): a reason is required, only a conflict open in that domain is sent to
sync, and each decision sync applied is one audit entry."""

from __future__ import annotations

from typing import Any

import pytest

from ficus_control.conflicts import Conflicts
from ficus_control.cutover.core.audit import Action, AuditEntry
from ficus_control.cutover.core.domains import DomainRegistry
from ficus_control.errors import ConflictRefused, InvalidRequest, UnknownDomain


class Log:
    def __init__(self) -> None:
        self.open_ids = {"customer": [7]}
        self.decided: list[tuple[int, str, str]] = []
        self.entries: list[AuditEntry] = []

    def open(self, domain: str) -> list[dict[str, Any]]:
        return [{"id": i, "field": "email"} for i in self.open_ids.get(domain, [])]

    def resolve(self, conflict_id: int, take: str, who: str) -> str:
        self.decided.append((conflict_id, take, who))
        return "written to Magento"

    def record(self, entry: AuditEntry) -> None:
        self.entries.append(entry)


@pytest.fixture
def log() -> Log:
    return Log()


@pytest.fixture
def conflicts(log: Log) -> Conflicts:
    return Conflicts(DomainRegistry(["customer", "catalog"]), log, log)


def test_a_decision_is_applied_by_sync_and_audited(conflicts: Conflicts, log: Log) -> None:
    done = conflicts.resolve("customer", 7, "service", "token:ops", "asked", "cli:ana")
    assert done == "written to Magento"
    assert log.decided == [(7, "service", "token:ops")]
    [entry] = log.entries
    assert (entry.actor, entry.domain, entry.action, entry.reason, entry.note) == (
        "token:ops", "customer", Action.CONFLICT_RESOLVE, "asked", "cli:ana",
    )  # fmt: skip
    assert entry.measured == {"conflict": 7, "take": "service", "done": "written to Magento"}
    assert entry.direction is None and entry.from_lane is None and entry.to_lane is None


@pytest.mark.parametrize(
    ("domain", "conflict_id", "reason", "error"),
    [
        ("customer", 7, "  ", InvalidRequest),
        ("catalog", 7, "asked", ConflictRefused),  # open, but in another domain
        ("customer", 8, "asked", ConflictRefused),  # not open
        ("nowhere", 7, "asked", UnknownDomain),
    ],
)
def test_refused_decisions_reach_neither_sync_nor_the_audit_log(
    conflicts: Conflicts, log: Log, domain: str, conflict_id: int, reason: str,
    error: type[Exception],
) -> None:  # fmt: skip
    with pytest.raises(error):
        conflicts.resolve(domain, conflict_id, "magento", "token:ops", reason)
    assert log.decided == [] and log.entries == []
