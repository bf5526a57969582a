"""The engine on hand-made extractions: conditions, scopes, thresholds, bindings, filters,
macros/lists/exceptions, multi-match, suppression keys, facts and evidence."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from streams.models import Article, Extraction, Match
from streams.rules import RuleSet, load_ruleset
from streams.rules.handmade import HandmadeExtraction as H

KP = {"country": "KP", "kind": "demonym"}


def ruleset(tmp_path: Path, **files: str) -> RuleSet:
    d = tmp_path / "rules"
    d.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (d / f"{name}.yaml").write_text(textwrap.dedent(text))
    return load_ruleset(d)


def rule_yaml(rule_id: str, body: str) -> str:
    """A rule file: the header every rule needs (title, severity, tags) and ``body``, the part the
    test is about (``match:`` and any other key)."""
    return f"id: {rule_id}\ntitle: t\nseverity: low\ntags: [x]\n" + textwrap.dedent(body)


def run(rs: RuleSet, ex: Extraction, source: str | None = None) -> list[Match]:
    return rs.evaluate(ex, Article(id=ex.article_id, text=ex.text, source=source))


DEPLOY = """
id: deploy
title: "{actor.name} troops deployed to {location.name}"
severity: high
tags: [foreign-troop-deployment]
topics: [alerts.military]
match:
  same_sentence:
    - within:
        tokens: 2
        match:
          - entity: {type: [NORP, GPE], as: actor}
          - concept: military-personnel
    - concept: deployment
    - entity: {type: [GPE, LOC], role: place, as: location}
    - not: {concept: withdrawal}
    - optional: {count: {counted: soldiers, as: troops}}
