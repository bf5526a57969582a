"""Load a rule directory into a RuleSet: every *.yaml/*.yml file directly in it (not lexicon/).

    load_ruleset(dir)   fail fast: RuleSetError carrying every error (file:line, hint)
    check_rules(dir)    collect all errors, for ``newsalert rules check``

Files whose names start with '.' are skipped, so a Kubernetes ConfigMap mount (``..data`` symlink
to a timestamped directory, one symlink per key) loads as a plain directory.
"""

from __future__ import annotations

import hashlib
import re
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
from streams.rules.yamlload import load_yaml_bytes

RULE_SUFFIXES = (".yaml", ".yml")


def rule_files(directory: Path) -> list[Path]:
    """The rule files of a directory, sorted by name (symlinks followed, dot-files skipped)."""
    if not directory.is_dir():
        return []
    return sorted(
        p for p in directory.iterdir()
        if p.suffix in RULE_SUFFIXES and not p.name.startswith(".") and p.is_file()
    )


@dataclass(frozen=True)
class RuleFiles:
    """The rule files of a directory, each read once: one consistent snapshot of the set.

    The watcher hashes and builds from the same snapshot, so a directory that changes while it is
    read (a ConfigMap symlink swap, files copied one by one) never yields a set mixed from a
    digest of one state and files of another.
    """

    directory: Path
    files: tuple[tuple[Path, bytes | OSError], ...]

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for path, data in self.files:
            h.update(path.name.encode())
            h.update(data if isinstance(data, bytes) else b"\0unreadable")
        return h.hexdigest()


def read_rule_files(directory: Path, limits: Limits | None = None) -> RuleFiles:
    """Read every rule file of ``directory`` (at most one byte over the size limit per file)."""
    cap = (limits or Limits()).max_rule_file_bytes + 1
    files: list[tuple[Path, bytes | OSError]] = []
    for path in rule_files(Path(directory)):
        try:
            with path.open("rb") as fh:
                files.append((path, fh.read(cap)))
        except OSError as exc:
            files.append((path, exc))
    return RuleFiles(Path(directory), tuple(files))


def files_digest(directory: Path) -> str:
    """Hash of the raw bytes of every rule file; cheap change detection for the watcher."""
    return read_rule_files(directory).digest


@dataclass
class _Parsed:
    rules: list[Located] = field(default_factory=list)
    lists: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    list_src: dict[str, Located] = field(default_factory=dict)
    macros: dict[str, Located] = field(default_factory=dict)
    exceptions: list[Located] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _parse_files(directory: Path, limits: Limits, errors: list[RuleError], snapshot: RuleFiles | None) -> _Parsed:
    parsed = _Parsed()
    if not directory.is_dir() and (snapshot is None or not snapshot.files):
        errors.append(RuleError(str(directory), 0, "rule directory does not exist", "pass the directory with the rule *.yaml files"))
        return parsed
    if snapshot is None:
        snapshot = read_rule_files(directory, limits)
    for path, data in snapshot.files:
        file = display_path(path)
        parsed.files.append(file)
        try:
            if isinstance(data, OSError):
                raise RuleFileError(0, f"cannot read file: {data.strerror}")
            loaded = load_yaml_bytes(data, limits)
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


def build_ruleset(directory: Path, limits: Limits, snapshot: RuleFiles | None = None) -> tuple[RuleSet | None, list[RuleError]]:
    """The RuleSet and no errors, or None and every error; never raises for bad rule files.

    ``snapshot``: the files as read before (``read_rule_files``); default: read them now, once.
    """
    errors: list[RuleError] = []
    parsed = _parse_files(directory, limits, errors, snapshot)
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
    errors.extend(topic_errors(rules, {r.id: seen[r.id] for r in rules}))
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


_TOPIC_CHARS = re.compile(r"[A-Za-z0-9._-]+")
MAX_TOPIC_LENGTH = 249


def topic_name_problem(name: str) -> str | None:
    """Why Kafka would refuse to create a topic of this name (its ``Topic.validate``), or None."""
    if not name:
        return "topic name is empty"
    if name in (".", ".."):
        return f"topic name '{name}' is not allowed by Kafka"
    if len(name) > MAX_TOPIC_LENGTH:
        return f"topic name has {len(name)} characters, Kafka allows {MAX_TOPIC_LENGTH}"
    if not _TOPIC_CHARS.fullmatch(name):
        return f"topic name '{name}' has characters Kafka refuses (only ASCII letters, digits, '.', '_', '-')"
    if name.startswith("__"):
        return f"topic name '{name}' starts with '__', which Kafka reserves for internal topics"
    return None


def topic_errors(rules: list[Rule], sources: Mapping[str, Located]) -> list[RuleError]:
    """Topic names of the rules that Kafka would not create: invalid names, and names that differ
    only in '.' and '_' (Kafka refuses the second: their metric names collide)."""
    errors: list[RuleError] = []
    seen: dict[str, tuple[str, str]] = {}  # collision key -> (name, where)
    for rule in rules:
        src = sources[rule.id]
        for i, name in enumerate(rule.topics):
            line = src.line_of(src.path + ("topics", i))
            where = f"{src.file}:{line}"
            problem = topic_name_problem(name)
            if problem:
                errors.append(RuleError(src.file, line, problem, "use a valid Kafka topic name", rule.id))
                continue
            key = name.replace(".", "_")
            first = seen.setdefault(key, (name, where))
            if first[0] != name:
                errors.append(RuleError(src.file, line, f"topic '{name}' collides with topic '{first[0]}'",
                                        f"first in {first[1]}; Kafka treats '.' and '_' alike here: use one spelling",
                                        rule.id))
    return errors


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
