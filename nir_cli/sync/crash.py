"""The crash tests' hook (see tests/sync/test_crash.py)."""

from __future__ import annotations

import os
import signal

CRASH_ENV = "NIR_TEST_CRASH_AT"


def crash_point(name: str) -> None:
    """The crash tests' hook: with NIR_TEST_CRASH_AT=NAME[:N] the process kills itself with
    SIGKILL the Nth time it passes NAME, exactly like kill -9 from outside, but at a chosen
    step. Unset (always, outside the tests), this does nothing."""
    wanted = os.environ.get(CRASH_ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


_passes: dict[str, int] = {}
