"""`python -m ficus_nginx render|run`: the nginx plane's command line.

    render [--state FILE] [--check]   write nginx.conf and ficus.lua under FICUS_NGINX_PREFIX for
                                      the state in FILE (JSON list of cutover rows; none: all
                                      legacy); --check runs `nginx -t` on them
    run                               start nginx and follow the control database's cutover
                                      state (LISTEN ficus_cutover), reloading nginx gracefully;
                                      read nginx's access log and report trips and budget
                                      breaches to control as the Python proxy does

Exit codes: 0 ok, 1 a NginxPlaneError (bad route table, nginx refused the configuration).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from pathlib import Path

import yaml

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_contracts.routes import RouteRow
from ficus_nginx.agent import Agent
from ficus_nginx.core.accesslog import ACCESS_LOG
from ficus_nginx.core.render import render
from ficus_nginx.core.routes import parse_routes
from ficus_nginx.core.watch import Watch
from ficus_nginx.errors import NginxPlaneError, RouteTableError
from ficus_nginx.logtail import LogTail
from ficus_nginx.nginx import NginxProcess, check, write_files
from ficus_nginx.reporting import ControlReporter
from ficus_nginx.settings import AgentSettings, from_env
from ficus_nginx.watcher import Watcher


def load_routes(path: Path) -> list[RouteRow]:
    """The route table file (proxy/routes.yaml format)."""
    try:
        return parse_routes(yaml.safe_load(path.read_text()))
    except (OSError, yaml.YAMLError) as exc:
        raise RouteTableError(f"cannot read route table {path}: {exc}") from exc


def _state_file(path: Path | None) -> dict[str, DomainCutover]:
    rows = json.loads(path.read_text()) if path else []
    return {
        row["domain"]: DomainCutover(
            domain=row["domain"],
            reads=Lane(Stage(row.get("reads_stage", "legacy")), row.get("reads_percent", 0)),
            writes=Lane(Stage(row.get("writes_stage", "legacy")), row.get("writes_percent", 0)),
            reads_fail_open_tripped=row.get("reads_fail_open_tripped", False),
            writes_draining=row.get("writes_draining", False),
            version=row.get("version", 0),
        )
        for row in rows
    }


def _render(settings: AgentSettings, state_file: Path | None, run_check: bool) -> None:
    conf = render(settings.plane, load_routes(settings.routes_file), _state_file(state_file))
    path = write_files(Path(settings.plane.prefix), conf)
    if run_check:
        check(Path(settings.plane.prefix))
    print(path)  # noqa: T201


async def _run(settings: AgentSettings) -> None:
    prefix = Path(settings.plane.prefix)
    nginx = NginxProcess(prefix)
    agent = Agent(settings, load_routes(settings.routes_file), nginx)
    reporter = ControlReporter(settings.control_api_url, settings.token)
    watcher = Watcher(agent, Watch(settings.guard), reporter, LogTail(prefix / ACCESS_LOG))
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):  # stop nginx too, never orphan it
        loop.add_signal_handler(signum, task.cancel)
    try:
        await asyncio.gather(agent.run(), watcher.run(), reporter.run())
    except asyncio.CancelledError:
        pass
    finally:
        nginx.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ficus_nginx",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    render_cmd = commands.add_parser("render", help="write nginx.conf for a state")
    render_cmd.add_argument("--state", type=Path, default=None)
    render_cmd.add_argument("--check", action="store_true")
    commands.add_parser("run", help="start nginx and follow the cutover state")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        settings = from_env()  # e.g. no Magento crypt key: refused with the reason
        if args.command == "render":
            _render(settings, args.state, args.check)
        else:
            asyncio.run(_run(settings))
    except NginxPlaneError as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
