"""streams.inputs, the one article reader behind `check`, `extract` and `publish`: .txt, .jsonl,
directories, stdin; every bad input as file:line with a reason code."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from streams.inputs import InputProblem, LocatedArticle, iter_articles, read_articles
from streams.models import Article


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_txt_file_is_one_article_named_by_its_stem(tmp_path: Path) -> None:
    p = _write(tmp_path / "harbour-fire.txt", "Im Hafen brannte gestern ein Lagerhaus.\n")
    [item] = list(read_articles([str(p)]))
    assert item == LocatedArticle(str(p), Article(id="harbour-fire", text="Im Hafen brannte gestern ein Lagerhaus.\n"))


def test_jsonl_good_and_bad_lines_with_file_and_line(tmp_path: Path) -> None:
    p = _write(
        tmp_path / "batch.jsonl",
        "\n".join(
            [
                json.dumps({"id": "a", "text": "Flood warning for the valley.", "language": "en"}),
                "{broken",
                "",
                json.dumps({"id": "b"}),
                json.dumps([1, 2]),
                json.dumps({"id": "c", "text": "ok", "colour": "red"}),
                json.dumps({"id": "d", "text": "x" * 50}),
                json.dumps({"id": "e", "text": "Bridge reopened.", "published_at": "2026-11-27T09:00:00Z"}),
            ]
        )
        + "\n",
    )
    out = list(read_articles([p], max_text_chars=40))
    assert [(i.location, i.article.id) for i in out if isinstance(i, LocatedArticle)] == [
        (f"{p}:1", "a"), (f"{p}:6", "c"), (f"{p}:8", "e")]
    assert [(b.location, b.reason) for b in out if isinstance(b, InputProblem)] == [
        (f"{p}:2", "invalid_json"),
        (f"{p}:4", "missing_field"),
        (f"{p}:5", "not_an_object"),
        (f"{p}:7", "too_large"),
    ]
    first = next(b for b in out if isinstance(b, InputProblem))
    assert str(first).startswith(f"{p}:2: invalid_json: ")


def test_directories_are_walked_recursively_and_sorted(tmp_path: Path) -> None:
    _write(tmp_path / "b" / "two.txt", "Zweiter Text.")
    _write(tmp_path / "a" / "one.txt", "Erster Text.")
    _write(tmp_path / "a" / "more.jsonl", json.dumps({"id": "j", "text": "Dritter Text."}) + "\n")
    _write(tmp_path / "a" / "LOUD.TXT", "Vierter Text.")
    _write(tmp_path / "a" / "notes.md", "ignored")
    (tmp_path / "a" / "dir.txt").mkdir()  # a directory with a .txt name is walked, not read
    out = list(read_articles([str(tmp_path)]))
    assert all(isinstance(i, LocatedArticle) for i in out), out
    assert [(i.location, i.article.id) for i in out if isinstance(i, LocatedArticle)] == [
        (str(tmp_path / "a" / "LOUD.TXT"), "LOUD"),
        (f"{tmp_path / 'a' / 'more.jsonl'}:1", "j"),
        (str(tmp_path / "a" / "one.txt"), "one"),
        (str(tmp_path / "b" / "two.txt"), "two"),
    ]


def test_stdin_and_problems_with_files(tmp_path: Path) -> None:
    empty = _write(tmp_path / "empty.txt", "  \n")
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"id": "x", "text": "M\xfcnchen"}\n')
    other = _write(tmp_path / "a.csv", "id,text\n")
    stdin = io.StringIO(json.dumps({"id": "s1", "text": "Von der Standardeingabe."}) + "\nnope\n")
    out = list(read_articles(["-", str(empty), str(latin), str(other), str(tmp_path / "missing.txt")], stdin=stdin))
    assert out[0] == LocatedArticle("<stdin>:1", Article(id="s1", text="Von der Standardeingabe."))
    assert [(b.location, b.reason) for b in out[1:] if isinstance(b, InputProblem)] == [
        ("<stdin>:2", "invalid_json"),
        (str(empty), "empty_field"),
        (str(latin), "invalid_utf8"),
        (str(other), "unsupported_file"),
        (str(tmp_path / "missing.txt"), "not_found"),
    ]
    assert len(out) == 6


def test_dash_reads_sys_stdin_when_no_stream_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": "s", "text": "Hallo."}\n\n{"id": 1, "text": "x"}\n'))
    out = list(iter_articles(["-"]))
    assert out[0] == Article(id="s", text="Hallo.")
    assert isinstance(out[1], InputProblem) and out[1].location == "<stdin>:3" and out[1].reason == "wrong_type"
    assert len(out) == 2


def test_iter_articles_gives_bare_articles_in_the_same_order(tmp_path: Path) -> None:
    p = _write(tmp_path / "x.jsonl", '{"id": "a", "text": "A."}\n{oops\n{"id": "b", "text": "B."}\n')
    out = list(iter_articles([p]))
    assert out[0] == Article(id="a", text="A.") and out[2] == Article(id="b", text="B.")
    assert isinstance(out[1], InputProblem) and (out[1].location, out[1].reason) == (f"{p}:2", "invalid_json")


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    txt = _write(tmp_path / "a.txt", "Text.")
    jl = _write(tmp_path / "b.jsonl", '{"id": "b", "text": "B."}\n')

    def denied(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", denied)
    monkeypatch.setattr(Path, "open", denied)
    assert list(read_articles([txt, jl])) == [
        InputProblem(str(txt), "unreadable", "Permission denied"),
        InputProblem(str(jl), "unreadable", "Permission denied"),
    ]
