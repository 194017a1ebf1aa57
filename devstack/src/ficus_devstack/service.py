"""A Ficus Python service of the local stack (stand-in, sync, catalog, proxy…), health-checked
over HTTP."""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence

from ficus_devstack.engine import Engine, Health
from ficus_devstack.process import ManagedProcess, ProcessSpec
from ficus_devstack.settings import StackSettings

EnvFactory = Callable[[], Mapping[str, str]]


class Service(Engine):
    """`python -m <module> …` with an HTTP health endpoint. Its environment is computed when it
    starts (after `before_start`, which may create tokens or run migrations)."""

    def __init__(
        self,
        settings: StackSettings,
        name: str,
        module_args: Sequence[str],
        port: int,
        port_setting: str,
        env: EnvFactory | None = None,
        health_path: str = "/healthz",
        before_start: Callable[[], None] | None = None,
        # where the health path is asked, if not `port`: a data plane's admin listener (its
        # shopper port answers nothing of its own)
        health_port: int | None = None,
    ) -> None:
        super().__init__(settings.host, port, settings.start_timeout)
        self.name = name
        self.port_setting = port_setting
        self.health_path = health_path
        self.health_port = health_port or port
        self._before_start = before_start
        self._env = env or dict
        self._spec = ProcessSpec(
            name=name,
            argv=[sys.executable, "-m", *module_args],
            pidfile=settings.run_dir / f"{name}.pid",
            logfile=settings.log_dir / f"{name}.log",
            cwd=settings.home.parent,
        )
        self._process = ManagedProcess(self._spec)

    @property
    def process(self) -> ManagedProcess:
        return self._process

    def prepare(self) -> None:
        if self._before_start is not None:
            self._before_start()
        env = {**os.environ, **self._env()}
        self._process = ManagedProcess(
            ProcessSpec(
                name=self._spec.name,
                argv=self._spec.argv,
                pidfile=self._spec.pidfile,
                logfile=self._spec.logfile,
                cwd=self._spec.cwd,
                env=env,
            )
        )

    def health(self) -> Health:
        url = f"http://{self.host}:{self.health_port}{self.health_path}"
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - loopback URL
                return Health(resp.status == 200, f"HTTP {resp.status}")
        except (urllib.error.URLError, OSError) as exc:
            return Health(False, f"no answer: {exc}")
