"""`newsalert extract`: run the extraction on .txt or .jsonl files and print what a rule can see."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from streams.inputs import InputProblem, iter_articles
from streams.models import Article, Entity, Extraction, Frame

TYPE_COLOURS = {"GPE": "green", "LOC": "cyan", "NORP": "magenta", "ORG": "yellow", "PERSON": "blue"}


def _pretty(x: Extraction) -> str:
    out = [click.style(f"article {x.article_id}", bold=True) + f"  language={x.language}"
           + ("" if x.supported else click.style("  (not supported: no entities, concepts or counts)", fg="red"))]
    for si, s in enumerate(x.sentences):
        out.append(click.style(f"[{si}] ", dim=True) + s.text.strip())
        for e in (e for e in x.entities if e.sentence == si):
            colour = TYPE_COLOURS.get(e.type, "white")
            extra = f" country={e.country}" if e.country else ""
            out.append(f"    {click.style(e.type, fg=colour):<8} {e.text!r} -> {e.id} ({e.name}{', ' + e.kind if e.kind else ''}){extra}"
                       + ("" if e.source == "gazetteer" else f" [{e.source}]"))
        concepts = [c for c in x.concepts if c.sentence == si]
        if concepts:
            out.append("    " + click.style("concepts", fg="cyan") + " " + ", ".join(f"{c.concept}={c.text!r}" for c in concepts))
        for c in (c for c in x.counts if c.sentence == si):
            rng = f"{c.min}" if c.max == c.min else f"{c.min}-{c.max if c.max is not None else ''}"
            out.append(f"    {click.style('count', fg='red')} {c.text!r} = {rng}{' ~' if c.approximate else ''}"
                       f" counted={c.counted}({c.counted_text!r}) event={c.event}")
        for f in (f for f in x.frames if f.sentence == si):
            out.append("    " + click.style("frame", fg="magenta") + " " + _frame_line(f))
    return "\n".join(out)


def _frame_line(f: Frame) -> str:
    """One frame: kind, trigger, how it is reported, and its roles ("-" where the clause has none)."""
    def ent(e: Entity | None) -> str:
        return f"{e.name} ({e.country or '-'})" if e is not None else "-"

    parts = [f"{f.kind} {f.trigger!r}", f"{f.polarity}/{f.modality}/{f.time}"]
    if f.cause:
        parts.append(f"cause={f.cause}")
    parts += [f"theme={f.theme_kind or '-'}", f"actor={ent(f.actor)}",
              f"location={ent(f.location)}" + (f" [{f.location_source}]" if f.location_source else "")]
    if f.origin is not None:
        parts.append(f"origin={ent(f.origin)}")
    if f.counts:
        parts.append("counts=" + ",".join(k.text for k in f.counts))
    if f.figures and f.related_counts:
        parts.append(f"figures={f.figures[0]}-{f.figures[1]}")
    if f.cues:
        parts.append("cues=" + ",".join(f.cues))
    return "  ".join(parts)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["pretty", "jsonl"]), default="pretty", show_default=True,
              help="pretty: coloured listing per sentence; jsonl: one Extraction.to_dict() per line.")
@click.option("--lexicon-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Concept lexicons [default: <rules dir>/lexicon, env NEWSALERT_RULES_DIR].")
@click.option("--tokens", is_flag=True, help="jsonl: include the tokens with lemmas.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def extract(fmt: str, lexicon_dir: Path | None, tokens: bool, paths: tuple[Path, ...]) -> None:
    """Extract language, entities, concepts and counts from PATH... (.txt: one article, id = file
    stem; .jsonl: one article object per line). Bad lines are reported as file:line and skipped;
    the exit code is 1 if there were any."""
    from streams.extraction.extractor import Extractor

    extractor = Extractor.from_settings(lexicon_dir=lexicon_dir)
    errors: list[str] = []
    batch: list[Article] = []
    for item in iter_articles(paths):  # the same reader as `check`
        if isinstance(item, InputProblem):
            errors.append(str(item))
            continue
        batch.append(item)
        if len(batch) >= 32:
            _emit(extractor.extract_many(batch), fmt, tokens)
            batch = []
    if batch:
        _emit(extractor.extract_many(batch), fmt, tokens)
    for err in errors:
        click.echo(err, err=True)
    if errors:
        sys.exit(1)


def _emit(extractions: list[Extraction], fmt: str, tokens: bool) -> None:
    for x in extractions:
        if fmt == "jsonl":
            click.echo(json.dumps(x.to_dict(with_tokens=tokens), ensure_ascii=False))
        else:
            click.echo(_pretty(x))
            click.echo()
