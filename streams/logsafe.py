"""Log records that cannot forge log lines: control characters in logged data are escaped.

Article ids, keys, field names and exception messages come from input. Logged as they are, an id
like ``"x\\n[2026-12-07 ...] [ERROR] FAKE LOG LINE"`` or one with ANSI escapes writes a fake line
into the worker log, or rewrites the terminal. ``install()`` (called once by the CLI) sets a log
record factory for every logger (newsalert's, Faust's, aiokafka's) whose message escapes the
control characters of the *arguments* (``log.info("article %s", article.id)``) and of exception
messages in tracebacks. The format strings themselves are code, not input, and keep their
newlines (multi-line tables stay readable).

Escaped: C0 and C1 controls (``\\n`` → ``\\\\n``, ESC → ``\\\\x1b``; tab is kept), DEL, the line and
paragraph separators U+2028/U+2029 and the bidirectional controls (U+202A–U+202E, U+2066–U+2069),
which can make a line read differently from what it contains.
"""

from __future__ import annotations

import logging
import numbers
import re
import traceback
from collections.abc import Mapping
from types import TracebackType
from typing import Any

_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def escape_controls(text: str) -> str:
    """``text`` with control characters written as escapes, so it stays on one line, as it is."""
    return _CONTROLS.sub(lambda m: _NAMED.get(m.group(), _escape(m.group())), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class _Escaped:
    """An argument whose str() and repr() have their control characters escaped."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __str__(self) -> str:
        return escape_controls(str(self.value))

    def __repr__(self) -> str:
        return escape_controls(repr(self.value))

    def __format__(self, spec: str) -> str:
        return escape_controls(format(self.value, spec))


def _safe_arg(value: object) -> object:
    # numbers stay numbers (also numpy's and Decimal), so that %d, %.2f and friends keep working
    if value is None or isinstance(value, numbers.Number):
        return value
    return _Escaped(value)


def safe_args(args: Any) -> Any:
    if isinstance(args, Mapping):
        return {k: _safe_arg(v) for k, v in args.items()}
    if isinstance(args, tuple):
        return tuple(_safe_arg(a) for a in args)
    return _safe_arg(args)


def safe_traceback(exc_info: tuple[type[BaseException], BaseException, TracebackType | None]) -> str:
    """The traceback as ``Formatter.formatException`` writes it, with exception messages escaped."""
    te = traceback.TracebackException(*exc_info, compact=True)
    seen: set[int] = set()
    todo = [te]
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        text = getattr(item, "_str", None)  # the exception's message (CPython's TracebackException)
        if isinstance(text, str):
            setattr(item, "_str", escape_controls(text))  # noqa: B010 (a private attribute)
        notes = getattr(item, "__notes__", None)
        if notes:
            item.__notes__ = [escape_controls(str(n)) for n in notes]
        todo += [e for e in (item.__cause__, item.__context__) if e is not None]
        todo += list(getattr(item, "exceptions", None) or [])
    return "".join(te.format()).rstrip("\n")


class SafeLogRecord(logging.LogRecord):
    """A LogRecord whose message and traceback cannot contain control characters from data."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.exc_info and self.exc_info[0] is not None and self.exc_info[1] is not None:
            try:
                self.exc_text = safe_traceback(self.exc_info)  # type: ignore[arg-type]
            except Exception:  # never lose a log record over its traceback
                self.exc_text = None

    def getMessage(self) -> str:  # noqa: N802 (the logging API's name)
        msg = self.msg if isinstance(self.msg, str) else escape_controls(str(self.msg))
        if self.args:
            try:
                msg = msg % safe_args(self.args)
            except (TypeError, ValueError):  # a conversion the wrapper does not take (%c ...)
                msg = escape_controls(msg % self.args)
        return msg


def install() -> None:
    """Make every log record from now on a SafeLogRecord (idempotent)."""
    if logging.getLogRecordFactory() is not SafeLogRecord:
        logging.setLogRecordFactory(SafeLogRecord)
