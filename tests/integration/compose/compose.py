"""docker-compose.yml's Ficus services as local processes: the file interpolated with a test
environment, every `host:port` of a compose service rewritten to a local address, each
service's exact `command` (the interpreter, listen address and port aside) with its
`environment`, and its healthcheck URL."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = ROOT / "docker-compose.yml"
_VARIABLE = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")
_HEALTH_URL = re.compile(r"http://localhost:(\d+)(/[\w/.-]*)")


def interpolate(text: str, variables: Mapping[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}` (unset or empty alike)."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match.groups()
        value = variables.get(name, "")
        if op == "?" and not value:
            raise KeyError(f"{name} is required: {arg}")
        return value or (arg if op == "-" else "")

    return _VARIABLE.sub(one, text)


def load(variables: Mapping[str, str]) -> dict[str, Any]:
    """The compose file's services, interpolated."""
    data = yaml.safe_load(interpolate(COMPOSE.read_text(), variables))
    services: dict[str, Any] = data["services"]
    return services


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Rewrite:
    """Compose addresses → local ones: `service:port` → `127.0.0.1:port`, a service name as the
    value of a `…_HOST` variable → 127.0.0.1, and database names → the test's own databases."""

    addresses: Mapping[str, int]  # "postgres:5432" → local port
    hosts: frozenset[str]
    databases: Mapping[str, str]

    def value(self, key: str, text: str) -> str:
        for address, port in self.addresses.items():
            text = text.replace(address, f"127.0.0.1:{port}")
        if key.endswith("_HOST") and text in self.hosts:
            return "127.0.0.1"
        for name, local in self.databases.items():
            text = re.sub(rf"/{name}(?=$|\?)", f"/{local}", text)
        return text


@dataclass(frozen=True)
class Process:
    """One compose service run locally."""

    name: str
    argv: list[str]
    env: dict[str, str]
    health_url: str | None  # None: a one-shot that must exit 0


def container_port(command: list[str]) -> int | None:
    return int(command[command.index("--port") + 1]) if "--port" in command else None


def local_argv(command: list[str], port: int | None) -> list[str]:
    """The command with the image's `python` → this interpreter, 0.0.0.0 → 127.0.0.1 and the
    container port → the local one; every other argument as written."""
    argv = [sys.executable if command[0] == "python" else command[0], *command[1:]]
    argv = ["127.0.0.1" if a == "0.0.0.0" else a for a in argv]  # noqa: S104 - rewritten
    if port is not None:
        argv[argv.index("--port") + 1] = str(port)
    return argv


def health_url(
    name: str, service: dict[str, Any], port: int | None, rewrite: Rewrite
) -> str | None:
    """The healthcheck's URL, locally: on the service's port, or on another port of the
    service's (an admin listener, `<NAME>_ADMIN_PORT`) rewritten like it."""
    test = " ".join(str(t) for t in service.get("healthcheck", {}).get("test", []))
    found = _HEALTH_URL.search(test)
    if found is None or port is None:
        return None
    local = rewrite.addresses.get(f"{name}:{found.group(1)}", port)
    return f"http://127.0.0.1:{local}{found.group(2)}"


def process(name: str, service: dict[str, Any], rewrite: Rewrite) -> Process:
    port = rewrite.addresses.get(f"{name}:{container_port(service['command'])}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FICUS_")}
    env.update({k: rewrite.value(k, str(v)) for k, v in service.get("environment", {}).items()})
    for key, value in service.get("environment", {}).items():
        if key.endswith("_ADMIN_PORT") and f"{name}:{value}" in rewrite.addresses:
            env[key] = str(rewrite.addresses[f"{name}:{value}"])  # a second listener
    argv = local_argv(service["command"], port)
    return Process(name, argv, env, health_url(name, service, port, rewrite))


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local URL
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start_order(services: dict[str, Any], names: set[str]) -> list[str]:
    """`names` in dependency order (depends_on), ties in file order."""
    order: list[str] = []
    pending = [n for n in services if n in names]
    while pending:
        ready = next(
            n
            for n in pending
            if all(d in order or d not in names for d in services[n].get("depends_on", {}))
        )
        order.append(ready)
        pending.remove(ready)
    return order


def run_one_shot(proc: Process, log: Path) -> subprocess.CompletedProcess[bytes]:
    with log.open("wb") as out:
        return subprocess.run(
            proc.argv, env=proc.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, timeout=120
        )
