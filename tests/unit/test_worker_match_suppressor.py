"""MatchSuppressor: alerts sent, then state written and matches acked; without a broker."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from streams.alerts.suppression import ARTICLE_KEY_PREFIX, article_key
from streams.models import ArticleRef, Match
from streams.worker.dead_letters import DeadLetters
from streams.worker.failures import RecordFailures
from streams.worker.match_envelope import MatchEnvelope
from streams.worker.match_suppressor import MatchSuppressor, StagedState
from tests.unit.worker_fakes import Acks, Event, MemoryTable, RecordingSend, event, match, metrics

T0 = 1_790_000_000.0


def envelope_event(m: Match, *, event_time: float = T0, partition: int = 1, offset: int = 0) -> Event:
    key, value = MatchEnvelope(m, ArticleRef(id=m.article_id, language="en"), event_time).encode()
    return event(value, topic="matches", partition=partition, offset=offset, key=key)


class Generation:
    def __init__(self) -> None:
        self.value = 1

    def __call__(self) -> int:
        return self.value


def suppressor(send: RecordingSend, table: MemoryTable, generation: Generation | None = None,
               severity_topics: dict[str, str] | None = None) -> tuple[MatchSuppressor, Any]:
    m, registry = metrics()
    return MatchSuppressor(table=table, send=send, dead_letters=DeadLetters(send, "dlq", "test:1", m),
                           failures=RecordFailures(m), metrics=m, alerts_topic="alerts",
                           severity_topics=severity_topics or {}, pipeline_version="test",
                           generation=generation or Generation()), registry


def alerts(send: RecordingSend, topic: str = "alerts") -> list[dict[str, Any]]:
    return [json.loads(s.value) for s in send.on(topic)]


def test_two_articles_of_one_event_in_one_batch_give_new_then_update_and_one_state_write() -> None:
    send, table, acks = RecordingSend(auto=False), MemoryTable(), Acks()
    s, registry = suppressor(send, table, severity_topics={"high": "alerts.high"})
    events = [envelope_event(match(article_id="a1", killed=3), offset=0),
              envelope_event(match(article_id="a2", killed=7), event_time=T0 + 60, offset=1)]

    async def run() -> None:
        handling = asyncio.ensure_future(s.handle(events, acks))
        await asyncio.sleep(0.01)
        # alerts are out, but neither state nor acks before the broker acknowledges them
        assert len(send.sent) == 4 and table.changelog == [] and acks.events == []
        send.acknowledge()
        await handling

    asyncio.run(run())
    got = alerts(send)
    assert [(a["status"], a["revision"], a["corroboration"]) for a in got] == [("new", 1, 1), ("update", 2, 2)]
    assert got[1]["facts"]["killed"]["value"] == 7
    assert alerts(send, "alerts.high") == got
    assert [s.key for s in send.sent] == [b"kharkiv"] * 4
    written = [c for c in table.changelog if not c[1].startswith(ARTICLE_KEY_PREFIX)]
    markers = [c for c in table.changelog if c[1].startswith(ARTICLE_KEY_PREFIX)]
    [(partition, key, entry)] = written  # one write per key per batch
    assert (partition, key) == (1, "r1|kharkiv") and entry["revision"] == 2
    assert "a1" not in json.dumps(entry["facts"]) and "article_ids" not in entry
    assert sorted(k for _, k, _ in markers) == [article_key("r1|kharkiv", "a1"), article_key("r1|kharkiv", "a2")]
    assert {p for p, _, _ in markers} == {1}
    assert acks.events == events
    assert registry.get_sample_value("newsalert_alerts_total", {"rule": "r1", "severity": "high", "status": "update"}) == 1


def test_a_redelivered_match_is_suppressed_and_sends_nothing() -> None:
    send, table, acks = RecordingSend(), MemoryTable(), Acks()
    s, registry = suppressor(send, table)
    first = envelope_event(match(article_id="a1"))
    asyncio.run(s.handle([first], acks))
    send.sent.clear()
    asyncio.run(s.handle([envelope_event(match(article_id="a1"), offset=5)], acks))
    assert send.sent == []
    assert registry.get_sample_value("newsalert_alerts_suppressed_total", {"rule": "r1"}) == 1
    assert len(acks.events) == 2


def test_a_match_that_cannot_be_handled_is_dead_lettered_and_the_batch_goes_on() -> None:
    send, table, acks = RecordingSend(), MemoryTable(), Acks()
    s, registry = suppressor(send, table)
    bad = envelope_event(match(article_id="bad"), event_time=3.0e11, offset=0)  # the year 11476
    good = envelope_event(match(article_id="a1"), offset=1)
    asyncio.run(s.handle([bad, event(b"{}", topic="matches", offset=2), good], acks))
    letters = [json.loads(x.value) for x in send.on("dlq")]
    assert [(x["reason"], x["error_class"], x["source"]["offset"]) for x in letters] == [
        ("match_error", "ValueError", 0), ("match_error", "KeyError", 2)]
    assert [a["article_id"] for a in alerts(send)] == ["a1"]
    assert len(acks.events) == 3  # the partition goes on
    assert registry.get_sample_value("newsalert_record_failures_total",
                                     {"agent": "suppress_matches", "error": "ValueError"}) == 1


def test_after_a_rebalance_during_the_batch_state_and_acks_are_left_to_the_new_owner() -> None:
    send, table, acks = RecordingSend(auto=False), MemoryTable(), Acks()
    generation = Generation()
    s, _ = suppressor(send, table, generation)

    async def run() -> None:
        handling = asyncio.ensure_future(s.handle([envelope_event(match())], acks))
        await asyncio.sleep(0.01)
        generation.value += 1
        send.acknowledge()
        await handling

    asyncio.run(run())
    assert len(alerts(send)) == 1 and table.changelog == [] and acks.events == []


def test_staged_state_reads_through_and_keeps_writes() -> None:
    table = MemoryTable(data={"a": 1})
    batch = StagedState(table)
    one = StagedState(batch)
    one["b"] = 2
    assert one.get("a") == 1 and one.get("b") == 2 and batch.get("b") is None and table.data == {"a": 1}


def test_an_article_published_again_with_a_higher_toll_gives_an_update_and_a_repeat_gives_nothing() -> None:
    send, table, acks = RecordingSend(), MemoryTable(), Acks()
    s, _ = suppressor(send, table)
    ref = ArticleRef(id="a1", language="en")

    def publish(killed: int, content: str, offset: int) -> None:
        _, value = MatchEnvelope(match(article_id="a1", killed=killed), ref, T0, content).encode()
        asyncio.run(s.handle([event(value, topic="matches", offset=offset)], acks))

    publish(4, "first text", 0)
    publish(4, "first text", 1)  # redelivered
    publish(40, "updated text", 2)
    publish(40, "updated text", 3)  # the update redelivered
    got = alerts(send)
    assert [(a["status"], a["revision"], a["corroboration"], a["facts"]["killed"]["value"]) for a in got] == [
        ("new", 1, 1, 4), ("update", 2, 1, 40)]
