"""Place names recognised by their shape and their neighbours (rules 17-22 of ``entities``; the
matcher there applies them, this module holds the word lists and the pure functions).

- **prefixed names** (rule 17): a saint's or a generic geographic word before a name makes it a
  place: "Sankt Goar", "St. Moritz" (also tokenised "St . Moritz"), "San Remo", "Santa Cruz",
  "Bad Ischl", "Cerro Amarillo", "Lido di Spina", "Gorge de la Langouette";
  ``prefixed_end`` finds the span, ``saint_variants`` the spellings of its prefix to look up;
- **landmark compounds** (rule 18, German): a compound whose head is a landmark noun and whose
  first part is a name, not a word, after an article or preposition: "am Kemmelberg", "die
  Salmhütte", "das Kyffhäuserdenkmal" (but "den Schuldenberg", "die Blaskapelle" are words);
- **positional adjectives** (rule 19, German): "im Hinteren Bayerischen Wald", "am Oberen Rhein":
  a capitalised positional adjective right before a place belongs to its name;
- **list neighbours** (rule 20): a place that needs evidence has it when it stands in a list
  with a place ("in Avignon , Darmstadt , Venedig");
- **parts of places** (rule 21, German): "Oberperu", "Westberlin" (``part_of_place``);
- **names after "in"** (rule 22, German): the prepositions after which a capitalised name that no
  lexicon knows is a place ("in Skovlunde", "nach Shigaraki"); ``split_compound`` rejoins
  "Mecklenburg- Vorpommern".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

# a saint's title: "Sankt Goar", "St. Moritz", "San Remo", "Saint-Denis" (hyphenated ones are one token)
SAINT_WORDS = frozenset({"Sankt", "St.", "Ste.", "Saint", "Sainte", "San", "Santa", "Santo", "São", "Sao", "Sveti",
                         "Sint"})
# generic geographic words of Romance names, and the German spa prefix ("Bad Ischl")
GEO_PREFIXES = frozenset({
    "Cerro", "Monte", "Mont", "Lago", "Lac", "Isola", "Isla", "Île", "Ile", "Lido", "Porto", "Puerto", "Playa",
    "Sierra", "Valle", "Val", "Castel", "Castello", "Capo", "Cabo", "Punta", "Pico", "Golfo", "Bahía", "Río",
    "Gorge", "Col", "Piz", "Piazza", "Plaza", "Palazzo", "Ponte", "Torre", "Villa", "Via", "Bad",
})
# words that may only start a name found in the gazetteer, not a candidate: "Bad" is a German noun
# ("das Bad Kleinen" is a town, "ein Bad nehmen" is not), "Villa", "Via" and "Porto" start names
# of things other than places too
GAZETTEER_ONLY_PREFIXES = frozenset({"Bad", "Villa", "Via", "Porto", "Saint", "Santa", "Santo", "San", "Sint"})
# ("des", "die", "e", "y" are left out: German articles, or too short to tell)
PARTICLES = frozenset({"de", "da", "do", "dos", "di", "del", "della", "delle", "dei", "degli", "du", "le",
                       "la", "les", "los", "las", "el", "sur", "sul", "al"})
SAINT_SPELLINGS = ("Sankt", "St.")


def prefix_width(words: Sequence[str], i: int) -> int:
    """How many tokens the prefix at ``i`` takes: 2 for "St ." (a tokenisation of "St."), 1 for a
    prefix word, 0 when there is none."""
    w = words[i]
    if w == "St" and i + 1 < len(words) and words[i + 1] == ".":
        return 2
    return 1 if w in SAINT_WORDS or w in GEO_PREFIXES else 0


def prefixed_end(
    words: Sequence[str], i: int, sentence_starts: Sequence[bool], known_word: Callable[[str], bool]
) -> int | None:
    """Rule 17: the end of a name made of a prefix and a name ("St. Moritz", "Cerro San Félix",
    "Lido delle Nazioni"), or None. After the first name word the name goes on with particles
    followed by a capitalised word, with another prefix word ("San"), or with capitalised words
    that are no words of the language (German nouns are capitalised: "St. Moritz Urlaub" ends
    before "Urlaub"); at most four words after the prefix."""
    width = prefix_width(words, i)
    if not width:
        return None
    n = len(words)
    j = i + width
    if j < n and words[j] in PARTICLES and width == 1 and words[i] in GEO_PREFIXES:
        j += 1  # "Lido di Spina", "Gorge de la Langouette"
        if j < n and words[j] in PARTICLES:
            j += 1
    if j >= n or (sentence_starts[j] and width == 1) or not _name_word(words[j]):
        return None
    j += 1
    limit = j + 3
    while j < n and j < limit and not sentence_starts[j]:
        w = words[j]
        k = j
        while k < n and k < j + 2 and words[k] in PARTICLES and not sentence_starts[k]:
            k += 1  # "de la"
        if k > j:
            if k < n and not sentence_starts[k] and _name_word(words[k]) and not known_word(words[k]):
                j = k + 1
                continue
            break
        if w in SAINT_WORDS or (_name_word(w) and not known_word(w)):
            j += 1
            continue
        break
    if j < n and words[j][:1] in ("’", "'"):
        return None  # "St. Martin’s Theatre": an English name
    return j


def _name_word(w: str) -> bool:
    return len(w) >= 2 and w[:1].isupper() and not w.isupper() and w.replace("-", "").replace("'", "").isalpha()


def saint_variants(tokens: Sequence[str]) -> list[tuple[str, ...]]:
    """The name's token tuples to look up: "St . Moritz" -> ("St.", "Moritz") and ("Sankt", "Moritz");
    other prefixes as written."""
    if tokens[:2] == ("St", "."):
        rest = tuple(tokens[2:])
    elif tokens[0] in SAINT_SPELLINGS:
        rest = tuple(tokens[1:])
    else:
        return [tuple(tokens)]
    return [(s, *rest) for s in SAINT_SPELLINGS]


def candidate_allowed(prefix: str, lang: str) -> bool:
    """A prefixed name the gazetteer lacks is a candidate only after a saint's title in German
    ("St. Nikolauskapelle", "Kirche St. Peter") and after the Romance geographic words; in
    English "St." also abbreviates "Street"."""
    if prefix in GAZETTEER_ONLY_PREFIXES:
        return False
    if prefix in ("Sankt", "St.", "St", "Ste."):
        return lang == "de"
    return True


def saint_adjective_bases(word: str) -> list[str]:
    """Place names a German adjective after "St." may come from: "Galler" -> Gallen, "Moritzer" ->
    Moritz, "Pöltner" -> Pölten."""
    if not (word.endswith("er") and len(word) > 4 and word[:1].isupper()):
        return []
    stem = word[:-2]
    return [stem + "en", stem, stem[:-1] + "en"]


# ------------------------------------------------------------------ landmark compounds (rule 18)

LANDMARK_HEADS_DE = (
    "kapelle", "kirche", "kathedrale", "basilika", "münster", "kloster", "abtei", "hütte", "brunnen", "denkmal",
    "mahnmal", "burg", "schloss", "palast", "pfalz", "berg", "berge", "bergen", "gebirge", "tal", "see", "insel",
    "wald", "forst", "heide", "moor", "park", "damm", "brücke", "turm", "kanal", "stausee", "talsperre",
    # the Alps: "Pötschenpass", "Hochklapfsattel", "Wildalm", "Nebelhorn" (not "-spitze": "Parteispitze")
    "alm", "pass", "sattel", "joch", "kogel", "horn",
    # quarters and landscapes: "Innviertel", "Ahrgau" (not "-land": "Herkunftsland" is no name)
    "gau", "viertel",
)
# words before a landmark: articles and prepositions fused with one
LANDMARK_CONTEXT_DE = frozenset({
    "der", "die", "das", "den", "dem", "des", "am", "im", "zum", "zur", "vom", "beim", "ins", "ans", "aufs", "auf",
    "an", "in", "bei", "nach", "bis", "über", "unter", "zu", "von", "vor", "neben", "hinter",
})
LINKING = ("s", "es", "n", "en", "e")
# words ending like a landmark head that are none: "Portal", "Quartal", "Kapital"
NOT_LANDMARK_ENDINGS = ("portal", "quartal", "kapital", "spital", "total", "vital", "metall", "kristall", "intervall")


def landmark_head(low: str) -> str | None:
    """The landmark head of a lower-case German compound ("kemmelberg" -> "berg"), or None."""
    if not low.endswith(LANDMARK_HEADS_DE):  # one test for most words before finding which head
        return None
    for head in LANDMARK_HEADS_DE:
        if low.endswith(head) and len(low) - len(head) >= 3:
            return head
    return None


def landmark_compound(word: str, known_word: Callable[[str], bool], given_names: frozenset[str]) -> bool:
    """Rule 18: a German compound with a landmark head whose first part is a name: not a word of
    the language itself, and its first part (without a linking s/n/e) not a word either, unless that
    part is a given name ("Michaelskapelle", "Annaberg"). "Schuldenberg", "Blaskapelle",
    "Arbeitsmarkt" are words."""
    if not (word[:1].isupper() and word.isalpha() and not word.isupper()):
        return False
    low = word.lower()
    head = landmark_head(low)
    if head is None or low.endswith(NOT_LANDMARK_ENDINGS) or known_word(word):
        return False
    first = word[: len(word) - len(head)]
    if any(known_word(word[k].upper() + word[k + 1 :]) for k in range(3, len(first))):
        return False  # a longer head is a word: "Ortstafelsturm" (Sturm), "Nationalpark" is fine
    parts = [first, first + "e", first + "en"]  # "Fernseh(en)markt"
    parts += [first[: -len(s)] for s in LINKING if first.endswith(s) and len(first) - len(s) >= 3]
    if any(p in given_names for p in parts):
        return True
    return not any(known_word(p) for p in parts)


# ------------------------------------------------------------------ positional adjectives (rule 19)

POSITION_STEMS_DE = ("hinter", "vorder", "ober", "unter", "inner", "äußer", "mittler", "nieder", "nördlich",
                     "südlich", "östlich", "westlich")
ADJECTIVE_ENDINGS_DE = ("e", "en", "er", "es", "em")


def compass_adjective(word: str) -> bool:
    """"westlichen", "nord", "Ost": a German compass adjective or prefix, part of a compound
    demonym ("europäisch-westlichen", "nord-koreanische")."""
    low = word.lower()
    if low in ("nord", "süd", "ost", "west", "nordost", "nordwest", "südost", "südwest", "mittel", "zentral"):
        return True
    return any(low == stem + end for stem in POSITION_STEMS_DE[-4:] for end in ("", *ADJECTIVE_ENDINGS_DE))


def positional_adjective(word: str) -> bool:
    """"Hinteren", "Oberer", "Nördlichen": a capitalised German positional adjective."""
    if not word[:1].isupper():
        return False
    low = word.lower()
    return any(low == stem + end for stem in POSITION_STEMS_DE for end in ADJECTIVE_ENDINGS_DE)


# ------------------------------------------------------------------ list neighbours (rule 20)

LIST_JOINERS = frozenset({",", "und", "oder", "sowie", "bzw.", "/"})  # German text only


def listed_with_place(
    words: Sequence[str], start: int, end: int, place_ends: set[int], place_starts: set[int]
) -> bool:
    """Rule 20: the span at [start, end) stands in a list next to a place (``place_ends`` /
    ``place_starts``: token bounds of accepted places): after the place and "und"/"oder"
    ("Venedig und Rom"), after the place and a comma when the list goes on ("Warschau , Venedig
    und Rom"), or before "und"/"oder" and the place when the list started before ("in Mardscha ,
    Laschkar Gah und Kandahar"). Not "Wien , Mark A. Brand" nor "auf dem dritten Platz und
    Deutschland"."""
    n = len(words)
    nxt = words[end] if end < n else ""
    if start >= 2 and words[start - 1] in LIST_JOINERS and start - 1 in place_ends and (
        words[start - 1] != "," or nxt in LIST_JOINERS
    ):
        return True
    return nxt in LIST_JOINERS and nxt != "," and end + 1 in place_starts and start > 0 and words[start - 1] == ","


# ------------------------------------------------------------------ parts of a place (rule 21)

PART_PREFIXES_DE = ("Nordost", "Nordwest", "Südost", "Südwest", "Nord", "Süd", "Ost", "West", "Ober", "Nieder",
                    "Unter")


def part_of_place(word: str) -> tuple[str, str] | None:
    """Rule 21 (German): a compass or position prefix written together with a place name,
    "Oberperu", "Nordtuschino", "Westberlin": (prefix, the place's name) to look up, or None."""
    if not word.startswith(PART_PREFIXES_DE) or not (word.isalpha() and not word.isupper()):
        return None  # the one C-level prefix test first: most words have none
    for prefix in PART_PREFIXES_DE:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 4 and rest[:1].islower():
            return prefix, rest[:1].upper() + rest[1:]
    return None


# ------------------------------------------------------------------ names after "in" (rule 22)

NAME_PREPOSITIONS_DE = frozenset({"in", "nach", "zwischen"})


def split_compound(words: Sequence[str], i: int) -> str | None:
    """"Mecklenburg- Vorpommern" (a compound split at a line break): the joined word, or None."""
    w = words[i]
    if len(w) > 2 and w.endswith("-") and i + 1 < len(words) and words[i + 1][:1].isupper():
        return w + words[i + 1]
    return None


# rule 32 (English): the abbreviations of US states and Canadian provinces that news agencies
# write after a town ("COLUMBIA, S.C.", "Springfield, Ill."): abbreviation -> (ISO 3166-2, name)
STATE_ABBREVIATIONS_EN: dict[str, tuple[str, str]] = {
    "Ala.": ("US-AL", "Alabama"), "Ariz.": ("US-AZ", "Arizona"), "Ark.": ("US-AR", "Arkansas"),
    "Calif.": ("US-CA", "California"), "Colo.": ("US-CO", "Colorado"), "Conn.": ("US-CT", "Connecticut"),
    "Del.": ("US-DE", "Delaware"), "D.C.": ("US-DC", "District of Columbia"), "Fla.": ("US-FL", "Florida"),
    "Ga.": ("US-GA", "Georgia"), "Ill.": ("US-IL", "Illinois"), "Ind.": ("US-IN", "Indiana"),
    "Kan.": ("US-KS", "Kansas"), "Kans.": ("US-KS", "Kansas"), "Ky.": ("US-KY", "Kentucky"),
    "La.": ("US-LA", "Louisiana"), "Md.": ("US-MD", "Maryland"), "Mass.": ("US-MA", "Massachusetts"),
    "Mich.": ("US-MI", "Michigan"), "Minn.": ("US-MN", "Minnesota"), "Miss.": ("US-MS", "Mississippi"),
    "Mo.": ("US-MO", "Missouri"), "Mont.": ("US-MT", "Montana"), "Neb.": ("US-NE", "Nebraska"),
    "Nebr.": ("US-NE", "Nebraska"), "Nev.": ("US-NV", "Nevada"), "N.H.": ("US-NH", "New Hampshire"),
    "N.J.": ("US-NJ", "New Jersey"), "N.M.": ("US-NM", "New Mexico"), "N.Y.": ("US-NY", "New York"),
    "N.C.": ("US-NC", "North Carolina"), "N.D.": ("US-ND", "North Dakota"), "Okla.": ("US-OK", "Oklahoma"),
    "Ore.": ("US-OR", "Oregon"), "Pa.": ("US-PA", "Pennsylvania"), "R.I.": ("US-RI", "Rhode Island"),
    "S.C.": ("US-SC", "South Carolina"), "S.D.": ("US-SD", "South Dakota"), "Tenn.": ("US-TN", "Tennessee"),
    "Vt.": ("US-VT", "Vermont"), "Va.": ("US-VA", "Virginia"), "Wash.": ("US-WA", "Washington"),
    "W.Va.": ("US-WV", "West Virginia"), "Wis.": ("US-WI", "Wisconsin"), "Wyo.": ("US-WY", "Wyoming"),
    "B.C.": ("CA-BC", "British Columbia"), "Alta.": ("CA-AB", "Alberta"), "Sask.": ("CA-SK", "Saskatchewan"),
    "Man.": ("CA-MB", "Manitoba"), "Ont.": ("CA-ON", "Ontario"), "Que.": ("CA-QC", "Quebec"),
    "N.S.": ("CA-NS", "Nova Scotia"), "N.B.": ("CA-NB", "New Brunswick"), "Nfld.": ("CA-NL", "Newfoundland and Labrador"),
    "P.E.I.": ("CA-PE", "Prince Edward Island"),
}


def state_abbreviation(words: Sequence[str], i: int, place_end: bool) -> tuple[str, str] | None:
    """Rule 32: (ISO 3166-2 code, name) when token i is a state's abbreviation right after a town
    and a comma: a place (``place_end``: a place ends at token i - 2) or a word in capitals, as
    datelines write towns ("COLUMBIA , S.C."); not after any name ("Smith , Miss. Jones")."""
    found = STATE_ABBREVIATIONS_EN.get(words[i])
    if found is None or i < 2 or words[i - 1] != ",":
        return None
    prev = words[i - 2]
    return found if place_end or (prev.isupper() and prev.replace("-", "").isalpha()) else None
