"""Each rule: a person who triggers it, and one who just does not."""

from __future__ import annotations

from nir_cli.rules.catalogue import RULES
from tests.rules.conftest import Register
from tests.rules.test_scenarios import CASES


def test_every_rule_is_tested_here() -> None:
    tested = {
        name.removeprefix("test_").replace("_", "-")
        for name in globals()
        if name.startswith("test_") and name != "test_every_rule_is_tested_here"
    }
    tested |= {case.rule for case in CASES}
    assert {rule.id for rule in RULES} <= tested


def test_no_claim_or_offer(reg: Register) -> None:
    flagged = reg.person(settlement_date="2024-01-31")
    offered = reg.person(settlement_date="2024-01-31")
    reg.add(offered, "offer", "2024-03-01", scheme="training")
    student = reg.person(residence_basis="student", settlement_date="2024-01-31")
    # Deadline 30 Apr (31 Jan + 3 months, clamped): not yet on the deadline day.
    assert reg.findings("no-claim-or-offer", "2024-04-30") == []
    assert reg.findings("no-claim-or-offer", "2024-05-01") == [flagged]
    assert student not in reg.findings("no-claim-or-offer", "2025-01-01")


def test_offer_late(reg: Register) -> None:
    late = reg.person()
    reg.add(late, "claim", "2024-03-01", scheme="training")
    fine = reg.person()
    reg.add(fine, "claim", "2024-03-01", scheme="training")
    reg.add(fine, "offer", "2024-05-01", scheme="training")
    assert reg.findings("offer-late", "2024-06-01") == []
    assert reg.findings("offer-late", "2024-06-02") == [late]


def test_offer_late_counts_from_population_registration_for_permits_from_2016(
    reg: Register,
) -> None:
    person = reg.person(population_registration_date="2024-02-15")
    reg.add(person, "claim", "2024-04-01", scheme="training")
    assert reg.findings("offer-late", "2024-05-16") == [person]  # 15 Feb + 3 months passed


def test_programme_start_late(reg: Register) -> None:
    late = reg.person(settlement_date="2024-02-01")
    reg.add(late, "claim", "2024-02-10", scheme="programme")
    started = reg.person(settlement_date="2024-02-01")
    reg.add(started, "claim", "2024-02-10", scheme="programme")
    reg.add(started, "start", "2024-04-01", scheme="programme")
    assert reg.findings("programme-start-late", "2024-05-10") == []
    assert reg.findings("programme-start-late", "2024-05-11") == [late]


def test_claim_without_decision(reg: Register) -> None:
    waiting = reg.person()
    reg.add(waiting, "claim", "2025-12-31", scheme="training")
    decided = reg.person()
    reg.add(decided, "claim", "2025-12-31", scheme="training")
    reg.add(
        decided,
        "decision",
        "2026-01-15",
        scheme="training",
        outcome="refused",
        reason="has sufficient skills",
    )
    assert reg.findings("claim-without-decision", "2026-03-31") == []
    assert reg.findings("claim-without-decision", "2026-04-01") == [waiting]


def test_granted_without_start(reg: Register) -> None:
    waiting = reg.person()
    reg.add(waiting, "decision", "2025-01-10", scheme="training", outcome="granted")
    started = reg.person()
    reg.add(started, "decision", "2025-01-10", scheme="training", outcome="granted")
    reg.add(started, "start", "2025-02-01", scheme="training")
    refused = reg.person()
    reg.add(refused, "decision", "2025-01-10", scheme="training", outcome="refused", reason="x")
    assert reg.findings("granted-without-start", "2025-04-10") == []
    assert reg.findings("granted-without-start", "2025-04-11") == [waiting]


def test_no_hours_for_month(reg: Register) -> None:
    gap = reg.person()
    reg.add(gap, "start", "2025-01-15", scheme="training")
    reg.add(gap, "hours", "2025-01-31", period="2025-01", norwegian_hours=10)
    full = reg.person()
    reg.add(full, "start", "2025-01-15", scheme="training")
    for month in ("01", "02"):
        reg.add(full, "hours", f"2025-{month}-28", period=f"2025-{month}", norwegian_hours=10)
    # February's hours are due by 30 Apr (two months after its last day): flagged from 1 May.
    assert reg.findings("no-hours-for-month", "2025-04-30") == []
    assert reg.findings("no-hours-for-month", "2025-05-01") == [gap]


def test_no_hours_stop_at_the_end(reg: Register) -> None:
    ended = reg.person()
    reg.add(ended, "start", "2025-01-15", scheme="training")
    reg.add(ended, "hours", "2025-01-31", period="2025-01", norwegian_hours=10)
    reg.add(ended, "end", "2025-01-31", scheme="training", reason="moved")
    assert reg.findings("no-hours-for-month", "2025-12-01") == []


