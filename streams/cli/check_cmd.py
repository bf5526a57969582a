"""`newsalert check`: the whole pipeline in-process, no Kafka. What a user runs first."""

from __future__ import annotations

from pathlib import Path

import click

from streams.config import Settings
from streams.delivery.subscribe import render
from streams.inputs import InputProblem, iter_articles


@click.command()
@click.option("--rules", "rules_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="rules directory [default: NEWSALERT_RULES_DIR or ./rules]")
@click.option("--format", "fmt", type=click.Choice(["pretty", "jsonl"]), default="pretty", show_default=True)
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
def check(rules_dir: Path | None, fmt: str, paths: tuple[str, ...]) -> None:
    """Evaluate the rules on articles in PATHS (.txt = one article, .jsonl = one per line, dirs, -).

    Every article is evaluated on its own (no suppression across articles). Exit status: 0 when
    all input was read, 1 when any input line was invalid (it is reported and skipped), 2 when the
    rules are invalid.
    """
    from streams.pipeline import Pipeline
    from streams.rules import RuleSetError

    settings = Settings.from_env()
    rules_dir = rules_dir or settings.rules_dir
    try:
        pipeline = Pipeline.from_dirs(rules_dir, limits=settings.limits)
    except RuleSetError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(2) from exc
    bad = 0
    total_alerts = 0
    for item in iter_articles(paths, max_text_chars=settings.limits.max_article_chars):
        if isinstance(item, InputProblem):
            bad += 1
            click.echo(f"skipped {item}", err=True)
            continue
        try:
            result = pipeline.process(item)
            if not result.supported:
                click.echo(f"{item.id}: unsupported language '{result.language}', not evaluated", err=True)
                continue
            alerts = result.standalone_alerts()
        except Exception as exc:  # noqa: BLE001 - one article's failure is reported, the rest go on
            bad += 1
            click.echo(f"skipped {item.id}: processing_error: {type(exc).__name__}: {exc}", err=True)
            continue
        total_alerts += len(alerts)
        for alert in alerts:
            click.echo(render(alert.to_dict(), fmt))
    if fmt == "pretty":
        click.echo(f"{total_alerts} alert(s)" + (f", {bad} input problem(s)" if bad else ""), err=True)
    if bad:
        raise SystemExit(1)
