"""Search benchmark: query latency p50/p99 at a fixed arrival rate on both engines, and
freshness p99 (event commit → searchable) on both engines.

    uv run python bench/bench_search.py [--products 100000] [--rate 200] [--seconds 20]
        [--reuse TAG] [--per-kind N] [--find-rate 25,50,100,200] [--no-cache] [--no-page-cache]
        [--writes N] [--keep-engines]

Starts its own Postgres and Elasticsearch (engine manager classes; engines already running are
reused and left running) under .ficus/bench-search on ports FICUS_BENCH_POSTGRES_PORT (25522)
and FICUS_BENCH_ES_PORT (29210), loads a generated store through the real consumer, builds the
Elasticsearch index with `rebuild`, then measures. `--reuse TAG` measures a database loaded before.

Latency is measured at the index-engine port (engine.search, in process), open loop: queries are
issued on a fixed schedule by a thread pool and timed from their scheduled start, so a slow
engine cannot hide its queueing delay. Before each run the caches are cleared and a warm-up
(`--warmup` s, default 2) uses other queries (another seed). A null engine run first gives the
harness's own floor: on a loaded machine its p99 shows how much of a p99 is scheduling, not
search. `--per-kind N` times N queries of each kind one at a time, with the CPU the engine's
server processes and this process spent per query (from /proc: robust to other load on the
machine). `--find-rate` steps the rate up and prints the highest with p99 under `--target-ms`
(10). `--writes N` streams N new products per second through a consumer and the
Elasticsearch indexer (another process) during each latency run: a live catalog, where every
applied batch empties the Postgres engine's caches.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import multiprocessing
import os
import random
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

from elasticsearch import Elasticsearch as EsClient

from ficus_devstack.elasticsearch import Elasticsearch
from ficus_devstack.osuser import ensure_os_user
from ficus_devstack.postgres import Postgres
from ficus_devstack.settings import StackSettings
from ficus_search import migration, repository
from ficus_search.bootstrap import CommitHooks, event_consumer
from ficus_search.core.ports import IndexEngine
from ficus_search.core.query import SearchQuery, SearchResult, make_query
from ficus_search.esengine import MAPPING_VERSION, ElasticsearchEngine
from ficus_search.esindex import EsIndexer, mapping_version, rebuild
from ficus_search.metrics import SearchMetrics
from ficus_search.pgengine import PostgresEngine
from ficus_search.testing import COLORS, MATERIALS, NOUNS, CatalogGenerator, write_events

ROOT = Path(__file__).resolve().parent.parent


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def queries(rng: random.Random, n: int, products: int, categories: int) -> list[SearchQuery]:
    """The mix: 50% text (two words, the last one cut to a prefix), 15% sku prefix, 25%
    category listing (sorted by price, name or id), 10% text + price range + in stock; all with
    facets."""
    make = functools.partial(make_query, 1, max_length=200, max_page_size=100)
    out = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.5:
            words = [rng.choice(COLORS), rng.choice(MATERIALS + NOUNS)]
            text = " ".join(words)
            out.append(make(text=text[: len(text) - rng.randint(0, 2)]))
        elif kind < 0.65:
            out.append(make(text=f"sku-{rng.randint(1, products):06d}"[: rng.randint(7, 10)]))
        elif kind < 0.9:
            category = rng.randint(3, 2 + categories)
            sort = rng.choice(["price_asc", "name_asc", None])
            out.append(make(text=None, category_ids=(category,), sort=sort))
        else:
            low = rng.randint(0, 400)
            out.append(
                make(
                    text=rng.choice(NOUNS),
                    price_min=Decimal(low),
                    price_max=Decimal(low + 50),
                    in_stock=True,
                )
            )
    return out


class NullEngine(IndexEngine):
    """Answers at once: what the bench's own scheduling and threads add to a latency."""

    name = "null (client floor)"

    def search(self, query: SearchQuery) -> SearchResult:
        return SearchResult([], 0, [], [], self.name)

    def document(self, store_id: int, entity_id: int) -> dict[str, object] | None:
        return None

    def documents(self, store_id: int, entity_ids: list[int]) -> dict[int, dict[str, object]]:
        return {}

    def healthy(self) -> bool:
        return True


