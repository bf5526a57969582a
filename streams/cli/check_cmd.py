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

    Every article is evaluated on its own (no suppression across articles). The inputs are read
    and checked before anything heavy loads. Exit status: 0 when all input was read, 1 when any
    input line or the rules are invalid (reported; bad lines are skipped), 2 for a usage error.
    """
    from streams.rules import RuleSetError

    settings = Settings.from_env()
    rules_dir = rules_dir or settings.rules_dir
    items = list(iter_articles(paths, max_text_chars=settings.limits.max_article_chars,
                               strict=settings.strict_input))
    bad = [item for item in items if isinstance(item, InputProblem)]
    articles = [item for item in items if not isinstance(item, InputProblem)]
    for problem in bad:
        click.echo(f"skipped {problem}", err=True)
    total_alerts = 0
    failed = 0
    if articles:
        from streams.pipeline import Pipeline

        try:
            pipeline = Pipeline.from_dirs(rules_dir, limits=settings.limits, lazy=True)
        except RuleSetError as exc:
            click.echo(str(exc), err=True)
            raise SystemExit(1) from exc
        for article in articles:
            try:
                result = pipeline.process(article)
                if not result.supported:
                    click.echo(f"{article.id}: unsupported language '{result.language}', not evaluated",
                               err=True)
                    continue
                alerts = result.standalone_alerts()
            except Exception as exc:  # noqa: BLE001 - one article's failure is reported, the rest go on
                failed += 1
                click.echo(f"skipped {article.id}: processing_error: {type(exc).__name__}: {exc}", err=True)
                continue
            total_alerts += len(alerts)
            for alert in alerts:
                click.echo(render(alert.to_dict(), fmt))
    problems = len(bad) + failed
    if fmt == "pretty":
        click.echo(f"{total_alerts} alert(s)" + (f", {problems} input problem(s)" if problems else ""), err=True)
    if problems:
        raise SystemExit(1)
