"""Sums py-spy's collapsed stacks of the sync process (`bench_sync_lag.py --profile DIR`) into
the forward pipeline's stages, as CPU µs per change when the run's change count is given.

    uv run python bench/profile_stages.py DIR/embedded-2000.txt [--changes 30000]
                                          [--rate 200]

A sample belongs to the stage of its innermost frame that names one (see `STAGES`); samples
py-spy took of threads on CPU only (its default), so the shares are shares of sync's CPU.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

# (stage, pattern matched against one frame "function (module/file.py:line)"), innermost wins
# a thread py-spy caught inside a blocking call is waiting, not working: left out
WAITING = re.compile(r"^(Condition\.wait|SocketIO\.readinto|Runner\.run|sleep|select) ")
STAGES: list[tuple[str, re.Pattern[str]]] = [
    ("capture/decode", re.compile(r"pymysqlreplication/|capture/binlog\.py|capture/kafka/")),
    ("commit", re.compile(r"^Transaction\.__exit__|save_checkpoint|notify \(ficus_sync")),
    ("event write", re.compile(r"Projector\.(_write|_ensure_uuids|_record_echoes)")),
    ("projection: hash/JSON", re.compile(r"^(state_text|text_hash) ")),
    ("projection: build state", re.compile(r"ficus_legacy/core/")),
    ("projection: read mirror", re.compile(r"ficus_sync/reader\.py|Projector\._read ")),
    ("projection: other", re.compile(r"ficus_sync/projector\.py")),
    ("mirror", re.compile(r"ficus_sync/mirror\.py")),
    ("pipeline/lag bookkeeping", re.compile(r"ficus_sync/(pipeline|lag)\.py")),
    ("http/metrics", re.compile(r"uvicorn|starlette|fastapi|prometheus")),
]  # fmt: skip


def stage_of(stack: str) -> str:
    frames = stack.split(";")
    if WAITING.search(frames[-1]):
        return "waiting"
    for frame in reversed(frames):
        for stage, pattern in STAGES:
            if pattern.search(frame):
                return stage
    return "other"


def tally(path: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        if stack and number.isdigit():
            counts[stage_of(stack)] += int(number)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--changes", type=int, help="row changes the run made")
    parser.add_argument("--rate", type=int, default=200, help="py-spy's samples per second")
    args = parser.parse_args()
    counts = tally(args.profile)
    waiting = counts.pop("waiting", 0)
    total = sum(counts.values())
    print(f"({waiting} samples in blocking calls left out)")
    for stage, samples in counts.most_common():
        share = f"{stage:28} {samples:6} samples {samples / total:6.1%}"
        if args.changes:
            share += f"  {samples / args.rate / args.changes * 1e6:7.1f} µs/change"
        print(share)
    if args.changes:
        per_change = total / args.rate / args.changes * 1e6
        print(f"{'total':28} {total:6} samples  {per_change:7.1f} µs/change")


if __name__ == "__main__":
    main()
