"""Title, summary and suppression-key templates: ``"{actor.name} troops deployed to {location.name}"``.

``{binding.attribute}`` is replaced by the fact; ``{rule}`` by the rule id; ``{name|fallback}`` gives
the text to use when the fact is missing (otherwise ``?`` in titles, ``-`` in keys); a part in
square brackets is left out when a field in it is missing (``"[{killed.value} killed]"`` never says
"0 killed" or "? killed" for a figure the article does not give); ``{{``, ``}}``, ``[[`` and ``]]``
are literal braces and brackets. Parsed once at load time; names are checked against the rule's bindings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import re2

_NAME = re2.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class TemplateError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Field:
    parts: tuple[str, ...]
    fallback: str | None


@dataclass(frozen=True, slots=True)
class Optional_:
    """A bracketed part: rendered only when every field in it has a value (or a fallback)."""

    pieces: tuple[str | Field, ...]


@dataclass(frozen=True)
class Template:
    source: str
    pieces: tuple[str | Field | Optional_, ...]

    @classmethod
    def parse(cls, text: str) -> Template:
        pieces: list[str | Field | Optional_] = []
        outer: list[str | Field | Optional_] | None = None  # the pieces outside an open "["
        buf: list[str] = []
        i = 0
        n = len(text)
        while i < n:
            c = text[i]
            if c in "[]" and text[i + 1 : i + 2] == c:
                buf.append(c)
                i += 2
            elif c == "[":
                if outer is not None:
                    raise TemplateError(f"'[' inside '[...]' at column {i + 1}; write '[[' for a literal bracket")
                if buf:
                    pieces.append("".join(buf))
                    buf = []
                outer, pieces = pieces, []
                i += 1
            elif c == "]":
                if outer is None:
                    raise TemplateError(f"single ']' at column {i + 1}; write ']]' for a literal bracket")
                if buf:
                    pieces.append("".join(buf))
                    buf = []
                group = Optional_(tuple(p for p in pieces if not isinstance(p, Optional_)))
                pieces, outer = outer, None
                pieces.append(group)
                i += 1
            elif c == "{" and text[i + 1 : i + 2] == "{":
                buf.append("{")
                i += 2
            elif c == "}" and text[i + 1 : i + 2] == "}":
                buf.append("}")
                i += 2
            elif c == "{":
                end = text.find("}", i + 1)
                if end < 0:
                    raise TemplateError(f"unclosed '{{' at column {i + 1}")
                inner = text[i + 1 : end]
                name, sep, fallback = inner.partition("|")
                name = name.strip()
                if not _NAME.match(name):
                    raise TemplateError(f"'{{{inner}}}' is not a field name like {{actor.name}} (column {i + 1})")
                if buf:
                    pieces.append("".join(buf))
                    buf = []
                pieces.append(Field(tuple(name.split(".")), fallback if sep else None))
                i = end + 1
            elif c == "}":
                raise TemplateError(f"single '}}' at column {i + 1}; write '}}}}' for a literal brace")
            else:
                buf.append(c)
                i += 1
        if outer is not None:
            raise TemplateError("unclosed '['; write '[[' for a literal bracket")
        if buf:
            pieces.append("".join(buf))
        return cls(text, tuple(pieces))

    def fields(self) -> list[Field]:
        out: list[Field] = []
        for p in self.pieces:
            if isinstance(p, Field):
                out.append(p)
            elif isinstance(p, Optional_):
                out.extend(q for q in p.pieces if isinstance(q, Field))
        return out

    def render_complete(self, env: Mapping[str, Any]) -> str | None:
        """Fill the template, or None when a field without a fallback is missing.

        Used for suppression keys: a key with a hole cannot name one event across articles
        ("civilian-casualties:-:-" would merge every casualty report without a place)."""
        for field in (p for p in self.pieces if isinstance(p, Field)):
            if field.fallback is None and _lookup(env, field.parts) is None:
                return None
        return self.render(env)

    def render(self, env: Mapping[str, Any], missing: str = "?") -> str:
        """Fill the template from ``env`` (binding -> attributes, plus ``rule``)."""
        out: list[str] = []
        for piece in self.pieces:
            if isinstance(piece, Optional_):
                if all(_lookup(env, f.parts) is not None or f.fallback is not None
                       for f in piece.pieces if isinstance(f, Field)):
                    out.append(_render(piece.pieces, env, missing))
            else:
                out.append(_render((piece,), env, missing))
        return "".join(out)


def _render(pieces: tuple[str | Field, ...], env: Mapping[str, Any], missing: str) -> str:
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        value = _lookup(env, piece.parts)
        if value is None:
            out.append(piece.fallback if piece.fallback is not None else missing)
        else:
            out.append(str(value))
    return "".join(out)


def _lookup(env: Mapping[str, Any], parts: tuple[str, ...]) -> Any:
    """The scalar at ``parts`` in ``env``, or None (missing, or not a scalar)."""
    value: Any = env.get(parts[0])
    for part in parts[1:]:
        value = value.get(part) if isinstance(value, Mapping) else None
    return None if isinstance(value, Mapping) else value
