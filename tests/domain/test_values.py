import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nir_cli.domain.values import month_bounds, parse_bool, parse_date, parse_decimal, parse_month


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
def test_dates_parse_in_iso_and_norwegian_form(day: dt.date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d.%m.%Y")) == day
    assert parse_date(f"{day.day}.{day.month}.{day.year}") == day


@pytest.mark.parametrize("text", ["31.02.2026", "2026-13-01", "01/02/2026", "", "i går", "2026-1"])
def test_bad_dates_are_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_date(text)


@given(st.text(max_size=30))
def test_parse_date_raises_only_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "value"), [("12,5", 12.5), ("12.5", 12.5), (" 3 ", 3.0), (",5", 0.5)]
)
def test_decimals_with_comma_or_point(text: str, value: float) -> None:
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["1.000,5", "12,5,1", "abc", ""])
def test_bad_decimals(text: str) -> None:
    with pytest.raises(ValueError, match="number"):
        parse_decimal(text)


def test_months_and_their_bounds() -> None:
    assert parse_month("01.2026") == parse_month("2026-1") == "2026-01"
    assert month_bounds("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert month_bounds("2025-12") == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    with pytest.raises(ValueError, match="month"):
        parse_month("2026-13")


def test_yes_and_no_in_both_languages() -> None:
    assert parse_bool("Ja")
    assert parse_bool("yes")
    assert not parse_bool("nei")
    with pytest.raises(ValueError, match="yes or no"):
        parse_bool("kanskje")
