"""The stack manager: brings the local stack up in order, down in reverse, and reports on it."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ficus_devstack.engine import Engine, EngineStatus
from ficus_devstack.mariadb import MariaDb
from ficus_devstack.osuser import ensure_os_user
from ficus_devstack.postgres import Postgres
from ficus_devstack.settings import StackSettings


@dataclass(frozen=True)
class StartResult:
    name: str
    started: bool  # False: it was already running


class Stack:
    """An ordered set of engines and services."""

    def __init__(self, settings: StackSettings, components: Sequence[Engine]) -> None:
        self.settings = settings
        self.components = list(components)

    def __getitem__(self, name: str) -> Engine:
        for component in self.components:
            if component.name == name:
                return component
        raise KeyError(name)

    @property
    def mariadb(self) -> MariaDb:
        engine = self["mariadb"]
        assert isinstance(engine, MariaDb)
        return engine

    @property
    def postgres(self) -> Postgres:
        engine = self["postgres"]
        assert isinstance(engine, Postgres)
        return engine

    def up(self, on_start: Callable[[str], None] | None = None) -> list[StartResult]:
        """Start every component not already running. If one fails, stop those this call
        started, so nothing is left half-started, and re-raise."""
        results: list[StartResult] = []
        started_now: list[Engine] = []
        try:
            for component in self.components:
                if on_start is not None:
                    on_start(component.name)
                started = component.start()
                if started:
                    started_now.append(component)
                results.append(StartResult(component.name, started))
        except BaseException:
            for component in reversed(started_now):
                component.stop()
            raise
        return results

    def down(self) -> list[StartResult]:
        return [StartResult(c.name, c.stop()) for c in reversed(self.components)]

    def running(self) -> bool:
        """True if any component of this stack is running."""
        return any(c.process.pid() is not None for c in self.components)

    def status(self) -> list[EngineStatus]:
        return [component.status() for component in self.components]

    def reset(self) -> None:
        """Stop everything and delete all data under the stack's home."""
        self.down()
        for component in self.components:
            component.wipe()
        shutil.rmtree(self.settings.home, ignore_errors=True)


def build_stack(settings: StackSettings) -> Stack:
    """The engines only (MariaDB, Postgres): what the test suite's session fixture runs."""
    user = ensure_os_user(settings.os_user)
    engines: list[Engine] = [MariaDb(settings, user), Postgres(settings, user)]
    return Stack(settings, engines)
