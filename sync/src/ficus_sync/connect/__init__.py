"""Kafka Connect REST client (httpx): connector upsert, validate, status, restart, offsets."""

from ficus_sync.connect.client import ConnectClient, ConnectorStatus, TaskStatus
from ficus_sync.connect.errors import ConnectError, ConnectorNotFound, ConnectRequestFailed

__all__ = [
    "ConnectClient",
    "ConnectError",
    "ConnectRequestFailed",
    "ConnectorNotFound",
    "ConnectorStatus",
    "TaskStatus",
]
