"""`nir --verbose`: what nir does as it goes, on stderr, for a person at a terminal or a cron log.

Modules log to their own logger under `nir_cli` at INFO. Nothing shows unless `-v` is given, and
`-q` wins over it. A message never holds a personal number or a name: file names, counts, the
ids nir made, URLs, where a token came from (never the token) and timings only.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import logging

ROOT = "nir_cli"
_handler: logging.Handler | None = None


def configure(on: bool, stream: TextIO | None = None) -> None:
    """Show INFO messages on `stream` (stderr) or nothing at all."""
    global _handler
    if not on and "logging" not in sys.modules:
        return  # nothing can have been switched on: keep start-up free of the logging module
    import logging

    logger = logging.getLogger(ROOT)
    logger.propagate = False
    if _handler is not None:
        logger.removeHandler(_handler)
    if on:
        _handler = logging.StreamHandler(stream or sys.stderr)
        _handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
        logger.setLevel(logging.INFO)
    else:
        _handler = logging.NullHandler()  # not even logging's last-resort handler
        logger.setLevel(logging.WARNING)
    logger.addHandler(_handler)
