"""`python -m ficus_sync reverse …` and `python -m ficus_sync conflicts …` (exposed as
`ficus conflicts`): reverse sync's worker on its own, its DLQ, and the conflict log. Exit codes:
0 ok, 1 something still failing or refused, 2 sync error (a database away, no configuration)."""

from __future__ import annotations

import contextlib
import dataclasses
import getpass
import json
import signal
import threading
from collections.abc import Iterator, Sequence
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ficus_sync import bootstrap
from ficus_sync.errors import SyncError
from ficus_sync.lag import LagTracker
from ficus_sync.reverse import actions, retraction
from ficus_sync.reverse.errors import ResolutionRefused
from ficus_sync.reverse.resolution import Retract, Side
from ficus_sync.reverse.worker import ReverseConfig
from ficus_sync.settings import SyncSettings

reverse = typer.Typer(help="Reverse sync: the services' outboxes into Magento.")
reverse_dlq = typer.Typer(help="The reverse DLQ: outbox rows that could not be applied.")
reverse.add_typer(reverse_dlq, name="dlq")
conflicts = typer.Typer(
    help="The conflict log: fields changed on both sides, resolved by policy or open (manual).",
    invoke_without_command=True,
)
console = Console()
Domain = Annotated[str, typer.Option(help="the domain (its service takes writes)")]


def _fail(exc: Exception, code: int = 2) -> typer.Exit:
    console.print(f"[red]{exc}[/red]")
    return typer.Exit(code)


@reverse.command("run")
def run() -> None:
    """Run only the reverse workers (every domain with FICUS_SYNC_REVERSE_<D>_DATABASE_URL)
    until SIGTERM/SIGINT; `python -m ficus_sync run` runs them beside forward sync."""
    settings = SyncSettings()
    status = bootstrap.reverse_status(settings, LagTracker())
    workers = bootstrap.reverse_workers(settings, status)
    if not workers:
        raise _fail(SyncError("no domain configured (FICUS_SYNC_REVERSE_CUSTOMER_DATABASE_URL)"))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    threads = [threading.Thread(target=w, args=(stop,), name=n) for n, w in workers.items()]
    for thread in threads:
        thread.start()
    stop.wait()
    for thread in threads:
        thread.join(timeout=10)


@reverse_dlq.command("list")
def dlq_list(domain: Domain = "customer") -> None:
    """Dead outbox rows with their error."""
    try:
        rows = actions.dead_letters(SyncSettings().mysql_url, domain)
    except SyncError as exc:
        raise _fail(exc) from exc
    table = Table(title=f"reverse dead letters of {domain} ({len(rows)})")
    for column in ("outbox id", "entity", "error", "at"):
        table.add_column(column)
    for row in rows:
        table.add_row(str(row.outbox_id), str(row.entity_id), row.error, row.applied_at)
    console.print(table)


@reverse_dlq.command("replay")
def dlq_replay(
    ids: Annotated[list[int] | None, typer.Argument(help="outbox ids (default: all)")] = None,
    domain: Domain = "customer",
) -> None:
    """Apply dead outbox rows again; exit 1 if any still fails."""
    try:
        result = actions.replay(ReverseConfig.from_settings(SyncSettings(), domain), ids or [])
    except SyncError as exc:
        raise _fail(exc) from exc
    console.print(f"replayed: {result.replayed or 'none'}")
    for outbox_id, error in result.failed.items():
        console.print(f"[red]still failing {outbox_id}: {error}[/red]")
    if result.failed:
        raise typer.Exit(1)


@conflicts.callback()
def conflicts_list(
    ctx: typer.Context,
    domain: Annotated[str | None, typer.Option(help="only this domain")] = None,
    open_: Annotated[bool, typer.Option("--open", help="only open (manual) ones")] = False,
) -> None:
    """List the conflict log: both values, the winner, the policy, when, status."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        rows = actions.conflicts(SyncSettings().mysql_url, domain, open_)
    except SyncError as exc:
        raise _fail(exc) from exc
    table = Table(title=f"conflicts ({len(rows)})")
    for column in ("id", "domain", "entity", "field", "magento", "service", "winner", "policy",
                   "status", "detected", "resolved by"):  # fmt: skip
        table.add_column(column)
    for c in rows:
        table.add_row(
            str(c.id), c.domain, str(c.entity_id), c.field, _short(c.magento_value),
            _short(c.service_value), c.winner, c.policy, c.status, c.detected_at,
            c.resolved_by or "",
        )  # fmt: skip
    console.print(table)


@conflicts.command("resolve")
def conflicts_resolve(
    conflict_id: Annotated[int, typer.Argument(help="the conflict's id")],
    take: Annotated[Side, typer.Option(help="whose value stays: magento or service")],
) -> None:
    """Apply a manual decision: `--take service` writes the service's value to Magento (the
    worker's transaction rules); `--take magento` sends Magento's value to the service through
    the forward pipeline. Exit 1 when refused (closed conflict, email still taken)."""
    try:
        done = resolve(SyncSettings(), conflict_id, take, _operator())
    except ResolutionRefused as exc:
        raise _fail(exc, 1) from exc
    except SyncError as exc:
        raise _fail(exc) from exc
    console.print(f"conflict {conflict_id} resolved: {done}")


def resolve(settings: SyncSettings, conflict_id: int, take: Side, who: str) -> str:
    """One decision on a conflict, as `conflicts resolve` and sync's HTTP API take it; returns
    what was done. Raises ResolutionRefused (no such open conflict, email taken), SyncError."""
    domain = actions.conflict_domain(settings.mysql_url, conflict_id)
    if domain is None:
        raise ResolutionRefused(f"no conflict {conflict_id}")
    config = ReverseConfig.from_settings(settings, domain)
    with _sync_database(settings) as retract:
        return actions.resolve_conflict(config, conflict_id, take, who, retract)


class ConflictDesk:
    """The conflict log for sync's HTTP API (`/v1/conflicts`): open conflicts of a domain, and
    a decision applied by `resolve`, the path `conflicts resolve` takes."""

    def __init__(self, settings: SyncSettings) -> None:
        self.settings = settings

    def open(self, domain: str) -> list[dict[str, Any]]:
        rows = actions.conflicts(self.settings.mysql_url, domain, open_only=True)
        return [dataclasses.asdict(row) for row in rows]

    def resolve(self, conflict_id: int, take: Side, who: str) -> str:
        return resolve(self.settings, conflict_id, take, who)


@contextlib.contextmanager
def _sync_database(settings: SyncSettings) -> Iterator[Retract]:
    """`retraction.retract` bound to sync's database, opened only if a decision needs it."""
    opened: list[bootstrap.Components] = []

    def bound(gone: Sequence[int], holders: Sequence[int]) -> int:
        if not opened:
            opened.append(bootstrap.build(settings))
        return retraction.retract(opened[0].pg, opened[0].projector, gone, holders)

    try:
        yield bound
    finally:
        for components in opened:
            components.close()


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid
        return "operator"


def _short(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "…"
