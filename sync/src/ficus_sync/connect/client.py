"""A small, typed client of the Kafka Connect REST API (PyPI's `debezium-client` is empty).

Every call goes through `_request`, the one place where httpx errors and error statuses are
translated into `ConnectError`s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from ficus_sync.connect.errors import (
    ConnectorNotFound,
    ConnectRequestFailed,
    ConnectUnavailable,
)


@dataclass(frozen=True)
class TaskStatus:
    id: int
    state: str
    worker_id: str
    trace: str | None = None


@dataclass(frozen=True)
class ConnectorStatus:
    name: str
    state: str
    worker_id: str
    tasks: list[TaskStatus] = field(default_factory=list)
    trace: str | None = None

    @property
    def failed(self) -> bool:
        return self.state == "FAILED" or any(t.state == "FAILED" for t in self.tasks)

    @property
    def running(self) -> bool:
        return (
            self.state == "RUNNING"
            and bool(self.tasks)
            and all(t.state == "RUNNING" for t in self.tasks)
        )

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> ConnectorStatus:
        connector = doc.get("connector") or {}
        return cls(
            name=str(doc.get("name", "")),
            state=str(connector.get("state", "UNKNOWN")),
            worker_id=str(connector.get("worker_id", "")),
            trace=connector.get("trace"),
            tasks=[
                TaskStatus(
                    id=int(task["id"]),
                    state=str(task.get("state", "UNKNOWN")),
                    worker_id=str(task.get("worker_id", "")),
                    trace=task.get("trace"),
                )
                for task in doc.get("tasks") or []
            ],
        )


@dataclass(frozen=True)
class ValidationResult:
    error_count: int
    errors: dict[str, list[str]]


class ConnectClient:
    """Talks to one Connect worker (any worker of the group forwards to the leader)."""

    def __init__(
        self,
        url: str,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(base_url=url, timeout=timeout, transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ConnectClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ConnectUnavailable(f"Kafka Connect at {self._http.base_url}: {exc}") from exc
        if response.status_code >= 400:
            message = _error_message(response)
            error = ConnectorNotFound if response.status_code == 404 else ConnectRequestFailed
            raise error(method, path, response.status_code, message)
        return response

    def worker(self) -> dict[str, Any]:
        return dict(self._request("GET", "/").json())

    def connectors(self) -> list[str]:
        return list(self._request("GET", "/connectors").json())

    def upsert(self, name: str, config: Mapping[str, str]) -> bool:
        """Create or update the connector's config (PUT is idempotent). True if created."""
        response = self._request("PUT", f"/connectors/{name}/config", json=dict(config))
        return response.status_code == 201

    def config(self, name: str) -> dict[str, str]:
        return dict(self._request("GET", f"/connectors/{name}/config").json())

    def validate(self, plugin_class: str, config: Mapping[str, str]) -> ValidationResult:
        plugin = plugin_class.rsplit(".", 1)[-1]
        doc = self._request(
            "PUT", f"/connector-plugins/{plugin}/config/validate", json=dict(config)
        ).json()
        errors: dict[str, list[str]] = {}
        for item in doc.get("configs", []):
            value = item.get("value") or {}
            if value.get("errors"):
                errors[str(value.get("name"))] = [str(e) for e in value["errors"]]
        return ValidationResult(int(doc.get("error_count", 0)), errors)

    def status(self, name: str) -> ConnectorStatus:
        return ConnectorStatus.from_json(self._request("GET", f"/connectors/{name}/status").json())

    def restart(self, name: str, only_failed: bool = True) -> None:
        """Restart the connector and its tasks (only the failed ones by default)."""
        params = {"includeTasks": "true", "onlyFailed": str(only_failed).lower()}
        self._request("POST", f"/connectors/{name}/restart", params=params)

    def restart_task(self, name: str, task: int) -> None:
        self._request("POST", f"/connectors/{name}/tasks/{task}/restart")

    def pause(self, name: str) -> None:
        self._request("PUT", f"/connectors/{name}/pause")

    def resume(self, name: str) -> None:
        self._request("PUT", f"/connectors/{name}/resume")

    def stop(self, name: str) -> None:
        self._request("PUT", f"/connectors/{name}/stop")

    def delete(self, name: str) -> None:
        self._request("DELETE", f"/connectors/{name}")

    def offsets(self, name: str) -> list[dict[str, Any]]:
        """The connector's committed source offsets: [{"partition": …, "offset": …}]."""
        return list(self._request("GET", f"/connectors/{name}/offsets").json()["offsets"])

    def reset_offsets(self, name: str) -> None:
        """Forget every offset (the connector must be STOPPED): the next start re-snapshots."""
        self._request("DELETE", f"/connectors/{name}/offsets")

    def alter_offsets(self, name: str, offsets: list[Mapping[str, Any]]) -> None:
        """Set offsets (the connector must be STOPPED)."""
        self._request("PATCH", f"/connectors/{name}/offsets", json={"offsets": list(offsets)})


def _error_message(response: httpx.Response) -> str:
    try:
        doc = response.json()
    except ValueError:
        return response.text[:500]
    if isinstance(doc, dict) and "message" in doc:
        return str(doc["message"])
    return str(doc)[:500]
