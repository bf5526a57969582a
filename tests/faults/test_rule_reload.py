"""A rule file is added while articles stream: the reload loses no article (every article's
expected alerts arrive) and every article published after the reload took effect is also
evaluated by the new rule."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.faults import checks
from tests.faults.conftest import wait_until
from tests.faults.events import EventCorpus, Text, event_key
from tests.integration.worker_harness import RatePublisher, TopicCollector, WorkerHarness, metric_value

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ARTICLES = 900
PROBE = "reload-probe"


def _reloads(port: int) -> float:
    return metric_value(port, "newsalert_rules_reloads_total", result="success")


def test_rule_added_under_load(harness: WorkerHarness, pipeline: Any, tmp_path: Path,
                               rules_snapshot: Path) -> None:
    from streams.pipeline import Pipeline
    from streams.rules import load_ruleset

    corpus = EventCorpus.build(pipeline, ARTICLES, n_events=10, prefix="rl")
    rules = tmp_path / "rules"
    shutil.copytree(rules_snapshot, rules)
    harness.rules_dir = rules

    # the probe: a copy of a rule the corpus matches, under a new id
    base_rule = corpus.texts_used[0].matches[0].rule_id
    source = next(p for p in sorted(rules.glob("*.yaml")) if re.search(rf"^id:\s*{re.escape(base_rule)}\s*$",
                                                                        p.read_text(), re.M))
    probe_text = re.sub(rf"^id:\s*{re.escape(base_rule)}\s*$", f"id: {PROBE}", source.read_text(), count=1,
                        flags=re.M)
    staged = tmp_path / "probe.yaml"
    staged.write_text(probe_text)

    # what the probe matches, in-process, with the same extractor and the new rule set
    check_dir = tmp_path / "rules-with-probe"
    shutil.copytree(rules, check_dir)
    shutil.copy(staged, check_dir / "zz-probe.yaml")
    with_probe = Pipeline(extractor=pipeline.extractor, ruleset=load_ruleset(check_dir))
    probe_matches = {t.text: [m for m in r.matches if m.rule_id == PROBE] for t, r in zip(
        corpus.texts_used, with_probe.process_many([_article(t) for t in corpus.texts_used]), strict=True)}
    assert any(probe_matches.values()), "the probe rule matches none of the corpus texts"

    proc, port = harness.start_worker()
    before = _reloads(port)
    with TopicCollector(harness.bootstrap, harness.alerts) as alerts:
        publisher = RatePublisher(harness.bootstrap, harness.articles, corpus.articles, rate=90).start()
        assert wait_until(lambda: harness.consumed(port) >= 150, timeout=60), harness.logs()
        shutil.move(str(staged), rules / "zz-probe.yaml")  # one atomic appearance of a complete file
        assert wait_until(lambda: _reloads(port) > before, timeout=30), harness.logs()
        effective = time.time()
        sent_before = sum(1 for t in publisher.sent_at if t < effective)
        assert sent_before < ARTICLES, "the stream ended before the reload took effect"
        assert publisher.join(timeout=60)
        after_reload = corpus.articles[sent_before + 1:]  # published after the new set was in force
        probe_expected: dict[tuple[str, str], set[str]] = {}
        for article in after_reload:
            for m in probe_matches[article["text"]]:
                probe_expected.setdefault(event_key(m, article["id"]), set()).add(article["id"])

        def all_seen(values: list[dict[str, Any]]) -> bool:
            triggers = {a["article_id"] for a in values if a["rule_id"] == PROBE}
            return checks.complete(corpus, values) and all(ids <= triggers for ids in probe_expected.values())

        done = alerts.wait_for(all_seen, timeout=90)
        values = alerts.values()
        assert proc.poll() is None, harness.logs()

    found = checks.problems(corpus, values, extra_rules=frozenset({PROBE}))
    done_articles, total = checks.progress(corpus, values)
    probe_triggers = {a["article_id"] for a in values if a["rule_id"] == PROBE}
    missing_probe = sorted(set().union(*probe_expected.values()) - probe_triggers) if probe_expected else []
    assert done and not found and not missing_probe, (
        f"{done_articles}/{total} articles fully alerted; problems: {found}; probe alerts missing for "
        f"{len(missing_probe)} articles published after the reload, e.g. {missing_probe[:5]}\n{harness.logs()}")
    assert probe_expected, "no article was published after the reload took effect"
    print(f"reload under load: took effect after {sent_before} of {ARTICLES} articles were sent; "
          f"{len(values)} alert messages")


def _article(text: Text) -> Any:
    from streams.models import Article
    from tests.faults.events import BASE_TIME, iso

    return Article(id="probe", text=text.text, language=text.language, published_at=iso(BASE_TIME))
