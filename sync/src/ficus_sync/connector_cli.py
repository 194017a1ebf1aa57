"""`ficus connector …`: operate the Debezium connector of the Kafka path through Kafka
Connect's REST API (mounted by the `ficus` CLI as a Typer sub-app).

Exit codes: 0 ok, 1 the connector or a task is FAILED (status), 2 Connect or MariaDB error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console

from ficus_sync.capture.kafka.provision import request_incremental_snapshot
from ficus_sync.capture.kafka.settings import KafkaPathSettings
from ficus_sync.connect import ConnectClient, ConnectError, ConnectorStatus
from ficus_sync.errors import SnapshotError

app = typer.Typer(help="Operate the Debezium connector (Kafka path).", no_args_is_help=True)
_out = Console()
_err = Console(stderr=True)

Name = Annotated[str | None, typer.Option("--name", help="Connector name (default: settings)")]


def _settings() -> KafkaPathSettings:
    return KafkaPathSettings()


def _client(settings: KafkaPathSettings) -> ConnectClient:
    return ConnectClient(settings.connect_url)


def _fail(exc: Exception) -> typer.Exit:
    _err.print(f"[red]error:[/red] {exc}")
    return typer.Exit(2)


def render_status(status: ConnectorStatus) -> str:
    """The status as text, with the Java stack trace of every FAILED part."""
    lines = [f"connector {status.name}: {status.state} on {status.worker_id}"]
    if status.trace:
        lines.append(status.trace.rstrip())
    for task in status.tasks:
        lines.append(f"  task {task.id}: {task.state} on {task.worker_id}")
        if task.trace:
            lines.append("    " + task.trace.rstrip().replace("\n", "\n    "))
    if status.failed:
        lines.append(_hint(status))
    return "\n".join(lines)


# what Debezium / MariaDB say when the binlog a connector needs is gone: the first two are
# Debezium's own check (file/position offsets), the last is MariaDB's error 1236 for a GTID
# offset, seen live (tests/integration/kafka/test_connector_cli.py)
_PURGED = (
    "no longer available on the server",
    "Could not find first log file name",
    "required binlog files have been purged",
)


def _hint(status: ConnectorStatus) -> str:
    traces = " ".join(t for t in [status.trace, *(t.trace for t in status.tasks)] if t)
    if any(marker in traces for marker in _PURGED):
        return (
            "FAILED: MariaDB purged the binlog the connector needs (it was down too long). "
            "Restarting cannot help: re-snapshot, runbooks/connector-failed.md section 4."
        )
    return "FAILED: see runbooks/connector-failed.md, then `ficus connector restart`"


def _on_connector(name: str | None, act: Callable[[ConnectClient, str], None], done: str) -> None:
    """One Connect REST action on the connector (default name from settings); errors exit 2."""
    settings = _settings()
    try:
        with _client(settings) as client:
            act(client, name or settings.connector_name)
    except ConnectError as exc:
        raise _fail(exc) from exc
    _out.print(done)


@app.command()
def status(name: Name = None, as_json: bool = typer.Option(False, "--json")) -> None:
    """Show the connector's and its tasks' states, with the trace of any FAILED one."""
    settings = _settings()
    try:
        with _client(settings) as client:
            result = client.status(name or settings.connector_name)
            offsets = client.offsets(name or settings.connector_name) if as_json else []
    except ConnectError as exc:
        raise _fail(exc) from exc
    if as_json:
        doc = {"status": result.__dict__ | {"tasks": [t.__dict__ for t in result.tasks]}}
        _out.print_json(json.dumps(doc | {"offsets": offsets}))
    else:
        _out.print(render_status(result), highlight=False, markup=False)
    if result.failed:
        raise typer.Exit(1)


@app.command()
def restart(
    name: Name = None,
    all_tasks: bool = typer.Option(False, "--all", help="Restart every task, not only failed"),
) -> None:
    """Restart the connector and its failed tasks (they resume from their offsets)."""
    _on_connector(name, lambda c, n: c.restart(n, only_failed=not all_tasks), "restart requested")


@app.command()
def pause(name: Name = None) -> None:
    """Pause the connector (it keeps its offsets; the binlog must outlive the pause)."""
    _on_connector(name, ConnectClient.pause, "paused")


@app.command()
def resume(name: Name = None) -> None:
    """Resume a paused or stopped connector."""
    _on_connector(name, ConnectClient.resume, "resumed")


@app.command()
def snapshot(
    table: Annotated[list[str], typer.Option("--table", "-t", help="Table to re-read")],
    where: Annotated[str | None, typer.Option(help="Optional SQL filter")] = None,
) -> None:
    """Trigger a Debezium incremental snapshot of TABLE(s) through the signal table."""
    try:
        signal_id = request_incremental_snapshot(_settings(), table, where)
    except SnapshotError as exc:
        raise _fail(exc) from exc
    _out.print(f"incremental snapshot requested (signal {signal_id}) for {', '.join(table)}")


if __name__ == "__main__":
    app()
