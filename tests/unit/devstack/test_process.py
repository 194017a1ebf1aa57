"""The managed-process layer: pid files guard against recycled pids; missing binaries name the
apt-get command."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ficus_devstack.engine import find_binary, port_is_free
from ficus_devstack.errors import MissingBinary, PortInUse
from ficus_devstack.process import ManagedProcess, ProcessSpec, ProcessState


def _spec(tmp_path: Path, *argv: str) -> ProcessSpec:
    return ProcessSpec(
        name="sleeper",
        argv=list(argv) or [sys.executable, "-c", "import time; time.sleep(60)"],
        pidfile=tmp_path / "run" / "sleeper.pid",
        logfile=tmp_path / "logs" / "sleeper.log",
        stop_timeout=5,
    )


def test_start_stop_and_states(tmp_path: Path) -> None:
    proc = ManagedProcess(_spec(tmp_path))
    assert proc.state() is ProcessState.STOPPED
    pid = proc.start()
    assert proc.pid() == pid
    assert proc.state() is ProcessState.RUNNING
    assert proc.stop() is True
    assert proc.state() is ProcessState.STOPPED
    assert proc.stop() is False


def test_killed_process_is_reported_crashed(tmp_path: Path) -> None:
    proc = ManagedProcess(_spec(tmp_path))
    proc.start()
    proc.kill()
    assert proc.state() is ProcessState.CRASHED
    assert proc.stop() is False  # nothing to stop; the stale pid file is cleared
    assert proc.state() is ProcessState.STOPPED


def test_a_recycled_pid_is_never_taken_for_ours(tmp_path: Path) -> None:
    proc = ManagedProcess(_spec(tmp_path))
    spec = proc.spec
    spec.pidfile.parent.mkdir(parents=True)
    # Our own pid is alive but started at another time than the pid file says.
    import os

    spec.pidfile.write_text(f"{os.getpid()} 1\n")
    assert proc.pid() is None
    assert proc.state() is ProcessState.CRASHED
    assert proc.stop() is False  # and it must not have signalled us


def test_missing_binary_names_the_apt_get_command() -> None:
    with pytest.raises(MissingBinary) as info:
        find_binary(["no-such-mariadbd-binary"], "mariadb-server", [Path("/nonexistent")])
    assert "apt-get install -y mariadb-server" in str(info.value)


def test_port_in_use_message_names_port_and_setting() -> None:
    message = str(PortInUse("mariadb", "127.0.0.1", 13306, "FICUS_MARIADB_PORT"))
    assert "13306" in message and "FICUS_MARIADB_PORT=" in message


def test_port_is_free_detects_a_listener() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert not port_is_free("127.0.0.1", port)