def test_no_absence_for_month(reg: Register) -> None:
    gap = reg.person()
    reg.add(gap, "start", "2025-03-03", scheme="programme")
    fine = reg.person()
    reg.add(fine, "start", "2025-03-03", scheme="programme")
    reg.add(fine, "absence", "2025-03-31", period="2025-03", valid_hours=0)
    assert reg.findings("no-absence-for-month", "2025-05-31") == []  # March's: due 31 May
    assert reg.findings("no-absence-for-month", "2025-06-01") == [gap]


def test_end_without_reason(reg: Register) -> None:
    silent = reg.person()
    reg.add(silent, "end", "2025-06-30", scheme="training")
    told = reg.person()
    reg.add(told, "end", "2025-06-30", scheme="training", reason="completed")
    # The reason is due with the end, two months after it: 30 Aug.
    assert reg.findings("end-without-reason", "2025-08-30") == []
    assert reg.findings("end-without-reason", "2025-08-31") == [silent]


def test_goal_or_education_missing(reg: Register) -> None:
    lacking = reg.person(permit_date="2024-01-10")  # integreringsloven
    reg.add(lacking, "start", "2025-01-10", scheme="training")
    reg.add(lacking, "goal", "2025-01-10", scheme="training", level="B1")
    complete = reg.person(permit_date="2024-01-10")
    reg.add(complete, "start", "2025-01-10", scheme="training")
    reg.add(complete, "goal", "2025-01-10", scheme="training", level="B1")
    reg.add(complete, "education", "2025-01-10", upper_secondary="no")
    old_act = reg.person(permit_date="2019-01-10", settlement_date="2019-03-01")
    reg.add(old_act, "start", "2025-01-10", scheme="training")
    assert reg.findings("goal-or-education-missing", "2025-03-10") == []
    assert reg.findings("goal-or-education-missing", "2025-03-11") == [lacking]


def test_goal_missing_counts_from_a_granted_decision_too(reg: Register) -> None:
    granted = reg.person(permit_date="2024-01-10")
    reg.add(granted, "claim", "2025-01-01", scheme="training")
    reg.add(granted, "decision", "2025-01-10", scheme="training", outcome="granted")
    reg.add(granted, "education", "2025-01-10", upper_secondary="no")
    assert reg.findings("goal-or-education-missing", "2025-03-10") == []
    assert reg.findings("goal-or-education-missing", "2025-03-11") == [granted]


def test_signup_without_result_is_retired_with_its_reason(reg: Register) -> None:
    import pytest

    from nir_cli.core.errors import UsageError

    with pytest.raises(UsageError, match="retired: test results reach NIR from HK-dir"):
        reg.findings("signup-without-result", "2025-07-21")


def test_window_ending(reg: Register) -> None:
    # integreringsloven: 36 months from the permit, 18 with upper secondary education.
    behind = reg.person(permit_date="2023-03-01")
    reg.add(behind, "goal", "2023-05-01", scheme="training", level="B1")
    reg.add(behind, "test-result", "2025-05-20", test="norskprove", oral="A2", reading="B1")
    reached = reg.person(permit_date="2023-03-01")
    reg.add(reached, "goal", "2023-05-01", scheme="training", level="B1")
    reg.add(reached, "test-result", "2025-05-20", test="norskprove", oral="B1", reading="B2")
    short = reg.person(permit_date="2024-09-01")
    reg.add(short, "education", "2024-10-01", upper_secondary="ja")
    # Window of `behind` ends 1 Mar 2026: flagged from 90 days before (1 Dec), not 91.
    assert behind not in reg.findings("window-ending", "2025-11-30")
    assert behind in reg.findings("window-ending", "2025-12-01")
    assert behind not in reg.findings("window-ending", "2026-03-02")  # ended: no longer ending
    # `short` has 18 months: ends 1 Mar 2026 too.
    assert short in reg.findings("window-ending", "2026-02-01")
    assert reached not in reg.findings("window-ending", "2026-02-01")


def test_findings_are_scoped_by_municipality_and_place(reg: Register) -> None:
    import datetime as dt

    from nir_cli.rules.findings import missing

    here = reg.person(settlement_date="2024-01-31")
    there = reg.person(settlement_date="2024-01-31", municipality="5028", place="Nord")
    as_of = dt.date(2024, 6, 1)
    assert {f.duf for f in missing(reg.store, as_of, municipality="5001")} == {here}
    assert {f.duf for f in missing(reg.store, as_of, place="Nord")} == {there}
