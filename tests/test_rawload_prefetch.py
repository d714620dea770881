"""prefetch: the raw load's one-ahead parsing thread."""

from __future__ import annotations

import threading
import time

import pytest

from smartcounty.rawload.prefetch import prefetch


def test_yields_every_item_in_order():
    assert list(prefetch(iter(range(50)), depth=2)) == list(range(50))
    assert list(prefetch([])) == []


def test_producer_runs_ahead_in_another_thread():
    produced: list[tuple[int, str]] = []

    def items():
        for i in range(3):
            produced.append((i, threading.current_thread().name))
            yield i

    it = prefetch(items(), depth=1)
    assert next(it) == 0
    deadline = time.monotonic() + 5
    while len(produced) < 2 and time.monotonic() < deadline:  # item 1 is made before it is asked for
        time.sleep(0.01)
    assert [i for i, _ in produced][:2] == [0, 1]
    assert all(name != threading.current_thread().name for _, name in produced)
    assert list(it) == [1, 2]


def test_producer_error_is_raised_at_its_item():
    def items():
        yield 1
        raise ValueError("bad file")

    it = prefetch(items())
    assert next(it) == 1
    with pytest.raises(ValueError, match="bad file"):
        next(it)


def test_consumer_stopping_early_stops_the_producer():
    made = []

    def items():
        for i in range(1000):
            made.append(i)
            yield i

    for i in prefetch(items(), depth=1):
        if i == 2:
            break
    count = len(made)
    time.sleep(0.2)
    assert len(made) == count <= 5  # nothing more is produced once the consumer left
