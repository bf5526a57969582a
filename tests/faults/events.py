"""Articles generated from templates, with the alerts they must produce computed in-process.

Used by the fault tests and the end-to-end benchmarks. Each template reports a casualty event in
a city; the shipped rules turn it into matches. Which (template, city, count) texts match, and
which events (rule id + suppression key) they give, is not guessed: ``EventCorpus.build`` runs the
in-process ``streams.pipeline.Pipeline`` on every distinct text once and keeps the texts that match.
The texts are written for this project.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from streams.models import Article, Match

# (English name, German name)
CITIES: tuple[tuple[str, str], ...] = (
    ("Kharkiv", "Charkiw"), ("Kyiv", "Kiew"), ("Odesa", "Odessa"), ("Dnipro", "Dnipro"),
    ("Zaporizhzhia", "Saporischschja"), ("Kherson", "Cherson"), ("Mykolaiv", "Mykolajiw"),
    ("Sumy", "Sumy"), ("Poltava", "Poltawa"), ("Chernihiv", "Tschernihiw"), ("Lviv", "Lwiw"),
    ("Kramatorsk", "Kramatorsk"), ("Sloviansk", "Slowjansk"), ("Kryvyi Rih", "Krywyj Rih"),
    ("Nikopol", "Nikopol"), ("Pokrovsk", "Pokrowsk"), ("Izium", "Isjum"), ("Vinnytsia", "Winnyzja"),
    ("Zhytomyr", "Schytomyr"), ("Rivne", "Riwne"), ("Kropyvnytskyi", "Kropywnyzkyj"),
    ("Cherkasy", "Tscherkassy"), ("Ternopil", "Ternopil"), ("Uzhhorod", "Uschhorod"),
    ("Belgorod", "Belgorod"), ("Kursk", "Kursk"), ("Aleppo", "Aleppo"), ("Homs", "Homs"),
    ("Damascus", "Damaskus"), ("Beirut", "Beirut"), ("Baghdad", "Bagdad"), ("Mosul", "Mossul"),
    ("Kabul", "Kabul"), ("Khartoum", "Khartum"), ("Mogadishu", "Mogadischu"), ("Tripoli", "Tripolis"),
    ("Sanaa", "Sanaa"), ("Goma", "Goma"), ("Kandahar", "Kandahar"), ("Idlib", "Idlib"),
)

EN_NUMBERS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
DE_NUMBERS = ("zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf")

# short two-sentence reports; {n} is a number word or digits, {city} the city in the text's language
TEMPLATES: tuple[tuple[str, str], ...] = (
    ("en", "{N} civilians were killed when a drone strike hit an apartment block in {city} overnight, "
           "the regional administration said. Rescue teams searched the rubble until dawn."),
    ("en", "{N} people were injured when missiles struck the centre of {city} on Monday morning, "
           "local officials reported."),
    ("de", "Bei einem Raketenangriff auf {city} sind in der Nacht {n} Zivilisten getötet worden. "
           "Das teilte die Gebietsverwaltung mit."),
    ("de", "In {city} wurden bei einem Drohnenangriff {n} Menschen verletzt. "
           "Die Rettungsarbeiten dauerten bis zum Morgen."),
)

BASE_TIME = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def iso(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds").replace("+00:00", "Z")


def render(template_no: int, city_no: int, count: int) -> tuple[str, str]:
    """(language, text) of one template filled with one city and count (2..12)."""
    lang, template = TEMPLATES[template_no]
    en, de = CITIES[city_no]
    numbers = EN_NUMBERS if lang == "en" else DE_NUMBERS
    word = numbers[(count - 2) % len(numbers)]
    return lang, template.format(city=en if lang == "en" else de, n=word, N=word.capitalize())


def event_key(match: Match, article_id: str) -> tuple[str, str]:
    """(rule id, suppression key) of the event a match belongs to, as the suppressor keys it."""
    return match.rule_id, match.suppression_key or f"article:{article_id}"


@dataclass(frozen=True)
class Text:
    """One distinct article text and the matches the in-process pipeline finds in it."""

    language: str
    text: str
    matches: tuple[Match, ...]


@dataclass
class EventCorpus:
    """Articles plus the events they must produce: (rule id, suppression key) -> article ids."""

    articles: list[dict[str, Any]] = field(default_factory=list)
    expected: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    min_articles: dict[tuple[str, str], int] = field(default_factory=dict)
    keys_of: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # article id -> events
    texts_used: list[Text] = field(default_factory=list)

    @staticmethod
    def texts(pipeline: Any, candidates: Iterable[tuple[int, int, int]]) -> list[Text]:
        """Run the pipeline once per distinct candidate (template, city, count); keep the matching."""
        rendered = [render(*c) for c in candidates]
        arts = [Article(id=f"probe-{i}", text=text, language=lang, published_at=iso(BASE_TIME))
                for i, (lang, text) in enumerate(rendered)]
        results = pipeline.process_many(arts)
        return [Text(lang, text, r.matches) for (lang, text), r in zip(rendered, results, strict=True)
                if r.matches]

    def add(self, article: dict[str, Any], text: Text) -> None:
        self.articles.append(article)
        keys = []
        for m in text.matches:
            key = event_key(m, article["id"])
            self.expected[key].add(article["id"])
            self.min_articles[key] = max(self.min_articles.get(key, 1), m.min_articles)
            keys.append(key)
        self.keys_of[article["id"]] = keys

    def alerting_events(self) -> dict[tuple[str, str], set[str]]:
        """Events with enough articles to alert (aggregation rules wait for min_articles)."""
        return {k: ids for k, ids in self.expected.items() if len(ids) >= self.min_articles.get(k, 1)}

    @property
    def min_window(self) -> int:
        windows = [m.window_seconds for t in self.texts_used for m in t.matches if m.window_seconds > 0]
        return min(windows) if windows else 0

    @classmethod
    def build(cls, pipeline: Any, n_articles: int, *, n_events: int = 12, prefix: str = "ev",
              spacing_s: float = 1.0) -> EventCorpus:
        """``n_articles`` articles cycling over texts about ``n_events`` cities (several counts and
        templates each), published ``spacing_s`` apart from BASE_TIME (all inside one window)."""
        cities = range(min(len(CITIES), n_events + 8))
        candidates = [(t, c, n) for c in cities for t in range(len(TEMPLATES)) for n in (3, 6)]
        rendered = dict(zip((render(*c)[1] for c in candidates), candidates, strict=True))
        texts = cls.texts(pipeline, candidates)
        # group the texts by the events they give; a group fed by several cities (no place found:
        # one catch-all key) is not an event about one place, and is left out
        by_events: dict[str, list[Text]] = defaultdict(list)
        cities_of: dict[str, set[int]] = defaultdict(set)
        for t in texts:
            keys = repr(sorted({(m.rule_id, m.suppression_key) for m in t.matches}))
            by_events[keys].append(t)
            cities_of[keys].add(rendered[t.text][1])
        by_city = {k: v for k, v in by_events.items() if len(cities_of[k]) == 1}
        chosen = [t for group in list(by_city.values())[:n_events] for t in group]
        if not chosen:
            raise AssertionError("no template text matches the rules: the fault tests cannot run")
        corpus = cls()
        corpus.texts_used = chosen
        for i, text in zip(range(n_articles), itertools.cycle(chosen), strict=False):
            published = BASE_TIME + timedelta(seconds=i * spacing_s)
            corpus.add({"id": f"{prefix}-{i:05d}", "text": text.text, "language": text.language,
                        "source": f"wire-{i % 3}", "published_at": iso(published)}, text)
        span = n_articles * spacing_s
        if corpus.min_window and span >= corpus.min_window:
            raise AssertionError(f"articles span {span}s, more than the smallest window {corpus.min_window}s")
        return corpus


def unique_event_articles(pipeline: Any, n_articles: int, *, prefix: str = "lat") -> list[tuple[dict[str, Any], int]]:
    """Articles of which each opens a new event (a ``new`` alert): cities cycle, and every round
    of cities is published one suppression window (plus a day) after the previous round.

    Returns (article, number of alerts it must produce) pairs.
    """
    candidates = [(t, c, 4) for c in range(len(CITIES)) for t in (0, 2)]
    texts = EventCorpus.texts(pipeline, candidates)
    # one text per distinct event set, so that no two texts in a round share an event
    seen: set[tuple[tuple[str, str], ...]] = set()
    distinct: list[Text] = []
    for t in texts:
        keys = tuple(sorted({(m.rule_id, m.suppression_key) for m in t.matches}))
        if any(not k[1] for k in keys) or any(m.min_articles > 1 for m in t.matches):
            continue
        flat = set(keys)
        if keys in seen or any(flat & set(s) for s in seen):
            continue
        seen.add(keys)
        distinct.append(t)
    if not distinct:
        raise AssertionError("no template text gives a keyed alert")
    windows = [m.window_seconds for t in distinct for m in t.matches]
    if any(w <= 0 for w in windows):
        raise AssertionError("a rule without a window keeps one event forever: cannot make fresh events")
    step = timedelta(seconds=max(windows) + 86_400)
    out = []
    for i in range(n_articles):
        text = distinct[i % len(distinct)]
        published = BASE_TIME + step * (i // len(distinct))
        article = {"id": f"{prefix}-{i:06d}", "text": text.text, "language": text.language,
                   "source": "bench", "published_at": iso(published)}
        out.append((article, len({(m.rule_id, m.suppression_key) for m in text.matches})))
    return out


def sample_ids(values: Sequence[dict[str, Any]]) -> list[str]:
    return [v.get("article_id", "?") for v in values[:5]]
