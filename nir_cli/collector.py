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
from collections.abc import Iterator
from contextlib import contextmanager

BULK_GC_THRESHOLD = 20_000


@contextmanager
def fewer_collections(threshold: int = BULK_GC_THRESHOLD) -> Iterator[None]:
    """For the duration of a bulk job in a process that goes on (a script, the tests): the
    threshold and the frozen objects are put back afterwards."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(threshold, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def for_serving(threshold: int = BULK_GC_THRESHOLD) -> None:
    """For a process that serves batches until it exits: called once its app is built."""
    gc.freeze()
    gc.set_threshold(threshold, *gc.get_threshold()[1:])
