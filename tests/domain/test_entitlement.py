"""The suggested entitlement, row by row of BRIEF 1.1, with the age and date edges."""

import datetime as dt

import pytest

from nir_cli.domain.entitlement import derive_regime, regime_presumption, suggest
from nir_cli.domain.enums import Cost, Entitlement, Regime, ResidenceBasis

B = ResidenceBasis
E = Entitlement
INTRO = Regime.INTRODUKSJONSLOVEN
INTEG = Regime.INTEGRERINGSLOVEN
SIXA = Regime.INTEGRERINGSLOVEN_6A

PROTECTED = [
    B.REFUGEE,
    B.RESETTLEMENT_REFUGEE,
    B.HUMANITARIAN,
    B.COLLECTIVE_PROTECTION,
    B.FAMILY_OF_REFUGEE,
    B.FAMILY_OF_NORWEGIAN_OR_NORDIC,
]
LABOUR = [B.LABOUR_NON_EEA, B.FAMILY_OF_LABOUR_NON_EEA]
NEITHER = [B.STUDENT, B.AU_PAIR, B.TEMPORARY, B.NORDIC_CITIZEN, B.EEA_EFTA]


def born_years_before(permit: dt.date, years: int, days_after: int = 0) -> dt.date:
    """A birth date making the person exactly `years` old on `permit` (minus `days_after`)."""
    return permit.replace(year=permit.year - years) + dt.timedelta(days=days_after)


PERMIT_2015 = dt.date(2015, 6, 1)
PERMIT_2019 = dt.date(2019, 6, 1)
PERMIT_2023 = dt.date(2023, 6, 1)


@pytest.mark.parametrize("basis", PROTECTED)
@pytest.mark.parametrize(
    ("age", "day_offset", "permit", "expected"),
    [
        (16, 0, PERMIT_2015, E.RETT_OG_PLIKT),  # 16th birthday on the permit date
        (16, 1, PERMIT_2015, E.INGEN),  # one day short of 16
        (54, 0, PERMIT_2015, E.RETT_OG_PLIKT),
        (55, 0, PERMIT_2015, E.RETT),  # 55-67 before 2017: right only
        (55, 0, PERMIT_2019, E.RETT_OG_PLIKT),  # 55-67 from 2017: duty too
        (66, 0, PERMIT_2015, E.RETT),
        (67, 0, PERMIT_2015, E.INGEN),
    ],
)
def test_introduksjonsloven_protected(
    basis: ResidenceBasis, age: int, day_offset: int, permit: dt.date, expected: Entitlement
) -> None:
    result = suggest(INTRO, basis, born_years_before(permit, age, day_offset), permit)
    assert result.entitlement is expected
    if expected is not E.INGEN:
        assert result.cost is Cost.GRATIS
        assert (result.norwegian_hours, result.social_studies_hours) == (550, 50)
        assert result.hours == 600
        assert result.max_hours == 3000


@pytest.mark.parametrize(
    ("permit", "hours"),
    [(dt.date(2011, 12, 31), 300), (dt.date(2012, 1, 1), 600)],
)
def test_hours_change_on_1_january_2012(permit: dt.date, hours: int) -> None:
    result = suggest(INTRO, B.REFUGEE, born_years_before(permit, 30), permit)
    assert result.hours == hours
    assert result.social_studies_hours == 50


@pytest.mark.parametrize(
    ("permit", "expected"),
    [(dt.date(2016, 12, 31), E.RETT), (dt.date(2017, 1, 1), E.RETT_OG_PLIKT)],
)
def test_duty_for_55_to_67_from_1_january_2017(permit: dt.date, expected: Entitlement) -> None:
    assert suggest(INTRO, B.REFUGEE, born_years_before(permit, 60), permit).entitlement is expected


@pytest.mark.parametrize("basis", LABOUR)
@pytest.mark.parametrize(
    ("age", "expected"), [(15, E.INGEN), (16, E.PLIKT), (54, E.PLIKT), (55, E.INGEN)]
)
def test_introduksjonsloven_labour(basis: ResidenceBasis, age: int, expected: Entitlement) -> None:
    result = suggest(INTRO, basis, born_years_before(PERMIT_2015, age), PERMIT_2015)
    assert result.entitlement is expected
    if expected is E.PLIKT:
        assert result.cost is Cost.BETALING
        assert (result.norwegian_hours, result.social_studies_hours) == (250, 50)
    else:
        assert result.cost is Cost.NONE


