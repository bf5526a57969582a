"""Validate a parsed rule file against the shipped JSON Schema (rule.schema.json).

Called by the loader for each file, before the model is built. Errors come back with the line of
the offending key and a hint; editors can use the same schema file (see docs/rules.md).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from streams.rules.errors import RuleError
from streams.rules.yamlload import LoadedYaml

SCHEMA_RESOURCE = "rule.schema.json"

_PATTERN_HINTS = {
    "^[0-9]+[smhd]$": "write a duration like 90s, 30m, 24h or 7d, or seconds as an integer",
    "^[a-z0-9][a-z0-9_.-]{0,99}$": "use lowercase letters, digits, '-', '_' and '.', starting with a letter or digit",
    "^[A-Za-z_][A-Za-z0-9_]{0,63}$": "a binding name is a word like actor, location or killed",
    "^[a-z]{2}$": "use an ISO 639-1 code like de or en",
}


@cache
def rule_schema() -> dict[str, Any]:
    """The JSON Schema for rule files, as shipped in the package."""
    text = resources.files("streams.rules").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = rule_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def validate_file(loaded: LoadedYaml, file: str) -> list[RuleError]:
    """All schema errors of one file, each with its line; empty when the file is valid."""
    if not isinstance(loaded.data, dict):
        kind = type(loaded.data).__name__
        return [RuleError(file, 1, f"a rule file must be a mapping, got {kind}", "start with 'id:' (one rule) or 'rules:' / 'lists:' / 'macros:' / 'exceptions:'")]
    seen: set[tuple[int, str]] = set()
    out: list[RuleError] = []
    for error in _validator().iter_errors(loaded.data):
        for leaf in _leaves(error):
            for err in _describe(leaf, loaded, file):
                key = (err.line, err.message)
                if key not in seen:
                    seen.add(key)
                    out.append(err)
    out.sort(key=lambda e: (e.line, e.message))
    return out


def _leaves(error: ValidationError) -> list[ValidationError]:
    # anyOf/oneOf: report the most relevant sub-error (the deepest path), else the error itself
    if error.validator in ("anyOf", "oneOf") and error.context:
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        if len(deepest.absolute_path) > len(error.absolute_path):
            return _leaves(deepest)
    return [error]


def _where(path: tuple[str | int, ...]) -> str:
    parts = [str(p) if isinstance(p, str) else f"[{p}]" for p in path]
    return ".".join(parts).replace(".[", "[") or "the top level"


def _describe(error: ValidationError, loaded: LoadedYaml, file: str) -> list[RuleError]:
    path = tuple(error.absolute_path)
    line = loaded.line_of(path)
    where = _where(path)
    v = error.validator
    if v == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        out = []
        for key in extra:
            hint = f"allowed here: {', '.join(allowed)}"
            if path == () and "id" not in error.instance:
                hint = "a rule file needs 'id:'; a library file has only lists, macros, rules and exceptions"
            out.append(RuleError(file, loaded.line_of(path + (key,)), f"unknown key '{key}'", hint))
        return out
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else str(error.validator_value)
        return [RuleError(file, line, f"missing required key '{missing}' in {where}", "add it; see docs/rules.md")]
    if v == "type":
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        names = " or ".join(str({"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
                             "number": "a number", "boolean": "true/false", "null": "null"}.get(t, t)) for t in types)
        got = type(error.instance).__name__
        return [RuleError(file, line, f"{where} must be {names}, got {got} {error.instance!r:.40}", "")]
    if v == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        return [RuleError(file, line, f"{where} is {error.instance!r}, must be one of: {options}", "")]
    if v == "pattern":
        hint = _PATTERN_HINTS.get(str(error.validator_value), f"must match {error.validator_value}")
        return [RuleError(file, line, f"{where} has an invalid value {error.instance!r}", hint)]
    if v in ("minItems", "minProperties", "minLength"):
        return [RuleError(file, line, f"{where} must not be empty", "")]
    if v in ("minimum", "maximum"):
        return [RuleError(file, line, f"{where} is {error.instance}, {v} is {error.validator_value}", "")]
    if v == "anyOf" and path and "rule" in (error.instance or {}):
        return [RuleError(file, line, f"{where} needs 'match' or 'where'", "an exception says when to drop a match")]
    return [RuleError(file, line, f"{where}: {error.message}", "")]
