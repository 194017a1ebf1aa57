"""Store generator rate: products per second into a fresh MariaDB, and the time for 100 000.

Starts MariaDB through the engine manager in its own home and on a free port, generates a store
into a fresh database and prints the rate; stops the engine afterwards.

    uv run python bench/bench_generator.py [--products 20000] [--customers 1000] [--orders 1000]
"""

from __future__ import annotations

import argparse
import socket
import time
from pathlib import Path

from ficus_devstack import StackSettings, build_stack
from ficus_legacy.mysql import connect
from ficus_standin.generator import SeedSpec, generate

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--customers", type=int, default=1_000)
    parser.add_argument("--orders", type=int, default=1_000)
    args = parser.parse_args()
    settings = StackSettings(home=ROOT / ".ficus" / "bench-generator", mariadb_port=free_port(),
                             postgres_port=free_port())  # fmt: skip
    stack = build_stack(settings)
    stack.reset()
    stack.mariadb.start()
    try:
        conn = connect(settings.mariadb_url)
        try:
            spec = SeedSpec(args.products, args.customers, args.orders, seed=42)
            started = time.perf_counter()
            report = generate(conn, spec)
            seconds = time.perf_counter() - started
        finally:
            conn.close()
    finally:
        stack.mariadb.stop()
    rate = report.products / seconds
    product_rate = report.products / report.stages["products"]
    stages = ", ".join(f"{name} {secs:.1f}s" for name, secs in report.stages.items())
    print(f"generated {report.products} products, {report.customers} customers, "
          f"{report.orders} orders ({report.rows} rows) in {seconds:.1f}s ({stages})")  # fmt: skip
    print(f"generator rate: {rate:.0f} products/s overall, {product_rate:.0f} products/s in the"
          f" product stage; 100 000 products ≈ {100_000 / rate:.0f}s")  # fmt: skip


if __name__ == "__main__":
    main()
