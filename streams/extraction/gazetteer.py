"""The generated gazetteer (data/gazetteer.json.gz + data/places.bin, and data/words.txt.gz read on
first use by ``load_frequent_words``): load it once per process.

Built by ``python -m streams.extraction.build_gazetteer`` (see that module for sources and format).
``load_gazetteer`` is called by ``Extractor.from_settings``; the result is cached per path.
Names are kept as plain tuples (about 200,000 of them; objects would cost start-up time).

The evidence tier of small places (``places.bin``, ~460,000 names: towns and villages down to 500
inhabitants, ISO 3166-2 subdivisions) is not parsed at start: it is a list of zlib-compressed
buckets, keyed by a hash of a name's first word, and a bucket is decompressed and parsed the first
time a word of it is looked up (``SmallPlaces.lookup``). A Bloom filter of the first words, written
by the build, answers most lookups (words that start no name) without a bucket. Loading it reads
one file (~13 MB).
"""

from __future__ import annotations

import functools
import gzip
import importlib.metadata
import json
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_GAZETTEER = Path(__file__).resolve().parent / "data" / "gazetteer.json.gz"
SUPPORTED_FORMAT = 2
TOKEN_SEP = "\x1f"
SMALL_FILE = "places.bin"
WORDS_FILE = "words.txt.gz"
SMALL_MAGIC = b"NAPLACES2\n"
RECORD_SEP = "\x1e"
FIELD_SEP = "\x1f"


def small_bucket(word: str, buckets: int) -> int:
    """The bucket of a name's first word (stable across processes, unlike ``hash``)."""
    return zlib.crc32(word.encode("utf-8")) % buckets


def filter_positions(word: str, bits: int) -> tuple[int, int]:
    """The two bit positions of ``word`` in the first-word filter of ``bits`` bits (a power of
    two): the CRC-32 of its UTF-8 bytes and of those bytes reversed (stable across processes)."""
    raw = word.encode("utf-8")
    return zlib.crc32(raw) & (bits - 1), zlib.crc32(raw[::-1]) & (bits - 1)


class SmallPlaces:
    """The evidence tier: first word -> [(name as token tuple, candidate entries)], lazily parsed.

    File format (written by ``build_gazetteer.write_small``): SMALL_MAGIC, a 4-byte big-endian
    length and a JSON header {"buckets": N, "names": count, "filter_bits": M}, N+1 4-byte big-endian
    byte offsets into the body, the first-word filter (M / 8 bytes: a Bloom filter, bit p of byte
    p >> 3 set for both of ``filter_positions(first word, M)``), then the
    body: N zlib-compressed blobs, each the lines "first-word TAB name TAB records" of the
    names whose first word falls in that bucket; name = tokens joined by spaces; records joined
    by U+001E, each "id US display name US country US population US kind US flags"."""

    def __init__(self, header: dict[str, object], offsets: list[int], filter_bytes: bytes, body: bytes) -> None:
        self.buckets = int(header["buckets"])  # type: ignore[call-overload]
        self.offsets = offsets
        self.filter = filter_bytes
        self.filter_mask = int(header["filter_bits"]) - 1  # type: ignore[call-overload]
        self.body = body
        # first word -> its names, parsed on first lookup (tuples, not lists: a tuple of atoms is
        # left alone by the cyclic garbage collector, and a worker keeps thousands of these)
        self.parsed: dict[str, tuple[SmallName, ...]] = {}
        self.opened = 0  # buckets decompressed (a work counter for tests)
        self.size = int(header.get("names", 0))  # type: ignore[call-overload]

    @classmethod
    def read(cls, path: Path) -> SmallPlaces:
        raw = path.read_bytes()
        if not raw.startswith(SMALL_MAGIC):
            raise GazetteerError(f"{path}: not a small-places file; rebuild it")
        pos = len(SMALL_MAGIC)
        (hlen,) = struct.unpack(">I", raw[pos : pos + 4])
        pos += 4
        header = json.loads(raw[pos : pos + hlen].decode("utf-8"))
        pos += hlen
        n = int(header["buckets"])
        offsets = list(struct.unpack(f">{n + 1}I", raw[pos : pos + 4 * (n + 1)]))
        pos += 4 * (n + 1)
        filter_len = int(header["filter_bits"]) // 8
        return cls(header, offsets, raw[pos : pos + filter_len], raw[pos + filter_len :])

    def may_start(self, word: str) -> bool:
        """False when no name starts with ``word`` (the filter; true for ~0.6 % of other words).
        ``filter_positions``, inlined: it runs for every capitalised word of the first articles."""
        raw = word.encode("utf-8")
        p, q = zlib.crc32(raw) & self.filter_mask, zlib.crc32(raw[::-1]) & self.filter_mask
        f = self.filter
        return bool(f[p >> 3] >> (p & 7) & 1 and f[q >> 3] >> (q & 7) & 1)

    def lookup(self, word: str) -> tuple[SmallName, ...]:
        """Names starting with ``word``: (tokens, records, flags), longest name first; the entries
        of a name are ``small_entries(records)``.

        A word that the filter rules out is answered without its bucket. Otherwise the word's
        bucket (~28 names) is decompressed and only the word's own lines are parsed into entries,
        once."""
        found = self.parsed.get(word)
        if found is not None:
            return found
        if not self.may_start(word):
            return NO_NAMES
        prefix = word + "\t"
        cut = len(prefix)
        lines = [line[cut:] for line in self._lines(small_bucket(word, self.buckets)) if line.startswith(prefix)]
        found = self._parse(lines) if lines else NO_NAMES
        self.parsed[word] = found
        return found

    def _lines(self, b: int) -> list[str]:
        """The lines of bucket ``b`` ("first-word TAB name TAB records")."""
        blob = self.body[self.offsets[b] : self.offsets[b + 1]]
        if not blob:
            return []
        self.opened += 1
        return zlib.decompress(blob).decode("utf-8").split("\n")

    @staticmethod
    def _parse(lines: list[str]) -> tuple[SmallName, ...]:
        """The names of the lines, longest first; their entries stay unparsed (``small_entries``),
        so the result holds only strings, which the cyclic garbage collector leaves alone."""
        out: list[SmallName] = []
        for line in lines:
            name, recs = line.split("\t")
            flags = "".join(sorted(set("".join(rec.rpartition(FIELD_SEP)[2] for rec in recs.split(RECORD_SEP)))))
            out.append((tuple(name.split(" ")), recs, flags))
        out.sort(key=lambda c: len(c[0]), reverse=True)
        return tuple(out)


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
# a name of the evidence tier: (tokens, records, flags); ``small_entries(records)`` gives its
# entries (parsed only for a name that is matched: "San" starts 4,700 names)
SmallName = tuple[tuple[str, ...], str, str]
NO_NAMES: tuple[SmallName, ...] = ()


