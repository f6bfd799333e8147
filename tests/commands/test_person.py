import json

from tests.conftest import OTHER_DUF, PERSON_ARGS, TEST_DUF, TEST_FNR, CliFn


def test_add_show_and_list(person: CliFn) -> None:
    shown = person("person", "show", TEST_DUF, "--format", "json")
    assert shown.exit_code == 0
    data = json.loads(shown.stdout)
    assert data["duf"] == TEST_DUF
    assert data["fnr"] == TEST_FNR  # JSON is for systems: unmasked
    assert data["birth_date"] == "1990-01-15"  # taken from the fødselsnummer
    assert data["regime"] == "integreringsloven"
    assert data["municipality"] == "5001"
    assert data["place"] == "Sentrum"
    assert data["entitlement"] == "rett_og_plikt"
    assert data["cost"] == "gratis"
    assert data["norwegian_goal"] == "norskmål"
    assert data["social_studies_hours"] == 75
    assert (data["window_start"], data["window_end"]) == ("2025-06-01", "2028-06-01")
    listed = person("person", "list")
    assert "158190*****" in listed.stdout
    assert TEST_FNR not in listed.stdout
    assert TEST_FNR in person("person", "list", "--show-ids").stdout


def test_find_by_fnr_and_by_id_prefix(person: CliFn) -> None:
    person_id = json.loads(person("person", "show", TEST_DUF, "--format", "json").stdout)["id"]
    assert person("person", "show", TEST_FNR).exit_code == 0
    assert person("person", "show", person_id[-8:]).exit_code == 0
    result = person("person", "show", "abc")
    assert result.exit_code == 65
    assert "the short id is the last 8 characters" in result.stderr
    assert person("person", "show", person_id).exit_code == 0


def test_synthetic_numbers_are_refused_in_production(cli: CliFn) -> None:
    cli("init", "--municipality", "5001")
    result = cli("person", "add", *PERSON_ARGS)
    assert result.exit_code == 65
    assert "only accepted in a test or sandbox profile" in result.stderr
    assert TEST_FNR not in result.stderr


def test_duf_check_failure_can_be_overridden_with_a_warning_free_flag(profile: CliFn) -> None:
    args = [
        "--duf",
        "201234567890",
        "--first-name",
        "Ola",
        "--last-name",
        "Nordmann",
        "--birth-date",
        "1985-03-03",
        "--residence-basis",
        "humanitarian",
        "--permit-date",
        "2024-01-10",
    ]
    refused = profile("person", "add", *args)
    assert refused.exit_code == 65
    assert "--accept-unchecked-duf" in refused.stderr
    assert profile("person", "add", *args, "--accept-unchecked-duf").exit_code == 0


def test_same_duf_twice_is_refused(person: CliFn) -> None:
    result = person("person", "add", *PERSON_ARGS)
    assert result.exit_code == 65
    assert "already has this DUF number" in result.stderr


def test_birth_date_that_contradicts_the_fnr(profile: CliFn) -> None:
    result = profile("person", "add", *PERSON_ARGS, "--birth-date", "1990-01-16")
    assert result.exit_code == 65
    assert "does not match the fødselsnummer" in result.stderr


def test_municipality_outside_the_profile(profile: CliFn) -> None:
    result = profile("person", "add", *PERSON_ARGS, "--municipality", "0301")
    assert result.exit_code == 65
    assert "not in profile 'test'" in result.stderr


def test_edit_makes_a_new_version_and_derives_the_regime_again(person: CliFn) -> None:
    result = person(
        "person",
        "edit",
        TEST_DUF,
        "--permit-date",
        "2020-06-01",
        "--settlement-date",
        "2020-09-01",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["version"], data["regime"]) == (2, "introduksjonsloven")
    again = person("person", "edit", TEST_DUF, "--permit-date", "2020-06-01")
    assert "Nothing changed" in again.stderr


