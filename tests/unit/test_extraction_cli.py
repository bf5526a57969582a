"""`newsalert extract`: txt and jsonl input, pretty and jsonl output, bad lines as file:line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.cli.main import cli
from streams.extraction import extractor as extractor_module


@pytest.fixture(autouse=True)
def shared_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    shared = extractor_module.default_extractor()
    monkeypatch.setattr(extractor_module.Extractor, "from_settings", classmethod(lambda cls, **kw: shared))


def test_txt_and_jsonl(tmp_path: Path) -> None:
    txt = tmp_path / "kyiv-note.txt"
    txt.write_text("Russische Drohnen verletzten in Kiew sechs Zivilisten, teilte der Bürgermeister mit.", encoding="utf-8")
    jl = tmp_path / "batch.jsonl"
    jl.write_text(
        json.dumps({"id": "e1", "text": "Four civilians were killed in Kharkiv when a missile hit a school."}) + "\n"
        + "this is not json\n"
        + json.dumps({"id": "e2"}) + "\n"
        + json.dumps({"id": "e3", "text": "Ceasefire talks resumed in Geneva on Monday, diplomats said."}) + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["extract", "--format", "jsonl", str(txt), str(jl)])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [d["article_id"] for d in lines] == ["kyiv-note", "e1", "e3"]
    kyiv = lines[0]
    assert kyiv["language"] == "de"
    assert any(e["text"] == "Kiew" and e["country"] == "UA" for e in kyiv["entities"])
    assert {"text": "sechs", "counted": "civilians", "event": "injured"}.items() <= next(
        c for c in kyiv["counts"] if c["text"] == "sechs").items()
    assert f"{jl}:2: invalid_json" in result.stderr  # same reason codes as `check` and the DLQ
    assert f"{jl}:3: missing_field" in result.stderr


def test_pretty(tmp_path: Path) -> None:
    txt = tmp_path / "a.txt"
    txt.write_text("North Korean troops arrived in the Kursk region, the Pentagon said.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(txt)])
    assert result.exit_code == 0, result.output
    assert "article a" in result.output
    assert "country:KP" in result.output and "region:RU-KRS" in result.output


def test_help() -> None:
    result = CliRunner().invoke(cli, ["extract", "--help"])
    assert result.exit_code == 0 and "jsonl" in result.output


def test_frames_are_shown(tmp_path: Path) -> None:
    txt = tmp_path / "denied.txt"
    txt.write_text("Portugal schickt keine Soldaten nach Libyen. Spanien verlegt 200 Soldaten nach Estland.",
                   encoding="utf-8")
    pretty = CliRunner().invoke(cli, ["extract", str(txt)])
    assert pretty.exit_code == 0, pretty.output
    lines = [ln for ln in pretty.output.splitlines() if "frame deployment" in ln]
    assert len(lines) == 2
    assert "negated" in lines[0] and "location=Libya (LY)" in lines[0]
    assert "affirmed" in lines[1] and "actor=Spain (ES)" in lines[1] and "counts=200" in lines[1]
    out = CliRunner().invoke(cli, ["extract", "--format", "jsonl", str(txt)])
    frames = json.loads(out.output.splitlines()[0])["frames"]
    assert [(f["polarity"], f["location"]["country"]) for f in frames] == [("negated", "LY"), ("affirmed", "EE")]
