import json
from pathlib import Path

import pytest

from tests.conftest import TEST_DUF, CliFn

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def data(person: CliFn) -> CliFn:
    person("register", "claim", TEST_DUF, "--date", "2025-12-31", "--scheme", "training")
    person("register", "start", TEST_DUF, "--date", "2026-01-02", "--scheme", "training")
    person(
        "register",
        "test-result",
        TEST_DUF,
        "--date",
        "2026-01-10",
        "--test",
        "norskprove",
        "--oral",
        "B1",
        "--reading",
        "A2",
    )
    person(
        "register",
        "test-result",
        TEST_DUF,
        "--date",
        "2026-01-11",
        "--test",
        "samfunnskunnskap",
        "--passed",
        "ja",
    )
    return person


def test_overdue_as_of_and_within(data: CliFn) -> None:
    rows = json.loads(data("overdue", "--as-of", "2026-03-01", "--format", "json").stdout)
    assert [(r["kind"], r["deadline"], r["days_overdue"]) for r in rows] == [
        ("claim", "2026-02-28", 1)
    ]
    rows = json.loads(
        data("overdue", "--as-of", "2026-03-01", "--within", "2", "--format", "json").stdout
    )
    assert [(r["kind"], r["state"], r["days_overdue"]) for r in rows] == [
        ("claim", "overdue", 1),
        ("start", "due", -1),
    ]


def test_fail_on_findings_exits_3_for_cron(data: CliFn) -> None:
    result = data("-q", "overdue", "--as-of", "2026-03-01", "--fail-on-findings")
    assert result.exit_code == 3
    assert "claim" in result.stdout
    assert data("overdue", "--as-of", "2026-02-28", "--fail-on-findings").exit_code == 0
    assert data("missing", "--as-of", "2026-04-01", "--fail-on-findings").exit_code == 3


def test_missing_lists_findings_and_rules(data: CliFn) -> None:
    result = data("missing", "--as-of", "2026-04-01", "--format", "json")
    rules = {f["rule"] for f in json.loads(result.stdout)}
    assert "claim-without-decision" in rules
    assert "no-hours-for-month" in rules
    one = data(
        "missing", "--as-of", "2026-04-01", "--rule", "no-hours-for-month", "--format", "json"
    )
    assert {f["rule"] for f in json.loads(one.stdout)} == {"no-hours-for-month"}
    listed = data("missing", "--list-rules", "--format", "json")
    assert len(json.loads(listed.stdout)) == 14
    unknown = data("missing", "--rule", "nope")
    assert unknown.exit_code == 2
    assert "unknown rule nope" in unknown.stderr
    retired = data("missing", "--rule", "signup-without-result")
    assert retired.exit_code == 2
    assert "was retired: test results reach NIR from HK-dir" in retired.stderr


def test_missing_never_shows_a_personal_number(profile: CliFn) -> None:
    # A person known only by a (synthetic) fødselsnummer is shown masked.
    profile(
        "person",
        "add",
        "--fnr",
        "15819000066",
        "--first-name",
        "K",
        "--last-name",
        "N",
        "--residence-basis",
        "refugee",
        "--permit-date",
        "2024-01-10",
        "--settlement-date",
        "2024-02-01",
    )
    result = profile("missing", "--as-of", "2025-01-01")
    assert "158190*****" in result.stdout
    assert "15819000066" not in result.stdout


def test_status_counts(data: CliFn) -> None:
    status = json.loads(data("status", "--as-of", "2026-03-01", "--format", "json").stdout)
    assert status["overdue"] == 1
    assert status["due_soon"] == 3
    assert status["pending"] == 5  # the person and four registrations wait in the outbox
    assert status["last_sync"] is None
    assert data("status").stdout.count("never") == 1


def test_reports(data: CliFn) -> None:
    results = json.loads(data("report", "results", "--format", "json").stdout)
    assert {"test": "norskprove", "subtest": "oral", "result": "B1", "persons": 1} in results
    assert {"test": "samfunnskunnskap", "subtest": "", "result": "passed", "persons": 1} in results
    assert json.loads(data("report", "results", "--year", "2025", "--format", "json").stdout) == []
    groups = json.loads(data("report", "target-groups", "--format", "json").stdout)
    # Under integreringsloven the granted decision (tildeling) and the start are the offer.
    assert groups == [
        {"regime": "integreringsloven", "in_target_group": 1, "with_offer": 1, "without_offer": 0}
    ]
    grant = json.loads(data("report", "grant-base", "--year", "2025", "--format", "json").stdout)
    assert grant == [
        {
            "grant_scheme": "persontilskudd",
            "regime": "integreringsloven",
            "residence_basis": "refugee",
            "persons": 1,
            "decisions": None,
            "amount_nok": None,
        }
    ]
    assert (
        json.loads(data("report", "grant-base", "--year", "2026", "--format", "json").stdout) == []
    )
    timely = json.loads(data("report", "timeliness", "--format", "json").stdout)
    assert all(row["on_time"] == 0 for row in timely)
    assert data("report", "nope").exit_code == 2
