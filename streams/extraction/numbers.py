"""Numbers as written in German and English news: digits, number words, vague quantities.

Pure functions on token texts, called by streams.extraction.counts for every document.
"""

from __future__ import annotations

import re

DIGITS_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")  # 3.000 / 12,000 / 1.200.000
DIGITS_PLAIN = re.compile(r"^\d+$")
DIGITS_DECIMAL = re.compile(r"^(\d+)[.,](\d{1,2})$")  # 1,5 (de) / 1.5 (en), only before a scale word

SCALES = {
    "de": {"tausend": 1_000, "million": 1_000_000, "millionen": 1_000_000, "mio": 1_000_000, "mio.": 1_000_000,
           "milliarde": 1_000_000_000, "milliarden": 1_000_000_000, "mrd": 1_000_000_000, "mrd.": 1_000_000_000},
    "en": {"thousand": 1_000, "million": 1_000_000, "millions": 1_000_000, "m": 1_000_000, "billion": 1_000_000_000,
           "bn": 1_000_000_000, "k": 1_000},
}

DE_UNITS = {"ein": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9}
DE_TEENS = {"zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16,
            "siebzehn": 17, "achtzehn": 18, "neunzehn": 19}
DE_TENS = {"zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80, "neunzig": 90}

EN_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
            "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
            "seventy": 70, "eighty": 80, "ninety": 90}
EN_MULT = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

# Vague quantities: lower-cased token sequences -> (min, max). Longest match wins.
VAGUE: dict[str, dict[tuple[str, ...], tuple[int, int]]] = {
    "de": {
        ("ein", "paar", "tausend"): (2_000, 5_000),
        ("ein", "paar", "hundert"): (200, 500),
        ("ein", "paar", "dutzend"): (24, 60),
        ("ein", "paar"): (2, 5),
        ("einige", "tausend"): (2_000, 9_000),
        ("einige", "hundert"): (200, 900),
        ("einige", "dutzend"): (24, 99),
        ("mehrere", "tausend"): (2_000, 9_000),
        ("mehrere", "hundert"): (200, 900),
        ("mehrere", "dutzend"): (24, 99),
        ("mehrere",): (2, 9),
        ("mehreren", "tausend"): (2_000, 9_000),
        ("mehreren", "hundert"): (200, 900),
        ("mehreren",): (2, 9),
        ("dutzende",): (24, 99),
        ("dutzenden",): (24, 99),
        ("hunderte",): (200, 999),
        ("hunderten",): (200, 999),
        ("tausende",): (2_000, 9_999),
        ("tausenden",): (2_000, 9_999),
        ("zehntausende",): (20_000, 99_999),
        ("zehntausenden",): (20_000, 99_999),
        ("hunderttausende",): (200_000, 999_999),
        ("hunderttausenden",): (200_000, 999_999),
        ("ein", "dutzend"): (12, 12),
        ("eine", "handvoll"): (2, 6),
        ("kleine", "anzahl"): (1, 20),
        ("kleine", "zahl"): (1, 20),
        ("geringe", "anzahl"): (1, 20),
        ("geringe", "zahl"): (1, 20),
    },
    "en": {
        ("a", "few", "thousand"): (2_000, 5_000),
        ("a", "few", "hundred"): (200, 500),
        ("a", "few", "dozen"): (24, 60),
        ("a", "few"): (2, 5),
        ("several", "thousand"): (2_000, 9_000),
        ("several", "hundred"): (200, 900),
        ("several", "dozen"): (24, 99),
        ("several",): (2, 9),
        ("dozens",): (24, 99),
        ("hundreds",): (200, 999),
        ("thousands",): (2_000, 9_999),
        ("tens", "of", "thousands"): (20_000, 99_999),
        ("hundreds", "of", "thousands"): (200_000, 999_999),
        ("a", "dozen"): (12, 12),
        ("a", "hundred"): (100, 100),
        ("a", "thousand"): (1_000, 1_000),
        ("a", "million"): (1_000_000, 1_000_000),
        ("a", "handful"): (2, 6),
        ("a", "small", "number"): (1, 20),
        ("a", "limited", "number"): (1, 20),
    },
}

