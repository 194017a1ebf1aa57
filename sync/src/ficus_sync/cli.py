"""`python -m ficus_sync …`: run, migrate, snapshot, lag, dlq, reconcile (later exposed as
`ficus sync …`, `ficus lag`, `ficus dlq …`). Exit codes: 0 ok, 1 differences/failures found,
2 sync error."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Annotated, Any

import httpx
import typer
import uvicorn
from rich.console import Console
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn
from rich.table import Table
from rich.text import Text

from ficus_sync import bootstrap, database, reverse_cli
from ficus_sync.capture.port import SnapshotRequested, SnapshotResult
from ficus_sync.errors import SyncError
from ficus_sync.http import create_app
from ficus_sync.lag import LagTracker
from ficus_sync.migration import run_migrations
from ficus_sync.operations import (
    SERVICE,
    CustomerReconcile,
    reconcile_catalog,
    reconcile_customer,
    replay_dead_letters,
)
from ficus_sync.queues import QueueCounts
from ficus_sync.settings import SyncSettings

app = typer.Typer(
    help="Ficus sync: forward CDC from Magento (binlog or Debezium), lag, dead letters."
)
dlq = typer.Typer(help="Dead letters: events that could not be applied.")
reconcile = typer.Typer(help="Compare sync's projections with Magento.")
app.add_typer(dlq, name="dlq")
app.add_typer(reconcile, name="reconcile")
app.add_typer(reverse_cli.reverse, name="reverse")
app.add_typer(reverse_cli.conflicts, name="conflicts")
console = Console()


@app.callback()
def _setup(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@app.command()
def run(
    host: Annotated[str | None, typer.Option(help="HTTP listen address")] = None,
    port: Annotated[int | None, typer.Option(help="HTTP port")] = None,
) -> None:
    """Snapshot if needed, then stream changes forever; serve /healthz, /v1/lag, /metrics."""
    settings = SyncSettings()
    lag = LagTracker()
    reverse_ = bootstrap.reverse_status(settings, lag)
    counts = QueueCounts(settings.postgres_url, settings.mysql_url)
    desk = reverse_cli.ConflictDesk(settings)
    app_ = create_app(lag, bootstrap.capture(settings).lag_reader, reverse_, counts, desk)
    config = uvicorn.Config(
        app_, host=host or settings.host, port=port or settings.port, log_level="warning"
    )
    workers = bootstrap.workers(settings, lag, reverse_)
    failure = _serve_while_working(uvicorn.Server(config), workers)
    if failure is not None:
        console.print(f"[red]sync stopped:[/red] {failure}")
        raise typer.Exit(2)


def _serve_while_working(
    server: uvicorn.Server, workers: dict[str, bootstrap.Worker]
) -> BaseException | None:
    """Serve HTTP with each worker in its own thread; the first worker to fail stops the
    server. Returns that failure."""
    stop = threading.Event()
    failure: list[BaseException] = []

    def supervised(work: bootstrap.Worker) -> None:
        try:
            work(stop)
        except BaseException as exc:  # reported, then the server is stopped
            failure.append(exc)
            server.should_exit = True

    threads = [
        threading.Thread(target=supervised, args=(work,), name=name, daemon=True)
        for name, work in workers.items()
    ]
    for thread in threads:
        thread.start()
    try:
        server.run()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    return failure[0] if failure else None


@app.command()
def migrate(
    url: Annotated[str | None, typer.Option(help="database URL (default: settings)")] = None,
) -> None:
    """Upgrade sync's database to the newest schema (Alembic head); `run` does it on start."""
    settings = SyncSettings()
    try:
        run_migrations(url or settings.postgres_url, settings.migrations_dir)
    except SyncError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


class _RowsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed or 0:,.0f} rows/s")


@app.command()
def snapshot(
    table: Annotated[str | None, typer.Option(help="re-snapshot only this table")] = None,
) -> None:
    """Initial consistent snapshot (resumes an unfinished one), or re-snapshot one table. On the
    Kafka engine, `--table T` asks Debezium for an incremental snapshot (signal table)."""
    components = _build()
    progress = Progress(
        TextColumn("{task.description:<34}"), BarColumn(), MofNCompleteColumn(), _RowsPerSecond(),
        console=console,
    )  # fmt: skip
    tasks: dict[str, Any] = {}

    def report(name: str, rows: int, total: int) -> None:
        if name not in tasks:
            tasks[name] = progress.add_task(name, total=max(total, 1), completed=rows)
        else:
            progress.update(tasks[name], advance=rows, total=max(total, 1))

    try:
        with progress:
            snapshots = components.snapshots()
            result = snapshots.table(table, report) if table else snapshots.initial(report)
    except SyncError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    finally:
        components.close()
    console.print(_summary(result))


def _summary(result: SnapshotResult | SnapshotRequested) -> str:
    if isinstance(result, SnapshotRequested):
        return f"incremental snapshot requested (signal {result.request_id}) for {result.tables[0]}"
    rate = result.rows / result.seconds if result.seconds else 0
    return (
        f"snapshot: {result.rows:,} rows in {result.seconds:.1f}s ({rate:,.0f} rows/s), "
        f"{result.events} domain events; streaming starts at {json.dumps(result.position)}"
    )


