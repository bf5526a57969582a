"""make_tokens builds the same Token objects as Token(...)."""

from __future__ import annotations

import dataclasses

import pytest

from streams.extraction.tokens import make_tokens
from streams.models import Token


def test_same_as_constructor() -> None:
    texts = ["Drei", "Soldaten", "wurden", "getötet", "."]
    lemmas = ["drei", "soldat", "werden", "töten", "."]
    starts = [0, 5, 14, 21, 28]
    got = make_tokens(texts, lemmas, starts, [0] * 5, [False, False, False, False, True], [True, False, False, False, False])
    want = tuple(Token(t, lm, s, s + len(t), 0, t == ".", t == "Drei") for t, lm, s in zip(texts, lemmas, starts, strict=True))
    assert got == want
    assert [dataclasses.asdict(t) for t in got] == [dataclasses.asdict(t) for t in want]
    with pytest.raises(dataclasses.FrozenInstanceError):
        got[0].text = "x"  # type: ignore[misc]
    assert make_tokens([], [], [], [], [], []) == ()


def test_lengths_must_agree() -> None:
    with pytest.raises(ValueError):
        make_tokens(["a", "b"], ["a"], [0], [0], [False], [False])
