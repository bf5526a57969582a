"""MatchSuppressor: alerts sent, then state written and matches acked; without a broker."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from streams.alerts.expiry import PruneResult, expired_keys
from streams.alerts.suppression import ARTICLE_KEY_PREFIX, article_key
from streams.models import ArticleRef, Match
from streams.worker.dead_letters import DeadLetters
from streams.worker.failures import RecordFailures
from streams.worker.match_envelope import MatchEnvelope
from streams.worker.match_suppressor import MatchSuppressor, StagedState
from streams.worker.state_expiry import StateExpiry
from tests.unit.worker_fakes import Acks, Event, MemoryTable, RecordingSend, event, match, metrics

T0 = 1_790_000_000.0


def envelope_event(m: Match, *, event_time: float = T0, partition: int = 1, offset: int = 0,
                   generation: int = 1) -> Event:
    key, value = MatchEnvelope(m, ArticleRef(id=m.article_id, language="en"), event_time).encode()
    return event(value, topic="matches", partition=partition, offset=offset, key=key, generation=generation)


class Group:
    """The consumer group as a worker sees it (``Ownership``), stepped by hand through a rebalance:
    ``revoke`` (the rebalance starts: partitions revoked), ``assign`` (a new generation), ``settle``
    (the tables are recovered and the streams sought)."""

    def __init__(self) -> None:
        self.generation = 1
        self.revocations = 0
        self.rebalancing = False

    def epoch(self) -> int:
        return self.revocations

    def settled(self) -> bool:
        return not self.rebalancing

    def current(self, e: Any) -> bool:
        return bool(e.message.generation_id == self.generation)

    def revoke(self) -> None:
        self.revocations += 1
        self.rebalancing = True

    def assign(self) -> None:
        self.generation += 1

    def settle(self) -> None:
        self.rebalancing = False


def suppressor(send: RecordingSend, table: MemoryTable, group: Group | None = None,
               severity_topics: dict[str, str] | None = None) -> tuple[MatchSuppressor, Any]:
    m, registry = metrics()
    return MatchSuppressor(table=table, send=send, dead_letters=DeadLetters(send, "dlq", "test:1", m),
                           failures=RecordFailures(m), metrics=m, alerts_topic="alerts",
                           severity_topics=severity_topics or {}, pipeline_version="test",
                           ownership=group or Group()), registry


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
    group = Group()
    s, _ = suppressor(send, table, group)

    async def run() -> None:
        handling = asyncio.ensure_future(s.handle([envelope_event(match())], acks))
        await asyncio.sleep(0.01)
        group.revoke()
        group.assign()
        send.acknowledge()
        await handling

    asyncio.run(run())
    assert len(alerts(send)) == 1 and table.changelog == [] and acks.events == []


class AckedTable(MemoryTable):
    """A MemoryTable whose changelog writes are acknowledged when ``acknowledge`` is called."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: list[asyncio.Future[None]] = []

    def write(self, partition: int, key: str, entry: Any) -> Any:  # type: ignore[override]
        super().write(partition, key, entry)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.append(future)
        return future

    def acknowledge(self) -> None:
        for future in self.pending:
            if not future.done():
                future.set_result(None)


def test_a_revoked_owner_writes_nothing_after_the_revocation_so_the_next_owner_counts_each_article_once() -> None:
    """tests/faults/test_rebalance.py's double count (121 of 120), without a broker.

    Worker A's partitions are revoked while it waits for the broker to acknowledge a batch's
    alert. The group's generation changes only later, when the partitions are assigned again (the
    old code looked only at that, and wrote the batch's state after the revocation). The new
    owner B recovers the changelog while A's late writes arrive; Faust's recovery reads each
    changelog partition on past the high-water mark it took, the two tables' independently, so B
    can apply A's late event entry without A's late article marker. B then reads the match again
    from the committed offset: with the entry counting the article and no marker saying so, it
    counts the article a second time.
    """
    group = Group()
    send_a, table_a, acks_a = RecordingSend(auto=False), MemoryTable(), Acks()
    a, _ = suppressor(send_a, table_a, group)
    x = envelope_event(match(article_id="a1"), offset=7)

    async def worker_a() -> int:
        handling = asyncio.ensure_future(a.handle([x], acks_a))
        await asyncio.sleep(0.01)
        group.revoke()  # the rebalance starts; A's producer is flushed and A rejoins
        revoked_at = len(table_a.changelog)
        send_a.acknowledge()  # the alert is acknowledged after the revocation, before the assignment
        await handling
        group.assign()
        return revoked_at

    revoked_at = asyncio.run(worker_a())
    before, late = table_a.changelog[:revoked_at], table_a.changelog[revoked_at:]
    # B's recovery: everything written before the revocation, and the late writes of the events
    # table only (the markers' changelog partition was paused before they were fetched)
    table_b = MemoryTable(data={key: entry for _, key, entry in before})
    table_b.data.update({key: entry for _, key, entry in late if not key.startswith(ARTICLE_KEY_PREFIX)})
    group.settle()
    send_b, acks_b = RecordingSend(), Acks()
    b, _ = suppressor(send_b, table_b, group)
    asyncio.run(b.handle([envelope_event(match(article_id="a1"), offset=7, generation=group.generation)], acks_b))

    [sent_by_a] = alerts(send_a)
    assert [(x["revision"], x["corroboration"]) for x in alerts(send_b)] == [(1, 1)]  # not (2, 2)
    assert alerts(send_b) == [sent_by_a]  # the same alert again: a redelivery subscribers drop
    assert late == [] and acks_a.events == []  # A left state and acks to the next owner
    assert len(acks_b.events) == 1