@pytest.mark.parametrize("regime", [INTRO, INTEG])
@pytest.mark.parametrize("basis", NEITHER)
def test_neither_right_nor_duty_and_nothing_to_pay(regime: Regime, basis: ResidenceBasis) -> None:
    result = suggest(regime, basis, born_years_before(PERMIT_2023, 30), PERMIT_2023)
    assert (result.entitlement, result.cost) == (E.INGEN, Cost.NONE)
    assert result.hours is None
    assert result.window_months is None


@pytest.mark.parametrize("basis", PROTECTED)
@pytest.mark.parametrize(
    ("age", "expected"),
    [(17, E.INGEN), (18, E.RETT_OG_PLIKT), (66, E.RETT_OG_PLIKT), (67, E.INGEN)],
)
def test_integreringsloven_protected(
    basis: ResidenceBasis, age: int, expected: Entitlement
) -> None:
    result = suggest(INTEG, basis, born_years_before(PERMIT_2023, age), PERMIT_2023)
    assert result.entitlement is expected
    if expected is not E.INGEN:
        assert result.goal_based
        assert result.hours is None
        assert result.social_studies_hours == 75
        assert result.window_months == 36


def test_integreringsloven_window_is_18_months_with_upper_secondary() -> None:
    birth = born_years_before(PERMIT_2023, 30)
    assert suggest(INTEG, B.REFUGEE, birth, PERMIT_2023, upper_secondary=True).window_months == 18


@pytest.mark.parametrize("basis", LABOUR)
def test_integreringsloven_labour(basis: ResidenceBasis) -> None:
    result = suggest(INTEG, basis, born_years_before(PERMIT_2023, 30), PERMIT_2023)
    assert (result.entitlement, result.cost, result.social_studies_hours) == (
        E.PLIKT,
        Cost.BETALING,
        50,
    )


@pytest.mark.parametrize(
    ("age", "expected"), [(17, E.INGEN), (18, E.RETT), (66, E.RETT), (67, E.INGEN)]
)
def test_chapter_6a_is_a_right_without_duty_for_12_months(age: int, expected: Entitlement) -> None:
    result = suggest(
        SIXA, B.COLLECTIVE_PROTECTION, born_years_before(PERMIT_2023, age), PERMIT_2023
    )
    assert result.entitlement is expected
    if expected is E.RETT:
        assert (result.window_months, result.window_from) == (12, "first_start")
        assert result.cost is Cost.GRATIS


@pytest.mark.parametrize(
    ("regime", "age", "expected", "hours"),
    [
        (INTEG, 17, E.INGEN, (None, None)),
        (INTEG, 18, E.PLIKT, (175, 25)),  # § 5: a duty from 18, 175 + 25 hours
        (INTEG, 70, E.PLIKT, (175, 25)),
        (INTRO, 15, E.INGEN, (None, None)),
        # Introduksjonsloven § 20 a: a duty from 16 for those in reception from 1 Sep 2018 to
        # 175 hours of Norwegian; the 50 of culture and values lifted from 2021 (forskriften § 72).
        (INTRO, 16, E.PLIKT, (175, None)),
    ],
)
def test_asylum_seekers_in_reception(
    regime: Regime, age: int, expected: Entitlement, hours: tuple[int | None, int | None]
) -> None:
    result = suggest(regime, B.ASYLUM_SEEKER, born_years_before(PERMIT_2023, age), PERMIT_2023)
    assert result.entitlement is expected
    assert (result.norwegian_hours, result.social_studies_hours) == hours
    assert result.cost is (Cost.NONE if hours == (None, None) else Cost.GRATIS)


