"""ArticleBatchStage: decode, pipeline, then matches and dead letters sent, without a broker."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime

from streams.config import Limits
from streams.models import Article
from streams.pipeline import Result
from streams.rules import RuleSet
from streams.worker.article_batches import ArticleBatchStage
from streams.worker.dead_letters import DeadLetters
from streams.worker.failures import RecordFailures
from streams.worker.match_envelope import MatchEnvelope
from tests.unit.worker_fakes import RecordingSend, event, match, metrics


class FakePipeline:
    """Matches every article whose text mentions "killed"; raises on a batch holding "boom" (and
    on that article alone), as a crashed pipeline process does."""

    parallel_batches = False

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    @property
    def ruleset(self) -> RuleSet:
        raise AssertionError("not used by the stage")

    def swap_rules(self, ruleset: RuleSet) -> None:
        raise AssertionError("not used by the stage")

    def close(self) -> None:
        pass

    def process(self, article: Article) -> Result:
        return self.process_many([article])[0]

    def process_many(self, articles: Sequence[Article]) -> list[Result]:
        self.batches.append([a.id for a in articles])
        if any("boom" in a.text for a in articles):
            raise RuntimeError("the pipeline process died")
        return [Result(a, "en", a.language != "xx",
                       (match(key=a.id, article_id=a.id),) if "killed" in a.text and a.language != "xx" else (),
                       0.01, 0.002) for a in articles]


def article(article_id: str, text: str, **extra: str) -> bytes:
    return json.dumps({"id": article_id, "text": text, **extra}).encode()


def stage() -> tuple[ArticleBatchStage, FakePipeline, RecordingSend, object]:
    m, registry = metrics()
    send = RecordingSend()
    pipeline = FakePipeline()
    s = ArticleBatchStage(pipeline=pipeline, send=send, dead_letters=DeadLetters(send, "dlq", "test:1", m),
                          failures=RecordFailures(m), metrics=m, matches_topic="matches", limits=Limits(),
                          batches_in_flight=3)
    return s, pipeline, send, registry


def test_matches_go_to_the_matches_topic_keyed_by_state_key_and_refused_messages_to_the_dlq() -> None:
    s, pipeline, send, registry = stage()
    events = [event(article("a1", "Two were killed.", published_at="2026-11-20T10:00:00Z"), offset=0),
              event(b"{not json", offset=1),
              event(article("a2", "Nothing happened."), offset=2, timestamp=1_790_000_123.0)]

    async def run() -> int:
        prepared = await s.prepare(events)
        assert send.sent == []  # prepare sends nothing
        acks = await s.send(prepared)
        await asyncio.gather(*acks)
        return len(acks)

    assert asyncio.run(run()) == 2
    assert pipeline.batches == [["a1", "a2"]]
    [letter] = send.on("dlq")
    assert json.loads(letter.value)["reason"] == "invalid_json" and json.loads(letter.value)["source"]["offset"] == 1
    [sent] = send.on("matches")
    assert sent.key == b"r1|a1"
    envelope = MatchEnvelope.decode(sent.value)
    assert envelope.match.article_id == "a1" and envelope.article.id == "a1" and envelope.article.language == "en"
    assert envelope.event_time == datetime(2026, 11, 20, 10, tzinfo=UTC).timestamp()  # published_at
    assert "received" not in json.loads(sent.value)
    assert registry.get_sample_value("newsalert_articles_consumed_total", {"language": "en", "source": "unknown"}) == 2
    assert registry.get_sample_value("newsalert_dead_letters_total", {"reason": "invalid_json"}) == 1
    assert registry.get_sample_value("newsalert_rule_matches_total", {"rule": "r1"}) == 1


def test_an_undated_article_takes_the_record_timestamp_as_event_time() -> None:
    s, _, send, _ = stage()

    async def run() -> None:
        await s.send(await s.prepare([event(article("a1", "Two were killed."), timestamp=1_790_000_123.5)]))

    asyncio.run(run())
    assert MatchEnvelope.decode(send.on("matches")[0].value).event_time == 1_790_000_123.5


def test_a_failing_batch_is_retried_one_by_one_and_only_the_failing_article_is_dead_lettered() -> None:
    s, pipeline, send, registry = stage()
    events = [event(article("a1", "Two were killed."), offset=0), event(article("a2", "boom"), offset=1),
              event(article("a3", "Four were killed."), offset=2)]

    async def run() -> None:
        await s.send(await s.prepare(events))

    asyncio.run(run())
    assert pipeline.batches == [["a1", "a2", "a3"], ["a1"], ["a2"], ["a3"]]
    assert [m.key for m in send.on("matches")] == [b"r1|a1", b"r1|a3"]
    [letter] = [json.loads(m.value) for m in send.on("dlq")]
    assert letter["reason"] == "processing_error" and letter["source"]["offset"] == 1
    assert "the pipeline process died" in letter["detail"]


def test_an_unsupported_language_passes_through_without_matches() -> None:
    s, _, send, registry = stage()

    async def run() -> None:
        await s.send(await s.prepare([event(article("a1", "Two were killed.", language="xx"))]))

    asyncio.run(run())
    assert send.sent == []
    assert registry.get_sample_value("newsalert_articles_unsupported_language_total", {"language": "en"}) == 1


def test_a_message_that_raises_while_building_its_envelopes_is_dead_lettered_and_the_batch_goes_on() -> None:
    s, _, send, registry = stage()
    s.envelopes = lambda record, art, result, max_extra_bytes=0: (_ for _ in ()).throw(OverflowError("no date"))  # type: ignore[method-assign]

    async def run() -> None:
        await s.send(await s.prepare([event(article("a1", "Two were killed."))]))

    asyncio.run(run())
    [letter] = [json.loads(m.value) for m in send.on("dlq")]
    assert letter["reason"] == "processing_error" and letter["error_class"] == "OverflowError"
    assert registry.get_sample_value("newsalert_record_failures_total",
                                     {"agent": "process_articles", "error": "OverflowError"}) == 1
