"""Cue words of event frames (``data/frame_cues.yaml``) and the fixed word classes the frame
builder uses. Loaded once per language, on first use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

TRIGGERS: dict[str, str] = {
    "deployment": "deployment",
    "withdrawal": "withdrawal",
    "kill": "harm",
    "injure": "harm",
    "attack": "attack",
    "airstrike": "attack",
    "shelling": "attack",
}
FORCE_KINDS = frozenset({"troops", "unit", "fighters", "mercenaries", "equipment"})
# the harmed who are no civilians: an article that names only these as its harmed is about them
COMBATANT_KINDS = frozenset({"troops", "unit", "fighters", "mercenaries", "police", "suspects"})
# the harmed who are not people at all
ANIMAL_KINDS = frozenset({"animals"})
HARMED_KINDS = frozenset({"civilians", "people", "children", "journalists", "hostages", "refugees", "aid-workers"})
ACTOR_KINDS = frozenset({"country", "demonym", "armed_forces", "org", "armed_group"})
PLACE_TYPES = frozenset({"GPE", "LOC"})
NON_PLACE_KINDS = frozenset({"demonym", "armed_forces"})
YEAR = re.compile(r"^(1[89]\d\d|20\d\d)\.?$")  # "2024." ends a German sentence as one token


def year_of(word: str) -> int | None:
    """The year a token names ("1945", "2024."), or None."""
    return int(word.rstrip(".")) if YEAR.match(word) else None
MODAL_ORDER = ("speculated", "attempted", "feared", "demanded", "planned", "announced", "alleged")
# cue category -> the cause it names; checked in this order (see frame_cues.yaml)
CAUSE_ORDER = (("animal", "animal"), ("disease_phrase", "disease"), ("violence", "violence"),
                ("accident", "accident"), ("disaster", "disaster"), ("disease", "disease"),
                # generic words ("strike", "Angriff") name violence unless an accident is named too
                ("attack", "violence"),
                # an explosion with no accident in sight is a bomb's in the news this is for
                ("explosion", "violence"))
ACTIVE_KILL = frozenset({"kill", "kills", "killed", "killing", "tötet", "tötete", "töteten", "tötetet", "getötet",
                          "erschoss", "erschossen", "shot", "shoots", "bombed", "wounded", "wounds", "injured",
                          "verletzte", "verletzten"})
HARM_EVENTS = ("killed", "injured")
# words after a count that say it counts no one: "18 feet", "mehrere Greifvögel"
COUNT_FOLLOWERS_EN = frozenset({"in", "at", "on", "and", "were", "was", "have", "had", "are", "dead", "killed",
                                 "injured", "wounded", "more", "others", "other", "of", "people", "as", "when",
                                 "after", "during", "including", "by", "others.", ",", ".", "-", "—", "–"})
SPORT_CONCEPTS_PER_ARTICLE = 3
# Frames one sentence may have (one per clause and kind): keeps a "sentence" of thousands of
# clauses (a list, a table, hostile input) linear in time
MAX_FRAMES_PER_SENTENCE = 64
INTO = frozenset({"into", "in", "ins", "in die", "nach", "toward", "towards", "here", "hier"})
INTO_TRIGGERS = frozenset({"into", "stormed", "storm", "incursion", "incursions", "raid", "einmarsch", "entered"})
AFTER_PARTICIPLE = frozenset({"", "in", "at", "by", "near", "on", "during", "after", "as", "when", "while", "and",
                               "outside", "inside", "overnight", "today", "yesterday", "early", "late", "last", "this",
                               "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
FUNCTION_WORDS_EN = frozenset({"in", "into", "to", "at", "on", "and", "or", "were", "was", "have", "had", "are",
                                "is", "of", "from", "with", "for", "as", "who", "which", "that", "has", "will",
                                "would", "said", "say", "says", "near", "across", "over", "but", "than"})
# "Chadian-backed rebels", "Iranian-funded militias": a sponsor, not the forces' own state
SPONSOR_WORDS = frozenset({"backed", "sponsored", "supported", "funded", "armed", "trained", "allied", "aligned",
                           "financed", "equipped", "inspired"})
# "an die Grenze zur Ukraine", "the border with Iraq": the state whose border it is
BORDER_NOUNS = frozenset({"grenze", "grenzen", "border", "borders", "frontier"})
BORDER_LINKS = frozenset({"zu", "zur", "zum", "with"})
# words after a country's name that leave it a place ("in Iraq since", "in Syria could")
NOT_ATTRIBUTIVE_EN = frozenset({"since", "could", "can", "may", "might", "must", "should", "did", "does", "do",
                                 "be", "been", "being", "until", "till", "yet", "so", "because", "if", "where",
                                 "while", "when", "after", "before", "under", "amid", "against", "every", "each"})
PLACE_PREPS = {
    "de": frozenset({"in", "im", "ins", "nach", "bei", "beim", "nahe", "an", "am", "auf", "vor", "über", "gen"}),
    "en": frozenset({"in", "into", "to", "at", "near", "inside", "toward", "towards", "over", "on", "outside",
                     "across", "for", "through", "throughout"}),
}


CAUSE_NAMES = dict(CAUSE_ORDER)
# lists matched on the word as written only: a lemma would make "wurde" a "werden" (future)
TEXT_ONLY = frozenset({"negation", "not_negation", "past_perfect_aux", "passive_aux", "clause_openers",
                        "clause_breaks", "since", "relative_openers", "relative_aux", "infinitive_marker", "event_after",
                        "attribution_before", "attribution_after"} | {f"modality:{m}" for m in MODAL_ORDER})


@dataclass(frozen=True)
class Cues:
    """The cue words of one language: the single words of each list, and every list indexed for
    the one scan of a sentence (``ClauseSentence``): word -> the lists that have it; the lists
    with compound heads ("*kopf"); phrases and gap cues ("a ... b") by their first word."""

    words: dict[str, frozenset[str]]
    theme_concepts: dict[str, str]
    count_kinds: dict[str, str]
    cause_concepts: dict[str, frozenset[str]]
    word_keys: dict[str, tuple[str, ...]]
    head_keys: tuple[tuple[str, tuple[str, ...]], ...]
    phrase_first: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]
    gap_first: dict[str, tuple[tuple[str, str], ...]]


@cache
def raw_cues() -> dict[str, Any]:
    path = resources.files("streams.extraction") / "data" / "frame_cues.yaml"
    data: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return data


@cache
def cues_for(lang: str) -> Cues:
    raw = raw_cues()
    lists: dict[str, list[str]] = {}
    for key in ("clause_openers", "clause_breaks", "negation", "not_negation", "denial", "past_perfect_aux",
                "background", "since", "trial", "passive_aux", "agent_prepositions", "speech", "weak_triggers",
                "not_before", "intransitive", "reflexive", "transitive", "not_triggers", "relative_openers",
                "relative_aux", "event_after", "deadly", "combat", "not_trigger_endings", "current_markers",
                "infinitive_marker", "infinitive_verbs", "not_violence_prefixes", "anaphoric_counted", "determiners",
                "aimed_at", "circumstance_triggers", "circumstance_prepositions", "deictic", "deictic_determiners",
                "deictic_nouns", "attribution_before", "attribution_after"):
        lists[key] = list(raw[key].get(lang, []))
    for cat, per_lang in raw["modality"].items():
        lists[f"modality:{cat}"] = list(per_lang.get(lang, []))
    cause_concepts: dict[str, frozenset[str]] = {}
    for cat, per_lang in raw["cause"].items():
        lists[f"cause:{cat}"] = list(per_lang.get(lang, []))
        cause_concepts[cat] = frozenset(per_lang.get("concepts", []))
        cause_concepts.setdefault(CAUSE_NAMES.get(cat, cat), cause_concepts[cat])
    words: dict[str, frozenset[str]] = {}
    word_keys: dict[str, list[str]] = {}
    head_keys: list[tuple[str, tuple[str, ...]]] = []
    phrase_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    gap_first: dict[str, list[tuple[str, str]]] = {}
    for key, terms in lists.items():
        w: set[str] = set()
        heads: list[str] = []
        for term in terms:
            t = str(term).lower()
            if " ... " in t:
                a, b = t.split(" ... ", 1)
                gap_first.setdefault(a, []).append((key, b))
            elif " " in t:
                phrase = tuple(t.split())
                phrase_first.setdefault(phrase[0], []).append((key, phrase))
            elif t.startswith("*"):
                heads.append(t[1:])
            else:
                w.add(t)
                word_keys.setdefault(t, []).append(key)
        words[key] = frozenset(w)
        if heads:
            head_keys.append((key, tuple(heads)))
    return Cues(words, dict(raw["theme_concepts"]), dict(raw["count_kinds"]), cause_concepts,
                {w_: tuple(dict.fromkeys(ks)) for w_, ks in word_keys.items()}, tuple(head_keys),
                {w_: tuple(dict.fromkeys(v)) for w_, v in phrase_first.items()},
                {a: tuple(dict.fromkeys(v)) for a, v in gap_first.items()})