def test_list_filters(person: CliFn) -> None:
    person(
        "person",
        "add",
        "--duf",
        OTHER_DUF,
        "--first-name",
        "Per",
        "--last-name",
        "Hansen",
        "--birth-date",
        "1980-02-02",
        "--residence-basis",
        "labour_non_eea",
        "--permit-date",
        "2023-02-01",
        "--place",
        "Nord",
    )
    rows = json.loads(person("person", "list", "--place", "Nord", "--format", "json").stdout)
    assert [r["last_name"] for r in rows] == ["Hansen"]
    rows = json.loads(person("person", "list", "--search", "Kari", "--format", "json").stdout)
    assert [r["duf"] for r in rows] == [TEST_DUF]
    csv_out = person("person", "list", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,duf,fnr,first_name")
    assert len(csv_out) == 3


def test_the_arrival_date_decides_the_act_and_an_unknown_one_is_said_to_be_presumed(
    profile: CliFn,
) -> None:
    """Family reunified, permit in 2020, settled in 2021: the act turns on the arrival."""
    add = [
        "person", "add", "--duf", TEST_DUF, "--first-name", "Kari", "--last-name", "Nordmann",
        "--birth-date", "1990-01-15", "--residence-basis", "family_of_refugee",
        "--permit-date", "2020-11-01", "--settlement-date", "2021-03-01",
    ]  # fmt: skip
    assert profile(*add).exit_code == 0
    shown = json.loads(profile("person", "show", TEST_DUF, "--format", "json").stdout)
    assert shown["regime"] == "integreringsloven"  # the settlement stands for the arrival
    assert "--arrival-date" in shown["regime_note"]
    edited = profile("person", "edit", TEST_DUF, "--arrival-date", "2020-12-15")
    assert edited.exit_code == 0, edited.stderr
    shown = json.loads(profile("person", "show", TEST_DUF, "--format", "json").stdout)
    assert shown["arrival_date"] == "2020-12-15"
    assert shown["regime"] == "introduksjonsloven"
    assert shown["regime_note"] is None
    late = profile("person", "edit", TEST_DUF, "--arrival-date", "2021-04-01")
    assert late.exit_code == 65
    assert "settlement date is before the arrival date" in late.stderr


def test_person_show_tells_the_programme_target_group(profile: CliFn) -> None:
    add = [
        "person", "add", "--duf", TEST_DUF, "--first-name", "Kari", "--last-name", "Nordmann",
        "--birth-date", "1990-01-15", "--residence-basis", "refugee",
        "--permit-date", "2025-06-01", "--settlement-date", "2025-08-20",
    ]  # fmt: skip
    assert profile(*add).exit_code == 0
    shown = json.loads(profile("person", "show", TEST_DUF, "--format", "json").stdout)
    assert shown["programme_target_group"] is True
    assert shown["programme_due"] == "2025-11-20"
    assert shown["programme_newcomer_until"] == "2027-08-20"
    assert profile("person", "add", "--duf", OTHER_DUF, "--first-name", "Ola", "--last-name",
                   "Nordmann", "--birth-date", "1960-01-15", "--residence-basis", "refugee",
                   "--permit-date", "2025-06-01").exit_code == 0  # fmt: skip
    older = json.loads(profile("person", "show", OTHER_DUF, "--format", "json").stdout)
    assert older["programme_target_group"] is False
    assert "not 18–54" in older["programme_target_reason"]


def test_the_window_follows_education_and_leave(person: CliFn) -> None:
    """18 months with upper secondary education; every day of training leave added."""
    assert person("register", "education", TEST_DUF, "--date", "2025-09-01",
                  "--upper-secondary", "yes").exit_code == 0  # fmt: skip
    leave = person("register", "leave", TEST_DUF, "--date", "2025-10-01", "--scheme",
                   "training", "--until", "2025-10-10", "--reason", "illness")  # fmt: skip
    assert leave.exit_code == 0, leave.stderr
    shown = json.loads(person("person", "show", TEST_DUF, "--format", "json").stdout)
    assert shown["window_months"] == 18
    assert shown["window_leave_days"] == 10
    assert shown["window_end"] == "2026-12-11"  # 1 Jun 2025 + 18 months + 10 days


def test_an_asylum_seeker_has_no_permit_date(profile: CliFn) -> None:
    """Integreringsloven § 5: training in reception, a duty from 18, 175 + 25 hours; no
    permit is asked of someone who has none. Anyone else must give one."""
    seeker = [
        "person", "add", "--duf", TEST_DUF, "--first-name", "Amal", "--last-name", "Test",
        "--birth-date", "1995-03-03", "--residence-basis", "asylum_seeker",
        "--arrival-date", "2025-11-02",
    ]  # fmt: skip
    added = profile(*seeker)
    assert added.exit_code == 0, added.stderr
    shown = json.loads(profile("person", "show", TEST_DUF, "--format", "json").stdout)
    assert shown["permit_date"] is None
    assert shown["regime"] == "integreringsloven"
    assert (shown["entitlement"], shown["cost"]) == ("plikt", "gratis")
    assert (shown["norwegian_hours"], shown["social_studies_hours"]) == (175, 25)
    assert shown["window_end"] is None
    assert shown["programme_target_group"] is False
    claim = profile("register", "claim", TEST_DUF, "--date", "2025-11-10", "--scheme", "asylum")
    assert claim.exit_code == 0, claim.stderr
    refugee = [
        "person", "add", "--duf", OTHER_DUF, "--first-name", "Ola", "--last-name", "Test",
        "--birth-date", "1990-01-15", "--residence-basis", "refugee",
    ]  # fmt: skip
    refused = profile(*refugee)
    assert refused.exit_code == 65
    assert "only an asylum seeker has no permit yet" in refused.stderr
