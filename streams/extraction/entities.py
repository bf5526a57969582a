"""Gazetteer entity matching on token texts, with explicit rules for ambiguous names.

One ``EntityMatcher`` per language is built when the Extractor starts; ``match`` is called once per
document. Matching is case-sensitive on the token text (so "Turkey" is a country and "turkey"
is not), longest match first, left to right.

Ambiguity rules (tested in tests/unit/test_extraction_entities.py):

1. Several entities share a name: the higher-ranked kind wins (person > organisation/armed
   forces > country > demonym > area/sea > city > region); among cities the larger population.
   So "Georgia" is the country and "Washington" is the city of Washington, D.C.
2. Country context: when a name also belongs to a place in another country and that country is
   named elsewhere in the same sentence, that place wins ("Atlanta, Georgia" -> US state); when
   several candidates' countries are named there, the country named most often in the document
   wins ("Pokrovsk" among Ukrainian towns is the Ukrainian one).
3. Common words: a name that is also a common German/English word (flag D/E from the lemma
   tables: "Essen", "Halle", "Nice", "Reading") counts only after a locative preposition
   ("in Essen", "from Nice").
4. First names and surnames ("Jordan", "Washington", "Chad", flag P): not when directly preceded
   by a capitalised word that does not start the sentence ("Michael Jordan", "George Washington")
   and, in English, not when followed by a capitalised word ("Washington Post", "Chad Smith").
5. English cities: not when directly followed by a capitalised word, which makes them part of a
   longer name ("George Bush", "Paris Saint-Germain"); regions ("Kyiv Oblast") are longer matches
   anyway. Not in German, where every noun is capitalised ("Moskaus Verbündete").
6. Cities are not matched as part of a sports club's name: followed by a two-digit number
   ("Hannover 96", "Mainz 05") or after a club prefix ("Borussia Dortmund", "FC Liverpool").
7. A city whose name is also a first name (flag P: "George", "Victoria") needs a locative
   preposition, like a common word.
8. German: a capitalised country adjective inside a sentence, followed by a capitalised word, is
   part of a name ("Deutsche Bank", "Bayerischer Rundfunk", "Europäische Zentralbank"), not a
   nationality; "die Deutschen sagen" stays a demonym.
9. German hyphenated demonyms ("deutsch-israelische", "Deutsch-Kanadier"): when every part is a
   demonym, the token is one, with the last part's id.

Rules 10-16 (evidence for small places, candidates, datelines, non-places, names), 17-23
(names by their shape and neighbours, module ``place_names``; towns take no article) and 24-28
(German place adjectives and person nouns by derivation, armed forces' adjectives, one sense per
article, town districts), 29-38 and 39-45 (names, quotes, house numbers, evidence of a
settlement) are listed in docs/extraction.md and tested in tests/unit/test_extraction_places.py,
test_extraction_place_names.py, test_extraction_place_adjectives.py and
test_extraction_places_round4.py / _round5.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from streams.extraction.gazetteer import (
    NO_NAMES,
    TOKEN_SEP,
    GazEntry,
    Gazetteer,
    SmallName,
    load_frequent_words,
    small_entries,
)
from streams.extraction.place_names import (
    GEO_PREFIXES,
    LANDMARK_CONTEXT_DE,
    LIST_JOINERS,
    NAME_PREPOSITIONS_DE,
    SAINT_WORDS,
    STATE_ABBREVIATIONS_EN,
    candidate_allowed,
    compass_adjective,
    landmark_compound,
    landmark_head,
    listed_with_place,
    part_of_place,
    positional_adjective,
    prefix_width,
    prefixed_end,
    saint_adjective_bases,
    saint_variants,
    split_compound,
    state_abbreviation,
)

KIND_RANK = {
    "person": 90,
    "org": 85,
    "government": 85,
    "defence_ministry": 85,
    "militia": 85,
    "pmc": 85,
    "armed_forces": 85,
    "country": 80,
    "demonym": 75,
    "continent": 60,
    "historical": 60,
    "area": 60,
    "sea": 60,
    "river": 30,  # "Dnipro" the city before the river
    "city": 40,
    "region": 35,
}

LOCATIVE_PREPOSITIONS = {
    "de": {"in", "im", "nach", "aus", "bei", "von", "vom", "nahe", "um", "durch", "über", "gegen", "südlich", "nördlich", "östlich", "westlich"},
    "en": {"in", "from", "to", "near", "at", "outside", "around", "of", "into", "across", "towards", "toward"},
}
CLUB_PREFIXES = {"Inter", "Borussia", "FC", "SC", "SV", "VfB", "VfL", "TSV", "TSG", "SpVgg", "Eintracht", "Hertha", "Fortuna",
                 "Alemannia", "Dynamo", "Dinamo", "Lokomotive", "Rot-Weiss", "Rot-Weiß", "Kickers", "AC", "AS", "Real",
                 "Atlético", "Olympique", "Sporting", "Racing", "Stade"}
COMMON_WORD_FLAG = {"de": "D", "en": "E"}

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PLACE_TYPES = frozenset({"GPE", "LOC"})
# nouns that make the next capitalised word a place: "im Dorf X", "die Stadt X", "Region X"
PLACE_NOUNS_DE = _words(
    "Dorf Dorfes Dörfer Dörfern Ortschaft Ortschaften Ort Ortes Ortsteil Ortsteils Gemeinde Kleinstadt Stadt "
    "Städtchen Siedlung Flüchtlingslager Grenzübergang Grenzort Grenzstadt Küstenstadt Hafenstadt Frontstadt "
    "Industriestadt Garnisonsstadt Bezirk Bezirks Stadtteil Stadtteils Stadtbezirk Vorort Vororts Region Provinz "
    "Gebiet Distrikt Landkreis Kreis Oblast Rajon Kanton Weiler Bundesstaat Insel Fluss Flusses Gouvernement "
    "Dorfs Kleinstädte Städte Bergdorf Fischerdorf Grenzdorf Frontdorf Kurort Atomkraftwerk AKW Kraftwerk "
    "Zuchthaus Burg Kloster Festung Stausee Talsperre Flugplatz Militärflughafen Luftwaffenstützpunkt "
    "Unionsstaat Teilstaat Bundesland Präfektur Departement Regierungsbezirk Emirat Grafschaft"
)
PLACE_NOUNS_EN = _words(
    "village villages town towns city cities settlement settlements hamlet district province region governorate "
    "oblast county municipality camp suburb neighbourhood neighborhood port island river state raion"
)
PLACE_NOUNS_AFTER_EN = _words("district province region governorate oblast county municipality raion")
REGION_NOUNS = _words(
    "region provinz gebiet distrikt landkreis kreis oblast rajon kanton bezirk bezirks bundesstaat gouvernement "
    "district province governorate county raion state"
)
STRONG_PREPOSITIONS = {
    "de": _words("nahe unweit nördlich südlich östlich westlich nordöstlich nordwestlich südöstlich südwestlich "
                    "nordöstl. vor") - {"vor"},
    "en": _words("near outside nearby"),
}
COMPASS_WORDS = {
    "de": _words("nördlich südlich östlich westlich nordöstlich nordwestlich südöstlich südwestlich"),
    "en": _words("north south east west northeast northwest southeast southwest north-east north-west "
                    "south-east south-west outskirts"),
}
# German prepositions after which a word with a place-name ending is a place (rule 11); "von"
# is left out ("von Hindenburg")
TOPONYM_PREPOSITIONS_DE = _words("in bei nach aus nahe um zwischen")
# endings of German (and Ukrainian/Russian/Slavic) place names
TOPONYM_SUFFIXES_DE = (
    "dorf", "hausen", "heim", "ingen", "burg", "berg", "feld", "felde", "stedt", "stätt", "stadt", "bach", "rode",
    "roda", "hagen", "thal", "furt", "kirchen", "hofen", "kofen", "ghofen", "leben", "born", "brunn", "brück", "brücken", "münde", "hafen",
    "walde", "werder", "beuren", "weiler", "weier", "zell", "ach", "itz", "witz", "ow", "iwka", "ivka", "ijiwka",
    "iwske", "ivske", "owe", "ove", "jiwka", "sk", "ino", "ovo", "evo", "ice", "ivtsi", "iwzi",
)
# German noun endings: a word with them is a noun first ("in Verhandlungen", "aus Sicherheitsgründen")
NOUN_ENDINGS_DE = ("ung", "ungen", "heit", "keit", "schaft", "tion", "ismus", "ität", "bach's")
STREET_SUFFIXES = ("straße", "strasse", "gasse", "allee", "chaussee")
GENERIC_STREETS = _words(
    "straße strasse gasse allee landstraße bundesstraße seitenstraße nebenstraße hauptstraße umgehungsstraße "
    "einkaufsstraße schnellstraße fernstraße durchgangsstraße zufahrtsstraße wasserstraße handelsstraße "
    "dorfstraße ringstraße querstraße ortsstraße versorgungsstraße verbindungsstraße küstenstraße "
    "autostraße kreisstraße staatsstraße passstraße uferstraße hauptverkehrsstraße geschäftsstraße "
    "sackgasse seitengasse baumallee weinstraße seidenstraße"
)
# German nouns before a place that do not make it part of a name: "Hauptstadt Kiew", "Landkreis
# Roth"; also compounds ending in these ("Provinzhauptstadt", "Regionalhauptstadt")
PLACE_NOUN_PREFIXES_DE = _words(
    "Hauptstadt Metropole Millionenstadt Bundeshauptstadt Landeshauptstadt Hafen Stadtstaat Bundesland Land "
    "Kanton Emirat Königreich Republik Fürstentum Herzogtum Teilrepublik Großraum Raum Umgebung Nähe "
    "Flughafen Grenzstadt Oblast Gebiet Region Provinz Bezirk Departement Kreis Landkreis"
)
PLACE_NOUN_ENDINGS_DE = (
    "hauptstadt", "stadt", "metropole", "dorf", "gemeinde", "region", "provinz", "staat", "land", "mitglied",
    "nachbar", "partner", "gericht", "kraftwerk", "akw", "gefängnis", "zuchthaus", "lager", "niederlassung",
    "neuling", "gastgeber", "ausrichter", "standort", "hafen", "grenze", "front",
)
# capitalised words after a place that make it part of an organisation's or a building's name
NAME_CONTINUATIONS = _words(
    "United City Times Post Tribune Herald Journal Flyers Red Rangers Rovers Wanderers Athletic Wings Giants "
    "Lakers Bulls Stars Kings Mets Yankees Open Hall Falls Tableland Railroad Airport University College Street "
    "Avenue Park Square Bridge Capitals Penguins Bruins Blackhawks Canadiens Maple Senators Oilers Islanders "
    "Devils Sabres Jets Hurricanes Panthers Lightning Predators Blues Sharks Ducks Kings Coyotes Avalanche "
    "Raiders Steelers Packers Bears Lions Patriots Cowboys Dolphins Knicks Nets Celtics Pistons Heat Magic "
    "Spurs Rockets Mavericks Suns Clippers Warriors Grizzlies Pelicans Hornets Hawks Thunder Galaxy FC SC AG "
    "Jazz Trail Bucks Nuggets Timberwolves Cavaliers Raptors 76ers Wizards Sox "
    "Cubs Dodgers Braves Orioles Marlins Phillies Padres Mariners Royals Twins Tigers Brewers Reds Pirates "
    "GmbH Ltd Inc Corp Group Gazette Chronicle Observer Telegraph Guardian Independent Express Mirror Mail "
    "Standard Register Review Courier Sentinel Dispatch Daily Morning Evening Symphony Philharmonic Verlag KG "
    "National International Airways Airlines League Cup"
)
ROMANCE_NAME_WORDS = _words("Cerro Via Valle Monte Lago Isola Lido Costa Sierra Playa Puerto Porto Castello Palazzo Piazza")
ROMANCE_PARTICLES = _words("de da do dos das di del della degli dei du le la los las el van")
# words before a place that make it part of an organisation's or a person's name (rule 15)
# clubs named like a town ("Ajax" is a town in Canada, "Werder" one in Brandenburg): in German
# news the club, so a place only after a locative ("in Werder")
CLUB_TOWNS_DE = _words("Ajax Werder Juventus Chelsea Sampdoria")
CLUB_NAMES_DE = _words(
    "Bayern Lazio Juventus Chelsea Bayer Werder Hertha Preußen Zeiss Motor Rapid Sturm Admira Arminia Olympia Energie Hansa "
    "Union Wacker Rot-Weiss Rot-Weiß Schwarz-Weiß Blau-Weiß Grün-Weiß Viktoria Germania Teutonia Kickers Stuttgarter "
    "Würzburger Athletic Celtic Rangers United Dinamo Dynamo Lokomotive Spartak Zenit Schachtjor Schachtar Metalist"
)
ORG_NOUN_ENDINGS_DE = (
    "hochschule", "universität", "theater", "museum", "arena", "oper", "klinik", "klinikum", "fabrik", "verlag",
    "bank", "zoo", "stadion", "akademie", "institut", "gymnasium", "orchester", "philharmonie", "zeitung",
    "werke", "sender", "rundfunk", "konzern", "ag", "gmbh", "festspiele", "messe", "airlines", "flughafen",
    "genossenschaft", "air",
)
PERSON_TITLES_DE = _words(
    "Präsident Präsidentin Onkel Tante Kaiser Kaiserin König Königin Papst Bischof Herzog Graf Gräfin Fürst "
    "Fürstin Prinz Prinzessin Herr Frau Dr Prof Minister Ministerin Kanzler Kanzlerin Trainer Kapitän Sänger "
    "Sängerin Autor Autorin Schauspieler Schauspielerin Regisseur Pfarrer Vater Mutter Sohn Tochter Bruder "
    "Schwester Familie Ehefrau Ehemann Kollege Kollegin Gouverneur Senator Abgeordnete Abgeordneter Politiker "
    "Politikerin Chef Chefin Sprecher Sprecherin Vorsitzende Vorsitzender Bürgermeister Bürgermeisterin"
)
# armed forces after a state's name and a hyphen: "US-Soldaten", "Russland-Truppen" (rule 9b)
STATE_FORCE_HEADS_DE = _words(
    "soldaten soldat soldatinnen truppen truppe streitkräfte armee militär militärs marine marines luftwaffe "
    "kampfjets kampfflugzeuge kriegsschiffe spezialkräfte elitesoldaten bodentruppen kampftruppen "
    "militärberater militärausbilder ausbilder kontingent einheiten panzer fallschirmjäger blauhelme"
)
# titles written with a capitalised country adjective that is still the adjective (rule 8)
TITLE_NOUNS_DE = frozenset({"Meister", "Meisterin", "Vizemeister", "Vizemeisterin", "Meisterschaft",
                            "Meisterschaften", "Meistertitel", "Rekordmeister", "Staatsmeister", "Staatsmeisterin"})
# English nouns of organisations named "<noun> of <place>" (rule 42)
OF_NAME_NOUNS = _words(
    "University Universities Bank College Institute School Museum Academy Conservatory Orchestra Philharmonic "
    "Symphony Opera Library Hospital Council Chamber Diocese Archdiocese Patriarchate"
)
# nouns of settlements and their parts: a town the sentence names needs no other evidence (rule 44)
SETTLEMENT_NOUNS_DE = _words(
    "Ortsteil Ortsteile Ortsteils Ortsteilen Stadtteil Stadtteile Stadtteils Stadtteilen Ortschaft Ortschaften "
    "Gemeindeteil Gemeindeteile Weiler Pfarrei Pfarreien Kirchspiel Gemarkung Gemeindegebiet Einwohner Einwohnern "
    "Einwohnerinnen Dorf Dorfes Dörfer Dörfern Siedlung Siedlungen Marktgemeinde Stadtrecht Stadtrechte"
)
# lower-case words inside German town names: "Bruck an der Leitha", "Rothenburg ob der Tauber",
# "Neumarkt in der Oberpfalz", "Rheda-Wiedenbrück" has none (rule 43)
NAME_PARTICLES_DE = frozenset({"an", "am", "ob", "im", "in", "bei", "auf", "unter", "vor"})
# second parts of a district named after its town: "Linz-Land", "Wien-Umgebung" (rule 28)
DISTRICT_SUFFIXES = frozenset({"Land", "Umgebung"})
# quotation marks that open and close a quoted name (rule 40); '"' does both
OPENING_QUOTES = frozenset({"„", "“", '"', "»", "«", "‚"})
CLOSING_QUOTES = frozenset({"“", "”", '"', "«", "»", "‘"})
# nouns after a city adjective that make an organisation's name ("Berliner Zeitung")
NORP_NAME_NOUNS_DE = _words(
    "Zeitung Morgenpost Rundschau Allgemeine Nachrichten Zeitungsverlag Verlag Verkehrsbetriebe Stadtwerke "
    "Sparkasse Volksbank Bank Mieterverein Verein Philharmoniker Symphoniker Staatsoper Oper Zoo Messe Tafel "
    "Hochschule Universität Landesbank Kurier Abendblatt Tageblatt Anzeiger Tagblatt Generalanzeiger Volksstimme "
    "Tageszeitung Nachrichten Presse"
)
# nouns after a people's adjective that make a name (English): "Canadian Press", "Roman Catholic"
NORP_NAME_NOUNS_EN = _words(
    "Press Authority Broadcasting Airlines Airways Union Congress Party Times Post Herald Journal Tribune "
    "Catholic Catholics"
)
# English heads and prefixes of geographic names, in English and German text (rule 11)
FEATURE_HEADS_EN = _words(
    "River Avenue Street Square Falls Bridge Island Islands Lake Bay Valley Mountains Canyon Tableland Strait "
    "Peninsula Desert Heights Boulevard Creek Gulf Harbour Harbor Pass Plateau Reservoir"
)
FEATURE_PREFIXES_EN = _words("Mount Lake Cape Fort")
FEATURE_KINDS = frozenset({"river", "sea", "area", "mountain", "island", "desert"})
ROAD_WORDS_DE = _words("A B Bundesstraße Autobahn Landesstraße Staatsstraße Kreisstraße") | frozenset(
    f"{c}{k}" for c in "AB" for k in range(1, 1000)
)
ROAD_CONTEXT_DE = _words("der die den dem auf über von zur zwischen und Autobahn Autobahnen Bundesstraße")
STREET_NOUNS_DE = _words("Straße Strasse Landstraße Allee Chaussee Gasse Platz Tor Damm Ring Ufer Brücke")
# a small place of the language's home countries whose name has one of these endings is a place
# without further evidence ("Immenstadt", "Pfrondorf", "Inzigkofen"), unless it is also a word
HOME_COUNTRIES = {"de": frozenset({"DE", "AT", "CH", "LI"}), "en": frozenset({"GB", "US", "IE", "CA", "AU", "NZ"})}
HOME_TOPONYM_SUFFIXES = {
    "de": ("dorf", "hausen", "ingen", "heim", "stadt", "stedt", "kofen", "hofen", "kirchen", "bach", "rode", "leben",
           "born", "brunn", "beuren", "weiler", "burg", "berg", "feld", "hagen", "thal", "münde", "roda", "witz", "itz"),
    "en": ("ton", "ham", "ford", "field", "bury", "borough", "chester", "caster", "wick", "mouth", "port", "ville"),
}
GENERIC_STREET_ENDINGS = tuple(g for g in GENERIC_STREETS if len(g) > 7)
# articles and prepositions fused with one: a town after them is a noun or a surname (rule 23)
ARTICLES_DE = _words("der die das den dem des ein eine einen einem eines im vom zum zur beim am ins ans aufs "
                     "fürs übers ums durchs unters vors hinters")
SMALL_CITY = 100_000
# rule 37: a city this large named by its own name ("Shanghai", "Perm") or by its German exonym
# ("Rom") is that city in German text, though the name is an English word too ("to shanghai",
# "ROM"); the other alternate names that are English words stay guarded ("Soul", "Logos", "Lime")
WORLD_CITY = 500_000
EXONYMS_DE = frozenset({"Rom"})
# the nouns of the gazetteer's region names ("Region Kursk", "Kursk region") left out of the span
REGION_PREFIXES_DE = frozenset({"Region", "Gebiet", "Oblast", "Provinz"})
REGION_SUFFIXES_EN = frozenset({"region", "oblast", "province"})
# rule 35 (English): a lower-case compass word before a place's part ("southern Thailand") is
# left out of the span; the entity keeps the part's id and name ("southern Thailand")
COMPASS_ADJECTIVES_EN = frozenset({"northern", "southern", "eastern", "western", "north", "south", "east", "west",
                                   "northeastern", "northwestern", "southeastern", "southwestern", "central"})
# locatives that also name an agent or an opponent ("von Nokia übernommen", "gegen Google")
AGENT_PREPOSITIONS_DE = _words("von vom gegen über um durch")
# heads of German compounds that name a place or an institution at one: evidence like a place noun
PLACE_NOUN_HEADS_DE = ("stadt", "städtchen", "dorf", "gemeinde", "region", "provinz", "bezirk", "gefängnis",
                       "zuchthaus", "lager", "kraftwerk", "flughafen", "kloster", "siedlung", "ortschaft",
                       "ortsteil", "grenzort", "kurort")
DETERMINER_DE = re.compile(r"(mein|dein|sein|ihr|unser|euer|eur|dies|jen|jed|manch|welch|kein)(e|es|em|en|er)?")
INFO_CACHE_LIMIT = 200_000  # distinct capitalised words whose lookups are kept
# what can start at a word (``EntityMatcher._start_class``): nothing, anything, or (a shape >= 0)
# only a name the gazetteer lacks
INERT = -2
ANY_START = -1
DASHES = frozenset({"-", "–", "—", "--", "―"})
SENTENCE_ENDS = frozenset({".", "!", "?"})


# Words that are never a place, whatever a gazetteer says (geonames has villages called "Mai",
# "Juli", "Sunday", "Unknown"): months, weekdays, and words for an unknown place. Compared
# case-insensitively; the build drops such names, and ``is_non_place`` checks every GPE/LOC.
NOT_PLACE_WORDS = _words(
    "januar jänner februar feber märz april mai juni juli august september oktober november dezember "
    "january february march may june july october december "
    "jan feb mär mar apr jun jul aug sep sept okt oct nov dez dec "
    "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag "
    "monday tuesday wednesday thursday friday saturday sunday "
    "wochenende weekend heute today gestern yesterday morgen tomorrow "
    "unknown unbekannt unbekannter unbekannten unklar unclear unspecified none null n/a na ? ?? ??? - -- –"
)


# (entry, flags): a plain tuple, there are ~190,000 of them built at start-up
Candidate = tuple[GazEntry, str]


@dataclass(frozen=True, slots=True)
class EntityHit:
    """A matched span (token indices, end exclusive) and the entry chosen for it."""

    token_start: int
    token_end: int
    entry: GazEntry
    source: str = "gazetteer"  # gazetteer | candidate (a place found from its context only)
    role: str | None = None  # "dateline": the place of the article's dateline


class EntityMatcher:
    """Maps token sequences to gazetteer entries. Built once per language at start-up."""

    def __init__(self, gazetteer: Gazetteer, lang: str, tokenize: Callable[[str], list[str]]) -> None:
        self.lang = lang
        self.small = gazetteer.small
        self._gazetteer_path = gazetteer.path
        self._frequent_words: frozenset[str] | None = None
        self._info_cache: dict[str, tuple[tuple[SmallName, ...], bool, int]] = {}
        self._start_cache: dict[str, int] = {}
        self._derived_cache: dict[str, GazEntry | None] = {}  # -isch adjectives
        self._er_cache: dict[str, GazEntry | None] = {}  # -er adjectives
        self._person_cache: dict[str, GazEntry | None] = {}  # person nouns: "Amerikaners", "Kroatin"
        self._district_cache: dict[str, GazEntry | None] = {}  # "Wien-Hietzing"
        self._bracket_codes = 0  # country codes in brackets in the document being matched (rule 36)
        self._settlement_sentences: set[int] = set()  # of the document being matched (rule 44)
        self._lemma_table: Any = None
        self._lemma_values: frozenset[str] | None = None
        self._stop_words: frozenset[str] = frozenset()
        self.common_flag = COMMON_WORD_FLAG.get(lang, "")
        self.locatives = LOCATIVE_PREPOSITIONS.get(lang, set())
        # candidates as plain tuples while building (fast), sorted best first
        raw: dict[tuple[str, ...], list[tuple[int, int, int, str]]] = {}
        entries = gazetteer.entries
        ranks = [KIND_RANK.get(e.kind, 10) for e in entries]
        stored = gazetteer.tokens_current
        tok_field = 4 if lang == "de" else 5
        for name in gazetteer.names:
            if name[2] != lang and name[2] != "*":
                continue
            text = name[0]
            toks: str | None = str(name[tok_field]) if stored else None
            if toks == "":
                words = tuple(text.split(" "))
            elif toks:
                words = tuple(toks.split(TOKEN_SEP))
            else:
                words = tuple(tokenize(text))
            if not words:
                continue
            e = name[1]
            bucket = raw.get(words)
            if bucket is None:
                raw[words] = [(ranks[e], entries[e].population, e, name[3])]
            elif all(b[2] != e for b in bucket):
                bucket.append((ranks[e], entries[e].population, e, name[3]))
        self.table: dict[tuple[str, ...], tuple[Candidate, ...]] = {}
        for words, bucket in raw.items():
            if len(bucket) > 1:
                bucket.sort(reverse=True)
            self.table[words] = tuple((entries[e], flags) for _r, _p, e, flags in bucket)
        lengths: dict[str, set[int]] = {}
        for words in self.table:
            lengths.setdefault(words[0], set()).add(len(words))
        self.lengths: dict[str, tuple[int, ...]] = {w: tuple(sorted(ls, reverse=True)) for w, ls in lengths.items()}
        # given names: first words of the persons' names, and one-word names flagged as person-like
        self.given_names = frozenset(w for w in gazetteer.given_names if w[:1].isupper() and w.isalpha())

    def match(self, words: Sequence[str], sentence_starts: Sequence[bool], sentence_of: Sequence[int]) -> list[EntityHit]:
        """Entities in one document. ``words``: token texts; ``sentence_starts[i]``: token i starts
        a sentence; ``sentence_of[i]``: sentence index of token i."""
        n = len(words)
        self._bracket_codes = self._count_bracket_codes(words)
        # rule 44: sentences that speak of settlements ("Ortsteil", "Pfarrei", "Einwohner")
        self._settlement_sentences = {sentence_of[k] for k, w in enumerate(words) if w in SETTLEMENT_NOUNS_DE} \
            if self.lang == "de" else set()
        spans: list[tuple[int, int, tuple[Candidate, ...]]] = []
        # spans of the evidence tier and context candidates, decided once the article's countries
        # are known: (start, end, entries best first, flags); entries empty for a candidate
        pending: list[tuple[int, int, tuple[GazEntry, ...], str]] = []
        lengths = self.lengths
        # only tokens that start a name, contain a hyphen or are capitalised can start an entity;
        # left to right, a match skips the tokens it covers
        next_free = 0
        place_ends: set[int] = set()  # token ends of accepted main-table places (rule 20)
        parts: list[EntityHit] = []  # rule 21: "Oberperu"
        derive = self.lang == "de"
        for i in [k for k, w in enumerate(words)
                  if w in lengths or "-" in w or w[:1].isupper() or (derive and "isch" in w)]:
            if i < next_free:
                continue
            w = words[i]
            if self.lang == "de" and w in ROAD_WORDS_DE:
                road = self._road(words, i, sentence_starts)
                if road is not None:
                    pending.append((i, road, (), ""))
                    next_free = road
                    continue
            # the set lookups first: most capitalised words are followed by no feature head
            if i + 1 < n and (words[i + 1] in FEATURE_HEADS_EN or w in FEATURE_PREFIXES_EN) \
                    and not sentence_starts[i + 1] and w[:1].isupper() and w.isalpha() \
                    and (w, words[i + 1]) not in self.table and (
                (words[i + 1] in FEATURE_HEADS_EN and not w.isupper() and w.lower() not in self._stop_words)
                or (w in FEATURE_PREFIXES_EN and words[i + 1][:1].isupper() and words[i + 1].isalpha())
            ):
                # "Hudson River", "Fifth Avenue", "Atherton Tableland", "Mount Hermon": one place;
                # "Dnipro River": the feature the gazetteer knows by its first word
                known = tuple(c for c in self.table.get((w,), ()) if c[0].kind in FEATURE_KINDS)
                if i + 2 < n and words[i + 2] in NAME_CONTINUATIONS and not sentence_starts[i + 2]:
                    next_free = i + 3  # "Wall Street Journal": a newspaper's name
                    continue
                if known:
                    spans.append((i, i + 2, known))
                else:
                    pending.append((i, i + 2, (), ""))
                next_free = i + 2
                continue
            if self.lang == "de" and i + 1 < n and words[i + 1] in STREET_NOUNS_DE and self._street_modifier(w):
                pending.append((i, i + 2, (), ""))  # rule 11: "Schwabacher Straße", "Friedberger Landstraße"
                next_free = i + 2
                continue
            start_class = self._start_cache.get(w)
            if start_class is None:
                start_class = self._start_class(w)
            if start_class == INERT:
                continue  # no rule below can start an entity at this word, whatever its neighbours
            if start_class >= 0:  # only the rules for names the gazetteer lacks (its shape)
                cand = self._name_candidate(words, i, sentence_starts, start_class, pending, place_ends)
                if cand is not None:
                    pending.append((i, cand, (), ""))
                    next_free = cand
                continue
            # rule 17 first: "Monte Bondone" is no "Monte", "San Remo" no "San"
            if w in SAINT_WORDS or w in GEO_PREFIXES or w == "St":
                found_span, found_pending = self._prefixed(words, i, sentence_starts, place_ends)
                if found_span is not None:
                    spans.append(found_span)
                    place_ends.add(found_span[1])
                    next_free = found_span[1]
                    continue
                if found_pending is not None:
                    if found_pending[3] != "X":
                        pending.append(found_pending)
                    next_free = found_pending[1]
                    continue
            lens = lengths.get(w)
            if lens is not None:
                matched = False
                for length in lens:
                    if i + length > n:
                        continue
                    key = tuple(words[i : i + length]) if length > 1 else (words[i],)
                    cands = self.table.get(key)
                    if cands is None:
                        continue
                    listed = self.lang == "de" and listed_with_place(words, i, i + length, place_ends, set())
                    accepted = tuple(c for c in cands if self._accept(c, words, i, i + length, sentence_starts, listed))
                    if accepted:
                        spans.append((i, i + length, accepted))
                        if accepted[0][0].type in PLACE_TYPES:
                            place_ends.add(i + length)
                        next_free = i + length
                        matched = True
                        break
                if matched or (w,) in self.table:
                    continue  # a one-word name of the main table was rejected: nothing else may take it
            elif "-" in w:
                joined = split_compound(words, i)
                cands = self.table.get((joined,), ()) if joined is not None else ()
                if cands and cands[0][0].type in PLACE_TYPES:
                    spans.append((i, i + 2, cands[:1]))  # "Mecklenburg- Vorpommern"
                    place_ends.add(i + 2)
                    next_free = i + 2
                    continue
                compound = self._demonym_compound(w) or self._state_force_compound(w)
                if compound is not None:
                    spans.append((i, i + 1, (compound,)))
                    continue
                district = None if i > 0 and words[i - 1].lower() in REGION_NOUNS \
                    and w.rsplit("-", 1)[-1] not in DISTRICT_SUFFIXES else self._city_district(w)
                if district is not None and district.id.startswith("candidate:"):
                    parts.append(EntityHit(i, i + 1, district, source="candidate"))  # "Duisburg-Marxloh"
                    continue
                if district is not None:  # not "Landkreis Straubing-Bogen": a county named after two towns
                    spans.append((i, i + 1, ((district, ""),)))  # "Wien-Hietzing", "Salzburg-Siezenheim"
                    place_ends.add(i + 1)
                    continue
            if derive and lens is None and "isch" in w and w.endswith(ISCH_ENDINGS) \
                    and (w[:1].islower() or sentence_starts[i]):
                derived = self._isch_adjective(w)
                if derived is not None:
                    spans.append((i, i + 1, ((derived, ""),)))  # "sibirischen", "kaukasische"
                    continue
                if w[:1].islower():
                    continue
            if not w[:1].isupper():
                continue
            if self.lang == "de" and lens is None:
                genitive = self._genitive(words, i, sentence_starts)
                if genitive is not None:
                    spans.append(genitive)
                    place_ends.add(i + 1)
                    continue
                part = self._part_of_place(words, i, sentence_starts)
                if part is not None:
                    parts.append(part)
                    continue
            caps = self._all_caps(words, i, sentence_starts)
            if caps is not None:
                spans.append(caps)
                next_free = caps[1]
                continue
            small_names, name_like, shape = self._word_info(w)
            if small_names:
                found = self._small(words, i, small_names)
                if found is not None:
                    pending.append(found)
                    next_free = found[1]
                    continue
            if derive and name_like and w.endswith(PERSON_NOUN_ENDINGS_DE):
                person = self._person_noun(w)
                prev = words[i - 1] if i > 0 and not sentence_starts[i] else ""
                if person is not None and (not w.endswith("s") or prev in GENITIVE_ARTICLES_DE or (
                    prev.islower() and prev.endswith("en"))
                ) and self._accept((person, ""), words, i, i + 1, sentence_starts):
                    # a genitive after an article ("des Spaniers", "des beschuldigten Irakers"), not a
                    # name's ("seit Springers Vorstoß")
                    spans.append((i, i + 1, ((person, ""),)))  # "des Amerikaners", "die Kroatin"
                    continue
            if derive and name_like and w.endswith("er"):
                derived = self._er_adjective(words, i, sentence_starts)
                if derived is not None:
                    spans.append((i, i + 1, ((derived, ""),)))  # "Madrider Regierung", "Bachmuter Front"
                    continue
                if i + 1 < n and words[i + 1] in PLACE_ADJECTIVE_HEADS_DE and self._unknown_adjective(words, i, sentence_starts):
                    # "der Hallwanger Bürgermeister", "im Ahltener Wald": a place the gazetteer lacks
                    entry = GazEntry(f"candidate:{w.lower()}", w, "NORP", "demonym", None, 0)
                    parts.append(EntityHit(i, i + 1, entry, source="candidate"))
                    continue
            cand = self._name_candidate(words, i, sentence_starts, shape, pending, place_ends) if name_like else None
            if cand is not None:
                pending.append((i, cand, (), ""))
                next_free = cand
        # country context from unambiguous matches: per sentence, and counted over the document
        context: dict[int, set[str]] = {}
        doc_counts: dict[str, int] = {}
        for start, _end, cands in spans:
            if len(cands) == 1 and cands[0][0].country and "K" not in cands[0][1]:  # (not "(SUI)")
                country = cands[0][0].country
                context.setdefault(sentence_of[start], set()).add(country)
                doc_counts[country] = doc_counts.get(country, 0) + 1
        # countries named by places (not by demonyms): evidence for small places and candidates
        place_context: dict[int, set[str]] = {}
        place_counts: dict[str, int] = {}
        for start, _end, cands in spans:
            if len(cands) == 1 and cands[0][0].country and cands[0][0].type in PLACE_TYPES and "K" not in cands[0][1]:
                country = cands[0][0].country
                place_context.setdefault(sentence_of[start], set()).add(country)
                place_counts[country] = place_counts.get(country, 0) + 1
        hits = []
        for start, end, cands in spans:
            chosen = cands[0][0]
            if len(cands) > 1:
                ctx = context.get(sentence_of[start], set())
                if chosen.country not in ctx:
                    for c, _flags in cands[1:]:
                        if c.country in ctx and c.kind in ("region", "city"):
                            chosen = c
                            break
                elif chosen.kind == "city":
                    # several candidate countries are named: the one named most in the document
                    best = max(
                        (c for c, _ in cands if c.kind == "city" and c.country in ctx),
                        key=lambda c: doc_counts.get(c.country or "", 0),
                    )
                    if doc_counts.get(best.country or "", 0) > doc_counts.get(chosen.country or "", 0):
                        chosen = best
            if chosen.type in PLACE_TYPES and end == start + 1 and is_non_place(words[start]):
                continue
            if chosen.kind == "armed_forces" and (end - start == 2 or (self.lang == "en" and end - start == 3)):
                adjective = self._forces_adjective(words[start], chosen.country)
                if adjective is not None:
                    # "die israelische Armee", "the Israeli army", "British armed forces": the
                    # country's adjective stays NORP, the noun names the forces (news NER marks
                    # the adjective and the army as two things)
                    hits.append(EntityHit(start, start + 1, adjective))
                    hits.append(EntityHit(start + 1, end, chosen))
                    continue
            if self.lang == "en" and chosen.kind in ("area", "region") and end - start >= 2 \
                    and words[start] in COMPASS_ADJECTIVES_EN:
                start += 1  # rule 35: "northern [Haiti]": a lower-case compass word is no part of the name
                longer = self.table.get((*words[start:end], words[end]), ()) if end < len(words) else ()
                if longer and longer[0][0].type in PLACE_TYPES:
                    end += 1  # "northern [Gaza Strip]": the name, still the northern part's id
            if chosen.kind == "region" and end - start >= 2:
                # rule 35: the name only, as news NER marks it ("Region [Kursk]", "[Kursk] region"); the
                # noun chose the region over the town
                if self.lang == "de" and words[start] in REGION_PREFIXES_DE:
                    start += 1
                elif self.lang == "en" and words[end - 1] in REGION_SUFFIXES_EN:
                    end -= 1
            hits.append(EntityHit(start, end, chosen))
        place_starts = {s for s, _e, cands in spans if cands[0][0].type in PLACE_TYPES}
        place_ends |= {e for _s, e, cands in spans if cands[0][0].type in PLACE_TYPES}
        for start, end, entries, flags in pending:
            if after_of_name_noun(words, start):
                continue  # rule 42 for names that need evidence: "University of Alberta"
            listed = self.lang == "de" and listed_with_place(words, start, end, place_ends, place_starts)
            hit = self._decide(words, start, end, entries, flags, sentence_starts, sentence_of, place_context,
                               place_counts, listed)
            if hit is not None and not (end == start + 1 and is_non_place(words[start])):
                hits.append(hit)
        hits.extend(parts)
        if self.lang == "en":
            hits.extend(self._state_abbreviations(words, hits))
        hits.sort(key=lambda h: h.token_start)
        hits = self._persons_named_like_towns(words, sentence_starts, hits)
        if self.lang == "de":
            hits = self._with_positional_adjectives(words, hits)
        return mark_dateline(words, sentence_starts, hits)

    # ------------------------------------------------------------------ names by their shape

    def _prefixed(
        self, words: Sequence[str], i: int, sentence_starts: Sequence[bool], after_place: set[int]
    ) -> tuple[tuple[int, int, tuple[Candidate, ...]] | None, tuple[int, int, tuple[GazEntry, ...], str] | None]:
        """Rule 17: a name after a saint's title or a geographic prefix ("St. Moritz", "Bad Ischl",
        "San Remo", "Cerro Amarillo"): the main table's or the evidence tier's place (longest first,
        "St." and "Sankt" both looked up), an adjective ("St. Galler Rat"), or a candidate. Returns
        (main-table span, pending span); the evidence tier's names are pending with flag "S"
        (the prefix is their evidence); a name right after a place (``after_place``: "Paris St.
        Germain") or that is no place is returned as pending with flag "X": skipped, and not
        matched in parts."""
        end = prefixed_end(words, i, sentence_starts, self._known_word)
        if end is None:
            return None, None
        if i in after_place:
            return None, (i, end, (), "X")
        width = prefix_width(words, i)
        for e in range(end, i + width, -1):
            variants = saint_variants(words[i:e])
            last = words[e - 1]
            if self.lang == "de" and last.endswith("s") and len(last) > 4:  # "Puerto Ricos Gouverneur"
                variants += [(*v[:-1], v[-1][:-1]) for v in variants]
            for variant in variants:
                cands = tuple(c for c in self.table.get(variant, ()) if c[0].type in PLACE_TYPES
                              and self._accept((c[0], ""), words, i, e, sentence_starts))
                if cands:  # (rules 6, 12, 15 apply: "Zenit St. Petersburg", "SKN St. Pölten" are clubs)
                    return (i, e, cands), None
                if self.small is not None:
                    for names, records, flags in self.small.lookup(variant[0]):
                        if names == variant:
                            return None, (i, e, small_entries(records), flags + "S")
        name_end = i + width + 1
        if self.lang == "de":
            # "St. Galler Rat", "der gebürtige St. Pöltner": the adjective or person noun of a place
            for base in saint_adjective_bases(words[i + width]):
                for variant in saint_variants((*words[i : i + width], base)):
                    place = next((c[0] for c in self.table.get(variant, ()) if c[0].type in PLACE_TYPES), None)
                    if place is None and self.small is not None:
                        place = next((small_entries(rs)[0] for ns, rs, _f in self.small.lookup(variant[0])
                                      if ns == variant), None)
                    if place is not None:
                        adj = GazEntry(place.id, place.name, "NORP", "demonym", place.country, 0)
                        return (i, name_end, ((adj, ""),)), None
        prefix = words[i]
        name = words[i + width : end]
        if candidate_allowed(prefix, self.lang) and not any(self._known_word(w) for w in name) and not (
            self.lang == "de" and prefix in SAINT_WORDS and self._noun_de(name[-1])
            and landmark_head(name[-1].lower()) is None
        ):
            # (not "St. Martinsorden", "Sankt Nimmerleinstag": a saint's name in a word that is no place)
            return None, (i, end, (), "S")
        return None, (i, end, (), "X")  # no place: the name is not matched in parts ("Paris St. Germain")

    def _landscape(self, words: Sequence[str], start: int) -> bool:
        """Rule 23's exception: a place of the German-speaking countries named like a valley,
        mountain or district after a preposition with an article ("im Sellrain", "am Gaisberg", "in
        der Josefstadt") when its name is no frequent word ("im Igel", "im Sommer" are words)."""
        prev = words[start - 1].lower() if start > 0 else ""
        fused = prev in ("im", "am", "vom", "zum", "beim", "ins") or (
            prev in ("der", "dem") and start > 1 and words[start - 2].lower() in self.locatives)
        return fused and not self._word_like(words[start])

    def _genitive(self, words: Sequence[str], i: int, sentence_starts: Sequence[bool]) -> tuple[int, int, tuple[Candidate, ...]] | None:
        """German genitives of places the main table has without them ("Mosbachs", "Tübingens"):
        a place whose name is no word or person's name, with the rules of its base name."""
        w = words[i]
        if len(w) < 5 or not w.endswith("s") or w.endswith("ss") or not w.isalpha():
            return None
        prev = words[i - 1] if i > 0 and not sentence_starts[i] else ""
        if prev[:1].isupper() and prev.isalpha() and not self._word_like(prev):
            return None  # "Sunnyi Melles": a surname
        if prev.lower() in ARTICLES_DE or (prev.islower() and prev.endswith("es")) or self._known_word(w[:-1]):
            return None  # "des Wirts", "ihres Wirts": a noun
        cands = tuple(
            c for c in self.table.get((w[:-1],), ())
            if c[0].type in PLACE_TYPES and not c[1] and c[0].kind in ("city", "region", "area")
        )
        accepted = tuple(c for c in cands if self._accept(c, words, i, i + 1, sentence_starts))
        return (i, i + 1, accepted) if accepted else None

    def _part_of_place(self, words: Sequence[str], i: int, sentence_starts: Sequence[bool]) -> EntityHit | None:
        """Rule 21: "Oberperu", "Westberlin", "Nordtuschino": a compass or position prefix on a
        place of the main table (no word or name), or of the evidence tier after a locative; a
        LOC candidate of kind "area" in the place's country. Not a word of the language
        ("Unterhaus", "Oberland")."""
        found = part_of_place(words[i])
        if found is None or self._known_word(words[i]):
            return None
        _prefix, name = found
        base = next((c[0] for c in self.table.get((name,), ()) if c[0].type in PLACE_TYPES and not c[1]), None)
        if base is None and self.small is not None and self._weak_preposition(words, i, sentence_starts):
            base = next((small_entries(rs)[0] for ns, rs, fl in self.small.lookup(name) if ns == (name,) and not fl),
                        None)
        if base is None:
            return None
        entry = GazEntry(f"candidate:{words[i].lower()}", words[i], "LOC", "area", base.country, 0)
        return EntityHit(i, i + 1, entry, source="candidate")

    @staticmethod
    def _with_positional_adjectives(words: Sequence[str], hits: list[EntityHit]) -> list[EntityHit]:
        """Rule 19: "im Hinteren Bayerischen Wald", "am Oberen Rhein": a capitalised positional
        adjective right before a place is part of its name."""
        taken = {k for h in hits for k in range(h.token_start, h.token_end)}
        out = []
        for h in hits:
            s = h.token_start
            if h.entry.type in PLACE_TYPES and s > 0 and s - 1 not in taken and positional_adjective(words[s - 1]):
                h = replace(h, token_start=s - 1)
            out.append(h)
        return out

    # ------------------------------------------------------------------ small places, candidates

    def _all_caps(self, words: Sequence[str], i: int, sentence_starts: Sequence[bool]) -> tuple[int, int, tuple[Candidate, ...]] | None:
        """Rule 10: a place written in capitals ("KABUL (Reuters)", "NEW YORK", "TOKIO"): the
        capitalised form when it is a country, city or region that is not also a word or name."""
        w = words[i]
        if not (w.isupper() and w.isalpha() and len(w) >= 3):
            return None
        for length in (3, 2, 1):
            if i + length > len(words):
                continue
            parts = words[i : i + length]
            if not all(p.isupper() and p.isalpha() for p in parts):
                continue
            key = tuple(p[:1] + p[1:].lower() for p in parts)
            cands = self.table.get(key)
            if not cands:
                continue
            # at the start of a line and followed by "(", "," or a dash it is a dateline, where a
            # name that is also a word or a person's is the place ("WASHINGTON —")
            end = i + length
            dateline = (i == 0 or "\n" in words[i - 1]) and end < len(words) and (
                words[end] in ("(", ",") or words[end] in DASHES)
            ok = tuple(c for c in cands if c[0].type in PLACE_TYPES and (dateline or not c[1])
                       and (length > 1 or len(w) >= 4 or c[0].kind == "city"))
            if ok:
                return (i, i + length, ok)
        return None

    def set_vocabulary(self, lemma_table: Any, stop_words: Iterable[str]) -> None:
        """The language's lemma lookup table (spaCy lookups, already loaded by the pipeline) and
        stop words: a place the gazetteer lacks is never a word they know ("im Dorf Menschen",
        "The district court"). Called once by ``Extractor.from_settings``."""
        self._lemma_table = lemma_table
        self._stop_words = frozenset(w.lower() for w in stop_words)

    def _known_word(self, w: str) -> bool:
        """An inflected form or a lemma of the lemma table, or a stop word. The set of lemmas
        (~90,000 in German, 0.2 s) is built on the first call, not at start."""
        low = w.lower()
        if low in self._stop_words:
            return True
        table = self._lemma_table
        if table is None:
            return False
        if self._lemma_values is None:
            self._lemma_values = frozenset(str(v) for v in table.values())
        values = self._lemma_values
        return w in table or low in table or w in values or low in values

    def _frequent(self, w: str) -> bool:
        """A frequent word or well-known name (build_gazetteer.frequent_words: "Zukunft", "Armut",
        "Facebook", "Nature"), read on the first call (~20 ms), not at start."""
        if self._frequent_words is None:
            self._frequent_words = load_frequent_words(self._gazetteer_path) if self._gazetteer_path else frozenset()
        return w in self._frequent_words

    def _start_class(self, w: str) -> int:
        """What the rules after the feature and street checks of ``match`` can start at word ``w``,
        in any context (``match`` reads the per-word cache first): INERT, nothing; the word's shape
        (``_word_info``, >= 0), only a name the gazetteer lacks (``_name_candidate``); ANY_START,
        anything. The other rules each need something of the word itself (a name of the main
        table, a hyphen, a saint or geographic prefix, a genitive of a place, a compass prefix,
        capitals, a name of the evidence tier); most capitalised words of an article have none of
        these, and the per-token checks of each cost more than this."""
        small_names, name_like, shape = self._word_info(w) if w[:1].isupper() else (NO_NAMES, False, 0)
        if (
            w in self.lengths or "-" in w or w in SAINT_WORDS or w in GEO_PREFIXES or w == "St"
            or (self.lang == "de" and w in ROAD_WORDS_DE)
            or (len(w) >= 5 and w.endswith("s") and (w[:-1],) in self.table)
            or part_of_place(w) is not None
            or (w.isupper() and w.isalpha() and len(w) >= 3)
            or small_names
            or (self.lang == "de" and (
                ("isch" in w and w.endswith(ISCH_ENDINGS))  # rule 25: "sibirischen"
                or (name_like and w.endswith(DERIVED_ENDINGS_DE))  # rules 25-26: "Madrider", "Kroatin"
            ))
        ):
            start_class = ANY_START
        else:
            start_class = shape if name_like else INERT
        if len(self._start_cache) > INFO_CACHE_LIMIT:
            self._start_cache.clear()
        self._start_cache[w] = start_class
        return start_class

    def _name_candidate(self, words: Sequence[str], i: int, sentence_starts: Sequence[bool], shape: int,
                        pending: list[tuple[int, int, tuple[GazEntry, ...], str]], place_ends: set[int]) -> int | None:
        """Rules 11, 18, 20 and 22 at a name-like word: a place the gazetteer lacks, from its
        context (``_candidate``) or after a listed place (``_listed_name``). The end token or None."""
        cand = self._candidate(words, i, sentence_starts, shape)
        if cand is None and self.lang == "de" and i >= 2 and words[i - 1] in LIST_JOINERS and (
            any(p[1] == i - 1 and not p[2] for p in pending[-2:]) or (i - 1 in place_ends and words[i - 1] != ",")
        ):
            cand = self._listed_name(words, i, sentence_starts)
        return cand

    def _word_like(self, w: str) -> bool:
        """Known to the lemma table or the stop words, or a frequent word."""
        return self._known_word(w) or self._frequent(w)

    def _word_info(self, w: str) -> tuple[tuple[SmallName, ...], bool, int]:
        """What a capitalised word may start, cached per word: names of the evidence tier, whether
        it looks like a name, and its shape (0 plain, 1 street name, 2 German place-name ending)."""
        info = self._info_cache.get(w)
        if info is None:
            small_names = self.small.lookup(w) if self.small is not None and len(w) >= 4 else NO_NAMES
            name_like = self._name_like(w)
            shape = 0
            if name_like and self.lang == "de":
                low = w.lower()
                if low.endswith(STREET_SUFFIXES) and low not in GENERIC_STREETS and not low.endswith(GENERIC_STREET_ENDINGS):
                    shape = 1
                elif landmark_compound(w, self._known_word, self.given_names):
                    shape = 3
                elif (
                    "-" not in w
                    and low.endswith(TOPONYM_SUFFIXES_DE)
                    and any(low.endswith(suf) and len(low) - len(suf) >= 3 for suf in TOPONYM_SUFFIXES_DE)
                    and not low.endswith(NOUN_ENDINGS_DE)
                ):
                    shape = 2
            info = (small_names, name_like, shape)
            if len(self._info_cache) > INFO_CACHE_LIMIT:
                self._info_cache.clear()
            self._info_cache[w] = info
        return info

    @staticmethod
    def _small(
        words: Sequence[str], i: int, small_names: Sequence[SmallName]
    ) -> tuple[int, int, tuple[GazEntry, ...], str] | None:
        """The longest name of the evidence tier starting at token i (not yet accepted)."""
        for names, records, flags in small_names:
            end = i + len(names)
            if end <= len(words) and (len(names) == 1 or tuple(words[i:end]) == names):
                return (i, end, small_entries(records), flags)
        return None

    @staticmethod
    def _state_abbreviations(words: Sequence[str], hits: list[EntityHit]) -> list[EntityHit]:
        """Rule 32 (English): "COLUMBIA , S.C.", "Springfield , Ill.": the state or province."""
        covered = {t for h in hits for t in range(h.token_start, h.token_end)}
        place_ends = {h.token_end for h in hits if h.entry.type in PLACE_TYPES}
        out = []
        for i, w in enumerate(words):
            if w in STATE_ABBREVIATIONS_EN and i not in covered:
                found = state_abbreviation(words, i, i - 1 in place_ends)
                if found is not None:
                    code, name = found
                    entry = GazEntry(f"region:{code}", name, "GPE", "region", code[:2], 0)
                    out.append(EntityHit(i, i + 1, entry))
        return out

    def _count_bracket_codes(self, words: Sequence[str]) -> int:
        """Rule 36: how many country codes in brackets the document has ("(AUT)")."""
        if "(" not in words:
            return 0  # (most documents: no per-token loop)
        count = 0
        for i in range(1, len(words) - 1):
            w = words[i]
            if words[i - 1] == "(" and words[i + 1] == ")" and len(w) == 3 and w.isupper() \
                    and any("K" in flags for _e, flags in self.table.get((w,), ())):
                count += 1
        return count

    def _small_place(self, w: str) -> bool:
        """A one-word name of the evidence tier (a town or village of the gazetteer)."""
        return self.small is not None and any(ns == (w,) for ns, _rs, _fl in self.small.lookup(w))

    def _place_noun_before(self, words: Sequence[str], i: int, sentence_starts: Sequence[bool]) -> str | None:
        """"im Dorf X", "die Stadt X", "Region X", "the village of X", "the town X": the noun."""
        if i == 0 or sentence_starts[i]:
            return None
        prev = words[i - 1]
        if self.lang == "de":
            if prev in PLACE_NOUNS_DE:
                return prev
            # a compound of a place noun: "Frauen-Zuchthaus Ziegenhain", "Flüchtlingslager Idomeni"
            if not prev[:1].isupper():
                return None
            low = prev.split("-")[-1].lower()
            if not low.endswith(PLACE_NOUN_HEADS_DE):  # one C-level test before finding which head
                return None
            head = next(h for h in PLACE_NOUN_HEADS_DE if low.endswith(h))
            compound = low == head or (len(low) - len(head) >= 3 and not self._known_word(prev))
            return prev if compound else None  # (not "Schlager Inter Mailand")
        if prev.lower() == "of" and i >= 2 and not sentence_starts[i - 1] and words[i - 2].lower() in PLACE_NOUNS_EN:
            return words[i - 2].lower()
        return prev.lower() if prev.lower() in PLACE_NOUNS_EN and prev[:1].islower() else None

    def _place_noun_after(self, words: Sequence[str], end: int, sentence_starts: Sequence[bool]) -> str | None:
        """"X district", "X Oblast", "X province", "X region"."""
        if end >= len(words) or sentence_starts[end]:
            return None
        nxt = words[end]
        if self.lang == "en" and nxt.lower() in PLACE_NOUNS_AFTER_EN:
            return nxt.lower()
        return nxt if nxt in ("Oblast", "Rajon", "Raion") else None

    def _strong_preposition(self, words: Sequence[str], i: int, sentence_starts: Sequence[bool]) -> bool:
        """"nahe X", "unweit X", "nördlich von X", "near X", "outside X", "north of X"."""
        if i == 0 or sentence_starts[i]:
            return False
        prev = words[i - 1].lower()
        if prev in STRONG_PREPOSITIONS[self.lang]:
            return True
        if prev in ("von", "of") and i >= 2 and not sentence_starts[i - 1]:
            return words[i - 2].lower() in COMPASS_WORDS[self.lang] or words[i - 2] in ("Nähe", "Umgebung", "Rande")
        return False

    def _weak_preposition(self, words: Sequence[str], i: int, sentence_starts: Sequence[bool]) -> bool:
        """"in X", "aus X"; in German also through an article, "in der Lombardei", "aus dem Latium"."""
        if i == 0 or sentence_starts[i]:
            return False
        prev = words[i - 1].lower()
        if prev in self.locatives:
            return True
        return self.lang == "de" and prev in ("der", "dem", "den", "die") and i >= 2 and not sentence_starts[i - 1] \
            and words[i - 2].lower() in self.locatives

    def _candidate(self, words: Sequence[str], i: int, sentence_starts: Sequence[bool], shape: int) -> int | None:
        """Rule 11: a place the gazetteer lacks, from its context: after a place noun ("im Dorf X",
        "the village of X") or before one ("X district"); in German also a toponym ending after a
        locative preposition ("in Taiskirchen", "bei Pfrondorf") and street names
        ("Schwanitzstraße"). Returns the end token or None."""
        end = i + 1
        if self.lang == "en":  # "the village of Nova Poshta": following capitalised words belong to it
            while end < len(words) and end - i < 3 and not sentence_starts[end] and self._name_like(words[end]) \
                    and words[end] not in self.lengths:
                end += 1
        if self._place_noun_before(words, i, sentence_starts) or self._place_noun_after(words, end, sentence_starts):
            if any(self._known_word(x) for x in words[i:end]) or words[i].lower().endswith(NOUN_ENDINGS_DE):
                return None  # "im Dorf Menschen", "The district court"
            return end
        if shape == 1:
            return i + 1
        if self.lang == "de" and i > 0 and not sentence_starts[i] and words[i - 1].lower() in NAME_PREPOSITIONS_DE:
            # rule 22: "in Skovlunde", "nach Shigaraki": a name that is no word of the language
            # (nor a given name) after "in", "nach", "zwischen"; following such names belong to it
            end = i
            while end < len(words) and end - i < 3 and (end == i or not sentence_starts[end]) \
                    and self._name_like(words[end]) and len(words[i]) >= 4 and self._name_part(words, i, end):
                end += 1
            if end > i and not (end < len(words) and not sentence_starts[end] and words[end][:1].isupper()
                                and words[end][:1].isalpha()):
                return end  # not before another capitalised word: "in Merkels Kabinett", "in Ewe Brot"
        if shape == 3 and i > 0 and not sentence_starts[i] and (
            words[i - 1].lower() in LANDMARK_CONTEXT_DE or self._strong_preposition(words, i, sentence_starts)
        ):
            return i + 1  # rule 18: "am Kemmelberg", "die Salmhütte"
        if shape == 2 and not self._known_word(words[i]) and (
            (i > 0 and not sentence_starts[i] and words[i - 1] in TOPONYM_PREPOSITIONS_DE)
            or self._strong_preposition(words, i, sentence_starts)
        ):
            return i + 1
        return None

    def _listed_name(self, words: Sequence[str], i: int, sentence_starts: Sequence[bool]) -> int | None:
        """Rule 20 for names the gazetteer lacks (German): a name that is no word, after a place
        and "und"/"oder" ("zwischen Gudme und Lundborg"), or after a place the gazetteer lacks and
        a comma when the list goes on ("in Mardscha , Laschkar Gah , ..."; not "von Kandahar ,
        Sajed Agha Sakeb , der": a person after a known place). Returns the end token or None."""
        end = i
        while end < len(words) and end - i < 3 and (end == i or not sentence_starts[end]) \
                and self._name_like(words[end]) and self._name_part(words, i, end):
            end += 1
        if end == i:
            return None
        nxt = words[end] if end < len(words) and not sentence_starts[end] else ""
        if words[i - 1] == "," and nxt not in LIST_JOINERS:
            return None
        return end if not (nxt[:1].isupper() and nxt[:1].isalpha()) else None

    def _name_part(self, words: Sequence[str], i: int, k: int) -> bool:
        """Word k of a name the gazetteer lacks that starts at i: the first is no word nor known
        name (``_unknown_name``); later ones ("Laschkar Gah") only no word of the lemma table nor a
        compound of one ("Papens Vizekanzlei")."""
        w = words[k]
        if k == i:
            return self._unknown_name(w)
        return not self._known_word(w) and not any(
            self._known_word(w[j].upper() + w[j + 1 :]) for j in range(3, len(w) - 3))

    def _unknown_name(self, w: str) -> bool:
        """A capitalised word no lexicon knows: not a word (lemma table, stop words, every part of
        a hyphenated compound), a given name or a name of the main table."""
        if w in self.given_names or (w,) in self.table or w.lower().endswith(NOUN_ENDINGS_DE) or self._frequent(w):
            return False
        if not w.replace("-", "")[1:].islower():
            return False  # "StGB", "McDonald": an abbreviation or a foreign name's shape
        return not any(self._noun_de(p) for p in w.split("-") if p)

    def _noun_de(self, w: str) -> bool:
        """A German noun, by the lemma table: the word, an inflected form of it ("Sicht" ->
        "Sichten") or, for a compound, its head of four letters or more ("Einsatzgebiet",
        "Kriegsende", "Münzfunden")."""
        stems = [w] + [w[: -len(e)] for e in ("s", "n", "en", "e", "er", "ern", "es") if w.endswith(e) and len(w) - len(e) >= 4]
        for stem in stems:
            if self._word_like(stem) or any(self._known_word(stem + e) for e in ("e", "en", "n", "er", "s")):
                return True
            # a head of four letters or more that is a word ("Lund" in "Skovlunde" is a place)
            # (a head that is a place makes a place: "Burgsteinfurt", "Nordwestmecklenburg")
            if any((self._known_word(h) or self._frequent(h)) and (h,) not in self.table
                   and h.lower() not in TOPONYM_SUFFIXES_DE
                   for h in (stem[k].upper() + stem[k + 1 :] for k in range(3, len(stem) - 3))):
                return True
            # a three-letter head after a linking s: "Zukunftsweg", "Nimmerleinstag"
            if len(stem) >= 7 and stem[-4] == "s" and self._known_word(stem[-3].upper() + stem[-2:]):
                return True
        return False

    @staticmethod
    def _road(words: Sequence[str], i: int, sentence_starts: Sequence[bool]) -> int | None:
        """German motorways and federal roads: "die A 7", "auf der A1", "Bundesstraße 216",
        "Autobahn 2" (the letter form only after an article, preposition or "Autobahn")."""
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) and not sentence_starts[i + 1] else ""
        if w in ("A", "B"):
            prev = words[i - 1] if i > 0 and not sentence_starts[i] else ""
            if prev in ROAD_CONTEXT_DE and nxt.rstrip(".").isdigit() and len(nxt.rstrip(".")) <= 3:
                return i + 2
            return None
        if w[:1] in ("A", "B") and w[1:].isdigit() and len(w) <= 4:
            prev = words[i - 1] if i > 0 and not sentence_starts[i] else ""
            return i + 1 if prev in ROAD_CONTEXT_DE else None
        if w in ("Bundesstraße", "Autobahn", "Landesstraße", "Staatsstraße", "Kreisstraße") and nxt.isdigit() \
                and len(nxt) <= 3:
            return i + 2
        return None

    @staticmethod
    def _street_modifier(w: str) -> bool:
        """The first word of a German street name made of a place adjective: "Schwabacher" (Straße)."""
        return len(w) >= 5 and w[:1].isupper() and w.endswith("er") and w.isalpha() and w.lower() not in NOT_PLACE_WORDS

    @staticmethod
    def _name_like(w: str) -> bool:
        """A capitalised word that may be a name: letters (and inner hyphens), not all capitals,
        at least three letters, not a word for a date or an unknown place."""
        return (
            len(w) >= 3
            and w[:1].isupper()
            and not w.isupper()
            and w.replace("-", "").isalpha()
            and not w.endswith("-")
            and w.lower() not in NOT_PLACE_WORDS
        )

    def _decide(
        self,
        words: Sequence[str],
        start: int,
        end: int,
        entries: tuple[GazEntry, ...],
        flags: str,
        sentence_starts: Sequence[bool],
        sentence_of: Sequence[int],
        context: dict[int, set[str]],
        doc_counts: dict[str, int],
        listed: bool = False,
    ) -> EntityHit | None:
        """Rules 11-12: accept a small place or a candidate only with evidence, and choose among
        same-named places. Flag "S": a name with a prefix (rule 17), its own evidence when it is
        no word or name, else with a locative, its country named or a place beside it in a list
        (rule 20, like every small place)."""
        shaped = "S" in flags
        flags = flags.replace("S", "")
        particle_name = end - start >= 3 and words[start + 1] in NAME_PARTICLES_DE and words[end - 1][:1].isupper()
        if particle_name:
            # rule 43: a town's name with a particle is a name whatever its first word is ("Bruck
            # an der Leitha", "Rothenburg ob der Tauber"): its own evidence, the first word's flags
            # do not hold
            flags = ""
        if shaped and start > 0 and not sentence_starts[start] and (
            words[start - 1] in CLUB_PREFIXES or words[start - 1] in CLUB_NAMES_DE
        ):
            return None  # "FC St. Pauli"
        noun = self._place_noun_before(words, start, sentence_starts) or self._place_noun_after(words, end, sentence_starts)
        strong = noun is not None or self._strong_preposition(words, start, sentence_starts) \
            or (bool(entries) and not flags and dateline_like(words, start, end))
        if shaped and entries:
            named_entries = [e for e in entries if e.country in doc_counts]
            if flags and not (strong or named_entries or listed or self._weak_preposition(words, start, sentence_starts)):
                return None
            pool = named_entries or list(entries)
            chosen = max(pool, key=lambda e: (doc_counts.get(e.country or "", 0), e.population))
            return EntityHit(start, end, chosen)
        if not entries:  # a candidate: its context was checked when it was found
            countries = context.get(sentence_of[start]) or set(doc_counts)
            # ties go to the country named first in the article (a set's order changes per process)
            ordered = [c for c in doc_counts if c in countries] + sorted(c for c in countries if c not in doc_counts)
            country = max(ordered, key=lambda c: doc_counts.get(c, 0)) if ordered else None
            low = words[end - 1].lower()
            road = words[start] in ROAD_WORDS_DE
            kind = "street" if road or low.endswith(STREET_SUFFIXES) or words[end - 1] in STREET_NOUNS_DE else "place"
            if kind == "street" and not road and house_number_at(words, end, sentence_starts):
                end += 1  # rule 41: "in der Neuendorfer Straße 90c": the address
            slug = "-".join(x.lower() for x in words[start:end])
            entry = GazEntry(f"candidate:{slug}", " ".join(words[start:end]), "LOC", kind, country, 0)
            return EntityHit(start, end, entry, source="candidate")
        if entries[0].kind == "demonym":
            # a small town's adjective only before a noun ("Deidesheimer Stadtgrenze"), not as a
            # surname ("Politiker Straubinger , der") or in an organisation's name
            nxt = words[end] if end < len(words) and not sentence_starts[end] else ""
            prev = words[start - 1] if start > 0 and not sentence_starts[start] else ""
            if flags or not (nxt[:1].isupper() and nxt.replace("-", "").isalpha()) or nxt in NAME_CONTINUATIONS \
                    or nxt in NORP_NAME_NOUNS_DE or prev in self.given_names:
                return None
            return EntityHit(start, end, entries[0])
        prev = words[start - 1] if start > 0 and not sentence_starts[start] else ""
        if noun is None and self.lang == "de" and entries[0].kind == "city" and (
            prev.lower() in ARTICLES_DE or DETERMINER_DE.fullmatch(prev)
        ) and not self._landscape(words, start):
            return None  # rule 23: "im Igel", "den Haan", "ihres Wirts" (regions take one: "in der Lombardei")
        weak = self._weak_preposition(words, start, sentence_starts) or listed or particle_name
        if not flags and entries[0].kind == "city" and sentence_of[start] in self._settlement_sentences:
            weak = True  # rule 44: "Erst 1833 wurde Pfrondorf eine eigene Pfarrei", "Zu Cordon gehören drei Weiler"
        if not flags and entries[0].kind == "region" and not any(self._known_word(w) for w in words[start:end]) \
                and (end - start >= 2 or (len(words[start]) >= 5 and words[start] not in self.given_names)):
            # rule 38: a subdivision whose name no lexicon knows ("Andhra Pradesh", "Tasmania")
            weak = True
        named = [e for e in entries if e.country in doc_counts]
        # a word or name in either language ("vom Jackpot" in German text): not without evidence
        common = bool(flags)
        if common and strong and not named and self._known_word(words[start]):
            return None  # "in der Gemeinde Wahlen abgehalten": a word, unless its country is named
        if common and self.lang == "de" and end < len(words) and words[end] == "von" and self._known_word(words[start]):
            return None  # rule 45: "in Höhe von", "in Form von": a noun phrase, even where Poland is named
        if not strong and self.lang == "de" and self._inside_name_de(words, start, end, sentence_starts,
                                                                     given_names=self.given_names):
            return None
        if not strong:
            before = words[start - 1] if start > 0 and not sentence_starts[start] else None
            if before is not None and before[:1].isupper() and before.isalpha() and before.lower() not in self.locatives:
                return None  # "Martin Roth": part of a name
            if self.lang == "en" and end < len(words) and not sentence_starts[end] and words[end][:1].isupper() \
                    and words[end].isalpha():
                return None  # "Roth Capital"
            if self.lang == "de" and end < len(words) and not sentence_starts[end] and self._name_like(words[end]) \
                    and not self._word_like(words[end]):
                return None  # "um Erez Shmueli": a name goes on
            towards = self.lang == "de" and prev == "nach" and flags == "D" and not self._known_word(words[start])
            if common and not (weak and named) and not towards:
                return None  # ("nach Auschwitz": a direction, where a name that is no word is a place)
            home = (
                not common
                and entries[0].country in HOME_COUNTRIES.get(self.lang, ())
                and words[end - 1].lower().endswith(HOME_TOPONYM_SUFFIXES.get(self.lang, ()))
            )
            if not common and not (weak or named or home):
                return None
        regional = noun is not None and noun.lower() in REGION_NOUNS
        pool = [e for e in entries if e.kind == "region"] if regional else []
        pool = pool or named or list(entries)
        chosen = max(pool, key=lambda e: (doc_counts.get(e.country or "", 0), e.population)) if named else pool[0]
        return EntityHit(start, end, chosen)

    def _derived_place(self, stem: str, suffixes: tuple[str, ...], er: bool) -> GazEntry | None:
        """The place a German adjective's stem is derived from: the stem with one of ``suffixes``
        is a place of the main table that is no word or name (a region, area, island, sea,
        mountain, historical region or continent; a city of the German-speaking countries of
        100,000 or more for -isch, "kölnisch", "bremisch"; any city of the main table for -er,
        ``er``), as a NORP entry of that place. Cities abroad take -er, not -isch ("kindisch" is
        no adjective of Kindu). The evidence tier is left out: its towns' adjectives are surnames
        as often ("Mayrhofer", "Steininger")."""
        bases = [stem]
        plain = stem.translate(_UMLAUTS)
        if plain != stem and not er:
            bases.append(plain)  # "pfälzisch" -> Pfalz
        for base in bases:
            for suffix in suffixes:
                for c, flags in self.table.get((base + suffix,), ()):
                    if flags or c.type not in PLACE_TYPES:
                        continue
                    if (c.kind in DERIVABLE_KINDS and (suffix != "a" or c.kind in ("island", "area"))) or (
                        c.kind == "city" and (er or (c.population >= SMALL_CITY and c.country in HOME_COUNTRIES["de"]))
                    ):
                        return GazEntry(c.id, c.name, "NORP", "demonym", c.country, 0)
        return None

    def _isch_adjective(self, w: str) -> GazEntry | None:
        """German adjectives in -isch of places the gazetteer has no adjective for, by the rules of
        German derivation (``demonyms.py`` applies them to countries): "sibirischen" (Sibirien),
        "kaukasische" (Kaukasus), "karibischen" (Karibik), "andalusisches" (Andalusien),
        "balkanische" (Balkan), "hamburgischen" (Hamburg). Cached per word."""
        if w in self._derived_cache:
            return self._derived_cache[w]
        low = w.lower()
        stem = low[: low.rindex("isch")]
        found = None
        for prefix in ATTITUDE_PREFIXES_DE:
            if low.startswith(prefix) and len(low) - len(prefix) >= 6:
                # "prorussischen", "antiamerikanische": the demonym after the prefix
                found = next((c for c, _f in self.table.get((low[len(prefix):],), ()) if c.type == "NORP"), None)
                if found is not None:
                    break
        if found is None and len(stem) >= 4 and stem.isalpha():
            found = self._derived_place(stem[:1].upper() + stem[1:], ISCH_BASE_SUFFIXES, er=False)
        if len(self._derived_cache) > INFO_CACHE_LIMIT:
            self._derived_cache.clear()
        self._derived_cache[w] = found
        return found

    def _er_adjective(self, words: Sequence[str], i: int, sentence_starts: Sequence[bool]) -> GazEntry | None:
        """German place adjectives in -er of any place the gazetteer knows, before a noun
        ("die Madrider Regierung", "an der Bachmuter Front", "der Schalker Rückstand"): the word
        less -er (-r after -e, -er for -en and -el: Bremer, Dresdner, Basler) is a place, and the
        word itself is no word of the lexicons nor a given name. Not a surname (after a given name
        or a title) nor part of an organisation's name ("Madrider Zeitung")."""
        w = words[i]
        end = i + 1
        nxt = words[end] if end < len(words) and not sentence_starts[end] else ""
        if not (nxt[:1].isupper() and nxt.replace("-", "").isalpha()) or nxt in NAME_CONTINUATIONS \
                or nxt in NORP_NAME_NOUNS_DE or nxt.lower() in self._stop_words or len(w) < 6:
            return None
        prev = words[i - 1] if i > 0 and not sentence_starts[i] else ""
        if prev in self.given_names or prev.split("-")[-1] in PERSON_TITLES_DE:
            return None
        if w in self._er_cache:
            return self._er_cache[w]
        found = None
        if w not in self.given_names and not self._known_word(w):
            found = (
                self._derived_place(w[:-2], ("", "e"), er=True)  # Madrid, Schalke
                or self._derived_place(w[:-2], ("en",), er=True)  # Bremen
                or self._derived_place(w[:-3], ("en", "el"), er=True)  # Dresden, Basel
            )
        if len(self._er_cache) > INFO_CACHE_LIMIT:
            self._er_cache.clear()
        self._er_cache[w] = found
        return found

    def _persons_named_like_towns(
        self, words: Sequence[str], sentence_starts: Sequence[bool], hits: list[EntityHit]
    ) -> list[EntityHit]:
        """Rule 27, one sense per article: a town's name that the article uses as a person's name
        (right after a given name, a title or "Vorname von": "Claudia Roth", "Bischof Dalberg",
        "Karl von Dalberg") names that person elsewhere in the article too ("Roth sagte"), unless a
        locative or a place noun stands before it ("in Roth"). Towns under 100,000 inhabitants
        and the evidence tier only. So does a town's adjective ("Alois Straubinger" ... "sagte
        Straubinger"), unless a noun follows it or an article stands before it."""
        towns = [h for h in hits if h.token_end == h.token_start + 1 and h.source == "gazetteer" and (
            (h.entry.kind == "city" and h.entry.population < SMALL_CITY)
            or (h.entry.kind == "demonym" and h.entry.id.startswith("city:")))]  # "Alois Straubinger"
        if not towns:
            return hits
        names = {words[h.token_start] for h in towns}
        town_starts = {h.token_start for h in towns}
        persons = set()
        for k in [k for k, w in enumerate(words) if w in names]:
            if k == 0 or sentence_starts[k]:
                continue
            w = words[k]
            prev = words[k - 1]
            if prev in self.given_names or prev.split("-")[-1] in PERSON_TITLES_DE or (
                prev == "von" and k >= 2 and not sentence_starts[k - 1] and words[k - 2] in self.given_names
            ):
                persons.add(w)
        if not persons:
            return hits
        out = []
        for h in hits:
            i = h.token_start
            if i in town_starts and words[i] in persons:
                prev = words[i - 1] if i > 0 and not sentence_starts[i] else ""
                if h.entry.kind == "demonym":
                    # the town's adjective before a noun ("Straubinger Polizei") or its people
                    # after an article ("die Straubinger") stay; "Straubinger sagte" is the person
                    nxt = words[i + 1] if i + 1 < len(words) and not sentence_starts[i + 1] else ""
                    if not (nxt[:1].isupper() and nxt.isalpha()) and prev.lower() not in ARTICLES_DE:
                        continue
                else:
                    located = prev.lower() in self.locatives or prev in PLACE_NOUNS_DE or prev in PLACE_NOUNS_EN \
                        or self._strong_preposition(words, i, sentence_starts)
                    if not located:
                        continue
            out.append(h)
        return out

    def _city_district(self, word: str) -> GazEntry | None:
        """Rule 28: "Wien-Hietzing", "Berlin-Kreuzberg", "Wals-Siezenheim": a town of the main
        table joined by a hyphen to a place of the same country (main table or evidence tier) is
        that place, the part of the town ("Berlin-Besuch", "Wien-Wahl" are no places: their second
        part is no place of the town's country). A city's part that no lexicon knows is a district
        candidate of the city's country ("Duisburg-Marxloh"). Not after a region noun: "Landkreis
        Straubing-Bogen" is a county named after two towns."""
        if word in self._district_cache:
            return self._district_cache[word]
        found = None
        parts = word.split("-")
        if len(parts) == 2 and len(parts[1]) >= 4 and parts[1][:1].isupper() and parts[1][1:].islower() \
                and parts[0].isalpha():
            town = next((c for c, flags in self.table.get((parts[0],), ()) if c.kind == "city" and not flags), None)
            if town is not None and parts[1] in DISTRICT_SUFFIXES:
                # "Linz-Land", "Graz-Umgebung": the district around a town (Austria's Bezirke)
                found = GazEntry(f"candidate:{word.lower()}", word, "GPE", "region", town.country, 0)
            elif town is not None:
                found = next((c for c, _flags in self.table.get((parts[1],), ())
                              if c.kind in ("city", "region") and c.country == town.country and c.id != town.id), None)
                if found is None and self.small is not None:
                    for names, records, _flags in self.small.lookup(parts[1]):
                        if names == (parts[1],):
                            found = next((e for e in small_entries(records)
                                          if e.country == town.country and e.type in PLACE_TYPES), None)
                            break
                if found is None and town.population >= SMALL_CITY and not parts[1].endswith("er") \
                        and self._unknown_name(parts[1]):
                    # "Duisburg-Marxloh": a district the gazetteer lacks, of a city (its second part
                    # is no word, name or place; "Hamburg-Mannheimer" is a demonym)
                    found = GazEntry(f"candidate:{word.lower()}", word, "LOC", "area", town.country, 0)
        if len(self._district_cache) > INFO_CACHE_LIMIT:
            self._district_cache.clear()
        self._district_cache[word] = found
        return found

    def _person_noun(self, w: str) -> GazEntry | None:
        """Rule 25, person nouns: the genitive of a person noun in -er ("des Amerikaners", "des
        Berliners") and the feminine of one in -er or -e ("die Kroatin" <- Kroate, "Brasilianerinnen"
        <- Brasilianer; "Kärntnerin" <- Kärntner, the -er adjective of a place of the main table).
        Cached per word."""
        if w in self._person_cache:
            return self._person_cache[w]
        found = None
        bases: list[str] = []
        if w.endswith("ers"):
            bases = [w[:-1]]
        elif w.endswith("innen"):
            bases = [w[:-5], w[:-5] + "e"]
        elif w.endswith("in"):
            bases = [w[:-2], w[:-2] + "e"]
        for base in bases:
            if len(base) < 4 or not (base.endswith("er") or base.endswith("e")):
                continue
            found = next((c for c, _f in self.table.get((base,), ()) if c.type == "NORP" and c.kind == "demonym"), None)
            if found is None and base.endswith("er") and not w.endswith("s") and not self._known_word(base) \
                    and base not in self.given_names:
                found = (
                    self._derived_place(base[:-2], ("", "e", "en"), er=True)
                    or self._derived_place(base[:-3], ("en", "el"), er=True)
                )
            if found is not None:
                break
        if len(self._person_cache) > INFO_CACHE_LIMIT:
            self._person_cache.clear()
        self._person_cache[w] = found
        return found

    def _unknown_adjective(self, words: Sequence[str], i: int, sentence_starts: Sequence[bool]) -> bool:
        """Rule 26: a capitalised word in -er that no lexicon knows (not a word, a frequent word, a
        given name or a name of the main table), before a noun of a place's community, land or
        institutions (``PLACE_ADJECTIVE_HEADS_DE``), is the adjective of a place the gazetteer
        lacks. Not after a given name or a title (a surname)."""
        w = words[i]
        if len(w) < 6 or not w[1:].islower() or sentence_starts[i + 1] or w in self.given_names:
            return False
        prev = words[i - 1] if i > 0 and not sentence_starts[i] else ""
        if prev in self.given_names or prev.split("-")[-1] in PERSON_TITLES_DE:
            return False
        return not self._word_like(w) and not self._known_word(w[:-2])

    def _forces_adjective(self, word: str, country: str | None) -> GazEntry | None:
        """The demonym entry of the adjective that opens an armed-forces name ("israelische" in
        "israelische Armee", "Israeli" in "Israeli army"), or None ("Rote Armee", "US military")."""
        for c, _flags in self.table.get((word,), ()):
            if c.type == "NORP" and c.kind == "demonym" and c.country == country:
                return c
        return None

    def _demonym_compound(self, word: str) -> Candidate | None:
        """Rule 9: "deutsch-israelische", "Deutsch-Kanadier": every part a demonym -> the last
        demonym's; compass adjectives may stand among them ("europäisch-westlichen",
        "west-europäische"), and in German the prefixes of attitude and of the United States
        ("pro-russischen", "anti-israelische", "US-amerikanische")."""
        parts = word.split("-")
        if len(parts) < 2 or not all(parts):
            return None
        found: Candidate | None = None
        for k, part in enumerate(parts):
            cands = self.table.get((part.lower(),)) or (self.table.get((part,)) if k == len(parts) - 1 else None)
            if cands and cands[0][0].type == "NORP":
                found = cands[0]
            elif self.lang != "de" or not (compass_adjective(part) or (k < len(parts) - 1 and part in DEMONYM_PREFIXES_DE)):
                return None
        return found

    def _state_force_compound(self, word: str) -> Candidate | None:
        """Rule 9b (German): "US-Soldaten", "Russland-Truppen", "USA-Kampfjets": a state's name
        before a hyphen and armed forces after it name the forces' state, as "amerikanische
        Soldaten" does; the token is a demonym of that country. Other heads ("US-Präsident",
        "Russland-Gipfel") stay as they are."""
        if self.lang != "de" or word.count("-") != 1:
            return None
        prefix, head = word.split("-")
        if not prefix or head.lower() not in STATE_FORCE_HEADS_DE:
            return None
        state = next((c[0] for c in self.table.get((prefix,), ()) if c[0].kind == "country"), None)
        if state is None:
            return None
        return GazEntry(state.id, state.name, "NORP", "demonym", state.country, 0), ""

    @staticmethod
    def _sports_club(words: Sequence[str], start: int, end: int, sentence_starts: Sequence[bool]) -> bool:
        """Rule 6: "Hannover 96", "Mainz 05", "Borussia Dortmund", "FC Liverpool" are clubs."""
        if end < len(words) and not sentence_starts[end] and len(words[end].rstrip(".")) == 2 \
                and words[end].rstrip(".").isdigit():
            return True  # (also "Hannover 96." at a sentence's end: one token in German)
        return start > 0 and not sentence_starts[start] and words[start - 1] in CLUB_PREFIXES

    def _not_a_demonym_de(
        self, words: Sequence[str], start: int, end: int, sentence_starts: Sequence[bool], town: bool = False
    ) -> bool:
        """Rule 16 (German): "auf Russisch", "Englisch" (capitalised bare adjective: a language),
        "Christiane Holländer" (a surname after a given name), "der CSU-Politiker Straubinger" (a
        town's adjective after a title: a surname), "Berliner Zeitung", "Hamburger Mieterverein"
        (part of an organisation's name), "ins Deutsche", "aus dem Englischen" (a language) are no
        demonyms."""
        w = words[start]
        if end == start + 1 and w[:1].isupper() and w[1:2].islower() and (w.endswith("isch") or w == "Deutsch"):
            return True
        if end == start + 1 and w[:1].isupper() and start > 0 and not sentence_starts[start] and (
            words[start - 1] == "ins" or (words[start - 1] == "dem" and start > 1 and words[start - 2] == "aus")
        ) and not (end < len(words) and words[end][:1].isupper()):
            return True  # "ins Deutsche übersetzt", "aus dem Englischen": the language
        if start > 0 and not sentence_starts[start] and words[start - 1] in self.given_names and w[:1].isupper():
            return True  # (a surname is capitalised: "Aktion Bernhard österreichische Geschichte" keeps it)
        if town and w[:1].isupper() and start > 0 and not sentence_starts[start] \
                and words[start - 1].split("-")[-1] in PERSON_TITLES_DE:
            return True  # "der CSU-Politiker Straubinger", "Trainer Hamburger": a surname after a title
        return w[:1].isupper() and end < len(words) and not sentence_starts[end] and words[end] in NORP_NAME_NOUNS_DE

    @staticmethod
    def _inside_name_de(
        words: Sequence[str], start: int, end: int, sentence_starts: Sequence[bool], after_noun: bool = True,
        given_names: frozenset[str] = frozenset(),
    ) -> bool:
        """Rule 15 (German): a place directly after a capitalised word that is not a place noun
        ("Theater Berlin", "Hochschule Hannover", "THW Kiel", "Juventus Turin", "Uta Hagen") or
        directly before a name part of organisations ("Manchester United", "New York Times",
        "Detroit Red Wings") is part of a longer name. Genitives stay places ("Angaben Kiews"), and so
        do countries ("Nachbarland Polen", "Gastgeber Katar") and places after nouns for places and
        institutions of a place ("Hauptstadt Kiew", "Atomkraftwerk Krümmel", "Amtsgericht Stockholm")."""
        if start > 0 and not sentence_starts[start]:
            prev = words[start - 1]
            if prev.endswith("-") and len(prev) > 1:
                return True  # "Mecklenburg- Vorpommern": the second part of a split compound
            if prev in NAME_CONTINUATIONS and prev[:1].isupper():
                return True  # "Financial Times Deutschland", "Austal USA" is not, "Times" ends a name
            if after_noun and initial_before(words, start):
                return True  # "Robert R. Livingston", "W. Müller": a surname after an initial
            if prev in ROMANCE_NAME_WORDS or (
                start > 1 and not sentence_starts[start - 1] and words[start - 2][:1].isupper()
                and ((prev in ROMANCE_PARTICLES and not sentence_starts[start - 2]
                      and (prev not in ARTICLES_DE or words[start - 2] in given_names))
                     or (prev == "von" and words[start - 2] in given_names))
            ):
                return True  # "Cerro Amarillo", "Via Roma", "Ana de Sousa", "Patrick von Brunn"
        if end < len(words) and not sentence_starts[end] and words[end] in given_names:
            return True  # "Wilton Daniel Gregory"
        if after_noun and start > 0 and not sentence_starts[start]:
            prev = words[start - 1]
            if (
                prev[:1].isupper()
                and prev.replace("-", "").replace(".", "").isalpha()
                and not words[end - 1].endswith("s")
                and (
                    (prev.isupper() and len(prev) <= 4)  # "THW Kiel", "TH Zürich", "FC Liverpool"
                    or prev in CLUB_PREFIXES
                    or prev in CLUB_NAMES_DE
                    or prev.lower().endswith(ORG_NOUN_ENDINGS_DE)
                    or prev in PERSON_TITLES_DE
                    or prev in given_names
                )
            ):
                return True
        return end < len(words) and not sentence_starts[end] and words[end] in NAME_CONTINUATIONS

    def _accept(
        self, cand: Candidate, words: Sequence[str], start: int, end: int, sentence_starts: Sequence[bool],
        listed: bool = False,
    ) -> bool:
        """Rules 1-9, 12, 15, 16 and 20 for one candidate of the main table (``listed``: a place
        stands before it in a list)."""
        entry, flags = cand
        if (
            self.lang == "de"
            and words[start] in CLUB_NAMES_DE
            and end < len(words)
            and not sentence_starts[end]
            and any(c[0].kind == "city" for c in self.table.get((words[end],), ()))
        ):
            return False  # "Bayer Leverkusen", "Preußen Münster": a club's name
        if (
            self.lang == "de"
            and entry.type == "NORP"
            and start > 0
            and not sentence_starts[start]
            and words[start][:1].isupper()
            and words[start][1:2].islower()  # not "US-amerikanische Soldaten": capitals of an abbreviation
            and end < len(words)
            and words[end][:1].isupper()
            and words[end] not in TITLE_NOUNS_DE
            and not war_name(words[end])
            and words[start - 1] not in OPENING_QUOTES  # quoted speech: „Russische Truppen sind ...“
            and (words[start].lower(),) in self.table
        ):
            # rule 8: "Deutsche Bank", "Bayerischen Rundfunk", "Europäischen Zentralbank" (but a
            # champion's title is no name: "Deutscher Meister", "Österreichische Meisterschaften";
            # nor is a war named by its sides, rule 39: "im Russisch-Japanischen Krieg")
            return False
        if entry.type == "NORP" and quoted_name(words, start, end):
            return False  # rule 40: „Hamburger Frauenhilfe“, "Landsberger Weiße": a name in quotes
        if entry.type in PLACE_TYPES and after_of_name_noun(words, start):
            return False  # rule 42: "Bank of England" (in both languages' news)
        if entry.type == "NORP" and self.lang == "de" and self._not_a_demonym_de(
            words, start, end, sentence_starts, town=entry.id.startswith("city:")
        ):
            return False
        if entry.type == "NORP" and self.lang == "en" and end < len(words) and not sentence_starts[end] \
                and words[end] in NORP_NAME_NOUNS_EN:
            return False  # rule 33: "Canadian Press", "Palestinian Authority", "Roman Catholic"
        if entry.kind == "city" and self._sports_club(words, start, end, sentence_starts):
            return False
        if entry.kind == "city" and self.lang == "en" and end < len(words) and not sentence_starts[end]:
            # rule 5: a city name directly followed by another capitalised word is part of a
            # longer name ("George Bush", "Washington Post", "Paris Saint-Germain")
            nxt = words[end]
            if nxt[:1].isupper() and nxt[:1].isalpha():
                return False
        prev = words[start - 1] if start > 0 and not sentence_starts[start] else None
        if entry.kind == "city" and prev is not None and prev in self.given_names:
            return False  # rule 12: "Martin Roth", "Angela Essen" - a surname after a given name
        if entry.kind == "city" and prev is not None and start >= 2 and (
            (initial_before(words, start) and words[start - 2] in self.given_names)
            or (prev in ROMANCE_PARTICLES and prev not in ARTICLES_DE and words[start - 2] in self.given_names)
        ):
            return False  # rule 12: "Colin L. Powell", "Loyola de Palacio"
        if self.lang == "de" and entry.kind == "city" and words[start] in CLUB_TOWNS_DE \
                and (prev is None or prev.lower() not in self.locatives):
            return False  # rule 6: "Ajax gleicht aus", "von Ajax": the club
        if entry.kind == "city" and end == start + 1 and words[start] in self.given_names and end < len(words) \
                and not sentence_starts[end] and self._name_like(words[end]) and not self._known_word(words[end]) \
                and not any(c[0].type in PLACE_TYPES for c in self.table.get((words[end],), ())):
            return False  # rule 31: "Wladimir Klitschko", "Georges Bataille": a given name before a surname
        if entry.kind == "city" and entry.population < SMALL_CITY and (
            (self.lang == "de" and prev is not None and prev.lower() in ARTICLES_DE and not self._landscape(words, start))
            or (words[start] in self.given_names and end < len(words) and not sentence_starts[end]
                and words[end][:1].isupper() and words[end].isalpha() and words[end] not in PLACE_NOUNS_DE)
        ):
            # rule 23: a town takes no article ("im Sommer", "vom Haus", "den Haan" are a noun and
            # a surname), and a town named like a given name before a capitalised word is a
            # person's name ("Stephen Curry", "Erez Shmueli")
            return False
        if entry.type in PLACE_TYPES and self.lang == "de" and self._inside_name_de(
            words, start, end, sentence_starts, after_noun=entry.kind != "country", given_names=self.given_names
        ):
            return False
        if entry.type in PLACE_TYPES and self.lang == "de" and prev is not None and end == start + 1:
            w = words[start]
            if prev.lower() in CASE_PREPOSITIONS_DE and w.endswith("s") and w != entry.name \
                    and any(c[0].id == entry.id for c in self.table.get((w[:-1],), ())) \
                    and (end >= len(words) or sentence_starts[end] or not words[end][:1].isalpha()
                         or words[end] in LIST_JOINERS):
                # rule 29: "gegen Kikuyus ,": no genitive after "gegen" with nothing it qualifies
                # (but "in Kiews Zentrum", "an Österreichs hohen Zinsen")
                return False
            if entry.kind != "country" and prev[:1].isupper() and prev.isalpha() and len(prev) >= 3 \
                    and prev.lower() not in self.locatives and prev not in PLACE_NOUNS_DE \
                    and self._unknown_name(prev) and not self._small_place(prev):
                return False  # rule 30: "Hayao Miyazaki", "Litex Lovech": after a name no lexicon knows
        if not flags:
            return True
        if "K" in flags:
            # rule 36: a country's code in brackets, in a list of results ("Hirscher (AUT) ...
            # Neureuther (GER)") or after a person's name ("Schiedsrichter Aleksandar Stavrev
            # (MKD)"); not an abbreviation ("Landeskriminalamt (LKA)", "Kunsthistorisches Museum (KHM)")
            return prev == "(" and end < len(words) and words[end] == ")" and not acronym_before(words, start) \
                and (self._bracket_codes >= 2 or (start >= 3 and words[start - 3] in self.given_names))
        foreign_word = self.lang == "de" and "E" in flags and entry.country not in HOME_COUNTRIES["de"] \
            and not (entry.population >= WORLD_CITY and (words[start] == entry.name or words[start] in EXONYMS_DE))
        needs_locative = (self.common_flag and self.common_flag in flags) or foreign_word or (
            "P" in flags and entry.kind == "city" and entry.population < 1_000_000
        )
        if needs_locative and not listed and (prev is None or (prev.lower() not in self.locatives and not (
            self.lang == "de" and prev in PLACE_NOUNS_DE))):
            return False  # "in Halle", "Stadt Halle"; not "die Halle"
        if needs_locative and not listed and self.lang == "de" and entry.kind == "city" and prev is not None \
                and prev.lower() in AGENT_PREPOSITIONS_DE:
            return False  # rule 34: "von Nokia übernommen", "gegen Google": a word's town needs "in", "aus"
        if "P" in flags:
            if prev is not None and prev[:1].isupper() and prev.isalpha() and prev.lower() not in self.locatives:
                return False
            if entry.kind == "city" and end < len(words) and not sentence_starts[end] and words[end][:1].isupper() \
                    and words[end].isalpha() and words[end] not in PLACE_NOUNS_DE:
                return False  # "von Martin Stoll": a given name before a surname
            if self.lang == "en" and end < len(words) and not (end < len(sentence_starts) and sentence_starts[end]):
                nxt = words[end]
                if nxt[:1].isupper() and nxt.isalpha():
                    return False
        return True


ISCH_ENDINGS = ("isch", "ische", "ischen", "ischer", "isches", "ischem")
# what a German adjective in -isch drops of its place's name (Sibirien, Schweden, Ukraine, Kaukasus,
# Karibik, Tschechoslowakei, Korea, Korsika, Balkan)
ISCH_BASE_SUFFIXES = ("ien", "en", "e", "us", "ik", "ei", "a", "ika", "")
ATTITUDE_PREFIXES_DE = ("pro", "anti")
PERSON_NOUN_ENDINGS_DE = ("ers", "in", "innen")
DERIVED_ENDINGS_DE = ("er", *PERSON_NOUN_ENDINGS_DE)
# prepositions that take no genitive: a place's genitive cannot follow them unless a noun it
# qualifies does ("in Kiews Zentrum")
CASE_PREPOSITIONS_DE = _words(
    "gegen für mit nach aus bei von zu seit ohne durch um ab in an auf über unter vor hinter neben zwischen"
)
GENITIVE_ARTICLES_DE = _words("des eines dieses jenes jedes keines meines seines ihres unseres")
# nouns of a place's community, land and institutions: an unknown word in -er before them is the
# adjective of a place ("der Hallwanger Bürgermeister", "im Ahltener Wald"; rule 26)
PLACE_ADJECTIVE_HEADS_DE = _words(
    "Wald Forst Heide Moor Becken Umland Raum Gebiet Bezirk Kreis Landkreis Stadtteil Ortsteil Stadtbezirk "
    "Innenstadt Altstadt Stadtgebiet Stadtrand Umgebung Region Gemeinde Stadtrat Gemeinderat Ortsrat Kreistag "
    "Stadtverwaltung Rathaus Bürgermeister Bürgermeisterin Oberbürgermeister Oberbürgermeisterin Bahnhof "
    "Hauptbahnhof Hafen Flughafen Krankenhaus Polizei Feuerwehr Bürger Einwohner Landgericht Amtsgericht "
    "Staatsanwaltschaft Friedhof Marktplatz Stadtpark"
)
DEMONYM_PREFIXES_DE = frozenset({"pro", "Pro", "anti", "Anti", "US"})
DERIVABLE_KINDS = frozenset({"region", "area", "island", "sea", "mountain", "historical", "desert", "continent"})
_UMLAUTS = str.maketrans("äöü", "aou")
_ADJECTIVE_ENDINGS = ("ian", "ians", "ese", "ish", "isch", "ische", "ischen", "ischer", "isches", "ischem")


DATELINE_WINDOW = 80  # tokens from the start of the text in which a dateline may stand


def dateline_like(words: Sequence[str], start: int, end: int) -> bool:
    """A name at the start of the text or of a line, followed by a dash, "(" or "/": the shape of
    a dateline ("Tulln –", "Saalfelden / Zell am See –"), evidence for a small place. Also a name
    that starts a sentence among the first tokens and is followed by a dash: a dateline after a
    title or teaser run into the text ("Keine Folgen absehbar. Irdning – Die ...")."""
    if end >= len(words):
        return False
    if start == 0 or "\n" in words[start - 1]:
        return words[end] in DASHES or words[end] in ("(", "/")
    return start < DATELINE_WINDOW and words[start - 1] in SENTENCE_ENDS and words[end] in DASHES


def acronym_before(words: Sequence[str], start: int) -> bool:
    """Rule 36's exception: the code in brackets at ``start`` is the initials of the name before
    it: the word before the bracket is a long or hyphenated compound that starts with its first
    letter ("Landeskriminalamt (LKA)", "Solid-State-Disk (SSD)"), or with its last letter and one of the three words before that
    with its first ("Kunsthistorisches Museum (KHM)", "Champions Hockey League (CHL)")."""
    code = words[start]
    if start < 2 or not words[start - 2][:1].isupper():
        return False
    before = words[start - 2]
    last = before[0].upper()
    if last == code[0] and ("-" in before or len(before) >= 12):
        return True  # a compound's initials (not "Henrik Stenson (SWE)": a surname)
    return last == code[-1] and any(w[:1].upper() == code[0] for w in words[max(0, start - 5) : start - 2])


HOUSE_NUMBER = re.compile(r"\d{1,3}[a-z]?(?:[-/]\d{1,3}[a-z]?)?")  # not a year: "Goethestraße 2012"


def house_number_at(words: Sequence[str], i: int, sentence_starts: Sequence[bool]) -> bool:
    """Rule 41: token ``i`` is the house number of the street before it ("Goethestraße 7",
    "Neuendorfer Straße 90c", "Hauptstraße 12-14"); not when a capitalised word follows, where
    the number counts something ("in der Hauptstraße 3 Verletzte")."""
    if i >= len(words) or sentence_starts[i] or not HOUSE_NUMBER.fullmatch(words[i]):
        return False
    nxt = words[i + 1] if i + 1 < len(words) and not sentence_starts[i + 1] else ""
    return not nxt[:1].isupper()


WAR_NOUN = re.compile(r"krieg(?:e|es|s|en)?$")


def war_name(word: str) -> bool:
    """Rule 39: a war's noun ("Krieg", "Bürgerkriegs", "Erbfolgekrieges"): the capitalised
    adjectives before it name its sides ("Deutsch-Französischer Krieg"), not an organisation."""
    return WAR_NOUN.search(word.lower()) is not None


def after_of_name_noun(words: Sequence[str], start: int) -> bool:
    """Rule 42: the name at ``start`` follows "of" and an institution's noun ("Bank of England",
    "University of Alberta"): it is part of the institution's name."""
    return start >= 2 and words[start - 1] == "of" and words[start - 2] in OF_NAME_NOUNS


def quoted_name(words: Sequence[str], start: int, end: int) -> bool:
    """Rule 40: the span opens a quoted name of two to four capitalised words („Hamburger
    Frauenhilfe“, "Landsberger Weiße", »Deutsche Welle«): a title, product or organisation.
    Quoted speech (a sentence in quotes) has words in lower case and does not count."""
    if start == 0 or words[start - 1] not in OPENING_QUOTES:
        return False
    for k in range(end, min(len(words), start + 5)):
        if words[k] in CLOSING_QUOTES:
            return k - start >= 2
        if not words[k][:1].isupper():
            return False
    return False


def initial_before(words: Sequence[str], start: int) -> bool:
    """An initial right before token ``start``: "R." or "R ." ("Robert R. Livingston")."""
    prev = words[start - 1] if start > 0 else ""
    if len(prev) == 2 and prev[0].isupper() and prev[1] == ".":
        return True
    return prev == "." and start > 1 and len(words[start - 2]) == 1 and words[start - 2].isupper()


def is_non_place(text: str) -> bool:
    """Rule 14: never a place, whoever proposes it (gazetteer, model, context): a month, weekday
    or word for an unknown place ("?", "unknown"), text without letters, a word in lower case
    ("russischen"), or a one-word demonym/adjective ("Hungarian", "Nigerian", "Russian", "Chinese",
    "British", "Russisch")."""
    t = text.strip()
    if not t or t.lower() in NOT_PLACE_WORDS or not any(c.isalpha() for c in t) or not t[:1].isupper():
        return True
    return " " not in t and len(t) >= 6 and t.lower().endswith(_ADJECTIVE_ENDINGS)


def mark_dateline(words: Sequence[str], sentence_starts: Sequence[bool], hits: list[EntityHit]) -> list[EntityHit]:
    """Rule 13: the dateline place of an article, marked with role "dateline".

    At the start of the text or of one of its first lines: an optional agency prefix ending in a
    dash ("Canadian Press -"), a place ("KABUL", "Wien", "NEW YORK"; several joined by "/":
    "Kiew/Moskau"), optionally ", country or date" ("BAGHDAD, Iraq", "KABUL, Jan. 5"), optionally
    an agency in brackets ("(Reuters)"), then a dash. A place the gazetteer lacks counts when it is
    written in capitals; a place in ordinary spelling needs the gazetteer, and a country in
    ordinary spelling needs the agency ("Russland - ein Land" is no dateline). Every place of the
    dateline gets the role; ``Extraction.dateline`` is the first."""
    n = len(words)
    starts = [0] + [j + 1 for j in range(min(n, DATELINE_WINDOW)) if "\n" in words[j] and not words[j].strip()][:3]
    # a dateline after a title or teaser run into the text: a sentence start followed by a place
    # and a dash ("... absehbar. Irdning – Die ..."), checked after the line starts
    teaser_starts = [j + 1 for j in range(min(n, DATELINE_WINDOW)) if words[j] in SENTENCE_ENDS and j + 2 < n
                     and (words[j + 2] in DASHES or (j + 3 < n and words[j + 3] in DASHES))][:3]
    starts += teaser_starts
    by_start = {h.token_start: k for k, h in enumerate(hits)}
    for first in starts:
        k = first
        for j in range(first + 1, min(n, first + 5)):  # agency prefix: "Canadian Press - VANCOUVER"
            if words[j] in DASHES and j + 1 < n and words[j + 1].isupper() and words[j + 1].isalpha() \
                    and all(w[:1].isupper() for w in words[first:j]):
                k = j + 1
                break
        places: list[int | tuple[int, int]] = []
        pos = k
        while pos < n:
            idx = by_start.get(pos)
            if idx is not None and hits[idx].entry.type in PLACE_TYPES:
                places.append(idx)
                pos = hits[idx].token_end
            elif idx is None and words[pos].isupper() and words[pos].isalpha() and len(words[pos]) >= 3 \
                    and first not in teaser_starts:  # (after a teaser only a known place: not ". FPÖ –")
                e = pos
                while e < n and e - pos < 4 and words[e].isupper() and words[e].isalpha():
                    e += 1
                places.append((pos, e))
                pos = e
            else:
                break
            if pos + 1 < n and words[pos] == "/":
                pos += 1
                if by_start.get(pos) is None and words[pos][:1].isupper() and words[pos].isalpha() \
                        and not words[pos].isupper():
                    pos += 1  # "Frankfurt/Main", "Halle/Saale": the second part qualifies the first
                    break
                continue
            break
        if not places:
            continue
        j = pos
        if j < n and words[j] == ",":  # ", Iraq" / ", Jan. 5"
            j += 1
            stop = j + 5
            while j < n and j < stop and words[j] not in DASHES and words[j] != "(" and \
                    (words[j][:1].isupper() or words[j][:1].isdigit() or words[j] in (".", ",")):
                j += 1
        agency = False
        if j < n and words[j] == "(":
            close = next((m for m in range(j + 1, min(n, j + 6)) if words[m] == ")"), None)
            if close is None:
                continue
            agency, j = True, close + 1
        if j >= n or words[j] not in DASHES:
            continue
        out = list(hits)
        marked = False
        for p in places:
            if isinstance(p, int):
                h = out[p]
                plain = not words[h.token_start].isupper()
                if plain and h.entry.kind == "country" and not agency:
                    continue
                out[p] = replace(h, role="dateline")
                marked = True
            else:
                text = " ".join(w[:1] + w[1:].lower() for w in words[p[0] : p[1]])
                if not agency and p[1] - p[0] == 1 and len(text) < 4:
                    continue
                slug = "-".join(w.lower() for w in words[p[0] : p[1]])
                entry = GazEntry(f"candidate:{slug}", text, "LOC", "place", None, 0)
                out.append(EntityHit(p[0], p[1], entry, source="candidate", role="dateline"))
                marked = True
        if marked:
            out.sort(key=lambda h: h.token_start)
            return out
    return hits
