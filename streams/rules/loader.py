"""Load a rule directory into a RuleSet: every *.yaml/*.yml file directly in it (not lexicon/).

    load_ruleset(dir)   fail fast: RuleSetError carrying every error (file:line, hint)
    check_rules(dir)    collect all errors, for ``newsalert rules check``

Files whose names start with '.' are skipped, so a Kubernetes ConfigMap mount (``..data`` symlink
to a timestamped directory, one symlink per key) loads as a plain directory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from streams.config import Limits
from streams.rules.compiler import Compiler, Located
from streams.rules.errors import RuleError, RuleFileError, RuleSetError, display_path
from streams.rules.model import Rule, RuleException, content_hash
from streams.rules.presearch import Presearcher, clauses_of
from streams.rules.ruleset import RuleSet
from streams.rules.schema import validate_file
from streams.rules.yamlload import load_yaml_file

RULE_SUFFIXES = (".yaml", ".yml")


def rule_files(directory: Path) -> list[Path]:
    """The rule files of a directory, sorted by name (symlinks followed, dot-files skipped)."""
    if not directory.is_dir():
        return []
    return sorted(
        p for p in directory.iterdir()
        if p.suffix in RULE_SUFFIXES and not p.name.startswith(".") and p.is_file()
    )


def files_digest(directory: Path) -> str:
    """Hash of the raw bytes of every rule file; cheap change detection for the watcher."""
    h = hashlib.sha256()
    for p in rule_files(directory):
        h.update(p.name.encode())
        try:
            h.update(p.read_bytes())
        except OSError:
            h.update(b"\0unreadable")
    return h.hexdigest()


@dataclass
class _Parsed:
    rules: list[Located] = field(default_factory=list)
    lists: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    list_src: dict[str, Located] = field(default_factory=dict)
    macros: dict[str, Located] = field(default_factory=dict)
    exceptions: list[Located] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _parse_files(directory: Path, limits: Limits, errors: list[RuleError]) -> _Parsed:
    parsed = _Parsed()
    if not directory.is_dir():
        errors.append(RuleError(str(directory), 0, "rule directory does not exist", "pass the directory with the rule *.yaml files"))
        return parsed
    for path in rule_files(directory):
        file = display_path(path)
        parsed.files.append(file)
        try:
            loaded = load_yaml_file(path, limits)
        except RuleFileError as exc:
            errors.append(RuleError(file, exc.line, exc.message, exc.hint))
            continue
        schema_errors = validate_file(loaded, file)
        if schema_errors:
            errors.extend(schema_errors)
            continue
        data = loaded.data
        lines = loaded.lines
        if "id" in data:
            parsed.rules.append(Located(data, file, (), lines))
            continue
        for name, values in (data.get("lists") or {}).items():
            src = Located(values, file, ("lists", name), lines)
            if name in parsed.lists:
                first = parsed.list_src[name]
                errors.append(RuleError(file, src.line_of(src.path), f"list '{name}' is defined twice",
                                        f"first in {first.file}:{first.line_of(first.path)}"))
                continue
            parsed.lists[name] = tuple(values)
            parsed.list_src[name] = src
        for name, body in (data.get("macros") or {}).items():
            src = Located(body, file, ("macros", name), lines)
            if name in parsed.macros:
                first = parsed.macros[name]
                errors.append(RuleError(file, src.line_of(src.path), f"macro '{name}' is defined twice",
                                        f"first in {first.file}:{first.line_of(first.path)}"))
                continue
            parsed.macros[name] = src
        for i, rule in enumerate(data.get("rules") or []):
            parsed.rules.append(Located(rule, file, ("rules", i), lines))
        for i, item in enumerate(data.get("exceptions") or []):
            parsed.exceptions.append(Located(item, file, ("exceptions", i), lines))
    return parsed


def build_ruleset(directory: Path, limits: Limits) -> tuple[RuleSet | None, list[RuleError]]:
    """The RuleSet and no errors, or None and every error; never raises for bad rule files."""
    errors: list[RuleError] = []
    parsed = _parse_files(directory, limits, errors)
    compiler = Compiler(parsed.lists, parsed.macros, limits)
    rules: list[Rule] = []
    raw_rules: dict[str, dict[str, Any]] = {}
    seen: dict[str, Located] = {}
    if len(parsed.rules) > limits.max_rules:
        errors.append(RuleError(display_path(directory), 0, f"{len(parsed.rules)} rules, limit is {limits.max_rules}",
                                "raise NEWSALERT_MAX_RULES or split the rule set"))
    for src in parsed.rules:
        data = src.data
        rid = data["id"]
        if rid in seen:
            first = seen[rid]
            errors.append(RuleError(src.file, src.line_of(src.path + ("id",)), f"rule id '{rid}' is used twice",
                                    f"first in {first.file}:{first.line_of(first.path + ('id',))}; ids must be unique", rid))
            continue
        seen[rid] = src
        try:
            rule = compiler.rule(src)
        except RuleFileError as exc:
            errors.append(RuleError(exc.file or src.file, exc.line, exc.message, exc.hint, rid))
            continue
        rules.append(rule)
        raw_rules[rule.id] = data
    by_id = {r.id: r for r in rules}
    attached: dict[str, list[tuple[RuleException, Any]]] = {}
    for src in parsed.exceptions:
        data = src.data
        targets = [data["rule"]] if isinstance(data["rule"], str) else list(data["rule"])
        unknown = [t for t in targets if t != "*" and t not in by_id and t not in seen]
        if unknown:
            errors.append(RuleError(src.file, src.line_of(src.path + ("rule",)), f"exception for unknown rule '{unknown[0]}'",
                                    f"known rules: {', '.join(sorted(seen)) or 'none'}"))
            continue
        try:
            match = compiler.condition(data["match"], src.path + ("match",), src) if "match" in data else None
            where = None
            if "where" in data:
                if "*" in targets:
                    scope: Mapping[str, str] = {}
                else:
                    common = [set(by_id[t].bindings.items()) for t in targets if t in by_id]
                    scope = dict(set.intersection(*common)) if common else {}
                where = compiler.expression(data["where"], src.path + ("where",), src, scope)
        except RuleFileError as err:
            errors.append(RuleError(err.file or src.file, err.line, err.message, err.hint))
            continue
        exc_obj = RuleException(frozenset(targets), str(data.get("name", "")), src.file,
                                src.line_of(src.path), match, where)
        for t in targets:
            for rid in (by_id if t == "*" else [t]):
                attached.setdefault(rid, []).append((exc_obj, data))
    final: list[Rule] = []
    for rule in rules:
        if not rule.enabled:
            continue
        excs = attached.get(rule.id, [])
        if excs:
            version = content_hash({"base": rule.version, "exceptions": [d for _, d in excs]})
            rule = replace(rule, exceptions=tuple(e for e, _ in excs), version=version)
        final.append(rule)
    if errors:
        errors.sort(key=lambda e: (e.file, e.line, e.message))
        return None, errors
    clauses = []
    for rule in final:
        cl = clauses_of(rule.match)
        if rule.languages:
            cl.append(frozenset(f"lang:{lang}" for lang in rule.languages))
        if rule.sources:
            cl.append(frozenset(f"src:{s}" for s in rule.sources))
        clauses.append(cl)
    version = content_hash(sorted((r.id, r.version) for r in final))
    ruleset = RuleSet(tuple(final), version, dict(parsed.lists), Presearcher.build(clauses), tuple(parsed.files))
    return ruleset, []


def load_ruleset(directory: Path, limits: Limits | None = None) -> RuleSet:
    """Load and validate every rule file in ``directory``; raise RuleSetError with all errors."""
    ruleset, errors = build_ruleset(Path(directory), limits or Limits())
    if errors or ruleset is None:
        raise RuleSetError(errors)
    return ruleset


def check_rules(directory: Path, limits: Limits | None = None) -> list[RuleError]:
    """Every error in the rule directory (empty list: the set loads)."""
    _, errors = build_ruleset(Path(directory), limits or Limits())
    return errors