def test_a_rebalance_while_the_markers_are_written_leaves_the_entries_and_a_replay_counts_once() -> None:
    group = Group()
    send, table, acks = RecordingSend(), AckedTable(), Acks()
    s, _ = suppressor(send, table, group)

    async def run() -> None:
        handling = asyncio.ensure_future(s.handle([envelope_event(match(article_id="a1"))], acks))
        await asyncio.sleep(0.01)
        assert [k for _, k, _ in table.changelog] == [article_key("r1|kharkiv", "a1")]  # the marker, pending
        assert s.writing  # the expiry pass waits (the new event's marker has no entry yet)
        group.revoke()
        table.acknowledge()
        await handling
        assert not s.writing
        assert [k for _, k, _ in table.changelog] == [article_key("r1|kharkiv", "a1")] and acks.events == []
        group.assign()
        group.settle()
        # this worker keeps the partition and reads the match again: the marker alone counts nothing
        replay = asyncio.ensure_future(s.handle([envelope_event(match(article_id="a1"), generation=2)], acks))
        await asyncio.sleep(0.01)
        table.acknowledge()
        await replay

    asyncio.run(run())
    first, again = alerts(send)
    assert first == again and (again["revision"], again["corroboration"]) == (1, 1)
    assert table.data["r1|kharkiv"]["corroboration"] == 1 and len(acks.events) == 1


def test_a_batch_taken_during_a_rebalance_waits_for_it_and_drops_what_was_fetched_before_it() -> None:
    group = Group()
    send, table, acks = RecordingSend(), MemoryTable(), Acks()
    s, _ = suppressor(send, table, group)
    stale = envelope_event(match(article_id="a1"), offset=3)  # fetched in generation 1
    group.revoke()
    group.assign()
    fresh = envelope_event(match(article_id="a2"), offset=4, generation=2)

    async def run() -> None:
        handling = asyncio.ensure_future(s.handle([stale, fresh], acks))
        await asyncio.sleep(0.12)
        # the tables are being recovered: nothing is decided against the incomplete state
        assert send.sent == [] and table.changelog == [] and not handling.done()
        group.settle()
        await handling

    asyncio.run(run())
    assert [a["article_id"] for a in alerts(send)] == ["a2"]
    assert acks.events == [fresh]  # a1 is read again from the committed offset by its owner


def test_a_batch_that_waited_too_long_for_a_rebalance_is_left_alone() -> None:
    group = Group()
    send, table, acks = RecordingSend(), MemoryTable(), Acks()
    s, _ = suppressor(send, table, group)
    s.settle_timeout_s = 0.1
    group.revoke()
    asyncio.run(s.handle([envelope_event(match())], acks))
    assert send.sent == [] and table.changelog == [] and acks.events == []


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


def test_the_expiry_pass_waits_while_a_new_events_markers_have_no_entry_yet() -> None:
    """Between a batch's marker writes and its entry writes the markers of a new event are in the
    table without their event: the expiry pass would drop them as orphans (with a tombstone), and
    a redelivery of the article would then be counted again."""
    send, table, acks = RecordingSend(), AckedTable(), Acks()
    s, _ = suppressor(send, table)
    m, _ = metrics()
    dropped: list[tuple[str, int]] = []

    class Pruner:
        def prune(self, owned: Any, rule_windows: Any, wall: float) -> PruneResult:
            dropped.extend(expired_keys([(k, 1, v) for k, v in table.data.items()], grace=86_400.0, wall=wall,
                                        rule_windows=rule_windows))
            return PruneResult(pruned=0, entries=len(table.data))

    expiry = StateExpiry(Pruner(), m, busy=lambda: s.writing, owned=lambda: {1}, rule_windows=dict,
                         clock=lambda: T0)

    async def run() -> None:
        handling = asyncio.ensure_future(s.handle([envelope_event(match(article_id="a1"))], acks))
        await asyncio.sleep(0.01)
        marker = article_key("r1|kharkiv", "a1")
        assert list(table.data) == [marker]  # the entry waits for the marker's acknowledgement
        assert expired_keys([(marker, 1, table.data[marker])], grace=86_400.0, wall=T0, rule_windows={}) == [
            (marker, 1)]  # what a pass now would drop
        assert expiry.run() is None  # skipped
        table.acknowledge()
        await handling
        assert expiry.run() is not None

    asyncio.run(run())
    assert dropped == [] and table.data["r1|kharkiv"]["corroboration"] == 1
