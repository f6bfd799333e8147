"""Parsing the values people type: dates, months, decimals and yes/no, Norwegian or ISO style."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable

from nir_cli.core.i18n import _

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NORWEGIAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$|^(\d{1,2})\.(\d{4})$")
_DECIMAL = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")

TRUE_WORDS = frozenset({"yes", "y", "true", "1", "ja", "j", "x"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "nei"})


def parse_date(text: str) -> dt.date:
    """`2026-01-31`, `31.01.2026` or `31.1.2026`; ValueError with the accepted forms otherwise."""
    text = text.strip()
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _NORWEGIAN.match(text)
        if not match:
            raise ValueError(
                _("{text!r} is not a date: use 2026-01-31 or 31.01.2026").format(text=text)
            )
        day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("{text!r} is not a calendar date").format(text=text)) from None


@functools.lru_cache(maxsize=1024)
def parse_month(text: str) -> str:
    """`2026-01` or `01.2026` → `2026-01`."""
    text = text.strip()
    match = _MONTH.match(text)
    if not match:
        raise ValueError(_("{text!r} is not a month: use 2026-01 or 01.2026").format(text=text))
    year, month = (int(match[1]), int(match[2])) if match[1] else (int(match[4]), int(match[3]))
    if not 1 <= month <= 12:
        raise ValueError(_("{text!r} is not a month: month must be 01 to 12").format(text=text))
    return f"{year:04d}-{month:02d}"


@functools.lru_cache(maxsize=1024)
def month_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a `YYYY-MM` period."""
    year, month = int(period[:4]), int(period[5:7])
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def parse_decimal(text: str) -> float:
    """`12,5` or `12.5` → 12.5 (no thousands separators)."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if not _DECIMAL.match(cleaned):
        raise ValueError(_("{text!r} is not a number").format(text=text))
    return float(cleaned.replace(",", "."))


def parse_bool(text: str) -> bool:
    """yes/no, ja/nei, true/false, 1/0."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_("{text!r} is not yes or no").format(text=text))


def allowed_values(members: Iterable[object]) -> str:
    """The values a closed set allows, for "is not one of: {allowed}" messages, comma-separated:
    each enum member as a person names it in the language in use (`Coded.shown()`: the code in
    English, the Norwegian name in bokmål), a plain code as it is."""
    return ", ".join(
        member.shown() if hasattr(member, "shown") else str(getattr(member, "value", member))
        for member in members
    )
