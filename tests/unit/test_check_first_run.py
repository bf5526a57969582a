"""`newsalert check` reads its inputs before it loads anything heavy, loads languages lazily, and
follows the exit-code convention (issue 15, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.cli.main import cli
from streams.models import Article
from streams.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[2]


def test_bad_inputs_are_reported_without_loading_the_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_loading(*args: object, **kwargs: object) -> Pipeline:
        raise AssertionError("the pipeline was loaded for inputs that hold no article")

    monkeypatch.setattr(Pipeline, "from_dirs", no_loading)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "missing.txt"), str(bad)])
    assert result.exit_code == 1, result.output
    assert "missing.txt: not_found" in result.stderr
    assert "bad.jsonl:1: missing_field" in result.stderr
    assert "0 alert(s), 2 input problem(s)" in result.stderr


def test_invalid_rules_are_errors_in_the_input_exit_1(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "broken.yaml").write_text("id: x\nbogus: 1\n", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Ein Text.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--rules", str(rules), str(article)])
    assert result.exit_code == 1, result.output
    assert "broken.yaml" in result.stderr
    # and `rules check` says the same with the same code
    result = CliRunner().invoke(cli, ["rules", "check", str(rules)])
    assert result.exit_code == 1


def test_a_usage_error_exits_2() -> None:
    result = CliRunner().invoke(cli, ["check", "--format", "xml", "a.txt"])
    assert result.exit_code == 2


def test_languages_load_on_first_need() -> None:
    pipeline = Pipeline.from_dirs(ROOT / "rules", lazy=True)
    pipelines = pipeline.extractor.pipelines
    assert getattr(pipelines, "built", None) == ()
    result = pipeline.process(Article(id="de1", text=(ROOT / "streams/samples/article.txt").read_text("utf-8")))
    assert result.language == "de" and result.matches
    assert pipelines.built == ("de",)  # type: ignore[attr-defined]
    assert "en" in pipelines and set(pipelines) == {"de", "en"}