def kind_of(query: SearchQuery) -> str:
    if query.text is None:
        return f"listing/{query.sort.value}"
    if query.text.startswith("sku-"):
        return "sku prefix"
    return "text+price" if query.price_min is not None else "text"


def tree_cpu_seconds(root: int | None) -> float:
    """CPU (user + system) used so far by a process and all its descendants, from /proc."""
    if root is None:
        return 0.0
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def per_kind(engine: IndexEngine, server: int | None, args: argparse.Namespace, n: int) -> None:
    """Closed loop, one query at a time, per query kind: wall time (no queueing), and the CPU
    the engine's server and this process spent per query (robust to other load)."""
    plan = queries(random.Random(99), 50 * n, args.products, args.categories)
    by_kind: dict[str, list[SearchQuery]] = {}
    for query in plan:
        by_kind.setdefault(kind_of(query), []).append(query)
    for kind, chosen in sorted(by_kind.items()):
        chosen = chosen[:n]
        walls = []
        server_cpu, client_cpu = tree_cpu_seconds(server), time.process_time()
        for query in chosen:
            started = time.perf_counter()
            engine.search(query)
            walls.append(1000 * (time.perf_counter() - started))
        server_ms = 1000 * (tree_cpu_seconds(server) - server_cpu) / len(chosen)
        client_ms = 1000 * (time.process_time() - client_cpu) / len(chosen)
        print(
            f"service time {engine.name} {kind}: n={len(walls)} "
            f"p50_ms={statistics.median(walls):.1f} p90_ms={pct(walls, 0.9):.1f} "
            f"max_ms={max(walls):.1f} server_cpu_ms={server_ms:.2f} "
            f"client_cpu_ms={client_ms:.2f} (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )


def load_test(engine: IndexEngine, plan: list[SearchQuery], rate: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def run(i: int, query: SearchQuery) -> None:
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        try:
            engine.search(query)
        except Exception:
            with lock:
                errors[0] += 1
            return
        with lock:
            latencies.append(time.perf_counter() - scheduled)

    cpu = time.process_time()
    with ThreadPoolExecutor(max_workers=32) as pool:
        for i, query in enumerate(plan):
            pool.submit(run, i, query)
    elapsed = time.perf_counter() - start
    latencies = latencies or [float("inf")]
    return {
        "queries": len(plan),
        "errors": errors[0],
        "achieved_qps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * pct(latencies, 0.99),
        "max_ms": 1000 * max(latencies),
        # this process's CPU (bench client + service code + drivers) per query
        "client_cpu_ms": 1000 * (time.process_time() - cpu) / len(plan),
    }


def write_stream(
    urls: tuple[str, str, str, str], rate: float, categories: int, stop: EventType
) -> None:
    """In its own process: a new product every 1/rate s, applied by a consumer (every applied
    batch is a new documents' generation) and indexed into Elasticsearch.
    `urls`: (events, search database, Elasticsearch, alias)."""
    events_url, search_url, es_url, alias = urls
    gen = CatalogGenerator(seed=int(time.time()))
    gen._next_product = 20_000_000 + int(time.time()) % 100_000 * 1000
    gen.category_tree(categories)
    client = EsClient(es_url, request_timeout=30)
    started = time.perf_counter()
    written = 0
    try:
        with write_side(client, events_url, search_url, alias, SearchMetrics(), batch_size=100):
            while not stop.is_set():
                delay = started + written / rate - time.perf_counter()
                if delay > 0:
                    stop.wait(delay)
                    continue
                write_events(events_url, [gen._put_product(gen._product(visibility=4))])
                written += 1
    finally:
        client.close()


@contextlib.contextmanager
def write_side(
    client: EsClient,
    events_url: str,
    search_url: str,
    alias: str,
    metrics: SearchMetrics,
    batch_size: int,
) -> Iterator[None]:
    """The search service's write side while the block runs: a consumer applying events and
    the Elasticsearch indexer it wakes after each batch."""
    indexer = EsIndexer(client, search_url, alias, metrics, rebuild_outdated=False)
    consumer = event_consumer(
        events_url,
        search_url,
        metrics,
        batch_size=batch_size,
        poll_interval=0.5,
        gap_grace=0.05,
        on_commit=CommitHooks(indexer.wake),
    )
    indexer.start()
    consumer.start()
    try:
        yield
    finally:
        consumer.stop()
        indexer.stop()


def latency(args: argparse.Namespace, engine: IndexEngine, rate: float) -> dict[str, float]:
    """A warm-up (--warmup seconds) with other queries (a different seed), then the plan;
    with --writes, new products stream in through a consumer (another process) meanwhile."""
    warm = queries(random.Random(7), int(rate * args.warmup), args.products, args.categories)
    plan = queries(random.Random(42), int(rate * args.seconds), args.products, args.categories)
    clear_caches(engine)  # an earlier run must not have answered this plan already
    writer, stop = None, multiprocessing.get_context("spawn").Event()
    if args.writes > 0:
        writer = multiprocessing.get_context("spawn").Process(
            target=write_stream,
            args=(args.urls, args.writes, args.categories, stop),
        )
        writer.start()
    try:
        engine.search(warm[0])
        load_test(engine, warm, rate)
        hits_before = _cache_hits(engine)
        parallel_before = engine.parallel if isinstance(engine, PostgresEngine) else 0
        result = {"rate": rate, **load_test(engine, plan, rate)}
        if isinstance(engine, PostgresEngine):
            result["parallel_pct"] = 100 * (engine.parallel - parallel_before) / len(plan)
    finally:
        if writer is not None:
            stop.set()
            writer.join(30)
    if args.writes > 0:
        result["writes_per_s"] = args.writes
    if isinstance(engine, PostgresEngine):
        aggregates, pages = _cache_hits(engine)
        result["cache_hit_pct"] = 100 * (aggregates - hits_before[0]) / len(plan)
        result["page_hit_pct"] = 100 * (pages - hits_before[1]) / len(plan)
    return result


def clear_caches(engine: IndexEngine) -> None:
    if isinstance(engine, PostgresEngine):
        engine.cache.clear()
        engine.pages.clear()
    elif isinstance(engine, ElasticsearchEngine):
        engine.client.indices.clear_cache(request=True)


def _cache_hits(engine: IndexEngine) -> tuple[int, int]:
    """Hits of the Postgres engine's (aggregate cache, page cache)."""
    if isinstance(engine, PostgresEngine):
        return engine.cache.hits, engine.pages.hits
    return 0, 0


def report(engine: IndexEngine, result: dict[str, float]) -> None:
    values = {k: v for k, v in result.items() if k != "rate"}
    print(
        f"query {engine.name} at {result['rate']:.0f}/s (load {os.getloadavg()[0]:.1f}): "
        + ", ".join(
            f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items()
        ),
        flush=True,
    )


def find_rate(args: argparse.Namespace, engine: IndexEngine, rates: list[float]) -> None:
    """Step up the arrival rate; the highest with p99 under the target and no errors."""
    best = 0.0
    for rate in sorted(rates):
        result = latency(args, engine, rate)
        ok = result["p99_ms"] < args.target_ms and result["errors"] == 0
        report(engine, result)
        if not ok:
            break
        best = rate
    print(
        f"highest rate {engine.name}: {best:.0f}/s with p99 < {args.target_ms:.0f} ms "
        f"(of {', '.join(f'{r:.0f}' for r in sorted(rates))}/s)",
        flush=True,
    )


def freshness(
    engine: IndexEngine, gen: CatalogGenerator, events_url: str, samples: int
) -> dict[str, float]:
    """Write one product change at a time with a unique word; time from the event's
    source_ts_ms until the engine finds it."""
    lags = []
    for i in range(samples):
        word = f"fresh{uuid.uuid4().hex[:10]}"
        product = gen._product(visibility=4)
        attributes = {
            k: {**v, "status": "1", "name": f"{word} item {i}"}
            for k, v in product.attributes.items()
        }
        event = gen._put_product(product.model_copy(update={"attributes": attributes}))
        write_events(events_url, [event])
        query = make_query(
            1, text=word, max_length=200, max_page_size=10, page_size=1, facets=False
        )
        deadline = time.time() + 30
        while time.time() < deadline and not engine.search(query).hits:
            time.sleep(0.002)
        assert event.source_ts_ms is not None
        lags.append(time.time() - event.source_ts_ms / 1000)
    return {
        "samples": samples,
        "p50_ms": 1000 * statistics.median(lags),
        "p99_ms": 1000 * pct(lags, 0.99),
        "max_ms": 1000 * max(lags),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--categories", type=int, default=60)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per run")
    parser.add_argument("--freshness-samples", type=int, default=100)
    parser.add_argument("--rates", type=str, default="", help="extra rates, e.g. 20,50")
    parser.add_argument("--reuse", type=str, default="", help="tag of a database loaded before")
    parser.add_argument(
        "--find-rate",
        type=str,
        default="",
        help="rates to step through per engine, e.g. 50,100,200,400: prints the highest "
        "with p99 under --target-ms",
    )
    parser.add_argument("--target-ms", type=float, default=10.0)
    parser.add_argument(
        "--per-kind", type=int, default=0, help="N: also time N queries of each kind, serially"
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="disable the Postgres aggregate cache and Elasticsearch's request cache",
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="disable only the Postgres engine's cache of pages of hits",
    )
    parser.add_argument(
        "--writes",
        type=float,
        default=0.0,
        help="new products per second streamed in during each latency run (a live catalog: "
        "every applied batch invalidates the Postgres caches)",
    )
    parser.add_argument("--engines", type=str, default="postgres,elasticsearch")
    parser.add_argument("--pg-pool", type=int, default=4, help="Postgres connections")
    parser.add_argument(
        "--pg-parallel",
        type=int,
        default=1,
        help="the Postgres engine's parallel_below (0: one statement per uncached search)",
    )
    parser.add_argument("--es-heap", type=str, default="1g", help="Elasticsearch heap")
    parser.add_argument("--keep-engines", action="store_true", help="leave engines running")
    args = parser.parse_args()

    settings = StackSettings(
        home=ROOT / ".ficus" / "bench-search",
        postgres_port=int(os.environ.get("FICUS_BENCH_POSTGRES_PORT", "25522")),
    )
    user = ensure_os_user(settings.os_user)
    postgres = Postgres(settings, user)
    es = Elasticsearch(
        settings,
        user,
        port=int(os.environ.get("FICUS_BENCH_ES_PORT", "29210")),
        heap=args.es_heap,
        dist_dir=ROOT / ".ficus" / "es-dist",
    )
    started = [engine for engine in (postgres, es) if engine.start()]
    try:
        run(args, settings, postgres, es)
    finally:
        if not args.keep_engines:
            for engine in reversed(started):
                engine.stop()


def run(
    args: argparse.Namespace, settings: StackSettings, postgres: Postgres, es: Elasticsearch
) -> None:
    tag = args.reuse or uuid.uuid4().hex[:8]
    search_url = settings.postgres_url(f"bench_search_{tag}")
    events_url = settings.postgres_url(f"bench_events_{tag}")
    alias = f"bench_{tag}"
    client = EsClient(es.url, request_timeout=120)
    gen = CatalogGenerator(seed=1)
    if args.reuse:
        # a database loaded by an older version: migrate the schema, rebuild an outdated index
        migration.upgrade(search_url)
        if (mapping_version(client, alias) or 0) < MAPPING_VERSION:
            print(f"rebuilding {alias}: its index has an older mapping", flush=True)
            rebuild(client, search_url, alias)
        # fresh entity ids for the freshness test (a re-used id would be a stale version 1)
        gen._next_product = 10_000_000 + int(time.time()) % 100_000 * 1000
        gen.category_tree(args.categories)
    else:
        load(args, tag, settings, postgres, client)
    measure(args, gen, search_url, events_url, postgres, es, client, alias)


def load(
    args: argparse.Namespace,
    tag: str,
    settings: StackSettings,
    postgres: Postgres,
    client: EsClient,
) -> None:
    for name in (f"bench_search_{tag}", f"bench_events_{tag}"):
        postgres.ensure_database(name)
    search_url = settings.postgres_url(f"bench_search_{tag}")
    events_url = settings.postgres_url(f"bench_events_{tag}")
    alias = f"bench_{tag}"
    migration.upgrade(search_url)
    gen = CatalogGenerator(seed=1)
    t0 = time.perf_counter()
    events = gen.catalog(args.products, categories=args.categories)
    for i in range(0, len(events), 5000):
        write_events(events_url, events[i : i + 5000], notify=False)
    t1 = time.perf_counter()
    metrics = SearchMetrics()
    consumer = event_consumer(
        events_url,
        search_url,
        metrics,
        batch_size=1000,
        poll_interval=0.5,
        gap_grace=0.1,
    )
    applied = consumer.drain()
    t2 = time.perf_counter()
    with repository.connect(search_url) as conn:
        conn.execute("ANALYZE search_document")
        conn.execute("ANALYZE search_match")
    rebuild(client, search_url, alias)
    t3 = time.perf_counter()
    with repository.connect(search_url) as conn:
        row = conn.execute("SELECT count(*) AS n FROM search_document WHERE present").fetchone()
    docs = int(row["n"]) if row else 0
    print(
        f"store: {args.products} products, {docs} documents (2 store views); "
        f"events written {t1 - t0:.1f}s, applied {applied} events in {t2 - t1:.1f}s "
        f"({applied / (t2 - t1):.0f}/s); ES rebuild {t3 - t2:.1f}s; tag {tag}",
        flush=True,
    )


def measure(
    args: argparse.Namespace,
    gen: CatalogGenerator,
    search_url: str,
    events_url: str,
    postgres: Postgres,
    es: Elasticsearch,
    client: EsClient,
    alias: str,
) -> None:
    metrics = SearchMetrics()
    args.urls = (events_url, search_url, es.url, alias)  # for --writes

    pg_engine = PostgresEngine.open(
        search_url,
        size=args.pg_pool,
        cache_entries=0 if args.no_cache else 4096,
        page_entries=0 if args.no_cache or args.no_page_cache else 4096,
        parallel_below=args.pg_parallel,
    )
    es_engine = ElasticsearchEngine.open(
        es.url, alias, timeout=5.0, request_cache=not args.no_cache
    )
    engines = [e for e in (pg_engine, es_engine) if e.name in args.engines.split(",")]
    rates = [args.rate, *(float(r) for r in args.rates.split(",") if r)]
    if args.seconds > 0:
        report(NullEngine(), latency(args, NullEngine(), max(rates)))
    for engine in engines if args.per_kind else []:
        server = postgres.process.pid() if engine is pg_engine else es.process.pid()
        per_kind(engine, server, args, args.per_kind)
    for engine in engines if args.seconds > 0 else []:
        for rate in rates:
            report(engine, latency(args, engine, rate))
        if args.find_rate:
            find_rate(args, engine, [float(r) for r in args.find_rate.split(",")])

    try:
        with write_side(client, events_url, search_url, alias, metrics, batch_size=1000):
            for engine in engines if args.freshness_samples > 0 else []:
                result = freshness(engine, gen, events_url, args.freshness_samples)
                print(
                    f"freshness {engine.name}: "
                    + ", ".join(
                        f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}"
                        for k, v in result.items()
                    )
                )
    finally:
        pg_engine.close()
        es_engine.close()
        client.close()


if __name__ == "__main__":
    main()
