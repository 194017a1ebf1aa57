"""Errors of reverse sync.

ReverseError (a SyncError)
 ├── PoisonRow            an outbox row that cannot be applied (invalid payload, a Magento
 │                        constraint): it goes to the reverse DLQ, the stream goes on
 └── ResolutionRefused    `conflicts resolve` cannot apply the decision (unknown or closed
                          conflict, an email still taken): CLI exit code 1

Transient failures (MariaDB or the service's Postgres away, a lock wait timeout, a deadlock)
are `ficus_sync.errors.SourceUnavailable`: the worker retries them with backoff. A lock
conflict (`LockConflict`: deadlock 1213, lock wait timeout 1205) is first retried in place: the
batch's transaction is run again from its start a few times before the session gives up.
"""

from __future__ import annotations

from ficus_sync.errors import SourceUnavailable, SyncError


class ReverseError(SyncError):
    """Base class of reverse sync's errors."""


class PoisonRow(ReverseError):
    pass


class ResolutionRefused(ReverseError):
    pass


class LockConflict(SourceUnavailable):
    """InnoDB rolled the transaction back as a deadlock victim, or a lock wait timed out."""
