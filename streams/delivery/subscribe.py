"""Rendering alerts for people (pretty, coloured) and programs (JSON lines).

``render`` is called by ``newsalert subscribe`` for every alert that passed the filters.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import click

SEVERITY_STYLE: dict[str, dict[str, Any]] = {
    "info": {"fg": "blue"},
    "low": {"fg": "cyan"},
    "medium": {"fg": "yellow", "bold": True},
    "high": {"fg": "red", "bold": True},
    "critical": {"fg": "white", "bg": "red", "bold": True},
}
FORMATS = ("pretty", "jsonl")
MAX_EVIDENCE = 5
MAX_ARTICLES = 5


def render(alert: Mapping[str, Any], fmt: str) -> str:
    """The alert as one JSON line, or as a multi-line coloured block (ANSI styles via click)."""
    if fmt == "jsonl":
        return json.dumps(alert, ensure_ascii=False, separators=(",", ":"))
    if fmt == "pretty":
        return render_pretty(alert)
    raise ValueError(f"unknown format {fmt!r}")


def flatten_facts(facts: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested facts as ('actor.country', 'KP') pairs, lists joined with ', '."""
    pairs: list[tuple[str, str]] = []
    if isinstance(facts, Mapping):
        for key, value in facts.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, Mapping):
                pairs.extend(flatten_facts(value, name))
            else:
                pairs.append((name, _scalar(value)))
    elif facts not in (None, {}):
        pairs.append((prefix or "value", _scalar(facts)))
    return pairs


def summarize_facts(facts: Any) -> list[str]:
    """One short 'name: value' per top-level fact, for people: entities as 'Name (CC)', counts as
    ranges ('≈1–20 soldiers (“kleine Anzahl”)'), matched words as their text. The full facts stay
    in the JSON."""
    if not isinstance(facts, Mapping):
        return [] if facts in (None, {}) else [_scalar(facts)]
    return [f"{key}: {_summary(value)}" for key, value in facts.items()]


def _summary(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_summary(v) for v in value)
    if not isinstance(value, Mapping):
        return _scalar(value)
    if value.get("name"):
        country = value.get("country")
        return f"{value['name']} ({country})" if country else str(value["name"])
    if "min" in value and ("max" in value or "value" in value):
        low, high = value.get("min"), value.get("max")
        if high is None:
            amount = f"≥{low}"
        elif low == high:
            amount = f"{low}"
        else:
            amount = f"{low}–{high}"
        parts = [("≈" if value.get("approximate") else "") + amount]
        if value.get("counted"):
            parts.append(str(value["counted"]))
        if value.get("event"):
            parts.append(str(value["event"]))
        text = f" (“{value['text']}”)" if value.get("text") else ""
        return " ".join(parts) + text
    if value.get("text"):
        return str(value["text"])
    return "; ".join(f"{k}={v}" for k, v in flatten_facts(value))


def _scalar(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_scalar(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def render_pretty(a: Mapping[str, Any]) -> str:
    severity = str(a.get("severity", "?"))
    style = SEVERITY_STYLE.get(severity, {})
    status = str(a.get("status", "?"))
    revision = a.get("revision", "?")
    corroboration = a.get("corroboration", 0)
    head = click.style(f" {severity.upper()} ", **style)
    status_text = click.style("NEW", fg="green", bold=True) if status == "new" else click.style(
        f"UPDATE rev {revision}", fg="magenta", bold=True
    )
    rule = a.get("rule") or {}
    lines = [
        f"{head} {status_text}  {click.style(str(a.get('title', '')), bold=True)}",
        f"  rule {a.get('rule_id', '?')}"
        + (f" (version {rule.get('version')})" if isinstance(rule, Mapping) and rule.get("version") else "")
        + f"  ·  {corroboration} article(s)"
        + (f"  ·  tags {', '.join(a.get('tags') or [])}" if a.get("tags") else ""),
    ]
    if a.get("summary"):
        lines.append(f"  {_one_line(a['summary'], 300)}")
    facts = summarize_facts(a.get("facts"))
    if facts:
        lines.append("  facts: " + " · ".join(facts))
    evidence = a.get("evidence") or []
    for ev in evidence[:MAX_EVIDENCE]:
        where = click.style(f"[{ev.get('start')}:{ev.get('end')}]", dim=True)
        lines.append(f"  evidence {where} “{_one_line(ev.get('text', ''))}”")
    if len(evidence) > MAX_EVIDENCE:
        lines.append(f"  … {len(evidence) - MAX_EVIDENCE} more evidence span(s)")
    articles = a.get("articles") or []
    trigger = a.get("article_id")
    for art in articles[-MAX_ARTICLES:]:
        mark = "*" if art.get("id") == trigger else "-"
        bits = [b for b in (art.get("source"), art.get("title")) if b]
        meta = ", ".join(b for b in (art.get("language"), art.get("published_at")) if b)
        lines.append(
            f"  {mark} {art.get('id')}: {' — '.join(bits) if bits else '(no title)'}"
            + (f" ({meta})" if meta else "")
            + (f" {click.style(str(art['url']), underline=True)}" if art.get("url") else "")
        )
    if len(articles) > MAX_ARTICLES:
        lines.append(f"  … {len(articles) - MAX_ARTICLES} earlier article(s)")
    lines.append(click.style(
        f"  alert {a.get('alert_id')} rev {revision} · first {a.get('first_seen')} · detected {a.get('detected_at')}",
        dim=True,
    ))
    return "\n".join(lines) + "\n"
