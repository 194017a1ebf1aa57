"""The engine port: what the stack manager needs from each engine or service it runs."""

from __future__ import annotations

import shutil
import socket
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from ficus_devstack.errors import EngineNotReady, MissingBinary, PortInUse
from ficus_devstack.process import ManagedProcess, ProcessState, wait_until

PORT_GRACE = 10.0  # seconds a killed process may hold its sockets


@dataclass(frozen=True)
class Health:
    ok: bool
    detail: str
    facts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EngineStatus:
    name: str
    state: ProcessState
    pid: int | None
    health: Health | None
    address: str
    log: Path


def find_binary(candidates: list[str], package: str, search_dirs: list[Path] | None = None) -> str:
    """Locate an executable on PATH or in `search_dirs`, else raise MissingBinary."""
    for name in candidates:
        found = shutil.which(name)
        if found:
            return found
        for directory in search_dirs or []:
            path = directory / name
            if path.is_file():
                return str(path)
    raise MissingBinary(candidates[0], package)


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class Engine(ABC):
    """One process of the stack: prepared once, started, health-checked, stopped."""

    name: str
    port_setting: str

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout

    @property
    @abstractmethod
    def process(self) -> ManagedProcess: ...

    @abstractmethod
    def prepare(self) -> None:
        """Create the data directory and configuration if missing (idempotent)."""

    @abstractmethod
    def health(self) -> Health:
        """Ask the running engine whether it serves (never raises)."""

    def after_start(self) -> None:  # noqa: B027 - optional hook
        """Idempotent set-up once healthy (users, databases)."""

    def wipe(self) -> None:  # noqa: B027 - optional hook
        """Delete the engine's data (the engine is stopped)."""

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def ports(self) -> tuple[int, ...]:
        """Every port the engine binds."""
        return (self.port,)

    def check_port(self) -> None:
        """Every port must be free. A process killed -9 can keep its listening sockets for a
        moment after it is gone (its last threads still closing): when that may be the case,
        wait up to `PORT_GRACE` seconds for them before calling the port taken."""
        if self.may_hold_ports():
            ports = self.ports
            wait_until(lambda: all(port_is_free(self.host, p) for p in ports), PORT_GRACE, 0.1)
        for port in self.ports:
            if not port_is_free(self.host, port):
                raise PortInUse(self.name, self.host, port, self.port_setting)

    def may_hold_ports(self) -> bool:
        """True after a crash (pid file left behind, process gone)."""
        return self.process.state() is ProcessState.CRASHED

    def start(self) -> bool:
        """Start if not running; returns False if it was already running."""
        if self.process.state() is ProcessState.RUNNING:
            return False
        self.prepare()
        self.check_port()
        self.process.start()
        self.wait_healthy()
        self.after_start()
        return True

    def wait_healthy(self) -> None:
        last: list[Health] = []

        def healthy() -> bool:
            if self.process.exited():
                return True
            last[:] = [self.health()]
            return last[0].ok

        wait_until(healthy, self.timeout, interval=0.1)
        if self.process.exited():
            self.process.stop()
            raise EngineNotReady(self.name, 0, self.process.spec.logfile, "the process exited")
        if not last or not last[0].ok:
            detail = last[0].detail if last else "no answer"
            self.process.stop()
            raise EngineNotReady(self.name, self.timeout, self.process.spec.logfile, detail)

    def stop(self) -> bool:
        return self.process.stop()

    def status(self) -> EngineStatus:
        state = self.process.state()
        health = self.health() if state is ProcessState.RUNNING else None
        return EngineStatus(
            name=self.name,
            state=state,
            pid=self.process.pid(),
            health=health,
            address=self.address,
            log=self.process.spec.logfile,
        )
