"""Reading articles from files: `.txt` (one article, id = file stem), `.jsonl` (one article object
per line), directories (recursively), and `-` for JSON lines on stdin.

Bad lines do not stop the reading: they come back as ``InputProblem`` with file:line and reason,
so every command reports all of them and carries on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from streams.models import Article, ArticleError


@dataclass(frozen=True)
class InputProblem:
    location: str  # "file.jsonl:12"
    reason: str
    detail: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}: {self.detail}"


def iter_articles(paths: Iterable[str | Path], *, max_text_chars: int | None = None) -> Iterator[Article | InputProblem]:
    for raw in paths:
        if str(raw) == "-":
            yield from _jsonl(sys.stdin, "<stdin>", max_text_chars)
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in (".txt", ".jsonl") and p.is_file())
            for file in files:
                yield from _file(file, max_text_chars)
        elif path.exists():
            yield from _file(path, max_text_chars)
        else:
            yield InputProblem(str(path), "not_found", "no such file or directory")


def _file(path: Path, max_text_chars: int | None) -> Iterator[Article | InputProblem]:
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8", errors="strict") as fh:
            try:
                yield from _jsonl(fh, str(path), max_text_chars)
            except UnicodeDecodeError as exc:
                yield InputProblem(str(path), "invalid_utf8", str(exc))
        return
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        yield InputProblem(str(path), "invalid_utf8", str(exc))
        return
    try:
        yield Article.from_dict({"id": path.stem, "text": text}, max_text_chars=max_text_chars)
    except ArticleError as exc:
        yield InputProblem(str(path), exc.reason, exc.detail)


def _jsonl(fh: TextIO, name: str, max_text_chars: int | None) -> Iterator[Article | InputProblem]:
    for lineno, line in enumerate(fh, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputProblem(f"{name}:{lineno}", "invalid_json", exc.msg)
            continue
        try:
            yield Article.from_dict(data, max_text_chars=max_text_chars)
        except ArticleError as exc:
            yield InputProblem(f"{name}:{lineno}", exc.reason, exc.detail)
