"""The message between the two stages: one rule match of one article on the matches topic.

Written by the article batch stage (``encode``), read by the match suppressor (``decode``). The key
is the suppression state key (``streams.alerts.suppression.state_key``): every match of one event
goes to one partition, in order.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from streams.alerts.suppression import state_key
from streams.models import Article, ArticleRef, Match


@dataclass(frozen=True)
class MatchEnvelope:
    match: Match
    article: ArticleRef
    event_time: float  # the article's published_at, else its Kafka record timestamp (epoch seconds)
    content: str = ""  # content_hash of the article: an id published again with other content is an update

    @property
    def key(self) -> bytes:
        return state_key(self.match).encode()

    def encode(self) -> tuple[bytes, bytes]:
        """(key, value) of the matches-topic message."""
        value = {"match": self.match.to_dict(), "article": self.article.to_dict(), "event_time": self.event_time,
                 "content": self.content}
        return self.key, json.dumps(value, ensure_ascii=False).encode()

    @classmethod
    def decode(cls, value: bytes) -> MatchEnvelope:
        """Raises (KeyError, TypeError, ValueError) on a message this version did not write."""
        data = json.loads(value)
        return cls(Match.from_dict(data["match"]), ArticleRef(**data["article"]), float(data["event_time"]),
                   str(data.get("content", "")))  # "": unknown (a message written by hand)


def content_hash(article: Article) -> str:
    """What tells an updated article from a redelivered one: a hash of its title and text."""
    digest = hashlib.blake2b(json.dumps([article.title, article.text], ensure_ascii=False).encode(), digest_size=8)
    return digest.hexdigest()
