"""Country adjectives and demonyms derived from country names (CLDR has none).

Called by the gazetteer build only (``python -m streams.extraction.build_gazetteer``); the runtime
reads the generated file.

German rules, applied to the CLDR German short name (tested in tests/unit/test_extraction_demonyms.py):

1. names of more than one word are not derived (the exception table must name them);
2. a compass prefix is split off and kept: Nordkorea -> nord + korea -> nordkoreanisch;
3. -land -> -isch after dropping "land" (Russland -> russisch, Finnland -> finnisch);
4. -ien -> -isch (Syrien -> syrisch, Georgien -> georgisch);
5. -ei  -> -isch (Türkei -> türkisch, Mongolei -> mongolisch);
6. -e   -> -isch (Ukraine -> ukrainisch);
7. -en  -> -isch (Schweden -> schwedisch);
8. -a   -> -anisch (Korea -> koreanisch, Kenia -> kenianisch);
9. otherwise + -isch (Irak -> irakisch, Iran -> iranisch, Israel -> israelisch).

Where the rules fail (Frankreich -> französisch, Polen -> polnisch) the table ``de_adjective`` in
data/countries.yaml wins. Every adjective is produced in all six inflections (-, -e, -er, -en,
-es, -em) and sentence-initially capitalised. Person nouns: "-anisch" -> "-aner" (Nordkoreaner,
-in, -innen, -n), country "-ien" -> "-ier" (Argentinier), otherwise only from ``de_person``.
"""

from __future__ import annotations

GERMAN_ENDINGS = ("", "e", "er", "en", "es", "em")
COMPASS_PREFIXES = ("nord", "süd", "ost", "west")


def derive_german_adjective(country_name: str) -> str | None:
    """The uninflected German adjective for a one-word country name, or None."""
    name = country_name.strip()
    if not name or " " in name or "-" in name or "." in name:
        return None
    lower = name.lower()
    prefix = ""
    for p in COMPASS_PREFIXES:
        if lower.startswith(p) and len(lower) > len(p) + 3:
            prefix, lower = p, lower[len(p) :]
            break
    if lower.endswith("land"):
        stem = lower[: -len("land")] + "isch"
    elif lower.endswith("ien"):
        stem = lower[: -len("ien")] + "isch"
    elif lower.endswith("ei"):
        stem = lower[: -len("ei")] + "isch"
    elif lower.endswith("e"):
        stem = lower[:-1] + "isch"
    elif lower.endswith("en"):
        stem = lower[:-2] + "isch"
    elif lower.endswith("a"):
        stem = lower[:-1] + "anisch"
    else:
        stem = lower + "isch"
    return prefix + stem


def german_adjective_forms(adjective: str) -> list[str]:
    """All inflected forms, lower case and capitalised: nordkoreanisch, -e, ..., Nordkoreanischem."""
    forms: list[str] = []
    for ending in GERMAN_ENDINGS:
        word = adjective + ending
        forms.append(word)
        forms.append(word[:1].upper() + word[1:])
    return forms


def german_person_nouns(adjective: str, country_name: str = "") -> list[str]:
    """Person nouns: "-anisch" -> "-aner" (nordkoreanisch -> Nordkoreaner); country names in
    "-ien" -> "-ier" (Argentinien -> Argentinier); each with -in, -innen, -n, -s."""
    if adjective.endswith("anisch"):
        stem = adjective[: -len("isch")] + "er"  # nordkorean + er
    elif country_name.endswith("ien") and " " not in country_name:
        stem = country_name[: -len("ien")].lower() + "ier"
    else:
        return []
    stem = stem[:1].upper() + stem[1:]
    return [stem, stem + "n", stem + "s", stem + "in", stem + "innen"]


def english_forms(adjectives: list[str], plurals: list[str] | None) -> list[str]:
    """Adjective/noun forms in English: North Korean, North Koreans (plural given or +s)."""
    forms = list(adjectives)
    if plurals is not None:
        forms.extend(plurals)
    else:
        forms.extend(a + "s" for a in adjectives if not a.endswith(("sh", "ch", "ese", "s")) and "." not in a)
    return forms
