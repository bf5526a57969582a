"""`newsalert rules`: check, test, backtest and list the rule pack."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from streams.config import Settings

if TYPE_CHECKING:
    from streams.extraction.extractor import Extractor

_DIR = click.Path(file_okay=False, path_type=Path)


def _rules_dir(directory: Path | None) -> Path:
    return directory or Settings.from_env().rules_dir


def _extractor(lexicon: Path | None, rules_dir: Path) -> Extractor:
    from streams.extraction.extractor import Extractor

    return Extractor.from_settings(lexicon_dir=lexicon or rules_dir / "lexicon")


def _load(directory: Path) -> object:
    from streams.rules import RuleSetError, load_ruleset

    try:
        return load_ruleset(directory, Settings.from_env().limits)
    except RuleSetError as exc:
        for err in exc.errors:
            click.echo(f"{err.location}: {err.message}" + (f"\n    hint: {err.hint}" if err.hint else ""), err=True)
        click.echo(f"{len(exc.errors)} error(s); run `newsalert rules check {directory}` after fixing", err=True)
        raise SystemExit(1) from exc


@click.group()
def rules() -> None:
    """Check, test, backtest and list alert rules (the language: docs/rules.md)."""


@rules.command()
@click.argument("directory", required=False, type=_DIR)
def check(directory: Path | None) -> None:
    """Validate every rule file in DIRECTORY [default: NEWSALERT_RULES_DIR or ./rules].

    Prints every error as FILE:LINE: message, with a hint. Exit status 1 on any error.
    """
    from streams.rules import check_rules, load_ruleset

    directory = _rules_dir(directory)
    limits = Settings.from_env().limits
    errors = check_rules(directory, limits)
    for err in errors:
        click.echo(f"{err.location}: {err.message}" + (f"\n    hint: {err.hint}" if err.hint else ""))
    if errors:
        click.echo(f"{len(errors)} error(s) in {directory}", err=True)
        raise SystemExit(1)
    rs = load_ruleset(directory, limits)
    click.echo(f"ok: {len(rs)} rules in {len(rs.files)} files, version {rs.version}")


@rules.command()
@click.argument("directory", required=False, type=_DIR)
@click.option("--lexicon", type=_DIR, default=None, help="lexicon directory [default: DIRECTORY/lexicon]")
@click.option("--rule", "rule_ids", multiple=True, help="only this rule (repeatable)")
@click.option("--languages", default="de,en", show_default=True,
              help="every rule needs match and no_match examples in these languages ('' to skip)")
@click.option("-q", "--quiet", is_flag=True, help="print failures only")
def test(directory: Path | None, lexicon: Path | None, rule_ids: tuple[str, ...], languages: str, quiet: bool) -> None:
    """Run every rule's own examples through the real extractor and the engine.

    Each `match` example must produce a match of its rule whose facts equal `expect`; each
    `no_match` example must produce none. Exit status 1 on any failure.
    """
    from streams.models import Article, Extraction
    from streams.rules.ruleset import RuleSet
    from streams.rules.testing import run_examples

    directory = _rules_dir(directory)
    ruleset = _load(directory)
    assert isinstance(ruleset, RuleSet)
    unknown = [r for r in rule_ids if r not in ruleset.rule_ids]
    if unknown:
        raise click.BadParameter(f"unknown rule(s): {', '.join(unknown)}", param_hint="--rule")
    extractor = _extractor(lexicon, directory)

    def extract(article: Article) -> Extraction:
        return extractor.extract(article)

    require = tuple(x.strip() for x in languages.split(",") if x.strip())
    results = run_examples(ruleset, extract, rule_ids=rule_ids, require_languages=require)
    failed = [r for r in results if not r.passed]
    for r in results:
        if r.passed and quiet:
            continue
        mark = "PASS" if r.passed else "FAIL"
        text = (r.text[:70] + "…") if len(r.text) > 71 else r.text
        click.echo(f"{mark} {r.rule_id} {r.kind} [{r.language}] {r.file}:{r.line} {text}")
        if not r.passed:
            click.echo(f"     {r.detail}")
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed", err=True)
    if failed:
        raise SystemExit(1)


def _split(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    try:
        i, k = (int(x) for x in value.split("/"))
    except ValueError:
        raise click.BadParameter("write I/K, e.g. 0/2 for the even lines", param_hint="--split") from None
    if k < 1 or not 0 <= i < k:
        raise click.BadParameter("need 0 <= I < K", param_hint="--split")
    return (i, k)


@rules.command()
@click.argument("corpus", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--labels", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSONL with {id, tags} per article")
@click.option("--rules", "directory", type=_DIR, default=None, help="rules directory [default: ./rules]")
@click.option("--lexicon", type=_DIR, default=None, help="lexicon directory [default: RULES/lexicon]")
@click.option("--split", default=None, help="only lines with index %% K == I, e.g. 1/2 (held-out halves)")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.option("-v", "--verbose", is_flag=True, help="list false positive and false negative article ids")
def backtest(corpus: tuple[Path, ...], labels: Path, directory: Path | None, lexicon: Path | None,
             split: str | None, as_json: bool, verbose: bool) -> None:
    """Precision, recall and F1 per rule and per tag on labelled CORPUS.jsonl files (one or more,
    e.g. the real news: ../shared/data/real-news/*.jsonl with tests/data/real/labels.jsonl)."""
    from streams.rules.backtest import Score, load_corpus
    from streams.rules.backtest import backtest as run
    from streams.rules.ruleset import RuleSet

    directory = _rules_dir(directory)
    ruleset = _load(directory)
    assert isinstance(ruleset, RuleSet)
    try:
        articles, gold = load_corpus(corpus, labels, _split(split))
    except (ValueError, KeyError) as exc:
        raise click.ClickException(str(exc)) from exc
    extractor = _extractor(lexicon, directory)
    result = run(ruleset, articles, gold, extractor.extract_many)

    def row(s: Score) -> dict[str, object]:
        return {"name": s.name, "tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": round(s.precision, 3),
                "recall": round(s.recall, 3), "f1": round(s.f1, 3), "support": s.support,
                "false_positives": list(s.false_positives), "false_negatives": list(s.false_negatives)}

    if as_json:
        click.echo(json.dumps({"articles": result.articles, "rules_version": ruleset.version,
                               "per_tag": [row(s) for s in result.per_tag],
                               "per_rule": [row(s) for s in result.per_rule],
                               "micro": row(result.micro) if result.micro else None}, indent=2))
        return
    click.echo(f"{result.articles} articles, rules version {ruleset.version}")
    _table("tag", result.per_tag, verbose)
    _table("rule", result.per_rule, verbose)
    if result.micro:
        m = result.micro
        click.echo(f"\nmicro (all tags): precision {m.precision:.3f}  recall {m.recall:.3f}  F1 {m.f1:.3f}")


def _table(title: str, scores: Iterable[object], verbose: bool) -> None:
    from streams.rules.backtest import Score

    click.echo(f"\n{'per ' + title:<28} {'prec':>6} {'recall':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4}")
    for s in scores:
        assert isinstance(s, Score)
        click.echo(f"{s.name:<28} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp:4d} {s.fp:4d} {s.fn:4d}")
        if verbose and (s.false_positives or s.false_negatives):
            if s.false_positives:
                click.echo(f"    false positives: {' '.join(s.false_positives)}")
            if s.false_negatives:
                click.echo(f"    false negatives: {' '.join(s.false_negatives)}")


@rules.command("list")
@click.argument("directory", required=False, type=_DIR)
def list_rules(directory: Path | None) -> None:
    """List the rules: id, severity, status, tags, version, file:line."""
    from streams.rules.ruleset import RuleSet

    directory = _rules_dir(directory)
    ruleset = _load(directory)
    assert isinstance(ruleset, RuleSet)
    for r in ruleset.rules:
        click.echo(f"{r.id:<32} {r.severity:<8} {r.status:<12} {','.join(r.tags):<36} {r.version}  {r.file}:{r.line}")
    click.echo(f"{len(ruleset)} rules, version {ruleset.version}", err=True)


@rules.command()
def schema() -> None:
    """Print the JSON Schema of rule files (for editors: yaml-language-server, IntelliJ)."""
    from streams.rules.schema import rule_schema

    click.echo(json.dumps(rule_schema(), indent=2))
