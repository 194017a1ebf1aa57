"""Rich renderings of the admin API's answers."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def _lane(lane: dict[str, Any]) -> str:
    colour = {
        "legacy": "dim",
        "shadow": "cyan",
        "canary": "yellow",
        "dual": "yellow",
        "new": "green",
    }.get(lane["stage"], "magenta")
    return f"[{colour}]{lane['label']}[/]"


def domains(console: Console, rows: list[dict[str, Any]]) -> None:
    table = Table(title="Cutover state")
    for column in ("domain", "reads", "writes", "fail-open", "version"):
        table.add_column(column)
    for row in rows:
        tripped = "[red]TRIPPED[/] (ficus reenable)" if row["reads_fail_open_tripped"] else "ok"
        table.add_row(
            row["domain"], _lane(row["reads"]), _lane(row["writes"]), tripped, str(row["version"])
        )
    console.print(table)


def audit(console: Console, rows: list[dict[str, Any]], measured: bool = False) -> None:
    table = Table(title="Audit log (newest first)")
    columns = ["id", "at", "actor", "note", "domain", "lane", "action", "from → to", "reason"]
    for column in columns + (["measured"] if measured else []):
        table.add_column(column)
    for row in rows:
        forced = " [red](forced)[/]" if row["forced"] else ""
        moved = f"{row['from_lane']} → {row['to_lane']}" if row["from_lane"] else ""
        table.add_row(
            str(row["id"]),
            row["at"][:19].replace("T", " "),
            escape(row["actor"]),
            escape(row.get("note", "")),
            row["domain"],
            row["direction"] or "",
            row["action"] + forced,
            moved,
            escape(row["reason"]),
            *([escape(json.dumps(row["measured"], sort_keys=True))] if measured else []),
        )
    console.print(table)


def audit_verify(console: Console, report: dict[str, Any]) -> None:
    if report["ok"]:
        console.print(f"[green]audit log intact[/]: {escape(report['detail'])}")
        console.print(f"head hash {report['head']} (keep it elsewhere to anchor the log)")
        return
    console.print(f"[bold red]audit log TAMPERED[/]: {escape(report['detail'])}")
    console.print(f"the chain holds up to the row before {report['broken_id']}")


def gates(console: Console, report: dict[str, Any]) -> None:
    title = f"Gates for {report['domain']} reads beyond shadow"
    if report.get("gated_by") == "plan":
        title += " (the gate policy's: the plan's criteria below gate this domain's moves)"
    _gate_table(console, title, report["gates"])
    writes = report.get("writes")
    if writes is not None:
        title = f"Gates for every forward move of {report['domain']} writes"
        _gate_table(console, title, writes["gates"])


def _gate_table(console: Console, title: str, rows: list[dict[str, Any]]) -> None:
    table = Table(title=title)
    for column in ("gate", "verdict", "measured", "required"):
        table.add_column(column)
    for gate in rows:
        verdict = "[green]ok[/]" if gate["passed"] else "[red]FAILED[/]"
        table.add_row(gate["gate"], verdict, escape(gate["measured"]), gate["threshold"])
    console.print(table)


def diff(console: Console, report: dict[str, Any]) -> None:
    """Any JSON the proxies answer: scalar figures (nested keys dotted), then the samples."""
    for proxy in report["proxies"]:
        if not proxy["ok"]:
            console.print(f"[red]{proxy['proxy']}[/]: unreachable ({escape(proxy['error'])})")
            continue
        table = Table(title=f"Shadow diff of {report['domain']} at {proxy['proxy']}")
        table.add_column("figure")
        table.add_column("value")
        for key, value in _figures("", proxy["diff"]):
            table.add_row(escape(key), escape(str(value)))
        console.print(table)
        _noise(console, proxy["diff"].get("noise_rules") or {})
        _samples(console, list(_find_samples(proxy["diff"])))


def _noise(console: Console, rules: dict[str, list[dict[str, Any]]]) -> None:
    """Learned noise per route (and the paths still gathering evidence), with expiry."""
    if not rules:
        console.print("no learned noise")
        return
    table = Table(title="Learned noise (fields that differ between two answers of Magento)")
    for column in ("route", "path", "state", "evidence", "expires in"):
        table.add_column(column)
    for route, paths in sorted(rules.items()):
        for rule in paths:
            state = "[yellow]ignored[/]" if rule["learned"] else "candidate"
            table.add_row(
                escape(route), escape(rule["path"]), state,
                f"{rule['evidence']} / {rule['needed']}", f"{rule['expires_in_s']:.0f}s",
            )  # fmt: skip
    console.print(table)


def _figures(prefix: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [
            row
            for key, sub in value.items()
            if key not in ("samples", "noise", "noise_rules")
            for row in _figures(f"{prefix}.{key}" if prefix else str(key), sub)
        ]
    return [] if isinstance(value, list) else [(prefix, value)]


def _find_samples(value: Any) -> list[Any]:
    if not isinstance(value, dict):
        return []
    found = list(value.get("samples") or [])
    for key, sub in value.items():
        if key != "samples":
            found.extend(_find_samples(sub))
    return found


def _samples(console: Console, samples: list[Any]) -> None:
    if not samples:
        console.print("no mismatch samples")
        return
    table = Table(title=f"Mismatch samples ({len(samples)})")
    table.add_column("#")
    table.add_column("sample")
    for index, sample in enumerate(samples, 1):
        table.add_row(str(index), _one_sample(sample))
    console.print(table)


def _one_sample(sample: Any) -> str:
    if not isinstance(sample, dict):
        return escape(str(sample))
    return "\n".join(
        f"[bold]{escape(str(key))}[/]: {escape(str(value))}" for key, value in sample.items()
    )