@pytest.mark.parametrize(
    ("came", "permit", "expected"),
    [
        (dt.date(2018, 8, 31), None, E.INGEN),  # before § 20 a: up to 175 h may be given
        (dt.date(2018, 9, 1), None, E.PLIKT),
        # The coming to reception is the arrival, not a later permit.
        (dt.date(2018, 6, 1), dt.date(2019, 6, 1), E.INGEN),
    ],
)
def test_introduksjonsloven_asylum_duty_from_1_september_2018(
    came: dt.date, permit: dt.date | None, expected: Entitlement
) -> None:
    result = suggest(INTRO, B.ASYLUM_SEEKER, born_years_before(came, 30), permit, arrival_date=came)
    assert result.entitlement is expected
    # 175 hours of Norwegian; no culture and values since integreringsforskriften § 72.
    assert (result.norwegian_hours, result.social_studies_hours) == (175, None)


@pytest.mark.parametrize("basis", LABOUR)
def test_integreringsloven_labour_has_a_duty_without_a_right_or_a_frist(
    basis: ResidenceBasis,
) -> None:
    """§ 28: a duty, paid by the participant, with no 36/18-month window of § 27 persons."""
    result = suggest(INTEG, basis, born_years_before(PERMIT_2023, 30), PERMIT_2023)
    assert (result.entitlement, result.cost) == (E.PLIKT, Cost.BETALING)
    assert (result.window_months, result.window_from) == (None, None)
    assert result.social_studies_hours == 50
    assert "§ 28" in result.note
    assert "unverified" in result.note  # when the duty ends rests on a provider's page


@pytest.mark.parametrize("regime", [INTRO, INTEG])
@pytest.mark.parametrize("basis", [B.LIMITED_FAMILY, B.INDEPENDENT_PERMIT, B.OTHER_PERMANENT_BASIS])
def test_the_other_permits_of_section_27_give_a_right_and_a_duty(
    regime: Regime, basis: ResidenceBasis
) -> None:
    result = suggest(regime, basis, born_years_before(PERMIT_2019, 30), PERMIT_2019)
    assert (result.entitlement, result.cost) == (E.RETT_OG_PLIKT, Cost.GRATIS)
    assert ("first renewal" in result.note) is (basis is B.LIMITED_FAMILY)


D = dt.date


@pytest.mark.parametrize(
    ("basis", "permit", "settlement", "arrival", "regime"),
    [
        (B.REFUGEE, D(2020, 12, 31), None, None, INTRO),
        (B.REFUGEE, D(2020, 12, 31), D(2020, 12, 31), None, INTRO),
        # An asylum refugee is in Norway when the permit is granted: settled in 2021, still the
        # old act (integreringsforskriften § 72 looks at permit and arrival, not settlement).
        (B.REFUGEE, D(2020, 12, 31), D(2021, 1, 1), None, INTRO),
        (B.REFUGEE, D(2021, 1, 1), None, None, INTEG),
        # Applied for from abroad: the arrival decides; unknown, the settlement stands for it.
        (B.RESETTLEMENT_REFUGEE, D(2020, 12, 1), D(2021, 1, 1), None, INTEG),
        (B.RESETTLEMENT_REFUGEE, D(2020, 12, 1), D(2020, 12, 31), None, INTRO),
        (B.FAMILY_OF_REFUGEE, D(2020, 11, 1), D(2021, 3, 1), D(2020, 12, 31), INTRO),
        (B.FAMILY_OF_REFUGEE, D(2020, 11, 1), D(2021, 3, 1), D(2021, 1, 1), INTEG),
        (B.FAMILY_OF_REFUGEE, D(2020, 11, 1), None, D(2021, 1, 1), INTEG),
        (B.FAMILY_OF_REFUGEE, D(2021, 1, 1), None, D(2020, 12, 1), INTEG),  # permit decides
        # Chapter 6A: collective protection granted from 11 Mar 2022 until 1 Jul 2026.
        (B.COLLECTIVE_PROTECTION, D(2022, 3, 10), None, None, INTEG),
        (B.COLLECTIVE_PROTECTION, D(2022, 3, 11), None, None, SIXA),
        (B.COLLECTIVE_PROTECTION, D(2026, 6, 30), None, None, SIXA),
        (B.COLLECTIVE_PROTECTION, D(2026, 7, 1), None, None, INTEG),
        (B.LABOUR_NON_EEA, D(2023, 1, 1), None, None, INTEG),
    ],
)
def test_regime_from_dates(
    basis: ResidenceBasis,
    permit: dt.date,
    settlement: dt.date | None,
    arrival: dt.date | None,
    regime: Regime,
) -> None:
    assert derive_regime(basis, permit, settlement, arrival) is regime