where: "actor.country != location.country"
suppress: {key: "{rule}:{actor.country}:{location.id}", window: 24h}
"""


def kursk(text: str = "Nordkoreanische Soldaten wurden in die Region Kursk in Russland verlegt.") -> H:
    return (
        H(text)
        .entity("Nordkoreanische", "NORP", "country:KP", "North Korea", **KP)
        .concept("Soldaten", "military-personnel")
        .entity("Region Kursk", "GPE", "region:RU-KRS", "Kursk Oblast", country="RU", kind="region")
        .entity("Russland", "GPE", "country:RU", "Russia", country="RU", kind="country")
        .concept("verlegt", "deployment")
    )


def test_deployment_binds_actor_and_most_specific_location(tmp_path: Path) -> None:
    rs = ruleset(tmp_path, deploy=DEPLOY)
    ex = kursk().build()
    [m] = run(rs, ex)
    assert m.rule_id == "deploy" and m.article_id == "a1"
    assert m.title == "North Korea troops deployed to Kursk Oblast"
    assert m.facts["actor"] == {"text": "Nordkoreanische", "id": "country:KP", "name": "North Korea", "type": "NORP",
                                "country": "KP", "kind": "demonym"}
    assert m.facts["location"]["id"] == "region:RU-KRS"
    assert m.suppression_key == "deploy:KP:region:RU-KRS"
    assert m.window_seconds == 86400 and m.min_articles == 1 and m.topics == ("alerts.military",)
    assert [(e.start, e.end) for e in m.evidence] == [(0, len(ex.text))]
    assert m.evidence[0].text == ex.text
    assert m.rule_version == rs.rules[0].version


def test_same_country_is_not_foreign(tmp_path: Path) -> None:
    rs = ruleset(tmp_path, deploy=DEPLOY)
    ex = (H("Russische Soldaten wurden in die Region Kursk verlegt.")
          .entity("Russische", "NORP", "country:RU", "Russia", country="RU", kind="demonym")
          .concept("Soldaten", "military-personnel")
          .entity("Region Kursk", "GPE", "region:RU-KRS", "Kursk Oblast", country="RU", kind="region")
          .concept("verlegt", "deployment").build())
    assert run(rs, ex) == []


def test_not_excludes_sentence(tmp_path: Path) -> None:
    rs = ruleset(tmp_path, deploy=DEPLOY)
    ex = kursk("Nordkoreanische Soldaten wurden in die Region Kursk in Russland verlegt und wieder abgezogen.").concept("abgezogen", "withdrawal").build()
    assert run(rs, ex) == []


def test_same_sentence_scope_requires_one_sentence(tmp_path: Path) -> None:
    rs = ruleset(tmp_path, deploy=DEPLOY)
    text = "Nordkoreanische Soldaten sind unterwegs. Sie wurden in die Region Kursk verlegt."
    ex = (H(text).entity("Nordkoreanische", "NORP", "country:KP", "North Korea", **KP)
          .concept("Soldaten", "military-personnel")
          .entity("Region Kursk", "GPE", "region:RU-KRS", "Kursk Oblast", country="RU", kind="region")
          .concept("verlegt", "deployment").build())
    assert run(rs, ex) == []
    article_scope = DEPLOY.replace("same_sentence:", "article:")
    [m] = run(ruleset(tmp_path / "b", deploy=article_scope), ex)
    assert len(m.evidence) == 2  # both sentences are evidence


def test_within_tokens(tmp_path: Path) -> None:
    rs = ruleset(tmp_path, deploy=DEPLOY)
    far = ("Nordkoreanische Berater und viele weitere Soldaten wurden in die Region Kursk verlegt.")
    ex = (H(far).entity("Nordkoreanische", "NORP", "country:KP", "North Korea", **KP)
          .concept("Soldaten", "military-personnel")
          .entity("Region Kursk", "GPE", "region:RU-KRS", "Kursk Oblast", country="RU", kind="region")
          .concept("verlegt", "deployment").build())
    assert run(rs, ex) == []  # 4 tokens between the demonym and "Soldaten"
    wide = DEPLOY.replace("tokens: 2", "tokens: 4")
    assert len(run(ruleset(tmp_path / "w", deploy=wide), ex)) == 1


def test_role_place_rejects_genitive(tmp_path: Path) -> None:
    rs = ruleset(tmp_path, deploy=DEPLOY)
    text = "Nordkoreanische Soldaten wurden nahe der Frontlinien der Ukraine stationiert."
    ex = (H(text).entity("Nordkoreanische", "NORP", "country:KP", "North Korea", **KP)
          .concept("Soldaten", "military-personnel")
          .entity("Ukraine", "GPE", "country:UA", "Ukraine", country="UA", kind="country")
          .concept("stationiert", "deployment").build())
    assert run(rs, ex) == []


def test_optional_count_becomes_a_fact(tmp_path: Path) -> None:
    rs = ruleset(tmp_path, deploy=DEPLOY)
    ex = (H("3.000 nordkoreanische Soldaten wurden in die Region Kursk verlegt.")
          .entity("nordkoreanische", "NORP", "country:KP", "North Korea", **KP)
          .concept("Soldaten", "military-personnel")
          .concept("verlegt", "deployment")
          .entity("Region Kursk", "GPE", "region:RU-KRS", "Kursk Oblast", country="RU", kind="region")
          .count("3.000", 3000, counted="soldiers", counted_text="Soldaten", event="deployed").build())
    [m] = run(rs, ex)
    assert m.facts["troops"] == {"text": "3.000", "value": 3000, "min": 3000, "max": 3000, "counted": "soldiers",
                                 "event": "deployed", "approximate": False}


CASUALTIES = """
id: casualties
title: "Casualties in {location.name|unknown place}"
summary: "{killed.value|0} killed, {injured.value|0} injured"
severity: high
tags: [civilian-casualties]
match:
  same_sentence:
    - any:
        - count: {counted: [people, civilians], event: killed, at_least: 1, as: killed}
        - count: {counted: [people, civilians], event: injured, at_least: 1, as: injured}
    - optional: {entity: {type: GPE, role: place, as: location}}
    - not: {concept: [accident, disaster]}
