"""Errors of the Connect REST client.

ConnectError (a SyncError)
 ├── ConnectUnavailable     the worker does not answer (down, starting, wrong URL)
 └── ConnectRequestFailed   the worker answered with an error status (carries its message)
      └── ConnectorNotFound  404 for a connector name
"""

from __future__ import annotations

from ficus_sync.errors import SyncError


class ConnectError(SyncError):
    """Base class of every Kafka Connect client error."""


class ConnectUnavailable(ConnectError):
    pass


class ConnectRequestFailed(ConnectError):
    def __init__(self, method: str, path: str, status: int, message: str) -> None:
        super().__init__(f"{method} {path} -> {status}: {message}")
        self.status = status
        self.message = message


class ConnectorNotFound(ConnectRequestFailed):
    pass