@app.command()
def lag(
    watch: Annotated[bool, typer.Option("--watch", help="refresh every second")] = False,
    url: Annotated[str | None, typer.Option(help="sync's base URL")] = None,
) -> None:
    """Seconds and events behind, per domain and per table (asks the running sync)."""
    settings = SyncSettings()
    base = url or f"http://{settings.host}:{settings.port}"
    if not watch:
        console.print(_lag_table(_fetch_lag(base)))
        return
    with Live(_lag_table(_fetch_lag(base)), console=console, refresh_per_second=2) as live:
        while True:
            time.sleep(1)
            live.update(_lag_table(_fetch_lag(base)))


def _fetch_lag(base: str) -> dict[str, Any]:
    try:
        response = httpx.get(f"{base}/v1/lag", timeout=3)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        console.print(f"[red]sync is not answering at {base}: {exc}[/red]")
        raise typer.Exit(2) from exc
    result: dict[str, Any] = response.json()
    return result


def _lag_table(document: dict[str, Any]) -> Table:
    table = Table(title="sync lag")
    for column in ("scope", "name", "seconds behind", "events behind"):
        table.add_column(column)
    for scope, key in (("domain", "domains"), ("reverse", "reverse"), ("table", "tables")):
        for name, lag_ in document.get(key, {}).items():
            table.add_row(scope, name, f"{lag_['seconds_behind']:.3f}", str(lag_["events_behind"]))
    kafka = document.get("kafka")
    if kafka is not None:  # the Kafka engine: consumer lag (committed offset vs high watermark)
        if "error" in kafka:
            table.add_row("kafka", "consumer", "-", f"unknown: {kafka['error']}")
        else:
            table.add_row("kafka", "consumer (all partitions)", "-", str(kafka["consumer_lag"]))
            for partition, lag_ in sorted(kafka.get("partitions", {}).items()):
                if lag_["lag"]:
                    table.add_row("kafka", partition, "-", str(lag_["lag"]))
    return table


@dlq.command("list")
def dlq_list(all_: Annotated[bool, typer.Option("--all", help="include replayed")] = False) -> None:
    """Dead letters with their error."""
    components = _build()
    try:
        rows = database.dead_letters(components.pg, pending_only=not all_)
    finally:
        components.close()
    table = Table(title=f"dead letters ({len(rows)})")
    for column in ("id", "table", "error", "created", "replayed"):
        table.add_column(column)
    for row in rows:
        table.add_row(str(row[0]), row[2] or "(projection)", row[3], str(row[5]), str(row[6] or ""))
    console.print(table)


@dlq.command("replay")
def dlq_replay(letter_id: Annotated[int | None, typer.Option("--id")] = None) -> None:
    """Re-apply dead letters (from the rows' current state in MariaDB); exit 1 if any fail."""
    components = _build()
    try:
        result = replay_dead_letters(components, letter_id)
    finally:
        components.close()
    console.print(f"replayed: {result.replayed or 'none'}")
    for failed_id, error in result.failed.items():
        console.print(f"[red]still failing {failed_id}: {error}[/red]")
    if result.failed:
        raise typer.Exit(1)


@reconcile.command("catalog")
def reconcile_catalog_command(limit: int = 50) -> None:
    """Projected states, and the catalog service's states (when FICUS_SYNC_CATALOG_URL is set),
    vs the reference flattening from MariaDB, every store view; exit 1 on any difference."""
    settings = SyncSettings()
    components = _build()
    try:
        differences = reconcile_catalog(components, settings.catalog_url)
    except SyncError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    finally:
        components.close()
    for diff in differences[:limit]:
        detail = ", ".join(diff.fields[:8])
        console.print(f"{diff.aggregate} {diff.entity_id}: {diff.problem} {detail}")
    console.print(f"{len(differences)} differences")
    if differences:
        raise typer.Exit(1)


@reconcile.command("customer")
def reconcile_customer_command(
    service_database_url: Annotated[
        str | None,
        typer.Option(
            envvar="FICUS_SYNC_REVERSE_CUSTOMER_DATABASE_URL",
            help="The customer service's database (its `customer` table): compare it too",
        ),
    ] = None,
    repair: Annotated[bool, typer.Option(help="Re-emit what the service holds wrong")] = False,
    restart: Annotated[bool, typer.Option(help="Start over, not resume a killed run")] = False,
    settle_seconds: Annotated[float, typer.Option(help="The lag window: re-check so long")] = 5.0,
    limit: int = 50,
) -> None:
    """Magento's customers vs sync's projection and, with the service's database, the customer
    service: chunked, resumable, lag-aware; `--repair` sends the service's fixes through the
    event path. Exit 1 on any difference not repaired."""
    options = CustomerReconcile(service_database_url, repair, settle_seconds=settle_seconds,
                                restart=restart)  # fmt: skip
    components = _build()
    try:
        report = reconcile_customer(components, options)
    except SyncError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    finally:
        components.close()
    for diff in report.differences[:limit]:
        console.print(f"{diff.aggregate} {diff.entity_id}: {diff.problem} {', '.join(diff.fields)}")
    console.print(f"{report.checked} customers checked, {len(report.differences)} differences, "
                  f"{len(report.repaired)} re-emitted")  # fmt: skip
    repaired = set(report.repaired)
    if any(d.aggregate != SERVICE or d.entity_id not in repaired for d in report.differences):
        raise typer.Exit(1)


def _build() -> bootstrap.Components:
    try:
        return bootstrap.build(SyncSettings())
    except SyncError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


def main() -> None:
    app()
