"""A process the stack started: pid file with the process's start time, so that `down` stops
exactly what `up` started (a recycled pid is never signalled)."""

from __future__ import annotations

import contextlib
import enum
import errno
import os
import pwd
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


class ProcessState(enum.Enum):
    RUNNING = "running"
    STOPPED = "stopped"
    CRASHED = "crashed"


@dataclass(frozen=True)
class OsUser:
    """The OS account a process runs as (`None` fields mean: as the calling user)."""

    name: str | None
    uid: int | None = None
    gid: int | None = None

    @classmethod
    def current(cls) -> OsUser:
        return cls(name=None)

    @classmethod
    def lookup(cls, name: str) -> OsUser:
        entry = pwd.getpwnam(name)
        return cls(name=name, uid=entry.pw_uid, gid=entry.pw_gid)

    def chown(self, path: Path) -> None:
        if self.uid is not None and self.gid is not None:
            os.chown(path, self.uid, self.gid)


def _proc_start_ticks(pid: int) -> int | None:
    """Start time of `pid` in clock ticks since boot, or None if it is gone or a zombie."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    if fields[0] == "Z":
        _reap(pid)
        return None
    return int(fields[19])


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: Sequence[str]
    pidfile: Path
    logfile: Path
    user: OsUser = field(default_factory=OsUser.current)
    env: Mapping[str, str] | None = None
    cwd: Path | None = None
    stop_signal: int = signal.SIGTERM
    stop_timeout: float = 30.0


class ManagedProcess:
    """Start, observe and stop one long-running process described by a `ProcessSpec`."""

    def __init__(self, spec: ProcessSpec) -> None:
        self.spec = spec

    def pid(self) -> int | None:
        """The pid of the running process, or None."""
        recorded = self._read_pidfile()
        if recorded is None:
            return None
        pid, ticks = recorded
        return pid if _proc_start_ticks(pid) == ticks else None

    def state(self) -> ProcessState:
        if self.pid() is not None:
            return ProcessState.RUNNING
        return ProcessState.CRASHED if self.spec.pidfile.exists() else ProcessState.STOPPED

    def start(self) -> int:
        spec = self.spec
        spec.logfile.parent.mkdir(parents=True, exist_ok=True)
        spec.pidfile.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ if spec.env is None else spec.env)
        with spec.logfile.open("ab") as log:
            proc = subprocess.Popen(
                list(spec.argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=spec.cwd,
                env=env,
                user=spec.user.uid,
                group=spec.user.gid,
                extra_groups=[] if spec.user.uid is not None else None,
            )
        ticks = _proc_start_ticks(proc.pid)
        spec.pidfile.write_text(f"{proc.pid} {ticks}\n")
        return proc.pid

    def exited(self) -> bool:
        """True once a started process is no longer alive."""
        return self.pid() is None

    def stop(self, timeout: float | None = None) -> bool:
        """Stop the process (signal, wait, then SIGKILL). Returns True if one was running."""
        pid = self.pid()
        if pid is None:
            self.spec.pidfile.unlink(missing_ok=True)
            return False
        self._signal(pid, self.spec.stop_signal)
        deadline = time.monotonic() + (timeout or self.spec.stop_timeout)
        while time.monotonic() < deadline and self.pid() is not None:
            time.sleep(0.05)
        if self.pid() is not None:
            self._signal(pid, signal.SIGKILL)
            wait_until(lambda: self.pid() is None, 10.0)
        self.spec.pidfile.unlink(missing_ok=True)
        return True

    def kill(self) -> None:
        """SIGKILL, as a crash would (used by tests of crash recovery)."""
        pid = self.pid()
        if pid is not None:
            self._signal(pid, signal.SIGKILL)
            wait_until(lambda: _proc_start_ticks(pid) is None, 10.0)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.spec.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    @staticmethod
    def _signal(pid: int, sig: int) -> None:
        try:
            os.kill(pid, sig)
        except OSError as exc:
            if exc.errno != errno.ESRCH:
                raise

    def _read_pidfile(self) -> tuple[int, int] | None:
        try:
            pid_text, ticks_text = self.spec.pidfile.read_text().split()
            return int(pid_text), int(ticks_text)
        except (OSError, ValueError):
            return None


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
