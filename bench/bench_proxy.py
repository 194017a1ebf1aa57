"""Proxy data-plane benchmark: Ficus proxy vs a bare aiohttp forwarder vs nginx `proxy_pass` vs
direct, in one run.

    uv run python bench/bench_proxy.py [--seconds 5] [--rate 1000] [--repeat 1]

Backend: Debian's nginx returning a 2 KB JSON body (pinned with the load generator on the last
CPU). Each proxy (Ficus: one worker; nginx: one worker, upstream keep-alive) runs pinned alone
on CPU 0, and so does a bare aiohttp forwarder (aiohttp.web low-level server + the same
ClientSession settings, no routing, metrics or header rewriting: the floor a Python forwarder
costs here). Prints, per target:
  * req/s at saturation (wrk, closed loop, 1 thread, 50 connections) and the proxy's CPU
    microseconds per request (utime+stime from /proc/<pid>/stat over the run);
  * p50 / p99 latency at a fixed rate (h2load --h1 --rps, per-request log) and the latency the
    proxy adds over going direct.
The path is a routed Magento REST read (`/rest/V1/products/24-MB01`) with no cutover state, so
the Ficus proxy runs its full routing decision and forwards to the legacy upstream.
With --repeat N every figure is the median of N rounds (targets interleaved within a round), and
the last line gives Ficus's CPU per request as a ratio to the bare forwarder's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from httpload import (
    LAST_CPU,
    cpu_seconds,
    descendants,
    fixed_rate,
    free_port,
    require_tools,
    wait_http,
)

PATH = "/rest/V1/products/24-MB01"
BODY = json.dumps({"sku": "24-MB01", "name": "Joust Duffle Bag", "description": "x" * 1900})
NGINX = "/usr/sbin/nginx"
LOAD_BEFORE = "?"
BARE = "bare aiohttp"
# The floor: what forwarding alone costs with aiohttp on both sides (uvloop, same client setup).
BARE_FORWARDER = """
import sys, aiohttp, uvloop, asyncio
from aiohttp import web
from yarl import URL
BASE, PORT = sys.argv[1], int(sys.argv[2])
HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer"}
async def main():
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0, limit_per_host=100),
        cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False,
        skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"))
    async def handle(request):
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP}
        data = request.content if request.body_exists else None
        async with session.request(request.method, URL(BASE + request.raw_path, encoded=True),
                                   headers=headers, data=data, allow_redirects=False) as up:
            body = await up.read()
            out = {k: v for k, v in up.headers.items()
                   if k.lower() not in HOP and k.lower() != "content-length"}
            return web.Response(status=up.status, headers=out, body=body)
    runner = web.ServerRunner(web.Server(handle, access_log=None), handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", PORT, backlog=1024).start()
    await asyncio.Event().wait()
uvloop.run(main())
"""


def nginx_conf(tmp: Path, name: str, port: int, server_body: str, upstream: str = "") -> Path:
    temp_dirs = " ".join(
        f"{kind}_temp_path {tmp}/{name}-{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp / f"{name}.conf"
    conf.write_text(
        f"worker_processes 1; daemon off; pid {tmp}/{name}.pid;"
        f" error_log {tmp}/{name}-error.log;"
        " events { worker_connections 4096; }"
        f" http {{ access_log off; keepalive_requests 1000000; {temp_dirs} {upstream}"
        f" server {{ listen 127.0.0.1:{port} reuseport; {server_body} }} }}"
    )
    return conf


def start_nginx(
    stack: ExitStack, tmp: Path, name: str, cpu: str, conf: Path
) -> subprocess.Popen[bytes]:
    argv = ["taskset", "-c", cpu, NGINX, "-e", f"{tmp}/{name}-error.log", "-c", str(conf)]
    process = subprocess.Popen(argv)
    stack.callback(_stop, process)
    return process


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@dataclass
class Figures:
    rps: float = 0.0
    cpu_us: float | None = None
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0


def saturate(url: str, seconds: int, pids: list[int]) -> tuple[float, float | None]:
    before = cpu_seconds(pids) if pids else 0.0
    out = subprocess.run(
        ["taskset", "-c", LAST_CPU, "wrk", "-t1", "-c50", f"-d{seconds}s", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    cpu = (cpu_seconds(pids) - before) / total * 1e6 if pids else None
    return rps, cpu


def run(seconds: int, rate: int, repeat: int) -> dict[str, Figures]:
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ficus-bench-")))
        backend_port, nginx_port, ficus_port, bare_port = (free_port() for _ in range(4))
        body = BODY.replace("'", "")
        location = f"location / {{ default_type application/json; return 200 '{body}'; }}"
        backend = nginx_conf(tmp, "backend", backend_port, location)
        start_nginx(stack, tmp, "backend", LAST_CPU, backend)
        upstream = f"upstream backend {{ server 127.0.0.1:{backend_port}; keepalive 64; }}"
        proxy_conf = nginx_conf(
            tmp, "proxy", nginx_port,
            "location / { proxy_pass http://backend; proxy_http_version 1.1;"
            " proxy_set_header Connection \"\"; }", upstream,
        )  # fmt: skip
        nginx_proxy = start_nginx(stack, tmp, "proxy", "0", proxy_conf)
        env = os.environ | {"FICUS_PROXY_LEGACY_URL": f"http://127.0.0.1:{backend_port}"}
        env |= {"FICUS_PROXY_MAGENTO_CRYPT_KEY": "bench0proxy0crypt0key0000000000"}
        ficus = subprocess.Popen(
            ["taskset", "-c", "0", sys.executable, "-m", "ficus_proxy", "serve",
             "--port", str(ficus_port)], env=env, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        stack.callback(_stop, ficus)
        bare = subprocess.Popen(
            ["taskset", "-c", "0", sys.executable, "-c", BARE_FORWARDER,
             f"http://127.0.0.1:{backend_port}", str(bare_port)],
        )  # fmt: skip
        stack.callback(_stop, bare)
        for port in (backend_port, nginx_port, ficus_port, bare_port):
            wait_http(f"http://127.0.0.1:{port}{PATH}")
        targets: dict[str, tuple[int, list[int]]] = {
            "direct": (backend_port, []),
            "nginx proxy_pass": (nginx_port, descendants(nginx_proxy.pid)),
            BARE: (bare_port, [bare.pid]),
            "ficus proxy": (ficus_port, [ficus.pid]),
        }
        rounds: dict[str, list[Figures]] = {name: [] for name in targets}
        for _ in range(repeat):
            for name, (port, pids) in targets.items():
                url = f"http://127.0.0.1:{port}{PATH}"
                saturate(url, 1, [])  # warm up pools
                figures = Figures()
                figures.rps, figures.cpu_us = saturate(url, seconds, pids)
                latency = fixed_rate([url], rate, seconds * 2, tmp)
                figures.p50_ms, figures.p99_ms = latency.p50_ms, latency.p99_ms
                figures.errors = latency.errors
                rounds[name].append(figures)
        return {name: _median(runs) for name, runs in rounds.items()}


def _median(runs: list[Figures]) -> Figures:
    cpus = [f.cpu_us for f in runs if f.cpu_us is not None]
    return Figures(
        rps=statistics.median(f.rps for f in runs),
        cpu_us=statistics.median(cpus) if cpus else None,
        p50_ms=statistics.median(f.p50_ms for f in runs),
        p99_ms=statistics.median(f.p99_ms for f in runs),
        errors=sum(f.errors for f in runs),
    )


def report(results: dict[str, Figures], rate: int, repeat: int) -> None:
    direct = results["direct"]
    nginx = results["nginx proxy_pass"].rps
    columns = ("req/s", "x nginx", "CPU us/req", f"p50@{rate}/s", f"p99@{rate}/s")
    widths = (10, 9, 12, 13, 13)
    head = "".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True))
    print(f"{'target':<18}{head}{'added p50':>11}{'added p99':>11}{'errors':>8}")
    for name, f in results.items():
        cpu = f"{f.cpu_us:.0f}" if f.cpu_us is not None else "-"
        added = (f"{f.p50_ms - direct.p50_ms:.3f}", f"{f.p99_ms - direct.p99_ms:.3f}")
        if name == "direct":
            added = ("-", "-")
        print(f"{name:<18}{f.rps:>10.0f}{f.rps / nginx:>9.2f}{cpu:>12}{f.p50_ms:>11.3f}ms"
              f"{f.p99_ms:>11.3f}ms{added[0]:>11}{added[1]:>11}{f.errors:>8}")  # fmt: skip
    ficus, bare = results["ficus proxy"].cpu_us, results[BARE].cpu_us
    if ficus and bare:
        print(
            f"ficus CPU/req = {ficus:.0f} us = {ficus / bare:.2f} x bare aiohttp ({bare:.0f} us);"
            f" {ficus - bare:.0f} us for routing, headers, metrics; that is"
            f" {1e6 / ficus:.0f} req/s per fully used core"
        )
    print(
        f"(medians of {repeat} round(s); load average before the run: {LOAD_BEFORE};"
        f" cores: {os.cpu_count()}; proxies pinned to CPU 0, backend + load generator on CPU"
        f" {LAST_CPU}; latencies in ms; 'added' = proxied minus direct)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1, help="rounds; figures are medians")
    args = parser.parse_args()
    require_tools("nginx", "wrk", "h2load", "taskset")
    global LOAD_BEFORE
    LOAD_BEFORE = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    report(run(args.seconds, args.rate, args.repeat), args.rate, args.repeat)


if __name__ == "__main__":
    main()
