"""Magento stand-in: `GET /rest/V1/products/{sku}` requests per second.

Starts MariaDB through the engine manager (own home and port), generates a store with the
legacy generator, runs the stand-in in a real uvicorn process and drives it with keep-alive
HTTP clients in threads for a fixed time; prints requests/s and latency percentiles.

    uv run python bench/bench_standin.py [--products 2000] [--seconds 10] [--clients 4]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from ficus_devstack import StackSettings, build_stack
from ficus_devstack.process import wait_until
from ficus_legacy.mysql import connect
from ficus_standin.generator import SeedSpec, generate

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed_store(settings: StackSettings, database: str, products: int) -> list[str]:
    url = (f"mysql://{settings.mariadb_user}:{settings.mariadb_password}@{settings.host}:"
           f"{settings.mariadb_port}/{database}")  # fmt: skip
    conn = connect(url)
    try:
        started = time.perf_counter()
        generate(conn, SeedSpec(products=products, customers=10, orders=10, seed=7))
        print(f"seeded {products} products in {time.perf_counter() - started:.1f}s")
        with conn.cursor() as cur:
            cur.execute("SELECT sku FROM catalog_product_entity")
            return [row[0] for row in cur.fetchall()]
    finally:
        conn.close()


def drive(base: str, token: str, skus: list[str], seconds: float, clients: int) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        mine: list[float] = []
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            while time.perf_counter() < deadline:
                sku = rng.choice(skus)
                start = time.perf_counter()
                response = http.get(f"/rest/V1/products/{sku}")
                mine.append(time.perf_counter() - start)
                if response.status_code != 200:
                    raise RuntimeError(f"{sku}: {response.status_code} {response.text[:200]}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    settings = StackSettings(
        home=ROOT / ".ficus" / "bench-standin",
        mariadb_port=int(os.environ.get("FICUS_BENCH_MARIADB_PORT", "23396")),
        postgres_port=int(os.environ.get("FICUS_BENCH_POSTGRES_PORT", "25496")),
    )
    stack = build_stack(settings)
    started_db = stack.mariadb.start()
    database = f"bench_standin_{os.getpid()}"
    admin = stack.mariadb.admin_connection()
    server: subprocess.Popen[bytes] | None = None
    try:
        with admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
        skus = seed_store(settings, database, args.products)
        port = free_port()
        env = {**os.environ, "FICUS_LEGACY_MYSQL_URL": (
            f"mysql://{settings.mariadb_user}:{settings.mariadb_password}@{settings.host}:"
            f"{settings.mariadb_port}/{database}")}  # fmt: skip
        server = subprocess.Popen(
            [sys.executable, "-m", "ficus_standin", "--port", str(port)], env=env
        )
        base = f"http://127.0.0.1:{port}"

        def healthy() -> bool:
            try:
                return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        if not wait_until(healthy, timeout=30):
            raise SystemExit("stand-in did not become healthy")
        token = httpx.post(f"{base}/rest/V1/integration/admin/token",
                           json={"username": "admin", "password": "admin123"}).json()  # fmt: skip
        drive(base, token, skus, 1.0, args.clients)  # warm-up
        latencies = drive(base, token, skus, args.seconds, args.clients)
        rate = len(latencies) / args.seconds
        quantiles = statistics.quantiles(latencies, n=100)
        print(
            f"stand-in GET /V1/products/{{sku}}: {rate:.0f} requests/s "
            f"({len(latencies)} requests, {args.clients} clients, {args.seconds:.0f}s, "
            f"p50 {quantiles[49] * 1000:.1f} ms, p99 {quantiles[98] * 1000:.1f} ms, "
            f"{len(skus)} products)"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        admin.close()
        admin = stack.mariadb.admin_connection()  # a fresh one: the first may have timed out
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{database}`")
        admin.close()
        if started_db:
            stack.mariadb.stop()


if __name__ == "__main__":
    main()
