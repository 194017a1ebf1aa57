"""The Connect REST client against httpx.MockTransport (no sockets)."""

from __future__ import annotations

import json

import httpx
import pytest

from ficus_sync.connect import ConnectClient, ConnectorNotFound, ConnectRequestFailed
from ficus_sync.connect.errors import ConnectUnavailable
from ficus_sync.connector_cli import render_status

TRACE = "org.apache.kafka.connect.errors.ConnectException: Access denied for user 'debezium'"


def client_for(handler: httpx.MockTransport) -> ConnectClient:
    return ConnectClient("http://connect.test", transport=handler)


def test_upsert_is_a_put_of_the_flat_config_and_reports_creation() -> None:
    seen: list[tuple[str, str, dict[str, str]]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path, json.loads(request.content)))
        return httpx.Response(201 if len(seen) == 1 else 200, json={"name": "c"})

    with client_for(httpx.MockTransport(handle)) as client:
        assert client.upsert("c", {"tasks.max": "1"}) is True
        assert client.upsert("c", {"tasks.max": "1"}) is False
    assert seen[0] == ("PUT", "/connectors/c/config", {"tasks.max": "1"})


def test_status_parses_task_traces_and_failure() -> None:
    body = {
        "name": "c",
        "connector": {"state": "RUNNING", "worker_id": "w:1"},
        "tasks": [{"id": 0, "state": "FAILED", "worker_id": "w:1", "trace": TRACE}],
        "type": "source",
        "version": "3.5.0.Final",
    }
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    with client_for(transport) as client:
        status = client.status("c")
    assert status.failed and not status.running
    assert status.tasks[0].trace == TRACE
    text = render_status(status)
    assert "task 0: FAILED" in text and "Access denied" in text and "connector-failed.md" in text


def test_error_statuses_are_translated_once() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/offsets"):
            message = "Connectors must be in the STOPPED state before their offsets can be modified"
            return httpx.Response(400, json={"error_code": 400, "message": message})
        return httpx.Response(404, json={"error_code": 404, "message": "Connector c not found"})

    with client_for(httpx.MockTransport(handle)) as client:
        with pytest.raises(ConnectorNotFound, match="not found"):
            client.status("c")
        with pytest.raises(ConnectRequestFailed, match="STOPPED") as info:
            client.reset_offsets("c")
    assert info.value.status == 400


def test_restart_asks_for_failed_tasks_only_by_default() -> None:
    seen: list[httpx.URL] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(202, json={})

    with client_for(httpx.MockTransport(handle)) as client:
        client.restart("c")
        client.restart("c", only_failed=False)
    assert seen[0].params["onlyFailed"] == "true" and seen[0].params["includeTasks"] == "true"
    assert seen[1].params["onlyFailed"] == "false"


def test_unreachable_worker() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with client_for(httpx.MockTransport(handle)) as client, pytest.raises(ConnectUnavailable):
        client.worker()


def test_validate_collects_field_errors() -> None:
    body = {
        "name": "MariaDbConnector",
        "error_count": 1,
        "configs": [
            {"value": {"name": "database.hostname", "errors": ["Missing required"]}},
            {"value": {"name": "tasks.max", "errors": []}},
        ],
    }
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json=body)

    with client_for(httpx.MockTransport(handle)) as client:
        result = client.validate("io.debezium.connector.mariadb.MariaDbConnector", {})
    assert result.error_count == 1 and result.errors == {"database.hostname": ["Missing required"]}
    assert seen == ["/connector-plugins/MariaDbConnector/config/validate"]


@pytest.mark.parametrize(
    "trace",
    [
        "org.apache.kafka.connect.errors.ConnectException: The connector is trying to read "
        "binlog starting at GTID 0-1-9, but this is no longer available on the server.",
        # MariaDB's error 1236 for a GTID offset, as Debezium 3.5 reported it live
        "io.debezium.DebeziumException: Could not find GTID state requested by slave in any "
        "binlog files. Probably the slave state is too old and required binlog files have been "
        "purged. Error code: 1236; SQLSTATE: HY000.",
    ],
)
def test_a_purged_binlog_points_at_the_resnapshot_path(trace: str) -> None:
    from ficus_sync.connect import ConnectorStatus, TaskStatus

    status = ConnectorStatus("c", "RUNNING", "w", [TaskStatus(0, "FAILED", "w", trace)])
    text = render_status(status)
    assert "purged" in text and "re-snapshot" in text and "section 4" in text
