"""Errors of the sync deployable.

SyncError
 ├── EnvelopeError        a change event cannot be parsed (bad JSON, unknown op, bad value)
 ├── MirrorError          a captured table cannot be mirrored (unknown table, bad column)
 ├── ProjectionError      an aggregate cannot be rebuilt from the mirror (mapper failure)
 ├── CaptureError         the capture source failed
 │    ├── BinlogPurged    the checkpoint's binlog file is gone: re-snapshot needed
 │    └── SourceUnavailable   MariaDB/Postgres unreachable (transient: reconnect with backoff)
 └── SnapshotError        a snapshot cannot start or go on

EnvelopeError, MirrorError and ProjectionError raised while applying one event send that event
to the dead-letter table; the stream goes on. CaptureError ends `run` with exit code 2, except
SourceUnavailable, which the supervisor retries.
"""

from __future__ import annotations

SNAPSHOT_COMMAND = "python -m ficus_sync snapshot"


class SyncError(Exception):
    """Base class of every sync error."""


class EnvelopeError(SyncError):
    pass


class MirrorError(SyncError):
    pass


class ProjectionError(SyncError):
    pass


class CaptureError(SyncError):
    pass


class BinlogPurged(CaptureError):
    def __init__(self, file: str, available: list[str]) -> None:
        first = available[0] if available else "none"
        super().__init__(
            f"the checkpoint's binlog file {file} was purged from MariaDB (oldest available: "
            f"{first}); streaming cannot resume without a gap. Re-snapshot with "
            f"`{SNAPSHOT_COMMAND}` (later `ficus sync snapshot`), then restart."
        )
        self.file = file


class SourceUnavailable(CaptureError):
    pass


class SnapshotError(SyncError):
    pass
