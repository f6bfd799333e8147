"""Python's cycle collector during nir's bulk work: imports, syncs and the registry's batches.

Each of them makes objects by the ten thousand (a pydantic model and its dict per row or
record), next to none of them in a reference cycle: reference counting frees them. With the
default threshold of 700 new objects, the collector ran every few rows and, now and then,
walked every object of the process (modules, pydantic's schemas). So for bulk work, what
exists before it starts is frozen (never walked again) and the collector runs after
BULK_GC_THRESHOLD new objects.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BULK_GC_THRESHOLD = 20_000

# The collector is the process's: bulk jobs running at once (two syncs of two stores in one
# script's threads, an import inside a sync) share one setting, put back when the last ends.
_lock = threading.Lock()
_running = 0
_before = gc.get_threshold()


@contextmanager
def fewer_collections(threshold: int = BULK_GC_THRESHOLD) -> Iterator[None]:
    """For the duration of a bulk job in a process that goes on (a script, the tests): the
    threshold and the frozen objects are put back afterwards."""
    global _running, _before
    with _lock:
        if _running == 0:
            _before = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(threshold, *_before[1:])
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0:
                gc.set_threshold(*_before)
                gc.unfreeze()


def for_serving(threshold: int = BULK_GC_THRESHOLD) -> None:
    """For a process that serves batches until it exits: called once its app is built."""
    gc.freeze()
    gc.set_threshold(threshold, *gc.get_threshold()[1:])
