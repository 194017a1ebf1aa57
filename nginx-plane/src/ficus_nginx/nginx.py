"""The nginx process (an adapter): its files under the plane's prefix, `nginx -t`, start,
graceful reload (SIGHUP: new workers take the new configuration, old ones finish what they
have in flight), stop."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from importlib.resources import files
from pathlib import Path

from ficus_nginx.core.render import LUA_FILE
from ficus_nginx.errors import NginxError

CONF_FILE = "nginx.conf"


def nginx_binary() -> str:
    """Debian's nginx (`/usr/sbin` is not always on PATH)."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        raise NginxError("nginx is not installed (scripts/bootstrap.sh installs it)")
    return found


def write_files(prefix: Path, conf: str) -> Path:
    """Write nginx.conf (atomically: a reload never reads half a file) and ficus.lua."""
    for sub in ("tmp", "logs"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    lua = files("ficus_nginx").joinpath(LUA_FILE).read_text()
    _replace(prefix / LUA_FILE, lua)
    path = prefix / CONF_FILE
    _replace(path, conf)
    return path


def _replace(path: Path, text: str) -> None:
    if path.exists() and path.read_text() == text:
        return
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def check(prefix: Path) -> None:
    """`nginx -t` on the written configuration; NginxError with nginx's words if refused."""
    result = _run(prefix, "-t")
    if result.returncode != 0:
        raise NginxError(f"nginx -t refused {prefix / CONF_FILE}: {result.stderr.strip()}")


def _run(prefix: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [nginx_binary(), "-p", str(prefix), "-c", str(prefix / CONF_FILE), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


def send_plans(host: str, port: int, version: int, plans: dict[str, str]) -> None:
    """Replace the running nginx's plans through its admin listener (no reload)."""
    _put(f"http://{host}:{port}/_ficus/plans", {"version": version, "plans": plans})


def send_breaker(host: str, port: int, command: dict[str, object]) -> None:
    """Set one new backend's breaker in the running nginx (`ficus.lua` `breakers`)."""
    _put(f"http://{host}:{port}/_ficus/breakers", command)


def _put(url: str, document: dict[str, object]) -> None:
    body = json.dumps(document).encode()
    request = urllib.request.Request(url, data=body, method="PUT")  # noqa: S310 - loopback admin
    try:
        with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
            if response.status != 204:
                raise NginxError(f"PUT {url} answered {response.status}")
    except (urllib.error.URLError, OSError) as exc:
        raise NginxError(f"PUT {url} failed: {exc}") from exc


class NginxProcess:
    """One nginx master in the foreground (`daemon off`), a child of this process."""

    def __init__(self, prefix: Path) -> None:
        self.prefix = prefix
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [nginx_binary(), "-p", str(self.prefix), "-c", str(self.prefix / CONF_FILE),
                   "-g", "daemon off;"]  # fmt: skip
        log = (self.prefix / "logs" / "master.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=log)
        self._wait_ready(self.process)

    def _wait_ready(self, process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
        """Until nginx has written its pid file: its signal handlers are set by then (a SIGHUP
        before that would kill it: a reload right after the start)."""
        pidfile = self.prefix / "nginx.pid"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise NginxError(f"nginx exited ({process.returncode}); see {self.prefix}/logs")
            with contextlib.suppress(OSError):
                if pidfile.read_text().strip() == str(process.pid):
                    return
            time.sleep(0.01)
        raise NginxError(f"nginx did not start within {timeout} s")

    def reload(self) -> None:
        """Graceful reload. nginx keeps the old configuration if it refuses the new one."""
        if self.process is None or self.process.poll() is not None:
            raise NginxError("nginx is not running")
        os.kill(self.process.pid, signal.SIGHUP)

    def workers(self) -> set[int]:
        """The pids of the master's children (its workers, old and new, during a reload)."""
        if self.process is None:
            return set()
        master = str(self.process.pid)
        children = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # exited meanwhile
            if fields[1] == master:
                children.add(int(stat.parent.name))
        return children

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: in-flight requests finish
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