@functools.lru_cache(maxsize=65_536)
def small_entries(records: str) -> tuple[GazEntry, ...]:
    """The entries of a name of the evidence tier from its records (``SmallName[1]``), best first:
    towns by population, then regions (which have no population)."""
    entries = []
    for rec in records.split(RECORD_SEP):
        id_, display, country, pop, kind, _fl = rec.split(FIELD_SEP)
        entries.append(GazEntry(id_, display, "NORP" if kind == "demonym" else "GPE", kind, country or None, int(pop)))
    entries.sort(key=lambda e: (e.kind == "city", e.population), reverse=True)
    return tuple(entries)


@dataclass(frozen=True)
class Gazetteer:
    entries: tuple[GazEntry, ...]
    names: tuple[GazName, ...]
    sources: dict[str, str]
    small: SmallPlaces | None = field(default=None, compare=False)
    given_names: frozenset[str] = frozenset()
    path: Path | None = field(default=None, compare=False)  # where it was read from (words.txt.gz beside it)

    @property
    def tokens_current(self) -> bool:
        """True when the stored tokenisations were made by the installed spaCy version."""
        try:
            return self.sources.get("spacy") == importlib.metadata.version("spacy")
        except importlib.metadata.PackageNotFoundError:
            return False


@functools.lru_cache(maxsize=4)
def load_frequent_words(path: Path = DEFAULT_GAZETTEER) -> frozenset[str]:
    """The frequent capitalised words written beside the gazetteer (``words.txt.gz``, ~80,000,
    ~20 ms): read on first use by the rules for names the gazetteer lacks, not at start. Empty
    when the file is missing."""
    words_path = path.parent / WORDS_FILE
    if not words_path.is_file():
        return frozenset()
    return frozenset(gzip.decompress(words_path.read_bytes()).decode("utf-8").split("\n"))


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
    small_path = path.parent / SMALL_FILE
    small = SmallPlaces.read(small_path) if small_path.is_file() else None
    return Gazetteer(entries=entries, names=names, sources=dict(data.get("sources", {})), small=small,  # type: ignore[arg-type]
                     given_names=frozenset(data.get("given_names", ())), path=path)
