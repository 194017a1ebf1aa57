"""The nginx data plane (ficus_nginx) beside bare nginx `proxy_pass` and the Python proxy, in
one run.

    uv run python bench/bench_nginx_plane.py [--seconds 5] [--rate 1000] [--repeat 1]
    uv run python bench/bench_nginx_plane.py --changes 200

The second form measures state changes under load instead: wrk (20 keep-alive connections)
drives the plane while catalog's reads walk new -> legacy -> canary 50 % -> shadow `changes`
times, once as the agent applies them (plans into the shared dict through the admin
listener) and once with a graceful reload per change; it prints wrk's requests, socket errors
and non-2xx answers for each.

Backend: Debian's nginx returning a 2 KB JSON body, pinned with the load generator (h2load) on
the last CPU. Each data plane runs alone on CPU 0 with one worker: bare nginx `proxy_pass`
(upstream keep-alive), the Ficus nginx plane with the full route table (proxy/routes.yaml)
twice, with every domain on Magento and with catalog reads at canary 50 % (each product read
goes through the Lua cohort decision: the signed `ficus_cohort` cookie's HMAC-SHA256 checked,
then BLAKE2b of its value), and the Python
proxy (`ficus_proxy serve`, no cutover state). Prints per target: req/s at saturation (h2load,
closed loop, 50 connections), CPU microseconds per request of the plane's processes (from
/proc), p50 / p99 at a fixed rate and the latency added over going direct, and the ratios to
bare nginx. Every request carries a signed cohort cookie, as a returning shopper's would.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench_proxy import BODY, NGINX, PATH, _stop
from httpload import (
    LAST_CPU,
    closed_loop,
    cpu_seconds,
    descendants,
    fixed_rate,
    free_port,
    require_tools,
    wait_http,
)

from ficus_contracts.cohort import COHORT_COOKIE, CookieKeys, cookie_keys
from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_legacy.tokens import signing_key
from ficus_nginx.__main__ import load_routes
from ficus_nginx.agent import Agent
from ficus_nginx.core.plane import LUA_MODULES, Plane
from ficus_nginx.core.render import render
from ficus_nginx.nginx import NginxProcess, write_files
from ficus_nginx.settings import AgentSettings

CRYPT_KEY = "bench0nginx0crypt0key00000000000"  # both planes: the same cohorts
_COOKIE = CookieKeys(cookie_keys(signing_key(CRYPT_KEY))).sign("0123456789abcdef01234567")
HEADERS = {"Cookie": f"{COHORT_COOKIE}={_COOKIE}"}
ROUTES = Path(__file__).resolve().parent.parent / "proxy" / "routes.yaml"
BARE_NGINX = "nginx proxy_pass"
CANARY = {"catalog": DomainCutover("catalog", Lane(Stage.CANARY, 50), version=1)}


@dataclass
class Figures:
    rps: float = 0.0
    cpu_us: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0


def plain_conf(prefix: Path, port: int, server: str, upstream: str = "") -> None:
    """A hand-written nginx.conf (the backend, bare proxy_pass) under `prefix`."""
    prefix.mkdir(parents=True)
    temp = " ".join(f"{k}_temp_path {prefix}/{k};" for k in
                    ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))  # fmt: skip
    (prefix / "nginx.conf").write_text(
        f"worker_processes 1; pid {prefix}/nginx.pid; error_log {prefix}/error.log;"
        " events { worker_connections 4096; }"
        f" http {{ access_log off; keepalive_requests 1000000; {temp} {upstream}"
        f" server {{ listen 127.0.0.1:{port} reuseport; {server} }} }}"
    )


def plane_conf(prefix: Path, port: int, backend: str, state: dict[str, DomainCutover]) -> None:
    """The Ficus nginx plane's configuration, rendered as `python -m ficus_nginx` does."""
    plane = Plane(prefix=str(prefix), legacy_url=backend, upstreams={"catalog": backend},
                  host="127.0.0.1", port=port, admin_port=None, workers="1",
                  magento_crypt_key=CRYPT_KEY)  # fmt: skip
    conf = render(plane, load_routes(ROUTES), state)
    write_files(prefix, conf.replace("http {", "http {\n    keepalive_requests 1000000;", 1))


def start(stack: ExitStack, argv: list[str], cpu: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(["taskset", "-c", cpu, *argv], stderr=subprocess.DEVNULL)
    stack.callback(_stop, process)
    return process


def start_nginx(stack: ExitStack, prefix: Path, cpu: str) -> subprocess.Popen[bytes]:
    argv = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]
    return start(stack, argv, cpu)


