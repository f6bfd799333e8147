"""The crash tests' hook (see tests/sync/test_crash.py)."""

from __future__ import annotations

import os
import signal
import time

from nir_cli.core.portable import kill_self

CRASH_ENV = "NIR_TEST_CRASH_AT"


def crash_point(name: str) -> None:
    """The crash tests' hook: with NIR_TEST_CRASH_AT=NAME[:N[:INT]] the process kills itself
    with SIGKILL (or with INT, interrupts itself with SIGINT, as Ctrl-C does) the Nth time it
    passes NAME, exactly like kill -9 or Ctrl-C from outside, but at a chosen step. Unset
    (always, outside the tests), this does nothing."""
    wanted = os.environ.get(CRASH_ENV)
    if not wanted:
        return
    point, _, rest = wanted.partition(":")
    if point != name:
        return
    nth, _, how = rest.partition(":")
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] == int(nth or 1):
        if how == "INT":
            signal.raise_signal(signal.SIGINT)
        else:
            kill_self()
        time.sleep(1)  # the interrupt arrives at the next instruction: here, not later


_passes: dict[str, int] = {}