suppress: {key: "{rule}:{location.id}", window: 6h}
"""


def two_cities() -> Extraction:
    text = ("In Charkiw tötete ein Luftangriff vier Menschen. "
            "In Kiew verletzten Drohnen sechs Zivilisten. "
            "In Charkiw wurden außerdem zwei Menschen verletzt.")
    return (H(text)
            .entity("Charkiw", "GPE", "city:kharkiv", "Kharkiv", country="UA", kind="city")
            .count("vier", 4, counted="people", event="killed")
            .entity("Kiew", "GPE", "city:kyiv", "Kyiv", country="UA", kind="city")
            .count("sechs", 6, counted="civilians", event="injured")
            .entity("Charkiw", "GPE", "city:kharkiv", "Kharkiv", country="UA", kind="city", occurrence=1)
            .count("zwei", 2, counted="people", event="injured")
            .build())


def test_one_rule_matches_several_times_and_merges_by_key(tmp_path: Path) -> None:
    rs = ruleset(tmp_path, casualties=CASUALTIES)
    ex = two_cities()
    ms = run(rs, ex)
    assert [m.suppression_key for m in ms] == ["casualties:city:kharkiv", "casualties:city:kyiv"]
    kharkiv, kyiv = ms
    assert kharkiv.facts["killed"]["value"] == 4 and kharkiv.facts["injured"]["value"] == 2
    assert kharkiv.summary == "4 killed, 2 injured"
    assert [e.text for e in kharkiv.evidence] == [ex.sentences[0].text, ex.sentences[2].text]
    assert kyiv.facts["injured"]["value"] == 6 and "killed" not in kyiv.facts
    assert kyiv.title == "Casualties in Kyiv" and kyiv.window_seconds == 6 * 3600
    assert kyiv.evidence[0].start == ex.sentences[1].start


def test_suppression_keys_are_deterministic(tmp_path: Path) -> None:
    rs1 = ruleset(tmp_path / "1", casualties=CASUALTIES, deploy=DEPLOY)
    rs2 = ruleset(tmp_path / "2", deploy=DEPLOY, casualties=CASUALTIES)
    assert rs1.version == rs2.version
    ex = two_cities()
    keys = [[m.suppression_key for m in run(rs, ex)] for rs in (rs1, rs2, rs1)]
    assert keys[0] == keys[1] == keys[2]
    assert [m.to_dict() for m in run(rs1, ex)] == [m.to_dict() for m in run(rs2, ex)]


def test_missing_optional_binding_renders_fallback(tmp_path: Path) -> None:
    rs = ruleset(tmp_path, casualties=CASUALTIES)
    ex = H("Dabei wurden vier Menschen getötet.").count("vier", 4, counted="people", event="killed").build()
    [m] = run(rs, ex)
    assert m.title == "Casualties in unknown place"
    # a key with a missing fact is no event identity: one alert for this article, never merged
    # with other articles' place-less reports
    assert m.suppression_key == ""
    assert "location" not in m.facts


def test_thresholds(tmp_path: Path) -> None:
    rule = CASUALTIES.replace("event: killed, at_least: 1", "event: killed, at_least: 5")
    rs = ruleset(tmp_path, casualties=rule)
    ex = H("In Charkiw starben vier Menschen.").count("vier", 4, counted="people", event="killed").build()
    assert run(rs, ex) == []
    ex5 = H("In Charkiw starben fünf Menschen.").count("fünf", 5, counted="people", event="killed").build()
    assert len(run(rs, ex5)) == 1
    soldiers = H("Vier Soldaten starben.").count("Vier", 4, counted="soldiers", event="killed").build()
    assert run(ruleset(tmp_path / "s", casualties=CASUALTIES), soldiers) == []


def test_at_most_and_range(tmp_path: Path) -> None:
    rule = rule_yaml("small", """
    match: {count: {counted: soldiers, at_least: 1000, at_most: 5000, as: troops}}
    """)
    rs = ruleset(tmp_path, small=rule)
    up_to = H("Bis zu 12.000 Soldaten.").count("Bis zu 12.000", 1, 12000, counted="soldiers").build()
    assert run(rs, up_to) == []  # the value of "up to 12,000" is 12,000
    few = H("Ein paar tausend Soldaten.").count("Ein paar tausend", 2000, 5000, counted="soldiers").build()
    [m] = run(rs, few)
    assert m.facts["troops"]["value"] == 5000 and m.facts["troops"]["min"] == 2000


def test_where_comparisons_and_lists(tmp_path: Path) -> None:
    lib = """
    lists:
      frontline: [UA, RU]
    """
    rule = CASUALTIES + 'where: "location.country in @frontline and (killed.value >= 3 or injured.value > 5)"\n'
    rs = ruleset(tmp_path, lib=lib, casualties=rule)
    ms = run(rs, two_cities())
    assert [m.suppression_key for m in ms] == ["casualties:city:kharkiv", "casualties:city:kyiv"]
    rule2 = CASUALTIES + 'where: "location.country not in @frontline"\n'
    assert run(ruleset(tmp_path / "b", lib=lib, casualties=rule2), two_cities()) == []


def test_any_all_not(tmp_path: Path) -> None:
    rule = rule_yaml("logic", """
    match:
      all:
        - any: [{concept: drone}, {concept: missile}]
        - not: {concept: exercise}
    """)
    rs = ruleset(tmp_path, logic=rule)
    assert len(run(rs, H("Eine Drohne schlug ein.").concept("Drohne", "drone").build())) == 1
    assert len(run(rs, H("Eine Rakete schlug ein.").concept("Rakete", "missile").build())) == 1
    assert run(rs, H("Ein Panzer fuhr vorbei.").build()) == []
    assert run(rs, H("Eine Drohne bei der Übung.").concept("Drohne", "drone").concept("Übung", "exercise").build()) == []


def test_entity_filters_id_country_kind(tmp_path: Path) -> None:
    rule = """
    id: ents
    title: "{place.name}"
    severity: low
    tags: [x]
    match:
      - entity: {id: ["city:kyiv", "city:kharkiv"], kind: city, country: UA, as: place}
    """
    rs = ruleset(tmp_path, ents=rule)
    ms = run(rs, two_cities())
    assert len(ms) == 1  # no suppression key: one match per article, evidence of all
    assert ms[0].suppression_key == "" and len(ms[0].evidence) == 3


def test_language_and_source_filters(tmp_path: Path) -> None:
    rule = rule_yaml("filt", """
    languages: [en]
    exclude_sources: [Satire Daily]
    match: {concept: drone}
    """)
    rs = ruleset(tmp_path, filt=rule)
    de = H("Eine Drohne.", language="de").concept("Drohne", "drone").build()
    en = H("A drone.", language="en").concept("drone", "drone").build()
    assert run(rs, de) == []
    assert len(run(rs, en)) == 1
    assert run(rs, en, source="satire daily") == []
    only = rule.replace("exclude_sources: [Satire Daily]", "sources: [Wire]")
    rs2 = ruleset(tmp_path / "o", filt=only)
    assert run(rs2, en, source="other") == [] and len(run(rs2, en, source="wire")) == 1


def test_regex_leaf_with_binding(tmp_path: Path) -> None:
    rule = r"""
    id: rx
    title: "{code.text}"
    severity: low
    tags: [x]
    match:
      same_sentence:
        - regex: {pattern: 'CVE-\d{4}-\d+', as: code}
        - concept: cyberattack
    """
    rs = ruleset(tmp_path, rx=rule)
    ex = H("Der Angriff nutzte CVE-2026-1234 aus. Ein anderer Satz.").concept("Angriff", "cyberattack").build()
    [m] = run(rs, ex)
    assert m.title == "CVE-2026-1234" and m.facts["code"] == {"text": "CVE-2026-1234"}
    assert m.evidence[0].text == "Der Angriff nutzte CVE-2026-1234 aus."


def test_regex_is_case_insensitive_on_request(tmp_path: Path) -> None:
    rule = rule_yaml("rx", """
    match: {regex: {pattern: 'sarin', ignore_case: true}}
    """)
    assert len(run(ruleset(tmp_path, rx=rule), H("Das Nervengift Sarin.").build())) == 1


def test_macros_across_files_and_exceptions_appended(tmp_path: Path) -> None:
    lib = """
    macros:
      violence-casualties:
        same_sentence:
          - count: {counted: people, event: killed, as: killed}
          - optional: {entity: {type: GPE, role: place, as: location}}
    """
    rule = """
    id: casualties
    title: t
    severity: high
    tags: [civilian-casualties]
    match: {macro: violence-casualties}
    suppress: {key: "{rule}:{location.id}"}
    """
    ex = two_cities()
    rs = ruleset(tmp_path, lib=lib, casualties=rule)
    assert len(run(rs, ex)) == 1
    base_version = rs.rules[0].version
    exceptions = """
    exceptions:
      - rule: casualties
        name: no Kharkiv (example)
        where: "location.id == 'city:kharkiv'"
    """
    rs2 = ruleset(tmp_path, exc=exceptions)
    assert run(rs2, ex) == []
    assert rs2.rules[0].version != base_version  # the exception is part of the rule's content
    by_match = """
    exceptions:
      - rule: "*"
        match: {concept: sport}
    """
    sport = (H("Beim Fußballspiel in Charkiw wurden vier Menschen getötet.")
             .concept("Fußballspiel", "sport").count("vier", 4, counted="people", event="killed").build())
    rs3 = ruleset(tmp_path / "c", lib=lib, casualties=rule, exc=by_match)
    assert run(rs3, sport) == []
    assert len(run(rs3, ex)) == 1


def test_changing_a_macro_changes_the_rule_version(tmp_path: Path) -> None:
    lib = "macros:\n  m: {concept: drone}\n"
    rule = "id: r\ntitle: t\nseverity: low\ntags: [x]\nmatch: {macro: m}\n"
    v1 = ruleset(tmp_path / "1", lib=lib, r=rule).rules[0].version
    v2 = ruleset(tmp_path / "2", lib=lib.replace("drone", "missile"), r=rule).rules[0].version
    v3 = ruleset(tmp_path / "3", lib="# comment\n" + lib, r=rule).rules[0].version
    assert v1 != v2 and v1 == v3


def test_library_file_with_rules_section_and_disabled_rule(tmp_path: Path) -> None:
    lib = """
    rules:
      - id: one
        title: t
        severity: info
        tags: [x]
        match: {concept: drone}
      - id: two
        title: t
        severity: info
        tags: [x]
        enabled: false
        match: {concept: drone}
    """
    rs = ruleset(tmp_path, lib=lib)
    assert rs.rule_ids == ("one",)


def test_aggregate_fields(tmp_path: Path) -> None:
    rule = rule_yaml("agg", """
    match: {entity: {type: GPE, as: place}}
    aggregate: {min_articles: 3, window: 6h, key: "{rule}:{place.country}"}
    """)
    [m] = run(ruleset(tmp_path, agg=rule), two_cities())
    assert (m.min_articles, m.window_seconds, m.suppression_key) == (3, 21600, "agg:UA")


def test_presearcher_skips_rules_without_their_terms(tmp_path: Path) -> None:
    rs = ruleset(tmp_path, deploy=DEPLOY, casualties=CASUALTIES)
    assert [r.id for r in rs.candidates(two_cities(), Article(id="a", text="x"))] == ["casualties"]
    assert [r.id for r in rs.candidates(kursk().build(), Article(id="a", text="x"))] == ["deploy"]
    nothing = H("Das Wetter war schön.").build()
    assert rs.candidates(nothing, Article(id="a", text="x")) == []


@pytest.mark.parametrize("expression,expected", [
    ("actor.country != location.country", True),
    ("actor.country == 'KP' and location.kind == 'region'", True),
    ("lower(actor.name) == 'north korea'", True),
    ("startswith(location.id, 'region:RU')", True),
    ("actor.country in ['RU', 'BY']", False),
    ("not (actor.type == 'NORP')", False),
    ("article.language == 'de'", True),
])
def test_where_expression_variants(tmp_path: Path, expression: str, expected: bool) -> None:
    rule = DEPLOY.replace('where: "actor.country != location.country"', f'where: "{expression}"')
    assert bool(run(ruleset(tmp_path, deploy=rule), kursk().build())) is expected


@pytest.mark.parametrize("text,surface,lang,role,expected", [
    ("Soldaten wurden in die Region Kursk verlegt.", "Kursk", "de", "place", True),
    ("Der Angriff in der ostukrainischen Stadt Charkiw.", "Charkiw", "de", "place", True),
    ("Sie sind in der Nähe von Kiew.", "Kiew", "de", "place", True),
    ("Sie stehen nahe der Frontlinien der Ukraine.", "Ukraine", "de", "place", False),
    ("Nach Angaben der Ukraine starben zwei.", "Ukraine", "de", "place", False),
    ("Nordkorea schickt Truppen.", "Nordkorea", "de", "place", False),
    ("Nordkorea schickt Truppen.", "Nordkorea", "de", "actor", True),
    ("Truppen aus Nordkorea sind da.", "Nordkorea", "de", "origin", True),
    ("An attack in the eastern Ukrainian city of Kharkiv.", "Kharkiv", "en", "place", True),
    ("Troops were sent to „Belarus“ again.", "Belarus", "en", "place", True),
    ("He said, Belarus is ready.", "Belarus", "en", "place", False),
    ("Soldiers from North Korea arrived.", "North Korea", "en", "origin", True),
])
def test_roles(text: str, surface: str, lang: str, role: str, expected: bool) -> None:
    from streams.extraction.roles import has_role

    ex = H(text, language=lang).entity(surface, "GPE", "x", surface).build()
    assert has_role(ex, ex.entities[0], role) is expected
    # the same answer without tokens (extractions from other producers)
    from dataclasses import replace

    assert has_role(replace(ex, tokens=()), ex.entities[0], role) is expected


def test_exists_adds_no_bindings_or_evidence(tmp_path: Path) -> None:
    rule = """
    id: ctx
    title: "{victims.value}"
    severity: low
    tags: [x]
    match:
      same_sentence:
        - count: {counted: people, event: killed, as: victims}
        - exists: {article: {concept: {id: airstrike, as: strike}}}
    """
    text = "Ein Luftangriff traf die Stadt. Vier Menschen starben."
    ex = (H(text).concept("Luftangriff", "airstrike")
          .count("Vier", 4, counted="people", event="killed").build())
    [m] = run(ruleset(tmp_path, ctx=rule), ex)
    assert set(m.facts) == {"victims"}
    assert [e.text for e in m.evidence] == ["Vier Menschen starben."]
    no_strike = H("Vier Menschen starben.").count("Vier", 4, counted="people", event="killed").build()
    assert run(ruleset(tmp_path / "b", ctx=rule), no_strike) == []
    bad = rule.replace('title: "{victims.value}"', 'title: "{strike.text}"')
    from streams.rules import check_rules

    d = tmp_path / "c" / "rules"
    d.mkdir(parents=True)
    (d / "ctx.yaml").write_text(textwrap.dedent(bad))
    assert any("unknown binding 'strike'" in e.message for e in check_rules(d))


def test_lead_scope(tmp_path: Path) -> None:
    rule = rule_yaml("lead", """
    match:
      - count: {counted: people, event: killed}
      - not: {lead: {sentences: 1, match: {concept: anniversary}}}
    """)
    rs = ruleset(tmp_path, lead=rule)
    memorial = (H("Die Stadt gedenkt der Opfer. Damals starben vier Menschen.")
                .concept("gedenkt", "anniversary").count("vier", 4, counted="people", event="killed").build())
    assert run(rs, memorial) == []
    later = (H("Vier Menschen starben am Morgen. Am Abend gedenkt die Stadt der Opfer.")
             .concept("gedenkt", "anniversary").count("Vier", 4, counted="people", event="killed").build())
    assert len(run(rs, later)) == 1


def test_ordered_within(tmp_path: Path) -> None:
    rule = """
    id: sanc
    title: "{target.name}"
    severity: low
    tags: [x]
    match:
      within:
        tokens: 4
        ordered: true
        match:
          - concept: sanction
          - entity: {type: GPE, as: target}
    """
    rs = ruleset(tmp_path, sanc=rule)
    after = H("Neue Sanktionen gegen Russland.").concept("Sanktionen", "sanction").entity("Russland", "GPE", "country:RU", "Russia", country="RU", kind="country").build()
    before = H("Die Ukraine fordert Sanktionen.").entity("Ukraine", "GPE", "country:UA", "Ukraine", country="UA", kind="country").concept("Sanktionen", "sanction").build()
    assert [m.facts["target"]["id"] for m in run(rs, after)] == ["country:RU"]
    assert run(rs, before) == []


def test_negated_role(tmp_path: Path) -> None:
    rule = """
    id: strike
    title: "{location.name}"
    severity: low
    tags: [x]
    match:
      same_sentence:
        - concept: missile
        - entity: {type: GPE, kind: city, role: "!origin", as: location}
    """
    text = "Raketen aus Belgorod trafen Charkiw."
    ex = (H(text).concept("Raketen", "missile")
          .entity("Belgorod", "GPE", "city:belgorod", "Belgorod", country="RU", kind="city")
          .entity("Charkiw", "GPE", "city:kharkiv", "Kharkiv", country="UA", kind="city").build())
    [m] = run(ruleset(tmp_path, strike=rule), ex)
    assert m.facts["location"]["name"] == "Kharkiv"


def test_unsupported_language_extraction_does_not_fail(tmp_path: Path) -> None:
    from streams.rules import load_ruleset as load

    pack = load(Path(__file__).resolve().parents[2] / "rules")
    text = "Ceci est un article en français sur la météo."
    ex = Extraction(article_id="fr", language="fr", supported=False, text=text)
    assert pack.evaluate(ex, Article(id="fr", text=text)) == []
    rule = rule_yaml("rx", """
    match: {regex: 'météo'}
    """)
    [m] = run(ruleset(tmp_path, rx=rule), ex)
    assert m.evidence[0].text == "météo" and text[m.evidence[0].start:m.evidence[0].end] == "météo"


def test_presearch_never_changes_the_matches(tmp_path: Path) -> None:
    from dataclasses import replace

    from streams.rules.presearch import Presearcher

    pack = load_ruleset(Path(__file__).resolve().parents[2] / "rules")
    everything = replace(pack, presearcher=Presearcher({}, tuple(range(len(pack))), tuple(() for _ in pack.rules)))
    for ex in (two_cities(), kursk().build(), H("Nichts passiert.").build()):
        article = Article(id=ex.article_id, text=ex.text)
        assert [m.to_dict() for m in pack.evaluate(ex, article)] == [m.to_dict() for m in everything.evaluate(ex, article)]
    assert len(pack.candidates(H("Nichts passiert.").build(), Article(id="a", text="x"))) < len(pack)
