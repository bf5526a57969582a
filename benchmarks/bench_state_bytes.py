"""Bytes the suppression state writes to its changelog, per article, as the worker writes them.

The articles of the e2e benchmark (the corpus cycled, unique ids) go through the pipeline in
process; their matches go, in batches as the suppression agent takes them, through the worker's
real ``MatchSuppressor`` with an in-memory table that records every changelog write (key and value
JSON, as Faust serialises them). No broker.

    .venv/bin/python -m benchmarks.bench_state_bytes [--articles 2000] [--batch 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Awaitable
from typing import Any

from benchmarks.common import cycle_articles, load_corpus, load_pipeline, machine, to_articles


class Table:
    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.writes = 0
        self.bytes = 0

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def write(self, partition: int, key: str, entry: Any) -> None:
        self.data[key] = entry
        self.writes += 1
        self.bytes += len(json.dumps(key).encode()) + len(json.dumps(entry).encode())


async def _send(topic: str, key: bytes | None, value: bytes) -> Awaitable[Any]:
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future


class _Event:
    def __init__(self, value: bytes, offset: int) -> None:
        self.value = value
        self.message = type("M", (), {"topic": "matches", "partition": 0, "offset": offset, "timestamp": 0.0,
                                      "key": None, "value": value})()


async def _ack(event: Any) -> None:
    return None


def main(argv: list[str] | None = None) -> None:
    from prometheus_client import CollectorRegistry

    from streams.metrics import Metrics
    from streams.pipeline import PIPELINE_VERSION
    from streams.worker.article_batches import ArticleBatchStage
    from streams.worker.dead_letters import DeadLetters
    from streams.worker.failures import RecordFailures
    from streams.worker.match_suppressor import MatchSuppressor, SoleOwner
    from streams.worker.messages import SourceRecord

    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=64, help="matches per suppression batch (worker: 4 x batch size)")
    args = parser.parse_args(argv)
    print(machine())
    pipeline = load_pipeline()
    items = cycle_articles(load_corpus(), args.articles, "sb")
    articles = to_articles(items)
    results = pipeline.process_many(articles)
    messages = []
    for article, result in zip(articles, results, strict=True):
        record = SourceRecord("articles", 0, 0, 1_790_000_000.0, None, b"")
        messages += [value for _, value in ArticleBatchStage.envelopes(record, article, result)]
    metrics = Metrics(CollectorRegistry())
    table = Table()
    suppressor = MatchSuppressor(table=table, send=_send, dead_letters=DeadLetters(_send, "dlq", "bench", metrics),
                                 failures=RecordFailures(metrics), metrics=metrics, alerts_topic="alerts",
                                 severity_topics={}, pipeline_version=PIPELINE_VERSION, ownership=SoleOwner())

    async def run() -> None:
        events = [_Event(v, i) for i, v in enumerate(messages)]
        for i in range(0, len(events), args.batch):
            await suppressor.handle(events[i:i + args.batch], _ack)

    t0 = time.perf_counter()
    asyncio.run(run())
    elapsed = time.perf_counter() - t0
    print(f"{len(articles)} articles, {len(messages)} matches, {len(table.data)} state keys, "
          f"{table.writes} changelog writes, {table.bytes} bytes")
    print(f"changelog bytes per article: {table.bytes / len(articles):.0f}; "
          f"per write: {table.bytes / max(1, table.writes):.0f}")
    print(f"suppression stage in process (no broker): {elapsed:.2f} s, {len(messages) / elapsed:.0f} matches/s")


if __name__ == "__main__":
    main()
