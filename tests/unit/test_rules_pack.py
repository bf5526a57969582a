"""The shipped rule pack: valid against the schema, covers the corpus tags, passes its own
examples through the real extractor, and finds what the reference article reports."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from streams.config import Limits
from streams.models import Article, Match
from streams.rules import RuleSet, load_ruleset
from streams.rules.loader import rule_files
from streams.rules.schema import rule_schema
from streams.rules.testing import run_examples
from streams.rules.yamlload import load_yaml_file

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
REFERENCE = ROOT.parent / "shared" / "data" / "samples" / "kursk-troops-de.txt"
TAGS = {
    "foreign-troop-deployment", "civilian-casualties", "strike-on-populated-area", "infrastructure-attack",
    "mobilisation", "nuclear-threat", "child-deportation", "foreign-fighters", "chemical-weapons", "peace-talks",
    "sanctions", "cyberattack",
}


@pytest.fixture(scope="module")
def pack() -> RuleSet:
    return load_ruleset(RULES)


@pytest.fixture(scope="module")
def extractor():  # type: ignore[no-untyped-def]
    from streams.extraction.extractor import Extractor

    return Extractor.from_settings(lexicon_dir=RULES / "lexicon")


def test_every_rule_file_validates_against_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(rule_schema())
    files = rule_files(RULES)
    assert len(files) >= 13
    for path in files:
        data = load_yaml_file(path, Limits()).data
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], f"{path.name}: {errors}"


def test_pack_covers_all_tags_with_at_least_twelve_rules(pack: RuleSet) -> None:
    assert len(pack) >= 12
    assert {t for r in pack.rules for t in r.tags} >= TAGS
    for rule in pack.rules:
        assert rule.description and rule.status in ("experimental", "stable", "deprecated")
        assert rule.examples_match and rule.examples_no_match, rule.id


def test_rule_versions_are_content_hashes(pack: RuleSet) -> None:
    again = load_ruleset(RULES)
    assert again.version == pack.version
    assert [r.version for r in again.rules] == [r.version for r in pack.rules]
    assert len({r.version for r in pack.rules}) == len(pack)


def test_every_example_passes_in_german_and_english(pack: RuleSet, extractor) -> None:  # type: ignore[no-untyped-def]
    results = run_examples(pack, extractor.extract, require_languages=("de", "en"))
    failed = [f"{r.rule_id} {r.kind} [{r.language}] {r.file}:{r.line}: {r.detail}" for r in results if not r.passed]
    assert failed == []
    assert len([r for r in results if r.kind == "match"]) >= 24


def _evidence_is_true(m: Match, text: str) -> None:
    for e in m.evidence:
        assert text[e.start:e.end] == e.text and e.text.strip() == e.text


@pytest.mark.skipif(not REFERENCE.exists(), reason="the shared reference article is not beside the repo")
def test_reference_article(pack: RuleSet, extractor) -> None:  # type: ignore[no-untyped-def]
    text = REFERENCE.read_text(encoding="utf-8")
    article = Article(id="kursk-troops-de", text=text, language="de")
    matches = pack.evaluate(extractor.extract(article), article)
    for m in matches:
        _evidence_is_true(m, text)

    deploy = [m for m in matches if m.rule_id == "foreign-troop-deployment"]
    kursk = [m for m in deploy if m.facts["location"]["id"] == "region:RU-KRS"]
    assert len(kursk) == 1
    m = kursk[0]
    assert m.facts["actor"]["country"] == "KP" and m.facts["actor"]["type"] == "NORP"
    assert m.facts["actor"]["text"] == "nordkoreanischer"
    assert m.facts["location"]["country"] == "RU"
    assert "nordkoreanischer Truppen in die Region Kursk in Russland verlegt" in m.evidence[0].text
    assert m.suppression_key == "foreign-troop-deployment:KP:region:RU-KRS"
    # the hypothetical "wenn nordkoreanische Truppen in die Ukraine einmarschieren" is not a deployment
    assert all(d.facts["location"]["country"] == "RU" for d in deploy)

    casualties = {m.facts["location"]["name"]: m for m in matches if m.rule_id == "civilian-casualties"}
    assert set(casualties) == {"Kharkiv", "Kyiv"}
    kharkiv, kyiv = casualties["Kharkiv"], casualties["Kyiv"]
    assert kharkiv.facts["location"]["country"] == kyiv.facts["location"]["country"] == "UA"
    assert kharkiv.facts["killed"]["value"] == 4 and "injured" not in kharkiv.facts
    assert kyiv.facts["injured"]["value"] == 6 and "killed" not in kyiv.facts
    assert len(kharkiv.evidence) == 1 and kharkiv.evidence[0].text.startswith("In Charkiw tötete")
    assert len(kyiv.evidence) == 1 and kyiv.evidence[0].text.startswith("In Kiew griffen")
    assert kharkiv.suppression_key != kyiv.suppression_key
    json.dumps([m.to_dict() for m in matches])  # facts are plain JSON


def test_yaml_examples_in_the_docs_are_valid(tmp_path: Path) -> None:
    import re

    from streams.rules.yamlload import load_yaml_text

    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", doc, flags=re.S)
    validator = jsonschema.Draft202012Validator(rule_schema())
    checked = 0
    for block in blocks:
        if not block.strip() or all(line.startswith("#") for line in block.strip().splitlines()):
            continue  # a modeline or comment only
        data = load_yaml_text(block, Limits()).data
        if not isinstance(data, dict) or not ({"id", "lists", "macros", "exceptions"} & set(data)):
            continue
        assert [e.message for e in validator.iter_errors(data)] == [], block[:60]
        checked += 1
    assert checked >= 3
    # the first example is a complete rule: it loads on its own
    d = tmp_path / "rules"
    d.mkdir()
    (d / "example.yaml").write_text(blocks[0])
    assert load_ruleset(d).rule_ids == ("foreign-troop-deployment",)
