"""What `ficus demo` shows: the walk's steps, what the shoppers saw per step, the gauges read
before and after it, the live table and the closing summary."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer
from rich.table import Table

from ficus_control.commands.common import console, err

DOMAIN = "catalog"


@dataclass(frozen=True)
class Move:
    label: str
    stage: str | None = None  # None and no rollback: look, change nothing
    percent: int | None = None
    rollback_to: str | None = None


@dataclass
class Tally:
    """What the shoppers saw during one step."""

    requests: int = 0
    failed: int = 0
    backends: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def record(self, backend: str | None, error: str | None) -> None:
        self.requests += 1
        if error is not None:
            self.failed += 1
            if len(self.errors) < 5:
                self.errors.append(error)
            return
        key = backend or "?"
        self.backends[key] = self.backends.get(key, 0) + 1


@dataclass(frozen=True)
class Gauges:
    """Cumulative readings: proxy fallbacks, shadow comparisons (all proxies), sync lag."""

    fallbacks: float | None = None
    compared: int | None = None
    mismatched: int | None = None
    lag_seconds: float | None = None


@dataclass
class Row:
    move: Move
    reads: str
    before: Gauges
    tally: Tally = field(default_factory=Tally)
    now: Gauges = field(default_factory=Gauges)


def render(rows: list[Row]) -> Table:
    table = Table(title=f"ficus demo: {DOMAIN} reads under synthetic shopper traffic")
    for column in ("step", "reads", "requests", "legacy", "new", "fallbacks", "failed"):
        table.add_column(column, justify="left" if column in ("step", "reads") else "right")
    table.add_column("shadow cmp/mis", justify="right")
    table.add_column("lag", justify="right")
    for row in rows:
        t, before, now = row.tally, row.before, row.now
        table.add_row(
            row.move.label,
            row.reads,
            str(t.requests),
            str(t.backends.get("legacy", 0)),
            str(t.backends.get("new", 0)),
            _delta(now.fallbacks, before.fallbacks),
            f"[red]{t.failed}[/]" if t.failed else "0",
            f"{_delta(now.compared, before.compared)} / "
            f"{_delta(now.mismatched, before.mismatched)}",
            "?" if now.lag_seconds is None else f"{now.lag_seconds:.2f} s",
        )
    return table


def _delta(now: float | None, before: float | None) -> str:
    return "?" if now is None else f"{now - (before or 0):.0f}"


def summarize(rows: list[Row], notes: list[str]) -> None:
    console.print()
    for note in notes:
        console.print(f"[yellow]![/] {note}", highlight=False)
    requests = sum(row.tally.requests for row in rows)
    failed = sum(row.tally.failed for row in rows)
    console.print(
        f"{requests} shopper requests, {failed} failed; {DOMAIN} reads end at {rows[-1].reads}"
    )
    if failed:
        for row in rows:
            for error in row.tally.errors:
                err.print(f"  {row.move.label}: {error}", highlight=False)
        raise typer.Exit(code=1)
