"""Errors in rule files. Every error names the file and line and says what to do about it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RuleError:
    """One problem in one rule file, e.g. ``unknown key 'titel' in rules/x.yaml:12``."""

    file: str
    line: int  # 1-based; 0 when the error concerns the whole file or set
    message: str
    hint: str = ""
    rule_id: str | None = None

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        text = f"{self.message} in {self.location}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class RuleSetError(Exception):
    """Raised by load_ruleset when a rule directory has errors; carries all of them."""

    def __init__(self, errors: list[RuleError]) -> None:
        self.errors = list(errors)
        lines = "\n".join(f"  {e}" for e in self.errors)
        super().__init__(f"{len(self.errors)} error(s) in rules:\n{lines}")


class RuleFileError(Exception):
    """Internal: raised while loading one file; turned into a RuleError."""

    def __init__(self, line: int, message: str, hint: str = "", file: str | None = None) -> None:
        super().__init__(message)
        self.file = file  # set when the problem lies in another file (e.g. a macro)
        self.line = line
        self.message = message
        self.hint = hint


def display_path(path: Path) -> str:
    """The path as shown in errors: relative to the working directory when possible."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
