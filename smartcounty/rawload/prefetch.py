"""Run a generator one step ahead in a background thread.

The raw load alternates two kinds of work: parsing the next chunk (gunzip, numpy, DuckDB's CSV
reader, pyarrow kernels) and writing the current one (DuckDB). Both release the GIL, so while
DuckDB writes chunk N the next chunk can be parsed on the other core; ``depth`` bounds how many
parsed chunks wait in memory.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


class _Failure:
    def __init__(self, exc: BaseException):
        self.exc = exc


def prefetch(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """Yield what ``items`` yields, in order, producing up to ``depth`` items ahead in a thread.

    An exception raised by ``items`` is re-raised here, at the item where it happened. If the
    consumer stops early (break, exception, close), the producer stops at its next item."""
    buffer: queue.Queue = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def put(value) -> bool:
        while not stop.is_set():
            try:
                buffer.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put(_Failure(exc))
            return
        put(_DONE)

    worker = threading.Thread(target=produce, name="smartcounty-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.exc
            yield item
    finally:
        stop.set()
        worker.join()
