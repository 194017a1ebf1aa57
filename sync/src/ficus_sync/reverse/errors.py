"""Errors of reverse sync.

ReverseError (a SyncError)
 ├── PoisonRow            an outbox row that cannot be applied (invalid payload, a Magento
 │                        constraint): it goes to the reverse DLQ, the stream goes on
 └── ResolutionRefused    `conflicts resolve` cannot apply the decision (unknown or closed
                          conflict, an email still taken): CLI exit code 1

Transient failures (MariaDB or the service's Postgres away, a lock wait timeout, a deadlock)
are `ficus_sync.errors.SourceUnavailable`: the worker retries them with backoff.
"""

from __future__ import annotations

from ficus_sync.errors import SyncError


class ReverseError(SyncError):
    """Base class of reverse sync's errors."""


class PoisonRow(ReverseError):
    pass


class ResolutionRefused(ReverseError):
    pass
