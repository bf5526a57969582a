"""Human-readable terminal rendering of alerts (the `pretty` format of check and subscribe)."""

from __future__ import annotations

from typing import Any

import click

SEVERITY_COLOURS = {"critical": "magenta", "high": "red", "medium": "yellow", "low": "cyan", "info": "blue"}


def _fact_text(value: Any) -> str:
    if isinstance(value, dict):
        if "value" in value:
            bounds = ""
            if value.get("min") is not None and value.get("max") not in (None, value.get("min")):
                bounds = f" ({value['min']}–{value['max']})"
            elif value.get("max") is None and value.get("min") is not None and "max" in value:
                bounds = f" (≥{value['min']})"
            counted = f" {value['counted']}" if value.get("counted") else ""
            return f"{value['value']}{counted}{bounds}"
        name = value.get("name") or value.get("text") or value.get("id")
        country = f" [{value['country']}]" if value.get("country") else ""
        return f"{name}{country}"
    if isinstance(value, list):
        return ", ".join(_fact_text(v) for v in value)
    return str(value)


def render_pretty(alert: dict[str, Any], *, colour: bool = True) -> str:
    sev = str(alert.get("severity", "info"))

    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if colour else text

    status = alert.get("status", "new")
    head = (
        style(f"[{sev.upper()}]", fg=SEVERITY_COLOURS.get(sev, "white"), bold=True)
        + " "
        + style(str(alert.get("title", "")), bold=True)
        + style(f"  ({status}" + (f", rev {alert['revision']}" if alert.get("revision", 1) > 1 else "")
                + f", {alert.get('corroboration', 1)} article(s))", dim=True)
    )
    lines = [head]
    lines.append(style(f"  rule {alert.get('rule_id')}  tags {', '.join(alert.get('tags', []))}  "
                       f"id {alert.get('alert_id')}", dim=True))
    for key, value in (alert.get("facts") or {}).items():
        lines.append(f"  {key}: {_fact_text(value)}")
    for ev in alert.get("evidence", []):
        lines.append(style(f"  ▸ [{ev['start']}:{ev['end']}] ", fg="green") + str(ev["text"]).strip())
    arts = alert.get("articles") or []
    if arts:
        a = arts[-1]
        src = " · ".join(str(x) for x in (a.get("source"), a.get("published_at"), a.get("url")) if x)
        lines.append(style(f"  article {a.get('id')}" + (f" ({src})" if src else ""), dim=True))
    return "\n".join(lines)
