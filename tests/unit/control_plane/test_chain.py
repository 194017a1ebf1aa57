"""The audit log's hash chain (pure): a walk over intact rows passes; a changed, removed,
reordered or unhashed row is named."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ficus_control.cutover.core.chain import GENESIS, ChainRow, row_hash, walk

T0 = dt.datetime(2026, 12, 7, 14, 0, tzinfo=dt.UTC)


def _rows(n: int) -> list[ChainRow]:
    rows, prev = [], GENESIS
    for i in range(1, n + 1):
        row = ChainRow(
            i, T0 + dt.timedelta(seconds=i), "token:ops", "cli:alice", "catalog", "reads",
            "cutover", "legacy", 0, "shadow", 0, f"step {i}", False, '{"a": 1}',
        )  # fmt: skip
        digest = row_hash(row, prev)
        rows.append(replace(row, prev_hash=prev, hash=digest))
        prev = digest
    return rows


def test_an_intact_chain_verifies_and_reports_its_head() -> None:
    rows = _rows(4)
    report = walk(rows)
    assert (report.ok, report.rows, report.head) == (True, 4, rows[-1].hash)
    assert walk([]).head == GENESIS


def test_every_field_is_covered_by_the_hash() -> None:
    row = _rows(1)[0]
    changes = {"actor": "proxy:auto", "note": "x", "reason": "y", "measured_json": "{}",
               "forced": True, "to_percent": 1, "at": T0, "domain": "search"}  # fmt: skip
    for field, value in changes.items():
        assert row_hash(replace(row, **{field: value}), GENESIS) != row.hash, field


def test_a_changed_row_is_named() -> None:
    rows = _rows(5)
    rows[2] = replace(rows[2], actor="proxy:auto")
    report = walk(rows)
    assert report.broken is not None
    assert (report.broken.id, report.head) == (3, rows[1].hash)
    assert "changed" in str(report.broken)


def test_a_removed_row_names_the_one_after_it() -> None:
    rows = _rows(5)
    del rows[1]
    broken = walk(rows).broken
    assert broken is not None
    assert broken.id == 3
    assert "removed" in broken.reason


def test_a_rehashed_row_still_breaks_the_next_link() -> None:
    rows = _rows(3)
    forged = replace(rows[1], reason="forged")
    rows[1] = replace(forged, hash=row_hash(forged, rows[0].hash or ""))
    broken = walk(rows).broken
    assert broken is not None
    assert broken.id == 3


def test_a_row_without_a_hash_is_named() -> None:
    rows = _rows(2)
    rows[1] = replace(rows[1], hash=None)
    broken = walk(rows).broken
    assert broken is not None
    assert (broken.id, "no hash" in broken.reason) == (2, True)
