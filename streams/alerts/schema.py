"""The alert wire format: ``alert.schema.json`` (JSON Schema draft 2020-12) and a validator.

Called by producers and consumers of alert topics (tests, ``newsalert subscribe``/``forward``) to
check that a decoded message is an alert of the version they understand.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_VERSION = "1.0"
SEVERITIES = ("info", "low", "medium", "high", "critical")


class AlertSchemaError(ValueError):
    """A message that is not a valid alert. ``errors`` lists every problem as 'path: message'."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        shown = "; ".join(errors[:5]) + (f"; and {len(errors) - 5} more" if len(errors) > 5 else "")
        super().__init__(f"not a valid alert (schema {SCHEMA_VERSION}): {shown}")


@lru_cache(maxsize=1)
def alert_schema() -> dict[str, Any]:
    """The parsed schema (loaded once, from the package data)."""
    text = resources.files("streams.alerts").joinpath("alert.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = alert_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def alert_errors(data: Any) -> list[str]:
    """Every schema violation of ``data`` as 'json/path: message', sorted by path; [] when valid."""
    errors = []
    for err in _validator().iter_errors(data):
        path = "/".join(str(p) for p in err.absolute_path) or "(root)"
        errors.append(f"{path}: {err.message}")
    if isinstance(data, dict) and not errors:
        errors.extend(_consistency_errors(data))
    return sorted(errors)


def _consistency_errors(d: dict[str, Any]) -> list[str]:
    """Cross-field rules JSON Schema cannot say simply."""
    errs = []
    if d["rule"]["id"] != d["rule_id"]:
        errs.append(f"rule/id: {d['rule']['id']!r} differs from rule_id {d['rule_id']!r}")
    if (d["status"] == "new") != (d["revision"] == 1):
        errs.append(f"status: {d['status']!r} does not fit revision {d['revision']}")
    for i, ev in enumerate(d["evidence"]):
        if ev["end"] < ev["start"]:
            errs.append(f"evidence/{i}: end {ev['end']} is before start {ev['start']}")
    return errs


def validate_alert(data: Any) -> None:
    """Raise AlertSchemaError listing every problem unless ``data`` is a valid alert dict."""
    errors = alert_errors(data)
    if errors:
        raise AlertSchemaError(errors)
