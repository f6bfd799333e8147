"""`nir report grant-base`: who triggers which norsktilskudd, and who triggers none."""

from __future__ import annotations

from nir_cli.rules.reports import run
from tests.rules.conftest import Register


def grant_base(reg: Register, year: int) -> dict[tuple[str, str, str], int]:
    rows = run(reg.store, "grant-base", year=year, municipality=None, place=None)
    return {(r["grant_scheme"], r["regime"], r["residence_basis"]): r["persons"] for r in rows}


def test_grant_base_counts_persontilskudd_for_rett_og_plikt_only(reg: Register) -> None:
    reg.person(permit_date="2025-03-01", settlement_date="2025-05-01")  # refugee, integr.
    reg.person(residence_basis="labour_non_eea", permit_date="2025-03-01")  # pays: none
    reg.person(residence_basis="student", permit_date="2025-03-01")  # no right: none
    reg.person(birth_date="1950-01-01", permit_date="2025-03-01")  # aged 75: none
    assert grant_base(reg, 2025) == {("persontilskudd", "integreringsloven", "refugee"): 1}


def test_introduksjonsloven_counts_from_permits_of_2017(reg: Register) -> None:
    reg.person(permit_date="2016-12-31", settlement_date="2017-02-01")
    reg.person(permit_date="2018-06-01", settlement_date="2018-08-01")
    assert grant_base(reg, 2016) == {}
    assert grant_base(reg, 2018) == {("persontilskudd", "introduksjonsloven", "refugee"): 1}


def test_a_later_arrival_moves_the_year(reg: Register) -> None:
    reg.person(
        residence_basis="family_of_refugee",
        permit_date="2020-11-01",
        arrival_date="2021-02-01",
        settlement_date=None,
    )
    assert grant_base(reg, 2020) == {}
    assert grant_base(reg, 2021) == {
        ("persontilskudd", "integreringsloven", "family_of_refugee"): 1
    }


def test_chapter_6a_and_asylum_seekers_have_grants_of_their_own(reg: Register) -> None:
    ukraine = reg.person(residence_basis="collective_protection", permit_date="2023-01-10")
    reg.add(ukraine, "education", "2024-02-01", upper_secondary="no")
    reg.add(ukraine, "start", "2024-02-01", scheme="training")
    reg.add(ukraine, "extended-training", "2024-12-01", months=6)
    reception = reg.person(residence_basis="asylum_seeker", permit_date="2024-01-10")
    reg.add(reception, "start", "2024-03-01", scheme="asylum")
    assert grant_base(reg, 2024) == {
        ("6a-persontilskudd", "integreringsloven_6a", "collective_protection"): 1,
        ("6a-utvidet-opplaering", "integreringsloven_6a", "collective_protection"): 1,
        ("asylnorsk", "integreringsloven", "asylum_seeker"): 1,
    }


def test_programme_report_counts_who_started_on_time(reg: Register) -> None:
    on_time = reg.person(settlement_date="2025-02-01")
    reg.add(on_time, "start", "2025-05-01", scheme="programme")  # 1 Feb + 3 months: in time
    late = reg.person(settlement_date="2025-02-01")
    reg.add(late, "claim", "2025-02-10", scheme="programme")
    reg.add(late, "start", "2025-05-02", scheme="programme")
    reg.person(settlement_date="2025-02-01")  # nothing yet
    reg.person(residence_basis="labour_non_eea", settlement_date="2025-02-01")  # not in group
    rows = run(reg.store, "programme", year=2025, municipality=None, place=None)
    assert rows == [
        {
            "regime": "integreringsloven",
            "in_target_group": 3,
            "with_claim_or_offer": 2,
            "started": 2,
            "started_on_time": 1,
        }
    ]


def test_results_tell_what_participants_went_on_to(reg: Register) -> None:
    worker = reg.person()
    reg.add(worker, "end", "2025-06-30", scheme="programme", reason="completed",
            activity_after="employment")  # fmt: skip
    silent = reg.person()
    reg.add(silent, "end", "2025-06-30", scheme="programme", reason="completed")
    rows = run(reg.store, "results", year=2025, municipality=None, place=None)
    outcomes = {r["result"]: r["persons"] for r in rows if r["test"] == "programme"}
    assert outcomes == {"employment": 1, "not_registered": 1}


def test_each_decision_on_extended_training_has_its_grant_where_the_rate_is_known(
    reg: Register,
) -> None:
    """Each decision triggers kr 27 450 (IMDi, 2023); for a year whose rate this nir does not
    know, the amount is left out rather than guessed."""
    ukraine = reg.person(residence_basis="collective_protection", permit_date="2022-05-10")
    reg.add(ukraine, "education", "2022-09-01", upper_secondary="no")
    reg.add(ukraine, "start", "2022-09-01", scheme="training")
    reg.add(ukraine, "extended-training", "2023-09-01", months=6)
    reg.add(ukraine, "extended-training", "2023-12-01", months=6)
    other = reg.person(residence_basis="collective_protection", permit_date="2023-05-10")
    reg.add(other, "education", "2023-06-01", upper_secondary="yes")
    reg.add(other, "start", "2023-06-01", scheme="training")
    reg.add(other, "extended-training", "2024-06-01", months=6)

    def extended(year: int) -> list[tuple[int, int, int | None]]:
        rows = run(reg.store, "grant-base", year=year, municipality=None, place=None)
        return [
            (r["persons"], r["decisions"], r["amount_nok"])
            for r in rows
            if r["grant_scheme"] == "6a-utvidet-opplaering"
        ]

    assert extended(2023) == [(1, 2, 2 * 27450)]
    assert extended(2024) == [(1, 1, None)]
