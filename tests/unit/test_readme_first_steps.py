"""The README's first steps use files that exist (issue 15, item 5), after the two set-up commands."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from streams.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.S)


def test_the_readme_starts_with_the_two_set_up_commands() -> None:
    assert [b.strip() for b in code_blocks(README)[:2]] == ["make demo", "make test"]


def first_steps() -> list[list[str]]:
    block = code_blocks(README.split("## First steps", 1)[1])[0]
    commands = []
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        for part in line.split("&&"):
            words = shlex.split(part)
            if words and words[0] == "newsalert":
                commands.append(words)
    return commands


def test_every_path_in_the_first_steps_exists() -> None:
    commands = first_steps()
    assert len(commands) >= 8
    paths = [w for c in commands for w in c[1:] if not w.startswith("-") and ("/" in w or "." in w)]
    assert "streams/samples/article.txt" in paths and "streams/samples/articles.jsonl" in paths
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert missing == []


def test_the_sample_article_alerts() -> None:
    result = CliRunner().invoke(cli, ["check", "--rules", str(ROOT / "rules"), "--format", "jsonl",
                                      str(ROOT / "streams" / "samples" / "article.txt")])
    assert result.exit_code == 0, result.output
    assert '"rule_id":"civilian-casualties"' in result.stdout
