"""Deadline arithmetic: calendar months with a month-end clamp (BRIEF 1.4)."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from enum import StrEnum

from nir_cli.core.constants import REGISTRATION_DEADLINE_MONTHS


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day number `months` later, or the last day of that month when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def two_month_deadline(fact_date: dt.date) -> dt.date:
    """The last day a registration with this fact date is on time in NIR."""
    return add_months(fact_date, REGISTRATION_DEADLINE_MONTHS)


class RegistrationState(StrEnum):
    PENDING = "pending"
    OVERDUE = "overdue"
    ACCEPTED = "accepted"


def registration_state(
    fact_date: dt.date, *, accepted: bool, withdrawn: bool = False, today: dt.date
) -> RegistrationState:
    """Accepted when the registry holds the current version; overdue when its deadline passed
    without that; a withdrawn registration has no deadline left to miss."""
    if accepted:
        return RegistrationState.ACCEPTED
    if not withdrawn and today > two_month_deadline(fact_date):
        return RegistrationState.OVERDUE
    return RegistrationState.PENDING


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` (a person born 29 Feb turns a year older on 1 Mar)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