@pytest.mark.parametrize(
    ("basis", "permit", "settlement", "arrival", "presumed"),
    [
        (B.FAMILY_OF_REFUGEE, D(2020, 11, 1), D(2021, 3, 1), None, True),
        (B.FAMILY_OF_REFUGEE, D(2020, 11, 1), None, None, True),
        (B.FAMILY_OF_REFUGEE, D(2020, 11, 1), D(2021, 3, 1), D(2020, 12, 1), False),
        (B.FAMILY_OF_REFUGEE, D(2020, 11, 1), D(2020, 12, 1), None, False),  # settled before
        (B.FAMILY_OF_REFUGEE, D(2021, 1, 1), None, None, False),  # the permit decides
        (B.REFUGEE, D(2020, 11, 1), D(2021, 3, 1), None, False),  # here before the permit
    ],
)
def test_an_unknown_arrival_is_said_to_be_presumed_only_where_it_matters(
    basis: ResidenceBasis,
    permit: dt.date,
    settlement: dt.date | None,
    arrival: dt.date | None,
    presumed: bool,
) -> None:
    note = regime_presumption(basis, permit, settlement, arrival)
    assert (note is not None) is presumed
    if note:
        assert "--arrival-date" in note


@pytest.mark.parametrize(
    ("arrival", "regime"),
    [(None, INTEG), (D(2020, 12, 31), INTRO), (D(2021, 1, 1), INTEG)],
)
def test_an_asylum_seeker_without_a_permit_follows_the_arrival(
    arrival: dt.date | None, regime: Regime
) -> None:
    assert derive_regime(B.ASYLUM_SEEKER, None, None, arrival) is regime
    presumed = regime_presumption(B.ASYLUM_SEEKER, None, None, arrival)
    assert (presumed is not None) is (arrival is None)


@pytest.mark.parametrize(
    ("birth", "arrival", "expected"),
    [
        (D(2008, 6, 1), D(2026, 5, 31), E.INGEN),  # 17 on arrival
        (D(2008, 6, 1), D(2026, 6, 1), E.PLIKT),  # 18 on arrival
        (D(2008, 6, 1), None, E.PLIKT),  # no day to count on: taken as an adult
    ],
)
def test_an_asylum_seekers_age_counts_on_arrival_without_a_permit(
    birth: dt.date, arrival: dt.date | None, expected: Entitlement
) -> None:
    result = suggest(INTEG, B.ASYLUM_SEEKER, birth, None, arrival_date=arrival)
    assert result.entitlement is expected


def test_the_window_starts_when_the_right_begins_and_ends_at_67() -> None:
    """§ 26: at the permit, or on a later arrival; for collective protection at settlement;
    «Retten og plikten opphører ved fylte 67 år»."""
    from nir_cli.domain.entitlement import TrainingFacts, entitlement_view

    facts = TrainingFacts()
    later = entitlement_view(
        INTEG, B.FAMILY_OF_REFUGEE, D(1990, 1, 1), D(2023, 3, 1), facts, D(2023, 9, 1)
    )
    assert (later["window_start"], later["window_end"]) == ("2023-09-01", "2026-09-01")
    protected = entitlement_view(
        INTEG, B.COLLECTIVE_PROTECTION, D(1990, 1, 1), D(2021, 6, 1), facts, None, D(2021, 10, 1)
    )
    assert (protected["window_start"], protected["window_end"]) == ("2021-10-01", "2024-10-01")
    older = entitlement_view(INTEG, B.REFUGEE, D(1958, 6, 1), D(2023, 3, 1), facts)
    assert older["window_end"] == "2025-06-01"  # the 67th birthday, before 3 years are up
