"""Where a Debezium record sits in the MariaDB binlog, as a totally ordered value (pure).

Debezium delivers at least once: after a Connect crash, records since the last offset flush are
emitted again with the same `source` coordinates. Ordering by (binlog file number, position of
the event, row within the event) lets a sink apply each row version exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True, slots=True)
class BinlogOrder:
    file_number: int
    pos: int
    row: int

    @classmethod
    def from_source(cls, source: Mapping[str, Any]) -> BinlogOrder | None:
        file = source.get("file")
        pos = source.get("pos")
        if not file or pos is None:
            return None
        suffix = str(file).rsplit(".", 1)[-1]
        number = int(suffix) if suffix.isdigit() else 0
        return cls(number, int(pos), int(source.get("row") or 0))

    def __str__(self) -> str:
        return f"{self.file_number:06d}:{self.pos}:{self.row}"
