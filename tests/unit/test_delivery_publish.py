"""Reading articles for `newsalert publish`: .txt, .jsonl, directories, stdin; bad lines as file:line."""

from __future__ import annotations

import io
import json
from pathlib import Path

from streams.delivery.publish import BadInput, Item, article_message, read_articles
from streams.models import Article


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_txt_file_is_one_article_named_by_its_stem(tmp_path: Path) -> None:
    p = _write(tmp_path / "harbour-fire.txt", "Im Hafen brannte gestern ein Lagerhaus.\n")
    [item] = list(read_articles([str(p)]))
    assert isinstance(item, Item)
    assert item.article == Article(id="harbour-fire", text="Im Hafen brannte gestern ein Lagerhaus.\n")


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
    out = list(read_articles([str(p)], max_text_chars=40))
    good = [i.article.id for i in out if isinstance(i, Item)]
    bad = [(b.where, b.reason) for b in out if isinstance(b, BadInput)]
    assert good == ["a", "e"]
    assert bad == [
        (f"{p}:2", "invalid_json"),
        (f"{p}:4", "missing_field"),
        (f"{p}:5", "not_an_object"),
        (f"{p}:6", "unknown_field"),
        (f"{p}:7", "too_large"),
    ]
    assert "column" in str(next(b for b in out if isinstance(b, BadInput)))


def test_directories_are_walked_recursively_and_sorted(tmp_path: Path) -> None:
    _write(tmp_path / "b" / "two.txt", "Zweiter Text.")
    _write(tmp_path / "a" / "one.txt", "Erster Text.")
    _write(tmp_path / "a" / "more.jsonl", json.dumps({"id": "j", "text": "Dritter Text."}) + "\n")
    _write(tmp_path / "a" / "notes.md", "ignored")
    ids = [i.article.id for i in read_articles([str(tmp_path)]) if isinstance(i, Item)]
    assert ids == ["j", "one", "two"]


def test_stdin_and_problems_with_files(tmp_path: Path) -> None:
    empty = _write(tmp_path / "empty.txt", "  \n")
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"id": "x", "text": "M\xfcnchen"}\n')
    other = _write(tmp_path / "a.csv", "id,text\n")
    stdin = io.StringIO(json.dumps({"id": "s1", "text": "Von der Standardeingabe."}) + "\nnope\n")
    out = list(read_articles(["-", str(empty), str(latin), str(other), str(tmp_path / "missing.txt")], stdin=stdin))
    assert isinstance(out[0], Item) and out[0].where == "<stdin>:1"
    assert [(b.where, b.reason) for b in out[1:] if isinstance(b, BadInput)] == [
        ("<stdin>:2", "invalid_json"),
        (str(empty), "empty_field"),
        (str(latin), "not_utf8"),
        (str(other), "unsupported_file"),
        (str(tmp_path / "missing.txt"), "not_found"),
    ]


def test_message_is_keyed_by_id_with_compact_utf8_json() -> None:
    key, value = article_message(Article(id="ü-1", text="Straße gesperrt.", source="Lokalblatt"))
    assert key == "ü-1".encode()
    assert value == '{"id":"ü-1","text":"Straße gesperrt.","source":"Lokalblatt"}'.encode()
    assert Article.from_dict(json.loads(value)) == Article(id="ü-1", text="Straße gesperrt.", source="Lokalblatt")
