"""A Ficus Python service of the local stack (stand-in, sync, catalog, proxy…), health-checked
over HTTP."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence

from ficus_control.stack.engine import Engine, Health
from ficus_control.stack.process import ManagedProcess, ProcessSpec
from ficus_control.stack.settings import StackSettings


class Service(Engine):
    """`python -m <module> …` with an HTTP health endpoint."""

    def __init__(
        self,
        settings: StackSettings,
        name: str,
        module_args: Sequence[str],
        port: int,
        port_setting: str,
        env: Mapping[str, str] | None = None,
        health_path: str = "/healthz",
        before_start: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(settings.host, port, settings.start_timeout)
        self.name = name
        self.port_setting = port_setting
        self.health_path = health_path
        self._before_start = before_start
        import os

        full_env = {**os.environ, **(env or {})}
        self._process = ManagedProcess(
            ProcessSpec(
                name=name,
                argv=[sys.executable, "-m", *module_args],
                pidfile=settings.run_dir / f"{name}.pid",
                logfile=settings.log_dir / f"{name}.log",
                env=full_env,
                cwd=settings.home.parent,
            )
        )

    @property
    def process(self) -> ManagedProcess:
        return self._process

    def prepare(self) -> None:
        if self._before_start is not None:
            self._before_start()

    def health(self) -> Health:
        url = f"http://{self.host}:{self.port}{self.health_path}"
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - loopback URL
                return Health(resp.status == 200, f"HTTP {resp.status}")
        except (urllib.error.URLError, OSError) as exc:
            return Health(False, f"no answer: {exc}")
