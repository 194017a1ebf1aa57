"""Command line of the customer service: `serve` (API + consumer), `migrate`, and
`dlq list|replay` for the dead letters."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys

import uvicorn

from ficus_customer import migration
from ficus_customer.api import create_app
from ficus_customer.bootstrap import feed_applier
from ficus_customer.core.hlc import HybridClock
from ficus_customer.errors import MissingSetting
from ficus_customer.settings import CustomerSettings
from ficus_feed.replay import DeadLetters


def _dlq(settings: CustomerSettings, command: str, ids: list[int] | None) -> int:
    """`dlq list` prints one JSON object per dead letter; `dlq replay` exits 1 if any failed."""
    applier = feed_applier(settings.database_url, settings.consumer_name, HybridClock())
    letters = DeadLetters(applier)
    if command == "list":
        for letter in letters.letters(limit=10_000):
            print(json.dumps(letter, default=str))
        return 0
    results = letters.replay(ids)
    for result in results:
        print(json.dumps(dataclasses.asdict(result)))
    return 1 if any(r.outcome == "failed" for r in results) else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ficus_customer")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API and run the event consumer")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    migrate = commands.add_parser("migrate", help="upgrade the customer database to head")
    migrate.add_argument("--url", default=None, help="database URL (default: settings)")
    dlq = commands.add_parser("dlq", help="list or replay the customer service's dead letters")
    dlq_commands = dlq.add_subparsers(dest="dlq_command", required=True)
    dlq_commands.add_parser("list", help="print the dead letters as JSON lines")
    replay_parser = dlq_commands.add_parser("replay", help="re-apply dead letters after a fix")
    replay_parser.add_argument("--id", type=int, action="append", help="only this id (repeat)")
    return parser


def main(argv: list[str] | None = None) -> None:
    """Run the customer service; settings come from FICUS_CUSTOMER_* variables."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = CustomerSettings()
    if args.command == "migrate":
        migration.upgrade(args.url or settings.database_url, settings.migrations_dir)
        return
    if args.command == "dlq":
        raise SystemExit(_dlq(settings, args.dlq_command, args.id if "id" in args else None))
    given = (("host", args.host), ("port", args.port))
    settings = settings.model_copy(update={k: v for k, v in given if v is not None})
    try:
        app = create_app(settings)
    except MissingSetting as exc:
        print(f"ficus_customer: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    uvicorn.run(app, host=settings.host, port=settings.port, access_log=False)
