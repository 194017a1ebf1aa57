"""HTTP load for the benches: h2load runs (closed loop, and open loop at a fixed rate with a
per-request log), an asyncio open loop for writes (any method, per-request headers and bodies),
the CPU a process tree spent (utime+stime from /proc), free ports, and the command-line tools a
bench needs (installed with apt-get when run as root, else named)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
LAST_CPU = str((os.cpu_count() or 2) - 1)
# executable -> the Debian package that ships it
TOOLS = {"h2load": "nghttp2-client", "wrk": "wrk", "nginx": "nginx", "taskset": "util-linux"}


def require_tools(*names: str) -> None:
    """Install the missing tools with apt-get when root, else exit naming what is missing."""
    missing = [name for name in names if shutil.which(name) is None]
    if not missing:
        return
    packages = sorted({TOOLS[name] for name in missing})
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {' '.join(packages)} (apt-get) for {' '.join(missing)}…", flush=True)
        env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages]
        for argv in (["apt-get", "update", "-qq"], install):
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=False)
        missing = [name for name in names if shutil.which(name) is None]
        if not missing:
            return
    raise SystemExit(
        f"missing {', '.join(missing)}: run `sudo apt-get install -y {' '.join(packages)}`"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - loopback
                response.read()
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def descendants(pid: int) -> list[int]:
    out = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for child in children:
        out += descendants(int(child))
    return out


def _ticks(pid: int, reaped_children: bool) -> int:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0  # gone since
    fields = raw[raw.rindex(")") + 2 :].split()  # from field 3 (state): utime is field 14
    return sum(int(value) for value in fields[11 : 15 if reaped_children else 13])


def cpu_seconds(pids: Sequence[int]) -> float:
    """utime+stime of `pids`."""
    return sum(_ticks(pid, False) for pid in pids) / TICKS


def tree_cpu_seconds(roots: Sequence[int | None]) -> float:
    """utime+stime of the process trees under `roots` as they are now, plus what their exited
    (reaped) children spent: a server forking short-lived backends is counted whole."""
    pids = [pid for root in roots if root is not None for pid in descendants(root)]
    return sum(_ticks(pid, True) for pid in pids) / TICKS


@dataclass(frozen=True)
class Latency:
    """An open-loop run: quantiles in ms (after dropping the first 10 % as warm-up), non-200
    answers, and the rate the server actually answered at."""

    p50_ms: float
    p99_ms: float
    errors: int
    achieved: float


@dataclass(frozen=True)
class Closed:
    """A closed-loop (saturation) run: completed requests, their rate, non-2xx or failed."""

    done: int
    rps: float
    errors: int


def _h2load(
    urls: Sequence[str], headers: Mapping[str, str], tmp: Path, cpu: str | None
) -> list[str]:
    uri_file = tmp / "uris.txt"
    uri_file.write_text("\n".join(urls) + "\n")
    argv = ["taskset", "-c", cpu] if cpu is not None else []
    argv += ["h2load", "--h1", "-i", str(uri_file)]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    return argv


def fixed_rate(
    urls: Sequence[str],
    rate: int,
    seconds: int,
    tmp: Path,
    headers: Mapping[str, str] | None = None,
    clients: int = 10,
    cpu: str | None = LAST_CPU,
) -> Latency:
    """`rate` requests/s for `seconds` (h2load --rps, `clients` connections), `urls` in turn."""
    log = tmp / "h2load.log"
    log.unlink(missing_ok=True)  # h2load appends to an existing log
    argv = _h2load(urls, headers or {}, tmp, cpu)
    argv += ["-c", str(clients), "--rps", str(max(1, rate // clients)), "-D", str(seconds)]
    subprocess.run([*argv, f"--log-file={log}"], capture_output=True, text=True, check=True)
    rows = [line.split("\t") for line in log.read_text().splitlines() if line]
    if len(rows) < 2:
        return Latency(float("nan"), float("nan"), len(rows), len(rows) / seconds)
    latencies = sorted(int(r[2]) / 1000 for r in rows[len(rows) // 10 :])  # drop warm-up
    errors = sum(1 for r in rows if r[1] != "200")
    quantiles = statistics.quantiles(latencies, n=100)
    return Latency(quantiles[49], quantiles[98], errors, len(rows) / seconds)


def closed_loop(
    urls: Sequence[str],
    seconds: int,
    tmp: Path,
    headers: Mapping[str, str] | None = None,
    clients: int = 4,
    cpu: str | None = LAST_CPU,
) -> Closed:
    """As many requests as `clients` connections get answered in `seconds` (h2load -D)."""
    argv = _h2load(urls, headers or {}, tmp, cpu) + ["-c", str(clients), "-D", str(seconds)]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    rate = re.search(r"finished in [\d.]+m?s, ([\d.]+) req/s", out)
    found = re.search(r"requests: \d+ total, \d+ started, (\d+) done", out)
    status = re.search(r"status codes: (\d+) 2xx", out)
    if rate is None or found is None or status is None:
        raise SystemExit(f"h2load printed no request counts:\n{out}")
    done = int(found.group(1))
    return Closed(done, float(rate.group(1)), done - int(status.group(1)))


@dataclass(frozen=True)
class Answer:
    """One request of an open-loop run: when it was due and when its answer ended (wall clock,
    seconds), and its status (0: no answer: refused, reset or timed out)."""

    due: float
    done: float
    status: int

    @property
    def ms(self) -> float:
        return (self.done - self.due) * 1000


def http_request(
    method: str, address: tuple[str, int], path: str, headers: Mapping[str, str], body: bytes
) -> bytes:
    """An HTTP/1.1 request's bytes (keep-alive), for `open_loop`."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {address[0]}:{address[1]}"]
    lines += [f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def open_loop(
    address: tuple[str, int], requests: Sequence[bytes], rate: float, timeout: float = 30
) -> list[Answer]:
    """Each of `requests` (raw HTTP/1.1, see `http_request`; any method, its own headers and
    body) sent at its due time, `rate` per second, whether or not earlier ones were answered
    (open loop: latency counts from the due time, so a server that falls behind shows it), on
    an idle keep-alive connection or a new one."""
    return asyncio.run(_open_loop(address, requests, rate, timeout))


async def _open_loop(
    address: tuple[str, int], requests: Sequence[bytes], rate: float, timeout: float
) -> list[Answer]:
    loop, wall = asyncio.get_running_loop(), time.time()
    start, idle, tasks = loop.time(), _Idle(), []
    for n, request in enumerate(requests):
        delay = start + n / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        one = _send(address, idle, request, wall + n / rate, timeout)
        tasks.append(asyncio.create_task(one))
    answers = await asyncio.gather(*tasks)
    idle.close()
    return answers


Conn = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class _Idle(list[Conn]):
    def close(self) -> None:
        for _, writer in self:
            writer.close()


async def _send(
    address: tuple[str, int], idle: _Idle, request: bytes, due: float, timeout: float
) -> Answer:
    conn = None
    try:
        conn = idle.pop() if idle else await asyncio.open_connection(*address)
        conn[1].write(request)
        status, close = await asyncio.wait_for(_response(conn[0]), timeout)
        if close:
            conn[1].close()
        else:
            idle.append(conn)
        return Answer(due, time.time(), status)
    except (OSError, ValueError, TimeoutError, asyncio.IncompleteReadError):
        if conn is not None:
            conn[1].close()
        return Answer(due, time.time(), 0)


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Status and whether the server closes; the body read (Content-Length or chunked)."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("closed before answering")
    status, length, chunked, close = int(status_line.split()[1]), 0, False, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        chunked |= name == "transfer-encoding" and "chunked" in value
        close |= name == "connection" and value == "close"
    if not chunked:
        await reader.readexactly(length)
        return status, close
    while size := int((await reader.readline()).split(b";")[0], 16):
        await reader.readexactly(size + 2)
    while await reader.readline() not in (b"\r\n", b""):
        pass  # trailers
    return status, close


def open_loop_latency(answers: Sequence[Answer], seconds: float) -> Latency:
    """Quantiles of the 2xx answers (the first 10 % by due time dropped as warm-up), the
    answers that were not 2xx, and the rate of 2xx answers that ended within the run's
    `seconds` (answers still owed when the load stopped do not count, as with h2load -D)."""
    ok = sorted((a for a in answers if 200 <= a.status < 300), key=lambda a: a.due)
    errors = len(answers) - len(ok)
    end = min((a.due for a in answers), default=0.0) + seconds
    got = sum(1 for a in ok if a.done <= end) / seconds
    kept = sorted(a.ms for a in ok[len(ok) // 10 :])
    if len(kept) < 2:
        return Latency(float("nan"), float("nan"), errors, got)
    quantiles = statistics.quantiles(kept, n=100)
    return Latency(quantiles[49], quantiles[98], errors, got)
