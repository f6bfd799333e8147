"""Personal identifiers: DUF numbers and fødselsnummer / D-number / H-number.

Standard library plus python-stdnum; no pydantic, so these are cheap to import.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from nir_cli.core.i18n import _

DUF_WEIGHTS = (4, 6, 3, 2, 4, 6, 3, 2, 7, 5)
SYNTHETIC_MONTH_OFFSET = 80  # Skatteetaten's synthetic numbers: month + 80
H_NUMBER_MONTH_OFFSET = 40
D_NUMBER_DAY_OFFSET = 40


class IdentifierError(ValueError):
    """An identifier is malformed or fails its check. The message never contains the number."""


class DufUnchecked(IdentifierError):
    """Well-formed DUF number whose check digits do not match: the user may override."""


def duf_check_digits(first_ten: str) -> str:
    """The two check digits of a DUF number: weighted sum of the first ten modulo 11."""
    return f"{sum(w * int(d) for w, d in zip(DUF_WEIGHTS, first_ten, strict=True)) % 11:02d}"


def normalize_duf(value: str, *, accept_unchecked: bool = False) -> str:
    """Validate a DUF number (12 digits, first four a plausible year, check digits).

    A check-digit mismatch raises DufUnchecked unless `accept_unchecked`: UDI keeps the official
    algorithm private, so the user can override, but never silently.
    """
    number = "".join(value.split())
    if len(number) != 12 or not number.isdigit():
        raise IdentifierError(_("DUF number must be 12 digits"))
    year = int(number[:4])
    if not 1960 <= year <= dt.date.today().year:
        raise IdentifierError(_("DUF number must start with the year of first application"))
    if number[10:] != duf_check_digits(number[:10]) and not accept_unchecked:
        raise DufUnchecked(
            _(
                "DUF check digits do not match; if the number is right, accept it with "
                "--accept-unchecked-duf (nir person add and nir import)"
            )
        )
    return number


class NumberKind(StrEnum):
    FODSELSNUMMER = "fodselsnummer"
    D_NUMBER = "d_number"
    H_NUMBER = "h_number"
    SYNTHETIC = "synthetic"


@dataclass(frozen=True)
class PersonalNumber:
    number: str
    kind: NumberKind
    birth_date: dt.date

    @property
    def synthetic(self) -> bool:
        return self.kind is NumberKind.SYNTHETIC


# A check-digit rule takes the 11 digits and says whether the control digits are acceptable.
# Numbers issued from 2032 accept more remainders (Skatteetaten's new scheme); that rule is
# added to this tuple when it is published, without touching the callers.
CheckRule = Callable[[str], bool]


# Cached, as birth_date_of: validating a person asks both of the same number more than once
# (the birth date is taken from it, then checked against it).
@functools.lru_cache(maxsize=256)
def _classic_mod11(number: str) -> bool:
    from stdnum.no import fodselsnummer

    return bool(
        number[9] == fodselsnummer.calc_check_digit1(number[:9])
        and number[10] == fodselsnummer.calc_check_digit2(number[:10])
    )


CHECK_RULES: tuple[CheckRule, ...] = (_classic_mod11,)


def compact_fnr(value: str) -> str:
    """A fødselsnummer as typed, without its spaces and hyphens."""
    return "".join(value.replace("-", " ").split())


def normalize_fnr(
    value: str,
    *,
    allow_synthetic: bool,
    today: dt.date | None = None,
    rules: tuple[CheckRule, ...] = CHECK_RULES,
) -> PersonalNumber:
    """Validate a fødselsnummer, D-number, H-number or synthetic number (month + 80)."""
    number = compact_fnr(value)
    if len(number) != 11 or not number.isdigit():
        raise IdentifierError(_("fødselsnummer must be 11 digits"))
    if not any(rule(number) for rule in rules):
        raise IdentifierError(_("fødselsnummer check digits do not match"))
    day, month = int(number[:2]), int(number[2:4])
    kind = NumberKind.FODSELSNUMMER
    if month > SYNTHETIC_MONTH_OFFSET:
        if not allow_synthetic:
            raise IdentifierError(
                _(
                    "synthetic fødselsnummer (month + 80) is only accepted in a test or sandbox "
                    "profile"
                )
            )
        kind = NumberKind.SYNTHETIC
    elif month > H_NUMBER_MONTH_OFFSET:
        kind = NumberKind.H_NUMBER
    if day > D_NUMBER_DAY_OFFSET and kind is not NumberKind.SYNTHETIC:
        kind = NumberKind.D_NUMBER
    birth = birth_date_of(number)
    if birth > (today or dt.date.today()):
        raise IdentifierError(_("fødselsnummer holds a birth date in the future"))
    return PersonalNumber(number=number, kind=kind, birth_date=birth)


@functools.lru_cache(maxsize=256)
def birth_date_of(number: str) -> dt.date:
    """The birth date an 11-digit fødselsnummer, D-, H- or synthetic number holds; its check
    digits are not checked (normalize_fnr does that)."""
    from stdnum.exceptions import ValidationError
    from stdnum.no import fodselsnummer

    month = int(number[2:4])
    if month > SYNTHETIC_MONTH_OFFSET:
        number = number[:2] + f"{month - SYNTHETIC_MONTH_OFFSET:02d}" + number[4:]
    try:
        return fodselsnummer.get_birth_date(number)
    except ValidationError:
        raise IdentifierError(_("fødselsnummer does not hold a valid birth date")) from None


def make_synthetic_fnr(birth: dt.date, individual: int) -> str | None:
    """A synthetic fødselsnummer for `birth` and a 3-digit individual number, or None when
    that individual number has no valid check digits. For tests, examples and the sandbox."""
    from stdnum.no import fodselsnummer

    if birth.year >= 2000 and not 500 <= individual <= 999:
        return None
    if birth.year < 2000 and not 0 <= individual <= 499:
        return None
    month = birth.month + SYNTHETIC_MONTH_OFFSET
    base = f"{birth.day:02d}{month:02d}{birth.year % 100:02d}{individual:03d}"
    k1 = fodselsnummer.calc_check_digit1(base)
    k2 = fodselsnummer.calc_check_digit2(base + k1)
    if len(k1) != 1 or len(k2) != 1:
        return None
    return base + k1 + k2


def mask(number: str | None) -> str:
    """`15019012345` → `150190*****`: birth date visible, the rest hidden."""
    if not number:
        return ""
    return number[:6] + "*" * (len(number) - 6)


# Eleven digits alone, the last five perhaps set apart as people write them (`010190 12345`,
# `010190-12345`, `010190.12345`), which the number's parser accepts too.
_ELEVEN_DIGITS = re.compile(r"(?<!\d)(\d{6})[ .-]?\d{5}(?!\d)")


def redact(text: str) -> str:
    """Masks anything shaped like a personal number (11 digits alone, written whole or with
    the last five set apart) in a message."""
    return _ELEVEN_DIGITS.sub(lambda m: m.group(1) + "*****", text)


def redact_all(value: Any) -> Any:
    """`value` with `redact` applied to every string in it, dictionary keys included, however
    deep: an error object is redacted whole, wherever a number sent may have landed (a field
    name, a location, a message)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_all(k): redact_all(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_all(v) for v in value)
    return value
