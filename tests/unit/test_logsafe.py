"""Data in log messages cannot forge log lines (issue 16 item 6): streams.logsafe."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from streams.logsafe import SafeLogRecord, escape_controls, install

FORGED_ID = "id-1\n[1999-01-01 03:00:00,000] [1] [ERROR] FAKE LOG LINE \x1b[2J\x1b[31mred\u202eevil\r"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    old_factory = logging.getLogRecordFactory()
    install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("[%(asctime)s] [%(levelname)s] %(message)s"))
    logger = logging.getLogger("test.logsafe")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)
        logging.setLogRecordFactory(old_factory)


def test_escape_controls_keeps_text_on_one_line() -> None:
    assert escape_controls("a\nb\rc\x1b[0m\x00\x7f\x85\u2028\u202e\td") == (
        "a\\nb\\rc\\x1b[0m\\x00\\x7f\\x85\\u2028\\u202e\td"
    )
    assert escape_controls("Straße in Kyjiw, 東京, مرحبا") == "Straße in Kyjiw, 東京, مرحبا"


def test_an_article_id_cannot_write_a_fake_log_line(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("article %s: unsupported language %r, passed through", FORGED_ID, "fr")
    logger.warning("dead letter %s:%d@%d: %s", "articles", 2, 17, ValueError(FORGED_ID))
    logger.info("by name: %(id)s", {"id": FORGED_ID})
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3, lines
    assert all("\x1b" not in line and "\r" not in line and "\u202e" not in line for line in lines)
    assert not any(line.startswith("[1999-01-01 03:00:00,000]") for line in lines)
    assert "id-1\\n[1999-01-01 03:00:00,000] [1] [ERROR] FAKE LOG LINE \\x1b[2J" in lines[0]
    assert lines[1].endswith("dead letter articles:2@17: id-1\\n[1999-01-01 03:00:00,000] [1] [ERROR] FAKE LOG LINE "
                             "\\x1b[2J\\x1b[31mred\\u202eevil\\r")


def test_an_exception_message_cannot_write_a_fake_log_line(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        try:
            raise KeyError(FORGED_ID)
        except KeyError as inner:
            raise RuntimeError(f"handling {FORGED_ID}") from inner
    except RuntimeError:
        logger.exception("pipeline failed on article %s", FORGED_ID)
    out = stream.getvalue()
    assert "FAKE LOG LINE" in out and "\x1b" not in out
    assert not any(line.startswith("[1999-01-01") for line in out.splitlines())
    assert "Traceback (most recent call last):" in out  # still a normal, multi-line traceback
    assert "RuntimeError: handling id-1\\n[1999-01-01" in out
    assert "The above exception was the direct cause" in out


def test_format_strings_and_numbers_are_unchanged(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    from decimal import Decimal

    logger.info("%c %.2f", "x", Decimal("1.5"))  # falls back to escaping the whole message
    logger.info("table:\n%5d rows %.1f%% %s", 12, 99.5, None)
    assert stream.getvalue().splitlines()[-2:][0].endswith("table:")
    assert stream.getvalue().splitlines()[-1] == "   12 rows 99.5% None"
    assert stream.getvalue().splitlines()[0].endswith("x 1.50")


def test_install_is_global_and_idempotent() -> None:
    old = logging.getLogRecordFactory()
    try:
        install()
        install()
        assert logging.getLogRecordFactory() is SafeLogRecord
        record = logging.getLogger("any.library").makeRecord("any.library", logging.ERROR, "f", 1,
                                                             "%s", (FORGED_ID,), None)
        assert "\n" not in record.getMessage()
    finally:
        logging.setLogRecordFactory(old)
