"""Loads the Debezium records recorded from the real connector (tests/fixtures/debezium)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ficus_sync.capture.kafka.core.record import KafkaChange, decode_record
from ficus_sync.core.envelope import TableHints

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "debezium"


def raw(name: str) -> list[dict[str, Any]]:
    lines = (FIXTURES / f"{name}.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def to_change(record: dict[str, Any], hints: dict[str, TableHints] | None = None) -> KafkaChange:
    return decode_record(
        record["topic"],
        record["partition"],
        record["offset"],
        record["key"].encode() if record["key"] else None,
        record["value"].encode() if record["value"] is not None else None,
        hints,
    )


def changes(name: str, hints: dict[str, TableHints] | None = None) -> list[KafkaChange]:
    return [to_change(r, hints) for r in raw(name)]
