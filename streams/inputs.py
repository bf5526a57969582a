"""Reading articles from files: `.txt` (one article, id = file stem), `.jsonl` (one article object
per line), directories (their *.txt and *.jsonl files, recursively, sorted), and `-` for JSON lines
on stdin. The one reader behind `newsalert check`, `newsalert extract` and `newsalert publish`.

Bad lines do not stop the reading: they come back as ``InputProblem`` with file:line and reason,
so every command reports all of them and carries on. ``read_articles`` also says where each good
article came from (``LocatedArticle``); ``iter_articles`` gives the bare articles.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from streams.models import Article, ArticleError

STDIN = "-"
SUFFIXES = (".txt", ".jsonl")  # compared case-insensitively


@dataclass(frozen=True)
class InputProblem:
    location: str  # "file.jsonl:12", or "file" for a whole file
    reason: str  # machine-readable: invalid_json, missing_field, invalid_utf8, not_found, unsupported_file, ...
    detail: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}: {self.detail}"


@dataclass(frozen=True)
class LocatedArticle:
    """One article and where it was read: "file.jsonl:12", "<stdin>:3", or "file.txt"."""

    location: str
    article: Article


def read_articles(
    paths: Iterable[str | Path], *, stdin: TextIO | None = None, max_text_chars: int | None = None,
    strict: bool = False,
) -> Iterator[LocatedArticle | InputProblem]:
    """Every article (with its location) or input problem in ``paths``, in order.

    ``-`` reads JSON lines from ``stdin`` (default: ``sys.stdin`` at the time it is reached).
    ``strict``: unknown article fields are a problem (``unknown_field``) instead of kept.
    """
    for raw in paths:
        if str(raw) == STDIN:
            yield from _jsonl(sys.stdin if stdin is None else stdin, "<stdin>", max_text_chars, strict)
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
            for file in files:
                yield from _file(file, max_text_chars, strict)
        elif path.exists():
            yield from _file(path, max_text_chars, strict)
        else:
            yield InputProblem(str(path), "not_found", "no such file or directory")


def iter_articles(
    paths: Iterable[str | Path], *, stdin: TextIO | None = None, max_text_chars: int | None = None,
    strict: bool = False,
) -> Iterator[Article | InputProblem]:
    """``read_articles`` without the locations of the good articles."""
    for item in read_articles(paths, stdin=stdin, max_text_chars=max_text_chars, strict=strict):
        yield item.article if isinstance(item, LocatedArticle) else item


def _file(path: Path, max_text_chars: int | None, strict: bool = False) -> Iterator[LocatedArticle | InputProblem]:
    name = str(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        try:
            with path.open(encoding="utf-8", errors="strict") as fh:
                yield from _jsonl(fh, name, max_text_chars, strict)
        except UnicodeDecodeError as exc:
            yield InputProblem(name, "invalid_utf8", str(exc))
        except OSError as exc:
            yield InputProblem(name, "unreadable", exc.strerror or str(exc))
        return
    if suffix != ".txt":
        yield InputProblem(name, "unsupported_file", "expected a .txt or .jsonl file, a directory or '-'")
        return
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        yield InputProblem(name, "invalid_utf8", str(exc))
        return
    except OSError as exc:
        yield InputProblem(name, "unreadable", exc.strerror or str(exc))
        return
    try:
        yield LocatedArticle(name, Article.from_dict({"id": path.stem, "text": text}, max_text_chars=max_text_chars))
    except ArticleError as exc:
        yield InputProblem(name, exc.reason, exc.detail)


def _jsonl(lines: Iterable[str], name: str, max_text_chars: int | None,
           strict: bool = False) -> Iterator[LocatedArticle | InputProblem]:
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        location = f"{name}:{lineno}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            # the same position the worker's dead letters give: line (of the file) and column
            yield InputProblem(location, "invalid_json", f"{exc.msg} at line {lineno} column {exc.colno}")
            continue
        except RecursionError:
            yield InputProblem(location, "too_deep", "JSON nesting is too deep")
            continue
        try:
            yield LocatedArticle(location, Article.from_dict(data, max_text_chars=max_text_chars, strict=strict))
        except ArticleError as exc:
            yield InputProblem(location, exc.reason, exc.detail)
