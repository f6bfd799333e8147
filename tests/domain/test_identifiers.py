import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nir_cli.domain.identifiers import (
    DufUnchecked,
    IdentifierError,
    NumberKind,
    duf_check_digits,
    make_synthetic_fnr,
    mask,
    normalize_duf,
    normalize_fnr,
)


@pytest.mark.parametrize("number", ["201212345603", "200205705502", "200900595509"])
def test_brief_duf_numbers_pass_the_check(number: str) -> None:
    assert normalize_duf(number) == number


def test_duf_with_wrong_check_digits_needs_an_explicit_override() -> None:
    with pytest.raises(DufUnchecked, match="--accept-unchecked-duf"):
        normalize_duf("201234567890")
    assert normalize_duf("201234567890", accept_unchecked=True) == "201234567890"


@pytest.mark.parametrize(
    ("number", "message"),
    [("20121234560", "12 digits"), ("2012123456O3", "12 digits"), ("185012345603", "year")],
)
def test_malformed_duf_numbers_are_refused_even_with_override(number: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        normalize_duf(number, accept_unchecked=True)


@given(st.integers(1960, 2026), st.integers(0, 999_999))
def test_any_duf_with_computed_check_digits_passes(year: int, serial: int) -> None:
    first_ten = f"{year}{serial:06d}"
    assert normalize_duf(first_ten + duf_check_digits(first_ten)) == first_ten + duf_check_digits(
        first_ten
    )


dates = st.dates(dt.date(1920, 1, 1), dt.date(2024, 12, 31))


@given(dates, st.integers(0, 999))
def test_synthetic_numbers_round_trip_their_birth_date(birth: dt.date, individual: int) -> None:
    number = make_synthetic_fnr(birth, individual)
    if number is None:
        return
    parsed = normalize_fnr(number, allow_synthetic=True)
    assert parsed.kind is NumberKind.SYNTHETIC
    assert parsed.birth_date == birth


@given(dates, st.integers(0, 999))
def test_synthetic_numbers_are_refused_outside_test_profiles(
    birth: dt.date, individual: int
) -> None:
    number = make_synthetic_fnr(birth, individual)
    if number is None:
        return
    with pytest.raises(IdentifierError, match="test or sandbox profile"):
        normalize_fnr(number, allow_synthetic=False)


def test_fnr_errors_never_contain_the_number() -> None:
    number = "15819000067"  # synthetic test number with a wrong last check digit
    with pytest.raises(IdentifierError) as info:
        normalize_fnr(number, allow_synthetic=True)
    assert number not in str(info.value)
    assert "check digits" in str(info.value)


def test_a_new_check_rule_can_be_added_without_touching_callers() -> None:
    wrong = "15819000067"
    accept_all = (lambda number: True,)
    assert normalize_fnr(wrong, allow_synthetic=True, rules=accept_all).birth_date == dt.date(
        1990, 1, 15
    )


def test_future_birth_date_is_refused() -> None:
    number = make_synthetic_fnr(dt.date(2024, 5, 1), 500)
    assert number is not None
    with pytest.raises(IdentifierError, match="future"):
        normalize_fnr(number, allow_synthetic=True, today=dt.date(2024, 1, 1))


def test_mask_keeps_the_birth_date_only() -> None:
    assert mask("15819000066") == "158190*****"
    assert mask(None) == ""
