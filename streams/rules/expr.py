"""The small expression language of ``where:`` — parsed by a hand-written parser, never eval().

    actor.country != location.country and killed.value >= 3
    location.country in ["UA", "RU"] or actor.country in @nato
    not (lower(actor.name) == "russland") and article.language == "de"

Values: numbers, "strings" or 'strings', true, false, null, [lists], @named-lists, binding paths
(``binding.attribute``) and the functions lower, upper, len, startswith, endswith.
Operators: or, and, not, == != < <= > >=, in, not in, + -.
A missing binding or attribute is null; comparisons with null other than ==/!= are false; no
expression raises at evaluation time. Parsing happens once, when rules are loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_EXPR_LENGTH = 2_000
MAX_EXPR_DEPTH = 32


class ExprError(ValueError):
    """A syntax error; ``column`` is 1-based within the expression text."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} at column {column}")
        self.message = message
        self.column = column


# --------------------------------------------------------------------------------------- AST


@dataclass(frozen=True, slots=True)
class Literal:
    value: Any


@dataclass(frozen=True, slots=True)
class PathRef:
    parts: tuple[str, ...]
    column: int


@dataclass(frozen=True, slots=True)
class ListRef:
    name: str
    column: int


@dataclass(frozen=True, slots=True)
class ListExpr:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # not | neg
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # or and == != < <= > >= in notin + -
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Node, ...]


Node = Literal | PathRef | ListRef | ListExpr | Unary | Binary | Call

FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "lower": (1, lambda s: s.lower() if isinstance(s, str) else None),
    "upper": (1, lambda s: s.upper() if isinstance(s, str) else None),
    "len": (1, lambda s: len(s) if isinstance(s, str | list | tuple) else None),
    "startswith": (2, lambda s, p: s.startswith(p) if isinstance(s, str) and isinstance(p, str) else False),
    "endswith": (2, lambda s, p: s.endswith(p) if isinstance(s, str) and isinstance(p, str) else False),
}

# --------------------------------------------------------------------------------------- lexer

_TWO_CHAR = ("==", "!=", "<=", ">=")
_ONE_CHAR = "<>()[],.+-@"
_KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # num str name op kw end
    value: Any
    column: int


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        col = i + 1
        if c.isspace():
            i += 1
            continue
        if text[i : i + 2] in _TWO_CHAR:
            toks.append(_Tok("op", text[i : i + 2], col))
            i += 2
            continue
        if c == "=":
            raise ExprError("use '==' to compare", col)
        if c in _ONE_CHAR:
            toks.append(_Tok("op", c, col))
            i += 1
            continue
        if c in "\"'":
            j = i + 1
            buf: list[str] = []
            while j < n and text[j] != c:
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(text[j])
                j += 1
            if j >= n:
                raise ExprError("unterminated string", col)
            toks.append(_Tok("str", "".join(buf), col))
            i = j + 1
            continue
        if c.isdigit():
            j = i
            while j < n and (text[j].isdigit() or text[j] == "."):
                j += 1
            raw = text[i:j]
            try:
                num: int | float = int(raw) if "." not in raw else float(raw)
            except ValueError:
                raise ExprError(f"bad number '{raw}'", col) from None
            toks.append(_Tok("num", num, col))
            i = j
            continue
        if c.isalpha() or c == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] in "_"):
                j += 1
            word = text[i:j]
            toks.append(_Tok("kw" if word in _KEYWORDS else "name", word, col))
            i = j
            continue
        raise ExprError(f"unexpected character {c!r}", col)
    toks.append(_Tok("end", None, n + 1))
    return toks


