"""Each kind's own validation, through the same models the commands and the import use."""

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from nir_cli.domain.enums import Kind, Level, Scheme
from nir_cli.domain.model import Checks, problems
from nir_cli.domain.registrations import MODELS, parse_registration

TODAY = dt.date(2026, 6, 1)
CONTEXT = Checks(today=TODAY).as_context()


def parse(**fields: Any) -> Any:
    return parse_registration(fields, context=CONTEXT)


def messages(**fields: Any) -> list[str]:
    with pytest.raises(ValidationError) as info:
        parse(**fields)
    return [f"{p.field}: {p.message}" for p in problems(info.value)]


def test_every_kind_has_a_model() -> None:
    assert set(MODELS) == set(Kind)


def test_kinds_and_codes_accept_norwegian_names() -> None:
    reg = parse(
        kind="Vedtak",
        fact_date="10.09.2025",
        scheme="Introduksjonsprogram",
        outcome="innvilget",
        months="24",
    )
    assert reg.kind is Kind.DECISION
    assert reg.scheme_value is Scheme.PROGRAMME
    assert reg.fact_date == dt.date(2025, 9, 10)


def test_fact_date_in_the_future_is_refused() -> None:
    assert messages(kind="claim", fact_date="2026-06-02", scheme="training") == [
        "fact_date: 2026-06-02 is in the future"
    ]


def test_refusal_needs_a_reason() -> None:
    assert (
        "a refusal needs a reason"
        in messages(kind="decision", fact_date="2025-09-10", scheme="training", outcome="refused")[
            0
        ]
    )


def test_hours_take_decimal_commas_and_refuse_negative_and_absurd_values() -> None:
    reg = parse(kind="hours", fact_date="2026-01-31", period="2026-01", norwegian_hours="12,5")
    assert reg.details()["norwegian_hours"] == 12.5
    assert any(
        "greater than or equal to 0" in m
        for m in messages(
            kind="hours", fact_date="2026-01-31", period="2026-01", norwegian_hours="-1"
        )
    )
    assert any(
        "less than or equal to 744" in m
        for m in messages(
            kind="hours", fact_date="2026-01-31", period="2026-01", norwegian_hours="800"
        )
    )


def test_hours_are_not_for_the_programme() -> None:
    assert (
        "hours is registered for scheme training, asylum, not programme"
        in messages(
            kind="hours",
            fact_date="2026-01-31",
            period="2026-01",
            scheme="programme",
            norwegian_hours="3",
        )[0]
    )


def test_absence_separates_valid_and_invalid_hours() -> None:
    reg = parse(
        kind="absence",
        fact_date="2026-01-31",
        period="01.2026",
        valid_hours="4",
        invalid_hours="2,5",
    )
    assert reg.details() == {"period": "2026-01", "valid_hours": 4.0, "invalid_hours": 2.5}


def test_period_after_the_fact_date_is_refused() -> None:
    assert (
        "before the period 2026-02 starts"
        in messages(kind="absence", fact_date="2026-01-31", period="2026-02", valid_hours="1")[0]
    )


@pytest.mark.parametrize("level", ["under_a1", "A1", "a2", "B1", "b2", "C1", "under A1"])
def test_norskprove_levels(level: str) -> None:
    reg = parse(kind="test-result", fact_date="2026-05-20", test="norskprove", oral=level)
    assert isinstance(reg.details()["oral"], str)


def test_level_order() -> None:
    assert [level.rank for level in Level] == sorted(level.rank for level in Level)
    assert Level.parse("under a1") is Level.UNDER_A1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"test": "norskprove"}, "at least one of the levels"),
        ({"test": "norskprove", "oral": "B3"}, "oral"),
        ({"test": "norskprove", "oral": "B1", "passed": "yes"}, "not passed"),
        ({"test": "samfunnskunnskap"}, "pass or fail"),
        ({"test": "statsborger", "passed": "ja", "oral": "B1"}, "gives no levels"),
    ],
)
def test_test_results_fit_their_test(fields: dict[str, str], message: str) -> None:
    assert any(message in m for m in messages(kind="test-result", fact_date="2026-05-20", **fields))


def test_goal_is_a_level_for_training_and_a_final_goal_for_the_programme() -> None:
    assert parse(kind="goal", fact_date="2025-09-10", scheme="training", level="B1")
    assert parse(kind="goal", fact_date="2025-09-10", scheme="programme", final_goal="arbeid")
    assert (
        "is a level"
        in messages(
            kind="goal", fact_date="2025-09-10", scheme="training", final_goal="employment"
        )[0]
    )


def test_leave_cannot_end_before_it_starts() -> None:
    assert (
        "ends before it starts"
        in messages(
            kind="leave",
            fact_date="2026-02-01",
            scheme="programme",
            until="2026-01-01",
            reason="parental",
        )[0]
    )


def test_test_signup_may_be_for_a_future_test_but_not_before_signup() -> None:
    assert parse(
        kind="test-signup", fact_date="2026-05-01", test="norskprove", test_date="2026-09-01"
    )
    assert (
        "before the sign-up"
        in messages(
            kind="test-signup", fact_date="2026-05-01", test="norskprove", test_date="2026-04-01"
        )[0]
    )


def test_exemption_from_a_test_names_the_test_only_for_tests() -> None:
    assert (
        parse(
            kind="exemption",
            fact_date="2025-09-10",
            exemption_from="tests",
            basis="health",
            test="norskprove",
        ).scheme_value
        is Scheme.TRAINING
    )
    assert (
        "only for an exemption from tests"
        in messages(
            kind="exemption",
            fact_date="2025-09-10",
            exemption_from="training",
            basis="health",
            test="norskprove",
        )[0]
    )


def test_unknown_kind_and_unknown_fields() -> None:
    with pytest.raises(ValueError, match="not one of"):
        parse(kind="holiday", fact_date="2025-09-10")
    assert (
        "is not a field of this kind"
        in messages(kind="start", fact_date="2025-09-10", scheme="training", hours="3")[0]
    )
