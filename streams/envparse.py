"""Turning one NEWSALERT_* value into its typed form, with one syntax per type.

Used by ``streams.config.Settings.from_env`` and ``streams.kafka.settings.KafkaSettings.from_env``
(the only readers of the environment for the settings they hold). A value that does not parse is a
``SettingsError`` naming the variable and the form expected, which the CLI prints without a
traceback. Booleans: ``true``/``false``, ``1``/``0``, ``yes``/``no``, ``on``/``off`` (any case);
anything else is an error, not "true".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

EXPECTED = {
    bool: "true or false (also 1/0, yes/no, on/off)",
    int: "an integer",
    float: "a number",
    Path: "a path",
    str: "text",
}


class SettingsError(ValueError):
    """A setting whose value cannot be used, e.g. ``NEWSALERT_BATCH_SIZE='abc': expected an integer``."""


def parse_value(name: str, raw: str, kind: Any) -> Any:
    """``raw`` (the value of the variable ``name``) as ``kind``: bool, int, float, Path or str."""
    expected = EXPECTED.get(kind, str(kind))
    if kind is str:
        return raw
    try:
        value = TypeAdapter(kind).validate_python(raw.strip())
    except ValidationError:
        raise SettingsError(f"{name}={raw!r}: expected {expected}") from None
    if kind is Path and not raw.strip():
        raise SettingsError(f"{name}={raw!r}: expected {expected}")
    return value
