"""Reading articles from files, directories and stdin, and publishing them to the articles topic.

``read_articles`` is called by ``newsalert publish`` (and tests) and yields, in order, either an
Article or a BadInput naming file:line and the reason; nothing is dropped silently.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from kafka import KafkaProducer

from streams.models import Article, ArticleError

STDIN = "-"
SUFFIXES = (".txt", ".jsonl")


@dataclass(frozen=True)
class BadInput:
    """One input that is not an article: ``where`` is 'file:line' (or 'file' for .txt)."""

    where: str
    reason: str  # machine-readable code: invalid_json, missing_field, unsupported_file, ...
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}: {self.detail}"


@dataclass(frozen=True)
class Item:
    """One article read from ``where``."""

    where: str
    article: Article


def expand_paths(paths: Iterable[str]) -> Iterator[str | Path]:
    """Files as given, directories as their *.txt / *.jsonl files (recursively, sorted), '-' as is."""
    for raw in paths:
        if raw == STDIN:
            yield STDIN
            continue
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            yield path


def read_articles(
    paths: Iterable[str], *, stdin: IO[str] | None = None, max_text_chars: int | None = None
) -> Iterator[Item | BadInput]:
    """Every article (or bad input) in ``paths``, in order."""
    for source in expand_paths(paths):
        if source == STDIN:
            if stdin is None:
                raise ValueError("'-' given but no stdin stream")
            yield from _read_jsonl(stdin, "<stdin>", max_text_chars)
            continue
        assert isinstance(source, Path)
        if not source.exists():
            yield BadInput(str(source), "not_found", "no such file or directory")
        elif source.suffix.lower() == ".txt":
            yield _read_txt(source, max_text_chars)
        elif source.suffix.lower() == ".jsonl":
            try:
                with source.open(encoding="utf-8", newline="") as fh:
                    yield from _read_jsonl(fh, str(source), max_text_chars)
            except UnicodeDecodeError as exc:
                yield BadInput(str(source), "not_utf8", str(exc))
            except OSError as exc:
                yield BadInput(str(source), "unreadable", exc.strerror or str(exc))
        else:
            yield BadInput(str(source), "unsupported_file", "expected a .txt or .jsonl file, a directory or '-'")


def _read_txt(path: Path, max_text_chars: int | None) -> Item | BadInput:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return BadInput(str(path), "not_utf8", str(exc))
    except OSError as exc:
        return BadInput(str(path), "unreadable", exc.strerror or str(exc))
    try:
        article = Article.from_dict({"id": path.stem, "text": text}, max_text_chars=max_text_chars)
    except ArticleError as exc:
        return BadInput(str(path), exc.reason, exc.detail)
    return Item(str(path), article)


def _read_jsonl(lines: Iterable[str], name: str, max_text_chars: int | None) -> Iterator[Item | BadInput]:
    for lineno, line in enumerate(lines, start=1):
        where = f"{name}:{lineno}"
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadInput(where, "invalid_json", f"{exc.msg} at column {exc.colno}")
            continue
        try:
            yield Item(where, Article.from_dict(data, max_text_chars=max_text_chars))
        except ArticleError as exc:
            yield BadInput(where, exc.reason, exc.detail)


def article_message(article: Article) -> tuple[bytes, bytes]:
    """Key (article id) and value (the article as compact UTF-8 JSON) of an articles-topic message."""
    value = json.dumps(article.to_dict(), ensure_ascii=False, separators=(",", ":"))
    return article.id.encode("utf-8"), value.encode("utf-8")


@dataclass
class PublishReport:
    """What a publish run did; ``bad`` and ``failed`` list every problem."""

    topic: str
    sent: int = 0
    bad: list[BadInput] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # 'where: reason' for sends Kafka rejected
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.bad and not self.failed

    def summary(self) -> str:
        rate = f", {self.sent / self.seconds:.0f}/s" if self.seconds > 0 and self.sent else ""
        return (
            f"published {self.sent} article(s) to {self.topic} in {self.seconds:.2f}s{rate}; "
            f"{len(self.bad)} bad input(s), {len(self.failed)} failed send(s)"
        )


def publish_items(
    producer: KafkaProducer,
    topic: str,
    items: Iterable[Item | BadInput],
    *,
    on_item: Callable[[Item | BadInput], None] | None = None,
    flush_timeout: float = 60.0,
) -> PublishReport:
    """Send every Item keyed by article id; collect BadInputs; wait for every acknowledgement."""
    report = PublishReport(topic)
    started = time.monotonic()
    pending: list[tuple[str, Any]] = []
    for item in items:
        if isinstance(item, BadInput):
            report.bad.append(item)
        else:
            key, value = article_message(item.article)
            try:
                pending.append((item.where, producer.send(topic, key=key, value=value)))
            except Exception as exc:  # kafka-python raises on a full buffer or a too-large record
                report.failed.append(f"{item.where}: {type(exc).__name__}: {exc}")
        if on_item is not None:
            on_item(item)
        if len(pending) >= 1000:
            _collect(pending, report, flush_timeout)
    producer.flush(timeout=flush_timeout)
    _collect(pending, report, flush_timeout)
    report.seconds = time.monotonic() - started
    return report


def _collect(pending: list[tuple[str, Any]], report: PublishReport, timeout: float) -> None:
    for where, future in pending:
        try:
            future.get(timeout=timeout)
            report.sent += 1
        except Exception as exc:
            report.failed.append(f"{where}: {type(exc).__name__}: {exc}")
    pending.clear()