def targets(stack: ExitStack, tmp: Path) -> dict[str, tuple[int, list[int]]]:
    """Start the backend and every data plane; name -> (port, pids whose CPU is counted)."""
    ports = {name: free_port() for name in ("backend", "bare", "legacy", "canary", "python")}
    body = BODY.replace("'", "")
    plain_conf(
        tmp / "backend",
        ports["backend"],
        f"location / {{ default_type application/json; return 200 '{body}'; }}",
    )
    start_nginx(stack, tmp / "backend", LAST_CPU)
    backend = f"http://127.0.0.1:{ports['backend']}"
    plain_conf(
        tmp / "bare",
        ports["bare"],
        "location / { proxy_pass http://backend; proxy_http_version 1.1;"
        ' proxy_set_header Connection ""; }',
        f"upstream backend {{ server 127.0.0.1:{ports['backend']}; keepalive 64; }}",
    )
    plane_conf(tmp / "legacy", ports["legacy"], backend, {})
    plane_conf(tmp / "canary", ports["canary"], backend, CANARY)
    planes = {name: start_nginx(stack, tmp / name, "0") for name in ("bare", "legacy", "canary")}
    env = os.environ | {
        "FICUS_PROXY_LEGACY_URL": backend,
        "FICUS_PROXY_UPSTREAMS": json.dumps({"catalog": backend}),
        "FICUS_PROXY_MAGENTO_CRYPT_KEY": CRYPT_KEY,
    }
    python = subprocess.Popen(
        [
            "taskset",
            "-c",
            "0",
            sys.executable,
            "-m",
            "ficus_proxy",
            "serve",
            "--port",
            str(ports["python"]),
        ],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    stack.callback(_stop, python)
    for port in ports.values():
        wait_http(f"http://127.0.0.1:{port}{PATH}")
    return {
        "direct": (ports["backend"], []),
        BARE_NGINX: (ports["bare"], descendants(planes["bare"].pid)),
        "nginx plane, legacy": (ports["legacy"], descendants(planes["legacy"].pid)),
        "nginx plane, canary 50%": (ports["canary"], descendants(planes["canary"].pid)),
        "python proxy": (ports["python"], [python.pid]),
    }  # fmt: skip


def measure(port: int, pids: list[int], seconds: int, rate: int, tmp: Path) -> Figures:
    url = f"http://127.0.0.1:{port}{PATH}"
    closed_loop([url], 1, tmp, HEADERS, clients=50)  # warm up pools
    before = cpu_seconds(pids)
    closed = closed_loop([url], seconds, tmp, HEADERS, clients=50)
    cpu_us = (cpu_seconds(pids) - before) / max(1, closed.done) * 1e6 if pids else 0.0
    latency = fixed_rate([url], rate, seconds * 2, tmp, HEADERS)
    errors = closed.errors + latency.errors
    return Figures(closed.rps, cpu_us, latency.p50_ms, latency.p99_ms, errors)


def run(seconds: int, rate: int, repeat: int) -> dict[str, Figures]:
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ficus-bench-")))
        started = targets(stack, tmp)
        rounds: dict[str, list[Figures]] = {name: [] for name in started}
        for _ in range(repeat):
            for name, (port, pids) in started.items():
                rounds[name].append(measure(port, pids, seconds, rate, tmp))
        return {name: _median(runs) for name, runs in rounds.items()}


def _median(runs: list[Figures]) -> Figures:
    return Figures(
        *(statistics.median(getattr(f, field) for f in runs)
          for field in ("rps", "cpu_us", "p50_ms", "p99_ms")),
        errors=sum(f.errors for f in runs),
    )  # fmt: skip


def report(results: dict[str, Figures], rate: int, repeat: int, load: str) -> None:
    direct, bare = results["direct"], results[BARE_NGINX]
    print(f"{'target':<25}{'req/s':>9}{'x nginx':>9}{'CPU us/req':>12}{'x nginx':>9}"
          f"{f'p50@{rate}/s':>12}{f'p99@{rate}/s':>12}{'added p50':>11}{'added p99':>11}"
          f"{'errors':>8}")  # fmt: skip
    for name, f in results.items():
        cpu = f"{f.cpu_us:.0f}" if f.cpu_us else "-"
        cpu_ratio = f"{f.cpu_us / bare.cpu_us:.2f}" if f.cpu_us and bare.cpu_us else "-"
        added = (
            ("-", "-")
            if name == "direct"
            else (f"{f.p50_ms - direct.p50_ms:.3f}", f"{f.p99_ms - direct.p99_ms:.3f}")
        )
        print(f"{name:<25}{f.rps:>9.0f}{f.rps / bare.rps:>9.2f}{cpu:>12}{cpu_ratio:>9}"
              f"{f.p50_ms:>10.3f}ms{f.p99_ms:>10.3f}ms{added[0]:>11}{added[1]:>11}"
              f"{f.errors:>8}")  # fmt: skip
    canary = results["nginx plane, canary 50%"]
    print(f"nginx plane with the full route table and a canary active: "
          f"{canary.rps / bare.rps:.2f} x bare nginx req/s (goal >= 0.5), added p99 "
          f"{canary.p99_ms - direct.p99_ms:.3f} ms (goal <= 0.5)")  # fmt: skip
    print(f"(medians of {repeat} round(s); load average before: {load}; cores: {os.cpu_count()};"
          f" planes pinned to CPU 0, backend + h2load on CPU {LAST_CPU}; 'added' = through the"
          " plane minus direct)")  # fmt: skip


STAGES = (Lane(Stage.NEW), Lane(Stage.LEGACY), Lane(Stage.CANARY, 50), Lane(Stage.SHADOW))
PAUSE = 0.3  # seconds between two changes


def changes_under_load(changes: int, reload_each: bool, tmp: Path) -> str:
    """`changes` cutover changes while wrk drives the plane; wrk's summary lines."""
    with ExitStack() as stack:
        ports = {name: free_port() for name in ("backend", "plane", "admin")}
        body = BODY.replace("'", "")
        plain_conf(
            tmp / "backend",
            ports["backend"],
            f"location / {{ default_type application/json; return 200 '{body}'; }}",
        )
        start_nginx(stack, tmp / "backend", LAST_CPU)
        backend = f"http://127.0.0.1:{ports['backend']}"
        plane = Plane(
            prefix=str(tmp / "plane"),
            legacy_url=backend,
            upstreams={"catalog": backend},
            host="127.0.0.1",
            port=ports["plane"],
            admin_port=ports["admin"],
            workers="1",
            magento_crypt_key=CRYPT_KEY,
        )
        nginx = NginxProcess(Path(plane.prefix))
        stack.callback(nginx.stop)
        routes = load_routes(ROUTES)
        agent = Agent(AgentSettings(plane, ROUTES, None), routes, nginx)
        agent.apply({})
        url = f"http://127.0.0.1:{ports['plane']}{PATH}"
        wait_http(url)
        seconds = round(changes * PAUSE) + 3
        wrk = subprocess.Popen(
            [
                "taskset",
                "-c",
                LAST_CPU,
                "wrk",
                "-t1",
                "-c20",
                f"-d{seconds}s",
                "-H",
                f"Cookie: {HEADERS['Cookie']}",
                url,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(changes):
            state = {"catalog": DomainCutover("catalog", STAGES[i % 4], version=i + 1)}
            if reload_each:
                write_files(Path(plane.prefix), render(plane, routes, state))
                nginx.reload()
            else:
                agent.apply(state)
            time.sleep(PAUSE)
        out = wrk.communicate()[0]
    keep = ("requests in", "Socket errors", "Non-2xx", "Requests/sec")
    lines = [line.strip() for line in out.splitlines() if any(k in line for k in keep)]
    return "; ".join(lines) + ("" if "Socket errors" in out else "; no socket errors")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1, help="rounds; figures are medians")
    parser.add_argument("--changes", type=int, default=0, help="state changes under wrk")
    args = parser.parse_args()
    require_tools("nginx", "h2load", "taskset", "wrk")
    if not all(Path(module).exists() for module in LUA_MODULES):
        raise SystemExit("missing libnginx-mod-http-lua: run scripts/bootstrap.sh")
    if args.changes:
        for reload_each, name in ((False, "shared dict (the agent)"), (True, "reload per change")):
            with tempfile.TemporaryDirectory(prefix="ficus-bench-") as tmp:
                print(f"{name}: {changes_under_load(args.changes, reload_each, Path(tmp))}")
        return
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    report(run(args.seconds, args.rate, args.repeat), args.rate, args.repeat, load)


if __name__ == "__main__":
    main()
