"""Forwarding alerts from Kafka to a webhook; failures go to a dead-letter topic with the reason.

``Forwarder.handle`` is called for every consumed record by ``newsalert forward``. Its offset is
committed only after the alert was delivered, dead-lettered (acknowledged by Kafka), or skipped
by the filters, so a crash never loses an alert (at-least-once; receivers dedup by
``Idempotency-Key`` = alert_id:revision).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kafka import KafkaProducer

from streams.delivery.consume import Received
from streams.delivery.filters import AlertFilter
from streams.delivery.webhook import DeliveryFailed, WebhookSender


@dataclass
class ForwardStats:
    delivered: int = 0
    dead_lettered: int = 0
    filtered: int = 0

    @property
    def handled(self) -> int:
        return self.delivered + self.dead_lettered + self.filtered

    def summary(self) -> str:
        return (f"{self.delivered} delivered, {self.dead_lettered} dead-lettered, "
                f"{self.filtered} filtered out")


def dlq_record(rec: Received, raw: bytes, reason: str, *, webhook: str, attempts: int,
               status: int | None, permanent: bool, location: str | None = None) -> dict[str, Any]:
    """What the dead-letter topic holds: the alert as received, why it failed, where it came from."""
    return {
        "alert": rec.alert if rec.alert is not None else raw.decode("utf-8", "replace"),
        "error": {
            "reason": reason,
            "webhook": webhook,
            "attempts": attempts,
            "last_status": status,
            "permanent": permanent,
            **({"location": location} if location else {}),
            "failed_at": datetime.now(tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        },
        "source": {"topic": rec.topic, "partition": rec.partition, "offset": rec.offset, "key": rec.key},
    }


class Forwarder:
    def __init__(self, sender: WebhookSender, producer: KafkaProducer, dlq_topic: str, wanted: AlertFilter,
                 *, on_event: Callable[[str], None] = lambda line: None) -> None:
        self.sender = sender
        self.producer = producer
        self.dlq_topic = dlq_topic
        self.wanted = wanted
        self.on_event = on_event
        self.stats = ForwardStats()

    def handle(self, rec: Received) -> None:
        """Deliver or dead-letter one record; return when it may be committed.

        Raises StopRequested (shutdown while waiting to retry) or a Kafka error when the DLQ write
        failed: in both cases the offset must not be committed.
        """
        raw = rec.raw
        if rec.alert is None:
            self._dead_letter(rec, raw, f"invalid_alert: {rec.error}", attempts=0, status=None, permanent=True)
            self.on_event(f"dead-lettered {rec.where} to {self.dlq_topic}: invalid_alert: {rec.error}")
            return
        if not self.wanted.accepts(rec.alert):
            self.stats.filtered += 1
            return
        alert_id = str(rec.alert.get("alert_id", ""))
        revision = rec.alert.get("revision", "")
        label = f"alert {alert_id} rev {revision}"
        try:
            done = self.sender.deliver(raw, alert_id=alert_id, revision=revision)
        except DeliveryFailed as exc:
            self._dead_letter(rec, raw, exc.reason, attempts=exc.attempts, status=exc.status,
                              permanent=exc.permanent, location=exc.location)
            self.on_event(f"dead-lettered {label} to {self.dlq_topic}: {exc.reason}")
            return
        self.stats.delivered += 1
        self.on_event(f"delivered {label} (HTTP {done.status}, attempt {done.attempts})")

    def _dead_letter(self, rec: Received, raw: bytes, reason: str, *, attempts: int, status: int | None,
                     permanent: bool, location: str | None = None) -> None:
        record = dlq_record(rec, raw, reason, webhook=self.sender.config.safe_url, attempts=attempts,
                            status=status, permanent=permanent, location=location)
        value = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        key = rec.key.encode("utf-8") if rec.key is not None else None
        headers = [("newsalert-error", reason[:200].encode("utf-8"))]
        self.producer.send(self.dlq_topic, key=key, value=value, headers=headers).get(timeout=60)
        self.stats.dead_lettered += 1
