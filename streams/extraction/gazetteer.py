"""The generated gazetteer (data/gazetteer.json.gz): load it once per process.

Built by ``python -m streams.extraction.build_gazetteer`` (see that module for sources and format).
``load_gazetteer`` is called by ``Extractor.from_settings``; the result is cached per path.
Names are kept as plain tuples (about 200,000 of them; objects would cost start-up time).
"""

from __future__ import annotations

import functools
import gzip
import importlib.metadata
import json
from dataclasses import dataclass
from pathlib import Path

DEFAULT_GAZETTEER = Path(__file__).resolve().parent / "data" / "gazetteer.json.gz"
SUPPORTED_FORMAT = 2
TOKEN_SEP = "\x1f"


class GazetteerError(RuntimeError):
    """The gazetteer file is missing or has an unknown format."""


@dataclass(frozen=True, slots=True)
class GazEntry:
    id: str
    name: str
    type: str
    kind: str
    country: str | None
    population: int


# (text, entry index, lang "de"|"en"|"*", flags, tokens_de, tokens_en) - see build_gazetteer
GazName = tuple[str, int, str, str, str, str]


@dataclass(frozen=True)
class Gazetteer:
    entries: tuple[GazEntry, ...]
    names: tuple[GazName, ...]
    sources: dict[str, str]

    @property
    def tokens_current(self) -> bool:
        """True when the stored tokenisations were made by the installed spaCy version."""
        try:
            return self.sources.get("spacy") == importlib.metadata.version("spacy")
        except importlib.metadata.PackageNotFoundError:
            return False


@functools.lru_cache(maxsize=4)
def load_gazetteer(path: Path = DEFAULT_GAZETTEER) -> Gazetteer:
    """Read and validate the gazetteer file (called once per process and path)."""
    if not path.is_file():
        raise GazetteerError(f"{path}: gazetteer missing; build it with `python -m streams.extraction.build_gazetteer`")
    data = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    if data.get("format") != SUPPORTED_FORMAT:
        raise GazetteerError(f"{path}: format {data.get('format')!r}, expected {SUPPORTED_FORMAT}; rebuild it")
    entries = tuple(GazEntry(e[0], e[1], e[2], e[3], e[4], int(e[5])) for e in data["entries"])
    names = tuple(tuple(n) for n in data["names"])
    return Gazetteer(entries=entries, names=names, sources=dict(data.get("sources", {})))  # type: ignore[arg-type]
