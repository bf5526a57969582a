"""Turn schema-valid ``match:`` data into a condition tree, expanding macros and @lists.

Used by the loader after all files are parsed, so a rule may use macros and lists from any file.
Raises RuleFileError with the line (and the file, when the problem is inside a macro).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import re2

from streams.config import Limits
from streams.rules.conditions import (
    ATTRIBUTES,
    DEFAULT_MODALITY,
    DEFAULT_POLARITY,
    DEFAULT_TIME,
    AllOf,
    AnyOf,
    ConceptLeaf,
    Condition,
    CountLeaf,
    EntityLeaf,
    Exists,
    FrameCount,
    FrameLeaf,
    FrameRole,
    Lead,
    NotOf,
    OptionalOf,
    RegexLeaf,
    SameSentence,
    Where,
    WholeArticle,
    Within,
    bindings_of,
    required_bindings,
)
from streams.rules.errors import RuleFileError
from streams.rules.expr import ExprError, Expression
from streams.rules.model import MatchExample, NoMatchExample, Rule, content_hash, parse_duration, strings
from streams.rules.presearch import clauses_of
from streams.rules.template import Field, Template, TemplateError
from streams.rules.yamlload import line_in

OPERATORS = ("all", "any", "not", "optional", "exists", "same_sentence", "article", "lead", "within", "macro",
             "concept", "entity", "count", "regex", "frame")
MAX_CONDITION_DEPTH = 24

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Located:
    """A piece of raw data, where it came from and how to find the line of a path inside it."""

    data: Any
    file: str
    path: Path_
    lines: Mapping[Path_, int]

    def line_of(self, path: Path_) -> int:
        return line_in(self.lines, path)


#: attributes a bound item may lack (a candidate place has no country; a frame may have no cause)
MAY_BE_EMPTY = frozenset({("entity", "country"), ("entity", "kind"), ("count", "min"), ("count", "max"),
                          ("count", "counted"), ("count", "event"), ("frame", "cause"),
                          ("frame", "location_source"), ("frame", "figures_min"), ("frame", "figures_max"),
                          ("frame", "theme")})


@dataclass
class Compiler:
    """Compiles conditions of one rule set; ``lists`` and ``macros`` span all files."""

    lists: dict[str, tuple[Any, ...]]
    macros: dict[str, Located]
    limits: Limits
    used_macros: set[str] = field(default_factory=set)
    used_lists: set[str] = field(default_factory=set)
    _macro_cache: dict[str, Condition] = field(default_factory=dict)

    def reset_usage(self) -> None:
        """Called before each rule so its version can include exactly the macros/lists it uses."""
        self.used_macros = set()
        self.used_lists = set()

    # --- conditions -------------------------------------------------------------------------

    def rule(self, src: Located) -> Rule:
        """Build one rule from schema-valid data, after the lists and macros of the whole set are
        known (called by the loader once per rule). Raises RuleFileError with the line."""
        data, path = src.data, src.path
        self.reset_usage()
        match = self.condition(data["match"], path + ("match",), src)
        bindings = bindings_of(match)
        where = self.expression(data["where"], path + ("where",), src, bindings) if "where" in data else None
        title = self.template(data["title"], path + ("title",), src, bindings)
        summary = self.template(data["summary"], path + ("summary",), src, bindings) if "summary" in data else None
        required = required_bindings(match)
        self._check_shown(title, path + ("title",), src, bindings, required)
        if summary is not None:
            self._check_shown(summary, path + ("summary",), src, bindings, required)
        suppress = data.get("suppress") or {}
        aggregate = data.get("aggregate") or {}
        key_source = aggregate.get("key") or suppress.get("key")
        key_path = path + (("aggregate", "key") if aggregate.get("key") else ("suppress", "key"))
        suppress_key = self.template(key_source, key_path, src, bindings) if key_source else None
        window_raw = aggregate.get("window", suppress.get("window"))
        try:
            window = parse_duration(window_raw)
        except RuleFileError as exc:
            raise RuleFileError(src.line_of(path + ("suppress",)), exc.message, exc.hint, file=src.file) from None
        examples = data.get("examples") or {}
        ex_match = tuple(
            MatchExample(
                text=e["text"],
                line=src.line_of(path + ("examples", "match", i)),
                lang=e.get("lang"),
                source=e.get("source"),
                expect=tuple(sorted((e.get("expect") or {}).items())),
            )
            for i, e in enumerate(examples.get("match") or [])
        )
        ex_no = tuple(
            NoMatchExample(e["text"], src.line_of(path + ("examples", "no_match", i)), e.get("lang"), e.get("source"))
            for i, e in enumerate(examples.get("no_match") or [])
        )
        for i, ex in enumerate(ex_match):
            for key, _ in ex.expect:
                root = key.split(".")[0]
                if root not in bindings:
                    raise self._err(src, path + ("examples", "match", i, "expect", key),
                                    f"example expects '{key}' but the rule has no binding '{root}'",
                                    f"bindings of this rule: {', '.join(sorted(bindings)) or 'none'}")
        # examples document a rule; they do not change what it matches, so they are not hashed
        own = {k: v for k, v in data.items() if k != "examples"}
        uses = {"macros": {m: self.macros[m].data for m in sorted(self.used_macros)},
                "lists": {n: list(self.lists[n]) for n in sorted(self.used_lists)}}
        return Rule(
            id=data["id"],
            title=title,
            severity=data["severity"],
            tags=tuple(data["tags"]),
            match=match,
            file=src.file,
            line=src.line_of(path + ("id",)),
            version=content_hash({"rule": own, "uses": uses}),
            description=str(data.get("description", "")).strip(),
            summary=summary,
            status=data.get("status", "experimental"),
            owner=data.get("owner", ""),
            enabled=bool(data.get("enabled", True)),
            topics=tuple(data.get("topics") or ()),
            languages=frozenset(strings(data.get("languages"))),
            sources=frozenset(s.lower() for s in strings(data.get("sources"))),
            exclude_sources=frozenset(s.lower() for s in strings(data.get("exclude_sources"))),
            where=where,
            suppress_key=suppress_key,
            window_seconds=window,
            min_articles=int(aggregate.get("min_articles", 1)),
            bindings=dict(bindings),
            examples_match=ex_match,
            examples_no_match=ex_no,
        )

    def condition(self, raw: Any, path: Path_, src: Located, stack: tuple[str, ...] = (), depth: int = 0) -> Condition:
        if depth > MAX_CONDITION_DEPTH:
            raise self._err(src, path, f"conditions nested deeper than {MAX_CONDITION_DEPTH} levels", "move parts into macros")
        if isinstance(raw, list):
            children = tuple(self.condition(c, path + (i,), src, stack, depth + 1) for i, c in enumerate(raw))
            return children[0] if len(children) == 1 else AllOf(children)
        if not isinstance(raw, dict):
            raise self._err(src, path, "a condition must be a mapping or a list", f"use one of: {', '.join(OPERATORS)}")
        ops = [k for k in raw if k != "where"]
        if len(ops) != 1:
            what = "no operator" if not ops else f"several operators ({', '.join(ops)})"
            raise self._err(src, path, f"a condition needs exactly one operator, got {what}",
                            "wrap several conditions in 'all:' or a list")
        op = ops[0]
        value = raw[op]
        p = path + (op,)
        cond: Condition
        if op in ("all", "any"):
            children = tuple(self.condition(c, p + (i,), src, stack, depth + 1) for i, c in enumerate(value))
            cond = AllOf(children) if op == "all" else AnyOf(children)
        elif op == "not":
            cond = NotOf(self.condition(value, p, src, stack, depth + 1))
        elif op == "exists":
            cond = Exists(self.condition(value, p, src, stack, depth + 1))
        elif op == "optional":
            cond = OptionalOf(self.condition(value, p, src, stack, depth + 1))
        elif op == "same_sentence":
            child = self.condition(value, p, src, stack, depth + 1)
            cond = SameSentence(child, tuple(clauses_of(child, local=True)))
        elif op == "article":
            cond = WholeArticle(self.condition(value, p, src, stack, depth + 1))
        elif op == "lead":
            cond = Lead(int(value["sentences"]), self.condition(value["match"], p + ("match",), src, stack, depth + 1))
        elif op == "within":
            cond = Within(int(value["tokens"]), self.condition(value["match"], p + ("match",), src, stack, depth + 1),
                          bool(value.get("ordered", False)))
        elif op == "macro":
            cond = self.macro(value, p, src, stack)
        elif op == "concept":
            cond = self.concept(value, p, src)
        elif op == "entity":
            cond = EntityLeaf(
                types=self.values(value.get("type"), p + ("type",), src),
                ids=self.values(value.get("id"), p + ("id",), src),
                countries=self.values(value.get("country"), p + ("country",), src),
                kinds=self.values(value.get("kind"), p + ("kind",), src),
                role=value.get("role"),
                binding=value.get("as"),
            )
        elif op == "count":
            at_least, at_most = value.get("at_least"), value.get("at_most")
            if at_least is not None and at_most is not None and at_most < at_least:
                raise self._err(src, p, f"at_most ({at_most}) is below at_least ({at_least})", "swap them")
            cond = CountLeaf(
                counted=self.values(value.get("counted"), p + ("counted",), src),
                events=self.values(value.get("event"), p + ("event",), src),
                at_least=at_least,
                at_most=at_most,
                binding=value.get("as"),
            )
        elif op == "regex":
            cond = self.regex(value, p, src)
        elif op == "frame":
            cond = self.frame(value, p, src)
        else:  # pragma: no cover - the schema rejects unknown operators first
            raise self._err(src, p, f"unknown operator '{op}'", f"use one of: {', '.join(OPERATORS)}")
        if "where" in raw:
            cond = Where(cond, self.expression(raw["where"], path + ("where",), src, bindings_of(cond)))
        return cond

    def macro(self, name: str, path: Path_, src: Located, stack: tuple[str, ...]) -> Condition:
        if name not in self.macros:
            known = ", ".join(sorted(self.macros)) or "none defined"
            raise self._err(src, path, f"unknown macro '{name}'", f"known macros: {known}")
        if name in stack:
            raise self._err(src, path, f"macro '{name}' uses itself ({' -> '.join(stack + (name,))})", "break the cycle")
        self.used_macros.add(name)
        if name in self._macro_cache:
            # usage of nested macros/lists must still be recorded for the rule version
            self._record_usage(self.macros[name].data)
            return self._macro_cache[name]
        m = self.macros[name]
        cond = self.condition(m.data, m.path, m, stack + (name,))
        self._macro_cache[name] = cond
        return cond

    def _record_usage(self, raw: Any) -> None:
        if isinstance(raw, dict):
            for k, v in raw.items():
                if k == "macro" and isinstance(v, str) and v in self.macros:
                    self.used_macros.add(v)
                    self._record_usage(self.macros[v].data)
                else:
                    self._record_usage(v)
        elif isinstance(raw, list):
            for v in raw:
                self._record_usage(v)
        elif isinstance(raw, str) and raw.startswith("@") and raw[1:] in self.lists:
            self.used_lists.add(raw[1:])

    def frame(self, value: Any, path: Path_, src: Located) -> FrameLeaf:
        roles = tuple(
            FrameRole(role, value[role].get("as"), not value[role].get("optional", False))
            for role in ("actor", "location", "origin") if role in value
        )
        counts = tuple(
            FrameCount(c["as"], self.values(c.get("counted"), path + ("counts", i, "counted"), src),
                       self.values(c.get("event"), path + ("counts", i, "event"), src))
            for i, c in enumerate(value.get("counts", ()))
        )
        names = [r.binding for r in roles if r.binding] + [c.binding for c in counts] + (
            [value["as"]] if value.get("as") else [])
        if len(names) != len(set(names)):
            raise self._err(src, path, f"a frame binds one name twice ({', '.join(sorted(names))})",
                            "give each role and count its own 'as' name")
        return FrameLeaf(
            kinds=self.values(value["kind"], path + ("kind",), src),
            themes=self.values(value.get("theme"), path + ("theme",), src),
            causes=self.values(value.get("cause"), path + ("cause",), src),
            polarity=self.values(value.get("polarity"), path + ("polarity",), src) or DEFAULT_POLARITY,
            modality=self.values(value.get("modality"), path + ("modality",), src) or DEFAULT_MODALITY,
            time=self.values(value.get("time"), path + ("time",), src) or DEFAULT_TIME,
            roles=roles,
            counts=counts,
            binding=value.get("as"),
        )

    def concept(self, value: Any, path: Path_, src: Located) -> ConceptLeaf:
        if isinstance(value, dict):
            return ConceptLeaf(self.values(value["id"], path + ("id",), src), value.get("as"))
        return ConceptLeaf(self.values(value, path, src))

    def regex(self, value: Any, path: Path_, src: Located) -> RegexLeaf:
        if isinstance(value, str):
            pattern, ignore_case, binding = value, False, None
        else:
            pattern, ignore_case, binding = value["pattern"], bool(value.get("ignore_case", False)), value.get("as")
        ppath = path if isinstance(value, str) else path + ("pattern",)
        if len(pattern) > self.limits.max_regex_length:
            raise self._err(src, ppath, f"regex is {len(pattern)} characters long, limit is {self.limits.max_regex_length}",
                            "shorten it, or use concepts from the lexicon")
        if not pattern:
            raise self._err(src, ppath, "regex is empty", "write a pattern or remove the condition")
        options = re2.Options()
        options.case_sensitive = not ignore_case
        options.max_mem = 8 << 20
        options.log_errors = False
        try:
            compiled = re2.compile(pattern, options)
        except re2.error as exc:
            reason = exc.args[0] if exc.args else exc
            if isinstance(reason, bytes):
                reason = reason.decode("utf-8", "replace")
            raise self._err(src, ppath, f"invalid regex {pattern!r}: {reason}",
                            "RE2 syntax: no backreferences or lookaround; see docs/rules.md") from None
        return RegexLeaf(pattern, compiled, binding)

    def values(self, raw: Any, path: Path_, src: Located) -> frozenset[str]:
        """A string or list of strings, with ``@name`` items replaced by the named list."""
        if raw is None:
            return frozenset()
        items = [raw] if isinstance(raw, str) else list(raw)
        out: set[str] = set()
        for i, item in enumerate(items):
            if isinstance(item, str) and item.startswith("@"):
                name = item[1:]
                if name not in self.lists:
                    ipath = path if isinstance(raw, str) else path + (i,)
                    raise self._err(src, ipath, f"unknown list '{name}'",
                                    f"known lists: {', '.join(sorted(self.lists)) or 'none defined'}")
                self.used_lists.add(name)
                out.update(str(v) for v in self.lists[name])
            else:
                out.add(str(item))
        return frozenset(out)

    # --- expressions and templates ----------------------------------------------------------

    def expression(self, text: str, path: Path_, src: Located, bindings: Mapping[str, str]) -> Expression:
        try:
            expr = Expression.parse(text)
        except ExprError as exc:
            raise self._err(src, path, f"bad expression {text!r}: {exc.message} (column {exc.column})",
                            "operators: and or not == != < <= > >= in; strings in quotes") from None
        for ref in expr.paths():
            self._check_path(ref.parts, path, src, bindings, what=f"expression {text!r}")
        for lref in expr.list_refs():
            if lref.name not in self.lists:
                raise self._err(src, path, f"unknown list '@{lref.name}' in expression {text!r}",
                                f"known lists: {', '.join(sorted(self.lists)) or 'none defined'}")
            self.used_lists.add(lref.name)
        return expr

    def template(self, text: str, path: Path_, src: Located, bindings: Mapping[str, str]) -> Template:
        try:
            tpl = Template.parse(text)
        except TemplateError as exc:
            raise self._err(src, path, f"bad template {text!r}: {exc}", "fields look like {actor.name}") from None
        for f in tpl.fields():
            if f.parts == ("rule",):
                continue
            self._check_path(f.parts, path, src, bindings, what=f"template {text!r}")
        return tpl

    def _check_shown(self, tpl: Template, path: Path_, src: Located, bindings: Mapping[str, str],
                     required: set[str]) -> None:
        """A title or summary never shows "?": a field outside ``[...]`` without a fallback must
        be bound in every match and be an attribute that always has a value."""
        for piece in tpl.pieces:
            if not isinstance(piece, Field) or piece.fallback is not None or piece.parts[0] in ("rule", "article"):
                continue
            name = ".".join(piece.parts)
            root, kind = piece.parts[0], bindings.get(piece.parts[0], "")
            if root not in required:
                why = f"'{root}' is not bound in every match (it is optional, or bound in one branch of 'any')"
            elif (kind, piece.parts[1]) in MAY_BE_EMPTY:
                why = f"the {piece.parts[1]} of {'an' if kind[:1] in 'aeiou' else 'a'} {kind} may be unknown"
            else:
                continue
            raise self._err(src, path, f"'{{{name}}}' may have no value in {tpl.source!r}: {why}",
                            f"give it a fallback in words, e.g. {{{name}|a place the article does not name}}, "
                            f"or put the part that needs it in [...]")

    def _check_path(self, parts: tuple[str, ...], path: Path_, src: Located, bindings: Mapping[str, str], what: str) -> None:
        root = parts[0]
        kind = "article" if root == "article" else bindings.get(root)
        if kind is None:
            known = ", ".join(sorted(bindings)) or "none (add 'as: name' to a condition)"
            raise self._err(src, path, f"unknown binding '{root}' in {what}", f"bindings of this rule: {known}")
        if len(parts) == 1:
            raise self._err(src, path, f"'{root}' in {what} needs an attribute",
                            f"e.g. {root}.{ATTRIBUTES[kind][0]}; attributes: {', '.join(ATTRIBUTES[kind])}")
        if len(parts) > 2 or parts[1] not in ATTRIBUTES[kind]:
            raise self._err(src, path, f"unknown attribute '{'.'.join(parts[1:])}' of {kind} '{root}' in {what}",
                            f"attributes: {', '.join(ATTRIBUTES[kind])}")

    @staticmethod
    def _err(src: Located, path: Path_, message: str, hint: str = "") -> RuleFileError:
        return RuleFileError(src.line_of(path), message, hint, file=src.file)
