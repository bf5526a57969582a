"""`newsalert rules check|test|backtest|list` on temp rule dirs and a small corpus written here."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from streams.cli.rules_cmd import rules

RULE = """\
id: casualties
title: "Casualties in {location.name|unknown place}"
severity: high
tags: [civilian-casualties]
match:
  same_sentence:
    - count: {counted: [people, civilians], event: [killed, injured], as: victims}
    - optional: {entity: {type: GPE, role: place, as: location}}
suppress: {key: "{rule}:{location.id}", window: 24h}
examples:
  match:
    - text: "In Odessa wurden drei Menschen getötet."
      lang: de
      expect: {victims.value: 3}
    - text: "Three people were killed in Odesa."
      lang: en
      expect: {victims.value: 3}
  no_match:
    - text: "Das Wetter in Odessa war schön."
      lang: de
    - text: "The weather in Odesa was fine."
      lang: en
"""


def rules_dir(tmp_path: Path, text: str = RULE) -> Path:
    d = tmp_path / "rules"
    d.mkdir(parents=True)
    (d / "casualties.yaml").write_text(text)
    return d


def test_check_ok(tmp_path: Path) -> None:
    result = CliRunner().invoke(rules, ["check", str(rules_dir(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "ok: 1 rules in 1 files" in result.output


def test_check_reports_every_error_with_file_line_and_hint(tmp_path: Path) -> None:
    d = rules_dir(tmp_path, RULE.replace("severity: high", "severity: hgh").replace("{location.name|", "{place.name|"))
    (d / "other.yaml").write_text("id: x\ntitle: t\nseverity: low\ntags: [a]\nmatch: {concept: kill}\nwhere: 'a ='\n")
    result = CliRunner().invoke(rules, ["check", str(d)])
    assert result.exit_code == 1
    out = result.output
    assert "casualties.yaml:3: severity is 'hgh', must be one of" in out
    assert "other.yaml:6: bad expression" in out and "hint:" in out


def test_list(tmp_path: Path) -> None:
    result = CliRunner().invoke(rules, ["list", str(rules_dir(tmp_path))])
    assert result.exit_code == 0 and result.output.startswith("casualties")


def test_schema_prints_json() -> None:
    result = CliRunner().invoke(rules, ["schema"])
    assert result.exit_code == 0 and json.loads(result.output)["$defs"]["rule"]


def test_test_passes_and_fails_with_what_differed(tmp_path: Path) -> None:
    lexicon = Path(__file__).resolve().parents[2] / "rules" / "lexicon"
    d = rules_dir(tmp_path)
    ok = CliRunner().invoke(rules, ["test", str(d), "--lexicon", str(lexicon)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.count("PASS") == 4
    bad = RULE.replace("expect: {victims.value: 3}\n    - text: \"Three", "expect: {victims.value: 5}\n    - text: \"Three")
    d2 = rules_dir(tmp_path / "b", bad)
    fail = CliRunner().invoke(rules, ["test", str(d2), "--lexicon", str(lexicon)])
    assert fail.exit_code == 1
    assert "FAIL casualties match [de]" in fail.output and "expected victims.value=5" in fail.output
    assert "victims.value=3" in fail.output


def test_backtest_scores_rules_and_tags(tmp_path: Path) -> None:
    lexicon = Path(__file__).resolve().parents[2] / "rules" / "lexicon"
    d = rules_dir(tmp_path)
    corpus = tmp_path / "corpus.jsonl"
    labels = tmp_path / "labels.jsonl"
    articles = [
        {"id": "a", "text": "In Odessa wurden am Morgen drei Menschen getötet.", "language": "de"},
        {"id": "b", "text": "The weather in Odesa was fine on Sunday.", "language": "en"},
        {"id": "c", "text": "Two civilians were injured in Kharkiv.", "language": "en"},
        {"id": "d", "text": "Der Bürgermeister von Odessa eröffnete eine Ausstellung.", "language": "de"},
    ]
    gold = [{"id": "a", "tags": ["civilian-casualties"]}, {"id": "b", "tags": []},
            {"id": "c", "tags": []}, {"id": "d", "tags": ["civilian-casualties"]}]
    corpus.write_text("".join(json.dumps(a) + "\n" for a in articles))
    labels.write_text("".join(json.dumps(g) + "\n" for g in gold))
    result = CliRunner().invoke(rules, ["backtest", str(corpus), "--labels", str(labels), "--rules", str(d),
                                        "--lexicon", str(lexicon), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    [tag] = data["per_tag"]
    assert (tag["name"], tag["tp"], tag["fp"], tag["fn"]) == ("civilian-casualties", 1, 1, 1)
    assert tag["false_positives"] == ["c"] and tag["false_negatives"] == ["d"]
    assert tag["precision"] == 0.5 and tag["recall"] == 0.5
    verbose = CliRunner().invoke(rules, ["backtest", str(corpus), "--labels", str(labels), "--rules", str(d),
                                         "--lexicon", str(lexicon), "-v"])
    assert "false positives: c" in verbose.output and "false negatives: d" in verbose.output


def test_check_refuses_topic_names_kafka_would_refuse(tmp_path: Path) -> None:
    """Issue 16 item 3: `rules check` passed topics that the broker then refused at reload time."""
    d = tmp_path / "rules"
    d.mkdir()
    base = "id: {id}\ntitle: t\nseverity: low\ntags: [a]\ntopics: [{topics}]\nmatch: {{concept: kill}}\n"
    (d / "a.yaml").write_text(base.format(id="dots", topics="'..'"))
    (d / "b.yaml").write_text(base.format(id="internal", topics="__consumer_offsets"))
    (d / "c.yaml").write_text(base.format(id="collide", topics="alerts.urgent, alerts_urgent"))
    (d / "d.yaml").write_text(base.format(id="fine", topics="alerts.fine-1"))
    result = CliRunner().invoke(rules, ["check", str(d)])
    assert result.exit_code == 1, result.output
    out = result.output
    assert "a.yaml:5: topic name '..' is not allowed by Kafka" in out
    assert "b.yaml:5: topic name '__consumer_offsets' starts with '__'" in out
    assert "c.yaml:5: topic 'alerts_urgent' collides with topic 'alerts.urgent'" in out
    assert "d.yaml" not in out