# Modifiers before a number: lower-cased sequences -> kind
MODIFIERS: dict[str, dict[tuple[str, ...], str]] = {
    "de": {
        ("bis", "zu"): "up_to", ("maximal",): "up_to", ("höchstens",): "up_to",
        ("mehr", "als"): "more_than", ("über",): "more_than", ("weit", "über"): "more_than",
        ("mindestens",): "at_least", ("wenigstens",): "at_least",
        ("weniger", "als"): "less_than",
        ("fast",): "almost", ("knapp",): "almost", ("beinahe",): "almost", ("nahezu",): "almost",
        ("rund",): "about", ("etwa",): "about", ("ungefähr",): "about", ("circa",): "about", ("ca.",): "about",
        ("schätzungsweise",): "about", ("geschätzt",): "about", ("annähernd",): "about",
    },
    "en": {
        ("up", "to"): "up_to", ("as", "many", "as"): "up_to", ("at", "most"): "up_to",
        ("more", "than"): "more_than", ("over",): "more_than", ("upwards", "of"): "more_than",
        ("at", "least"): "at_least",
        ("fewer", "than"): "less_than", ("less", "than"): "less_than",
        ("almost",): "almost", ("nearly",): "almost",
        ("about",): "about", ("around",): "about", ("approximately",): "about", ("roughly",): "about",
        ("some",): "about", ("an", "estimated"): "about", ("estimated",): "about",
    },
}


def parse_digits(text: str, next_lower: str | None, lang: str) -> tuple[int, int] | None:
    """A digit token (with an optional scale word after it) -> (value, tokens used: 1 or 2).

    "3.000" and "12,000" are thousands in both languages (a count of people is never 3.0);
    "1,5"/"1.5" is a decimal and only accepted before a scale word ("1,5 Millionen")."""
    scales = SCALES.get(lang, {})
    scale = scales.get(next_lower or "", 0)
    if DIGITS_PLAIN.match(text):
        value = int(text)
    elif DIGITS_GROUPED.match(text):
        value = int(re.sub(r"[.,]", "", text))
    else:
        m = DIGITS_DECIMAL.match(text)
        if not m or not scale:
            return None
        return int(round(float(f"{m.group(1)}.{m.group(2)}") * scale)), 2
    if scale:
        return value * scale, 2
    return value, 1


def parse_german_word(word: str) -> int | None:
    """German number word (lower case), also compounds: vier, zwölf, einundzwanzig, zweitausend."""
    if not word or not word.isalpha():
        return None
    if word in ("ein", "eins"):
        return 1
    return _de(word)


def _de(w: str) -> int | None:
    if w in DE_UNITS:
        return DE_UNITS[w]
    if w in DE_TEENS:
        return DE_TEENS[w]
    if w in DE_TENS:
        return DE_TENS[w]
    for word, mult in (("tausend", 1_000), ("hundert", 100)):
        if word in w:
            left, _, right = w.partition(word)
            lv = 1 if left in ("", "ein") else _de(left)
            rv = 0 if right == "" else _de(right)
            if lv is None or rv is None or (mult == 100 and lv > 9) or rv >= mult:
                return None
            return lv * mult + rv
    if "und" in w:
        left, _, right = w.partition("und")
        lv = 1 if left == "ein" else DE_UNITS.get(left)
        rv = DE_TENS.get(right)
        if lv is not None and rv is not None:
            return lv + rv
    return None


def parse_english_words(words: list[str]) -> tuple[int, int] | None:
    """English number words from the start of ``words`` (lower case): ("two", "thousand") -> 2000.

    Returns (value, tokens used); "-" and "and" may join parts ("twenty-five", "two hundred and fifty")."""
    total = 0
    current = 0
    used = 0
    seen = False
    i = 0
    while i < len(words):
        w = words[i]
        if w in EN_SMALL:
            if seen and current % 10 == 0 and current % 100 != 0 and EN_SMALL[w] < 10:
                current += EN_SMALL[w]
            elif seen and current != 0 and current % 100 != 0:
                break
            else:
                current += EN_SMALL[w]
            seen = True
            used = i + 1
        elif w in EN_MULT and seen:
            mult = EN_MULT[w]
            if mult == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * mult
                current = 0
            used = i + 1
        elif w in ("-", "and") and seen and i + 1 < len(words) and words[i + 1] in EN_SMALL:
            pass
        else:
            break
        i += 1
    if not seen:
        return None
    return total + current, used
