"""Event frames: per clause, what happened, who did it, to whom, where, and how it is reported.

``builder`` builds the frames of an article, ``cues`` holds the cue words, ``sentence`` the
clause split of one sentence, ``article`` the article-wide steps. See docs/extraction.md.
"""

from streams.extraction.frames.builder import FrameBuilder
from streams.extraction.frames.cues import TRIGGERS

__all__ = ["TRIGGERS", "FrameBuilder"]
