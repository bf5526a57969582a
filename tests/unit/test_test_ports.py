"""Tests that start their own brokers or servers must not use fixed ports: two sessions on one
machine would collide (issue 15, item 8)."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from tests.ports import free_consecutive_ports, free_ports, ports

TESTS = Path(__file__).resolve().parents[1]
# a port constant (or several, unpacked) with a literal value or an env fallback, or a port= argument
NAMES = r"[A-Z0-9_]+(?:\s*,\s*[A-Z0-9_]+)*"
FIXED_PORT = re.compile(rf"""^[ \t]*(?=[A-Z0-9_, ]*PORT){NAMES}\s*=.*\b\d{{4,5}}\b.*$|\bport=\d{{4,5}}\b""", re.M)


def test_no_test_module_hard_codes_a_port() -> None:
    offenders = [f"{p.relative_to(TESTS)}: {m.group(0).strip()}"
                 for p in sorted(TESTS.rglob("*.py")) if p.name != Path(__file__).name
                 for m in FIXED_PORT.finditer(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_free_ports_are_distinct_and_bindable() -> None:
    got = free_ports(5)
    assert len(set(got)) == 5
    for port in got:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))


def test_free_ports_avoid_a_port_someone_listens_on() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        assert busy not in free_ports(20)


def test_ports_can_be_fixed_by_a_variable() -> None:
    assert ports("X_PORTS", 3, {"X_PORTS": "20100"}) == [20100, 20101, 20102]
    assert ports("X_PORTS", 3, {"X_PORTS": "20100, 20200,20300"}) == [20100, 20200, 20300]
    assert len(ports("X_PORTS", 3, {"X_PORTS": " "})) == 3
    with pytest.raises(ValueError, match="expected one port or 3"):
        ports("X_PORTS", 3, {"X_PORTS": "1,2"})


def test_consecutive_free_ports() -> None:
    first = free_consecutive_ports(2)
    for port in (first, first + 1):
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))