# --------------------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokenize(text)
        self.pos = 0
        self.depth = 0

    def peek(self) -> _Tok:
        return self.toks[self.pos]

    def take(self) -> _Tok:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def accept(self, kind: str, value: Any) -> bool:
        tok = self.peek()
        if tok.kind == kind and tok.value == value:
            self.pos += 1
            return True
        return False

    def expect(self, kind: str, value: Any, what: str) -> None:
        if not self.accept(kind, value):
            tok = self.peek()
            got = "end of expression" if tok.kind == "end" else repr(tok.value)
            raise ExprError(f"expected {what}, got {got}", tok.column)

    def parse(self) -> Node:
        node = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise ExprError(f"unexpected {tok.value!r}", tok.column)
        return node

    def _nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_EXPR_DEPTH:
            raise ExprError(f"expression nested deeper than {MAX_EXPR_DEPTH} levels", self.peek().column)

    def or_(self) -> Node:
        self._nest()
        node = self.and_()
        while self.accept("kw", "or"):
            node = Binary("or", node, self.and_())
        self.depth -= 1
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.accept("kw", "and"):
            node = Binary("and", node, self.not_())
        return node

    def not_(self) -> Node:
        if self.accept("kw", "not"):
            self._nest()
            node = Unary("not", self.not_())
            self.depth -= 1
            return node
        return self.cmp()

    def cmp(self) -> Node:
        left = self.add()
        tok = self.peek()
        if tok.kind == "op" and tok.value in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            return Binary(tok.value, left, self.add())
        if self.accept("kw", "in"):
            return Binary("in", left, self.add())
        if tok.kind == "kw" and tok.value == "not" and self.toks[self.pos + 1].value == "in":
            self.pos += 2
            return Binary("notin", left, self.add())
        return left

    def add(self) -> Node:
        node = self.unary()
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value in ("+", "-"):
                self.take()
                node = Binary(tok.value, node, self.unary())
            else:
                return node

    def unary(self) -> Node:
        if self.accept("op", "-"):
            self._nest()
            node = Unary("neg", self.unary())
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind in ("num", "str"):
            return Literal(tok.value)
        if tok.kind == "kw" and tok.value in ("true", "false", "null"):
            return Literal({"true": True, "false": False, "null": None}[tok.value])
        if tok.kind == "op" and tok.value == "(":
            node = self.or_()
            self.expect("op", ")", "')'")
            return node
        if tok.kind == "op" and tok.value == "[":
            items: list[Node] = []
            if not self.accept("op", "]"):
                while True:
                    items.append(self.or_())
                    if self.accept("op", "]"):
                        break
                    self.expect("op", ",", "',' or ']'")
            return ListExpr(tuple(items))
        if tok.kind == "op" and tok.value == "@":
            name_parts: list[str] = []
            start = self.peek()
            # list names may contain '-': read name ('-' name)* without spaces
            while True:
                part = self.take()
                if part.kind != "name":
                    raise ExprError("expected a list name after '@'", part.column)
                name_parts.append(part.value)
                nxt = self.peek()
                if nxt.kind == "op" and nxt.value == "-" and nxt.column == part.column + len(part.value):
                    self.take()
                    continue
                break
            return ListRef("-".join(name_parts), start.column)
        if tok.kind == "name":
            if self.accept("op", "("):
                if tok.value not in FUNCTIONS:
                    raise ExprError(f"unknown function '{tok.value}' (known: {', '.join(sorted(FUNCTIONS))})", tok.column)
                args: list[Node] = []
                if not self.accept("op", ")"):
                    while True:
                        args.append(self.or_())
                        if self.accept("op", ")"):
                            break
                        self.expect("op", ",", "',' or ')'")
                arity = FUNCTIONS[tok.value][0]
                if len(args) != arity:
                    raise ExprError(f"{tok.value}() takes {arity} argument(s), got {len(args)}", tok.column)
                return Call(tok.value, tuple(args))
            parts = [tok.value]
            while self.accept("op", "."):
                nxt = self.take()
                if nxt.kind not in ("name", "kw"):
                    raise ExprError("expected an attribute name after '.'", nxt.column)
                parts.append(nxt.value)
            return PathRef(tuple(parts), tok.column)
        got = "end of expression" if tok.kind == "end" else repr(tok.value)
        raise ExprError(f"expected a value, got {got}", tok.column)


@dataclass(frozen=True)
class Expression:
    """A parsed ``where`` expression. Create with ``Expression.parse``; evaluate many times."""

    source: str
    root: Node

    @classmethod
    def parse(cls, text: str) -> Expression:
        if len(text) > MAX_EXPR_LENGTH:
            raise ExprError(f"expression is longer than {MAX_EXPR_LENGTH} characters", 1)
        if not text.strip():
            raise ExprError("expression is empty", 1)
        return cls(text, _Parser(text).parse())

    def paths(self) -> list[PathRef]:
        """Every binding path the expression reads (for checking names at load time)."""
        out: list[PathRef] = []
        _walk(self.root, out, [])
        return out

    def list_refs(self) -> list[ListRef]:
        out: list[ListRef] = []
        _walk(self.root, [], out)
        return out

    def evaluate(self, env: Mapping[str, Any], lists: Mapping[str, Sequence[Any]]) -> bool:
        """True when the expression holds for ``env`` (binding name -> dict of attributes)."""
        return _truthy(_eval(self.root, env, lists))


def _walk(node: Node, paths: list[PathRef], lists: list[ListRef]) -> None:
    if isinstance(node, PathRef):
        paths.append(node)
    elif isinstance(node, ListRef):
        lists.append(node)
    elif isinstance(node, ListExpr):
        for item in node.items:
            _walk(item, paths, lists)
    elif isinstance(node, Unary):
        _walk(node.operand, paths, lists)
    elif isinstance(node, Binary):
        _walk(node.left, paths, lists)
        _walk(node.right, paths, lists)
    elif isinstance(node, Call):
        for arg in node.args:
            _walk(arg, paths, lists)


def _truthy(value: Any) -> bool:
    return value is not None and value is not False and value != 0 and value != "" and value != []


def _num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _eval(node: Node, env: Mapping[str, Any], lists: Mapping[str, Sequence[Any]]) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, PathRef):
        value: Any = env.get(node.parts[0])
        for part in node.parts[1:]:
            value = value.get(part) if isinstance(value, Mapping) else None
        return value
    if isinstance(node, ListRef):
        return list(lists.get(node.name, ()))
    if isinstance(node, ListExpr):
        return [_eval(item, env, lists) for item in node.items]
    if isinstance(node, Unary):
        operand = _eval(node.operand, env, lists)
        if node.op == "not":
            return not _truthy(operand)
        return -operand if _num(operand) else None
    if isinstance(node, Call):
        fn = FUNCTIONS[node.name][1]
        return fn(*(_eval(a, env, lists) for a in node.args))
    op = node.op
    if op == "and":
        return _truthy(_eval(node.left, env, lists)) and _truthy(_eval(node.right, env, lists))
    if op == "or":
        return _truthy(_eval(node.left, env, lists)) or _truthy(_eval(node.right, env, lists))
    left = _eval(node.left, env, lists)
    right = _eval(node.right, env, lists)
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if op in ("in", "notin"):
        if isinstance(right, list) or isinstance(right, str) and isinstance(left, str):
            found = left in right
        else:
            return False
        return found if op == "in" else not found
    if op in ("+", "-"):
        if _num(left) and _num(right):
            return left + right if op == "+" else left - right
        if op == "+" and isinstance(left, str) and isinstance(right, str):
            return left + right
        return None
    # ordering: numbers with numbers, strings with strings; anything else is false
    if not ((_num(left) and _num(right)) or (isinstance(left, str) and isinstance(right, str))):
        return False
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)
