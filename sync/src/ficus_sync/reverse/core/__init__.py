"""Pure parts of reverse sync: the 3-way merge and its conflict policies (no driver)."""

from ficus_sync.reverse.core.merge import (
    Conflict,
    Merge,
    deletion_conflict,
    merge_customer,
    newest_wins_time_ms,
)

__all__ = ["Conflict", "Merge", "deletion_conflict", "merge_customer", "newest_wins_time_ms"]
