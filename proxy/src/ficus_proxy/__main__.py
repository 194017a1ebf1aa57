"""`python -m ficus_proxy serve [--host H] [--port P] [--admin-port A] [--workers N]`.

With N > 1 the parent starts N worker processes that each bind the port with SO_REUSEPORT (the
kernel spreads connections evenly) and forwards SIGTERM/SIGINT to them. Everything else is set
with FICUS_PROXY_* environment variables (see settings.py)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
from typing import Any

import uvloop

from ficus_proxy.bootstrap import serve
from ficus_proxy.errors import ConfigError
from ficus_proxy.settings import ProxySettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ficus_proxy", description="Ficus routing proxy")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve the data plane")
    run.add_argument("--host")
    run.add_argument("--port", type=int, help="the shopper port")
    run.add_argument("--admin-port", type=int, help="the admin listener's port (loopback)")
    run.add_argument("--workers", type=int)
    return parser


def _supervise(settings: ProxySettings) -> int:
    argv = [sys.executable, "-m", "ficus_proxy", "serve", "--workers", "1"]
    env = os.environ | {
        "FICUS_PROXY_HOST": settings.host,
        "FICUS_PROXY_PORT": str(settings.port),
        "FICUS_PROXY_ADMIN_HOST": settings.admin_host,
        "FICUS_PROXY_ADMIN_PORT": str(settings.admin_port),
    }
    children = [subprocess.Popen(argv, env=env) for _ in range(settings.workers)]

    def forward(signum: int, _frame: Any) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    codes = [child.wait() for child in children]
    return max(codes, default=0)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(message)s")
    overrides = {k: v for k, v in vars(args).items() if k != "command" and v is not None}
    settings = ProxySettings(**overrides)
    if settings.workers > 1:
        return _supervise(settings)
    try:
        uvloop.run(serve(settings))
    except ConfigError as exc:
        print(f"ficus-proxy: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    except OSError as exc:  # e.g. the port is taken
        where = (
            f"{settings.host}:{settings.port} / admin {settings.admin_host}:{settings.admin_port}"
        )
        print(f"ficus-proxy: cannot listen on {where}: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
