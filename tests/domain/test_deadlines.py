import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nir_cli.domain.deadlines import (
    RegistrationState,
    add_months,
    age_on,
    registration_state,
    two_month_deadline,
)


@pytest.mark.parametrize(
    ("fact", "deadline"),
    [
        (dt.date(2025, 12, 31), dt.date(2026, 2, 28)),
        (dt.date(2023, 12, 31), dt.date(2024, 2, 29)),
        (dt.date(2025, 11, 30), dt.date(2026, 1, 30)),
        (dt.date(2025, 8, 31), dt.date(2025, 10, 31)),
        (dt.date(2024, 2, 29), dt.date(2024, 4, 29)),
        (dt.date(2025, 12, 30), dt.date(2026, 2, 28)),
        (dt.date(2026, 1, 15), dt.date(2026, 3, 15)),
        (dt.date(2025, 11, 1), dt.date(2026, 1, 1)),
    ],
)
def test_two_month_deadline_table(fact: dt.date, deadline: dt.date) -> None:
    assert two_month_deadline(fact) == deadline


@given(st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
def test_deadline_is_same_day_two_months_on_or_that_months_last_day(fact: dt.date) -> None:
    deadline = two_month_deadline(fact)
    months = (deadline.year - fact.year) * 12 + deadline.month - fact.month
    assert months == 2
    last_day = calendar.monthrange(deadline.year, deadline.month)[1]
    assert deadline.day == min(fact.day, last_day)
    assert 59 <= (deadline - fact).days <= 62


@given(st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
def test_deadline_never_goes_backwards(fact: dt.date) -> None:
    assert two_month_deadline(fact + dt.timedelta(days=1)) >= two_month_deadline(fact)


def test_state_is_overdue_only_after_the_deadline_day() -> None:
    fact = dt.date(2025, 12, 31)
    assert (
        registration_state(fact, accepted=False, today=dt.date(2026, 2, 28))
        is RegistrationState.PENDING
    )
    assert (
        registration_state(fact, accepted=False, today=dt.date(2026, 3, 1))
        is RegistrationState.OVERDUE
    )
    assert (
        registration_state(fact, accepted=True, today=dt.date(2027, 1, 1))
        is RegistrationState.ACCEPTED
    )
    assert (
        registration_state(fact, accepted=False, withdrawn=True, today=dt.date(2027, 1, 1))
        is RegistrationState.PENDING
    )


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (dt.date(2000, 2, 29), dt.date(2016, 2, 28), 15),
        (dt.date(2000, 2, 29), dt.date(2016, 2, 29), 16),
        (dt.date(2000, 2, 29), dt.date(2017, 3, 1), 17),
        (dt.date(1970, 6, 1), dt.date(2025, 5, 31), 54),
        (dt.date(1970, 6, 1), dt.date(2025, 6, 1), 55),
    ],
)
def test_age_on(birth: dt.date, day: dt.date, age: int) -> None:
    assert age_on(birth, day) == age


@given(st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)), st.integers(-120, 120))
def test_add_months_agrees_with_dateutil(day: dt.date, months: int) -> None:
    from dateutil.relativedelta import relativedelta

    assert add_months(day, months) == day + relativedelta(months=months)
