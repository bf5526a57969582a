"""Read one rule file: YAML -> plain Python data plus the line of every key and item.

Called by the rule loader for each file before schema validation. Defends against hostile input:
file size, YAML bombs (aliases that expand to too many nodes), deep nesting, duplicate keys and
multiple documents are refused with the line where the problem starts. Uses ruamel.yaml; the
event stream is checked before anything is built, so a bomb never gets expanded in memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    ScalarEvent,
)

from streams.config import Limits
from streams.rules.errors import RuleFileError

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class LoadedYaml:
    """Plain data (dict/list/str/int/float/bool/None) and the 1-based line of every path in it."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int:
        return line_in(self.lines, path)


def line_in(lines: Mapping[Path_, int], path: Path_) -> int:
    """The line of ``path`` or of its nearest ancestor that has one (1 for the root)."""
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return lines.get((), 1)


def load_yaml_text(text: str, limits: Limits) -> LoadedYaml:
    """Parse ``text`` (one YAML document) within ``limits``; raise RuleFileError on any problem."""
    if len(text.encode("utf-8", errors="replace")) > limits.max_rule_file_bytes:
        raise RuleFileError(
            0,
            f"file is larger than {limits.max_rule_file_bytes} bytes",
            "split it into several files or raise NEWSALERT_MAX_RULE_FILE_BYTES",
        )
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    _check_events(yaml, text, limits)
    try:
        raw = yaml.load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 0
        key = _duplicate_key_name(str(exc.problem))
        raise RuleFileError(line, f"duplicate key {key}".strip(), "each key may appear once per mapping") from None
    except MarkedYAMLError as exc:
        raise _yaml_error(exc) from None
    except YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise RuleFileError(0, f"invalid YAML: {exc}") from None
    if raw is None:
        raise RuleFileError(1, "file is empty", "write a rule (id, title, match ...) or a list/macro section")
    lines: dict[Path_, int] = {}
    data = _plain(raw, (), lines)
    lines.setdefault((), 1)
    return LoadedYaml(data, lines)


def load_yaml_file(path: Path, limits: Limits) -> LoadedYaml:
    """Read and parse one rule file; called by the loader for each *.yaml in the rule directory."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RuleFileError(0, f"cannot read file: {exc.strerror}") from None
    _check_size(size, limits)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RuleFileError(0, f"cannot read file: {exc.strerror}") from None
    return load_yaml_bytes(data, limits)


def load_yaml_bytes(data: bytes, limits: Limits) -> LoadedYaml:
    """Parse the bytes of one rule file (read once by the loader, so a whole set is one snapshot)."""
    _check_size(len(data), limits)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleFileError(0, f"file is not UTF-8 ({exc.reason} at byte {exc.start})", "save it as UTF-8") from None
    return load_yaml_text(text, limits)


def _check_size(size: int, limits: Limits) -> None:
    if size > limits.max_rule_file_bytes:
        raise RuleFileError(
            0,
            f"file has {size} bytes, limit is {limits.max_rule_file_bytes}",
            "split it into several files or raise NEWSALERT_MAX_RULE_FILE_BYTES",
        )


def _yaml_error(exc: MarkedYAMLError) -> RuleFileError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 0
    problem = exc.problem or exc.context or "invalid YAML"
    return RuleFileError(line, f"invalid YAML: {problem}", "check indentation, quotes and colons on this line")


def _duplicate_key_name(problem: str) -> str:
    # ruamel says: found duplicate key "x" with value "..." (original value: "...")
    start = problem.find('"')
    end = problem.find('"', start + 1)
    return f"'{problem[start + 1:end]}'" if start >= 0 and end > start else ""


def _check_events(yaml: YAML, text: str, limits: Limits) -> None:
    """Walk the event stream: count nodes as aliases would expand them, and the nesting depth."""
    # Each frame: [node count so far, max depth below, anchor]
    stack: list[list[Any]] = []
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> (expanded nodes, depth)
    total = 0
    documents = 0

    def add(n: int, depth: int, line: int) -> None:
        nonlocal total
        if stack:
            stack[-1][0] += n
            stack[-1][1] = max(stack[-1][1], depth)
        total += n
        if total > limits.max_yaml_nodes:
            raise RuleFileError(
                line,
                f"the document expands to more than {limits.max_yaml_nodes} nodes (YAML bomb?)",
                "remove aliases (*name) that repeat large anchors; use macros and lists instead",
            )
        if len(stack) + depth > limits.max_yaml_depth:
            raise RuleFileError(
                line,
                f"nesting is deeper than {limits.max_yaml_depth} levels",
                "flatten the structure, or move parts into macros",
            )

    try:
        for event in yaml.parse(text):
            line = event.start_mark.line + 1 if event.start_mark is not None else 0
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise RuleFileError(line, "more than one YAML document in the file", "put each rule file in one document (remove '---')")
            elif isinstance(event, CollectionStartEvent):
                stack.append([0, 0, event.anchor])
                if len(stack) > limits.max_yaml_depth:
                    raise RuleFileError(
                        line,
                        f"nesting is deeper than {limits.max_yaml_depth} levels",
                        "flatten the structure, or move parts into macros",
                    )
            elif isinstance(event, CollectionEndEvent):
                count, depth, anchor = stack.pop()
                size = count + 1
                if anchor is not None:
                    sizes[anchor] = (size, depth + 1)
                # the collection's own nodes are already in ``total``; add only the +1 for itself
                if stack:
                    stack[-1][0] += size
                    stack[-1][1] = max(stack[-1][1], depth + 1)
                total += 1
            elif isinstance(event, ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = (1, 0)
                if stack:
                    stack[-1][0] += 1
                total += 1
            elif isinstance(event, AliasEvent):
                if event.anchor not in sizes:
                    raise RuleFileError(line, f"alias *{event.anchor} refers to an unknown or enclosing anchor", "define the anchor (&name) before using it")
                n, depth = sizes[event.anchor]
                add(n, depth, line)
            if total > limits.max_yaml_nodes:
                raise RuleFileError(
                    line,
                    f"the document has more than {limits.max_yaml_nodes} nodes",
                    "split the file or raise NEWSALERT_MAX_YAML_NODES",
                )
    except MarkedYAMLError as exc:
        raise _yaml_error(exc) from None
    except YAMLError as exc:  # e.g. ReaderError: a control character such as NUL in the file
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 0
        raise RuleFileError(line, f"invalid YAML: {exc}".split("\n")[0],
                            "remove control characters; rule files are plain UTF-8 text") from None


def _plain(value: Any, path: Path_, lines: dict[Path_, int]) -> Any:
    """Convert ruamel's round-trip objects to plain Python, recording the line of each path."""
    if isinstance(value, CommentedMap):
        out: dict[str, Any] = {}
        for key in value:
            try:
                kline = value.lc.key(key)[0] + 1
            except (KeyError, TypeError, AttributeError):
                kline = lines.get(path, 1)
            skey = key if isinstance(key, str) else str(key)
            lines[path + (skey,)] = kline
            out[skey] = _plain(value[key], path + (skey,), lines)
        return out
    if isinstance(value, CommentedSeq):
        items: list[Any] = []
        for i, item in enumerate(value):
            try:
                lines[path + (i,)] = value.lc.item(i)[0] + 1
            except (KeyError, TypeError, AttributeError):
                lines[path + (i,)] = lines.get(path, 1)
            items.append(_plain(item, path + (i,), lines))
        return items
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if value is None:
        return None
    return str(value)  # timestamps and other tagged scalars: keep as written
