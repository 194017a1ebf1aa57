"""`python -m ficus_search serve|migrate|rebuild|catch-up|dlq`: run the service, upgrade its
database to the newest migration, rebuild the Elasticsearch index with an alias swap, apply
pending events once, or list/replay the dead letters. Exit codes: 0 ok, 1 failure, 2 usage."""

from __future__ import annotations

import argparse
import ctypes
import dataclasses
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ficus_search.core.errors import SearchError
from ficus_search.settings import SearchSettings

if TYPE_CHECKING:
    from fastapi import FastAPI


def _serve(settings: SearchSettings, args: argparse.Namespace) -> int:
    """Serve the HTTP API and run the consumer (and the Elasticsearch indexer)."""
    import uvicorn

    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    if workers == 1:
        from ficus_search.api import create_app

        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
        return 0
    with supervised(settings) as app:
        uvicorn.run(app, factory=True, workers=workers, host=host, port=port, log_level="warning")
    return 0


_SUPERVISOR = "_FICUS_SEARCH_SUPERVISOR_PID"  # not a setting: the worker's parent, for the worker
_METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"  # = ficus_feed.metrics.MULTIPROC_DIR, see below


@contextmanager
def supervised(settings: SearchSettings) -> Iterator[str]:
    """The supervisor of `serve --workers N`: migrates, then runs the consumer and the
    indexer once, here; the workers (`worker_app`, their settings from the environment)
    only answer requests. Every process writes its metrics into one directory, which each
    worker's `/metrics` reads whole (prometheus_client's multiprocess mode: the variable
    must be set before the client is imported, hence the import below)."""
    metrics_dir = os.environ.get(_METRICS_DIR) or tempfile.mkdtemp(prefix="ficus-search-")
    os.environ[_METRICS_DIR] = metrics_dir
    from ficus_search.bootstrap import build

    background = build(settings)
    background.start()
    os.environ.update(
        {
            "FICUS_SEARCH_CONSUME": "false",
            "FICUS_SEARCH_INDEX": "false",
            _SUPERVISOR: str(os.getpid()),
        }
    )
    try:
        yield "ficus_search.cli:worker_app"
    finally:
        background.stop()
        shutil.rmtree(metrics_dir, ignore_errors=True)


def worker_app() -> FastAPI:
    """One worker of `serve --workers N`. On Linux it is killed (SIGKILL) when its supervisor
    dies, so none outlives it holding the port (an orderly stop goes through the supervisor)."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if str(os.getppid()) != os.environ.get(_SUPERVISOR):
        raise SystemExit("the supervisor died while this worker started")
    from ficus_search.api import create_app

    return create_app(SearchSettings())


def _migrate(settings: SearchSettings, args: argparse.Namespace) -> int:
    """Upgrade the search database to the newest migration (the service also does on start)."""
    from ficus_search import migration

    migration.upgrade(args.url or settings.database_url)
    return 0


def _rebuild(settings: SearchSettings, _: argparse.Namespace) -> int:
    """Rebuild the Elasticsearch index from the stored documents; readers keep the old index
    until the alias swaps atomically to the new one."""
    from elasticsearch import Elasticsearch

    from ficus_search import migration
    from ficus_search.esindex import rebuild

    migration.upgrade(settings.database_url)
    client = Elasticsearch(settings.elasticsearch_url, request_timeout=60)
    columns = (TextColumn("rebuild"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns) as progress:
        task = progress.add_task("rebuild", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        name = rebuild(client, settings.database_url, settings.index_alias, on_progress)
    print(f"alias {settings.index_alias} → {name}")
    return 0


def _catch_up(settings: SearchSettings, _: argparse.Namespace) -> int:
    """Apply every pending event once (and index into Elasticsearch when it is the engine)."""
    from ficus_search.bootstrap import build

    components = build(settings)
    try:
        assert components.consumer is not None
        applied = components.consumer.drain()
        indexed = components.indexer.catch_up() if components.indexer is not None else 0
    finally:
        components.stop()
    print(f"applied {applied} events, indexed {indexed} document changes")
    return 0


def _dlq(settings: SearchSettings, args: argparse.Namespace) -> int:
    """`dlq list` prints one JSON object per dead letter; `dlq replay` re-applies them after a
    fix (all, or each --id) and exits 1 if any still fails."""
    from ficus_search import migration
    from ficus_search.bootstrap import dead_letters

    migration.upgrade(settings.database_url)
    letters = dead_letters(settings.database_url)
    if args.dlq_command == "list":
        for letter in letters.letters(limit=10_000):
            print(json.dumps(letter))
        return 0
    results = letters.replay(args.id)
    for result in results:
        print(json.dumps(dataclasses.asdict(result)))
    return 1 if any(r.outcome == "failed" for r in results) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ficus_search")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help=_serve.__doc__)
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=None, help="processes (default: cores)")
    migrate = sub.add_parser("migrate", help=_migrate.__doc__)
    migrate.add_argument("--url", default=None, help="database URL (default: settings)")
    sub.add_parser("rebuild", help=_rebuild.__doc__)
    sub.add_parser("catch-up", help=_catch_up.__doc__)
    dlq = sub.add_parser("dlq", help="list or replay the search consumer's dead letters")
    dlq_commands = dlq.add_subparsers(dest="dlq_command", required=True)
    dlq_commands.add_parser("list", help="print the dead letters as JSON lines")
    replay = dlq_commands.add_parser("replay", help="re-apply dead letters after a fix")
    replay.add_argument("--id", type=int, action="append", help="only this id (repeat)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = SearchSettings()
    commands = {
        "serve": _serve,
        "migrate": _migrate,
        "rebuild": _rebuild,
        "catch-up": _catch_up,
        "dlq": _dlq,
    }
    try:
        return commands[args.command](settings, args)
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
