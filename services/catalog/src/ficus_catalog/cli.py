"""Command line of the catalog service: `serve` (API + consumer), `migrate`, and
`dlq list|replay` for the dead letters."""

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

import uvicorn
from fastapi import FastAPI
from sqlalchemy.orm import sessionmaker

from ficus_catalog.api import create_app
from ficus_catalog.bootstrap import feed_applier, prepare_database, signing_key
from ficus_catalog.database import make_engine
from ficus_catalog.errors import MissingSetting
from ficus_catalog.migration import run_migrations
from ficus_catalog.settings import CatalogSettings
from ficus_feed.metrics import MULTIPROC_DIR
from ficus_feed.replay import DeadLetters


def _dlq(settings: CatalogSettings, command: str, ids: list[int] | None) -> int:
    """`dlq list` prints one JSON object per dead letter; `dlq replay` exits 1 if any failed."""
    engine = make_engine(settings.db_url, pool_size=1)
    letters = DeadLetters(feed_applier(sessionmaker(engine), settings.consumer_name))
    try:
        if command == "list":
            for letter in letters.letters(limit=10_000):
                print(json.dumps(letter))
            return 0
        results = letters.replay(ids)
        for result in results:
            print(json.dumps(dataclasses.asdict(result)))
        return 1 if any(r.outcome == "failed" for r in results) else 0
    finally:
        engine.dispose()


_SUPERVISOR = "_FICUS_CATALOG_SUPERVISOR_PID"  # not a setting: the worker's parent, for the worker


def worker_app() -> FastAPI:
    """The app of one worker process of `serve --workers N`, settings from the environment.
    On Linux the worker is killed (SIGKILL) when its supervisor dies, so that none outlives it
    holding the port and a killed service stops answering at once, as one process would; an
    orderly stop goes through the supervisor, which stops its workers gracefully first."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if str(os.getppid()) != os.environ.get(_SUPERVISOR):
        raise SystemExit("the supervisor died while this worker started")
    return create_app(CatalogSettings())


def _serve(settings: CatalogSettings) -> None:
    """One process, or `workers` processes behind one port (uvicorn's supervisor shares the
    socket): the database is migrated here once, the workers start with migrate_on_start off.
    No access log: a line per request costs more CPU than a by-sku read (the proxy logs)."""
    host, port = settings.host, settings.port
    signing_key(settings)  # refuses before any worker starts
    if settings.workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, access_log=False)
        return
    if settings.migrate_on_start:
        engine = make_engine(settings.db_url, pool_size=1)
        try:
            prepare_database(settings, sessionmaker(engine))
        finally:
            engine.dispose()
    os.environ["FICUS_CATALOG_MIGRATE_ON_START"] = "false"
    os.environ[_SUPERVISOR] = str(os.getpid())
    # every worker writes its metrics here, and each worker's /metrics reads them all
    metrics_dir = os.environ.get(MULTIPROC_DIR) or tempfile.mkdtemp(prefix="ficus-catalog-")
    os.environ[MULTIPROC_DIR] = metrics_dir
    app, workers = "ficus_catalog.cli:worker_app", settings.workers
    try:
        uvicorn.run(app, factory=True, workers=workers, host=host, port=port, access_log=False)
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    """Run the catalog service; settings come from FICUS_CATALOG_* variables. `serve` exits 2
    without Magento's crypt key (FICUS_CATALOG_MAGENTO_CRYPT_KEY)."""
    parser = argparse.ArgumentParser(prog="python -m ficus_catalog")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API and run the event consumer")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=None, help="processes (default: cores)")
    migrate = commands.add_parser("migrate", help="upgrade the catalog database to head")
    migrate.add_argument("--url", default=None, help="database URL (default: settings)")
    dlq = commands.add_parser("dlq", help="list or replay the catalog's dead letters")
    dlq_commands = dlq.add_subparsers(dest="dlq_command", required=True)
    dlq_commands.add_parser("list", help="print the dead letters as JSON lines")
    replay_parser = dlq_commands.add_parser("replay", help="re-apply dead letters after a fix")
    replay_parser.add_argument("--id", type=int, action="append", help="only this id (repeat)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = CatalogSettings()
    if args.command == "migrate":
        run_migrations(args.url or settings.db_url, settings.migrations_dir)
        return
    if args.command == "dlq":
        raise SystemExit(_dlq(settings, args.dlq_command, args.id if "id" in args else None))
    given = (("host", args.host), ("port", args.port), ("workers", args.workers))
    settings = settings.model_copy(update={k: v for k, v in given if v is not None})
    try:
        _serve(settings)
    except MissingSetting as exc:
        print(f"ficus_catalog: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
