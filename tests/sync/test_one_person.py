"""One person, one record: two offices of a municipality (and a third that pulls) register the
same people, on both storages, over real HTTP; a person moves to another municipality and the
history follows; a registry made before persons were kept gets its duplicates merged."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from nir_cli.wire import Role
from tests.conftest import PERSON_ARGS, TEST_DUF, CliFn
from tests.registry.conftest import Registry
from tests.sync.conftest import records

CLAIM = ["--date", "2025-08-20", "--scheme", "training"]
START = ["--date", "2025-10-01", "--scheme", "training"]


def store(home: Path, profile: str) -> sqlite3.Connection:
    conn = sqlite3.connect(home / "data" / f"{profile}.db")
    conn.row_factory = sqlite3.Row
    return conn


def registry_persons(live: Registry) -> list[dict[str, Any]]:
    """The person records of the registry's feed, and its persons."""
    with live.db.session() as session:
        return session.query(
            "SELECT r.id, r.municipality, r.person_key, p.duf FROM records r "
            "LEFT JOIN persons p ON p.person_id = r.person_key WHERE r.entity = 'person'"
        )


@pytest.fixture
def three(synced: CliFn) -> CliFn:
    """A third office of 5001 on the same registry (profile 'third'), beside 'test' and
    'second' (tests/sync/conftest.py), each at a place of its own."""
    for name, place in (("second", "Nord"), ("third", "Sør")):
        result = synced(
            "--profile", name, "init", "-m", "5001", "--place", place,
            "--registry", _url(synced), "--environment", "test", "--replace",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
    return synced


def _url(cli: CliFn) -> str:
    shown = json.loads(cli("profile", "list", "--format", "json").stdout)
    return str(next(p["registry_url"] for p in shown if p["name"] == "test"))


def test_two_offices_with_the_same_facts_make_one_person(
    three: CliFn, live: Registry, nir_home: Path
) -> None:
    nir = three
    assert nir("person", "add", *PERSON_ARGS).exit_code == 0
    assert nir("register", "claim", TEST_DUF, *CLAIM).exit_code == 0
    assert nir("sync").exit_code == 0
    # The second office types the same person from its case system, and a start.
    assert nir("--profile", "second", "person", "add", *PERSON_ARGS).exit_code == 0
    assert nir("--profile", "second", "register", "start", TEST_DUF, *START).exit_code == 0
    second = nir("--profile", "second", "sync", "--format", "json")
    assert second.exit_code == 0, second.stderr  # no conflict: the same facts
    assert json.loads(second.stdout)["conflicts"] == 0
    # The registry: one person per DUF, one record of it, both registrations on that record.
    persons = registry_persons(live)
    assert [p["duf"] for p in persons] == [TEST_DUF]
    first_id = persons[0]["id"]
    with live.db.session() as session:
        owners = {
            r["person_id"]
            for r in session.query("SELECT person_id FROM records WHERE entity = 'registration'")
        }
    assert owners == {first_id}
    # Every office, the third that only pulls too, holds one person with both registrations.
    assert nir("sync").exit_code == 0
    assert nir("--profile", "third", "sync").exit_code == 0
    for profile in ("test", "second", "third"):
        held = records(nir_home / "data" / f"{profile}.db")
        assert list(held["persons"]) == [first_id], profile
        assert sorted(r[1] for r in held["registrations"].values()) == ["claim", "start"]
    # Nothing of the second office's own record is lost: its last version is kept.
    with store(nir_home, "second") as conn:
        kept = conn.execute("SELECT person_id, body FROM merged_persons").fetchall()
    assert [k["person_id"] for k in kept] == [first_id]
    assert json.loads(kept[0]["body"])["place"] == "Nord"


def test_another_birth_date_is_one_conflict_to_compare_and_resolve(
    three: CliFn, live: Registry, nir_home: Path
) -> None:
    nir = three
    no_fnr = [a for a in PERSON_ARGS if a not in ("--fnr", PERSON_ARGS[3])]
    assert nir("person", "add", *no_fnr, "--birth-date", "1990-01-15").exit_code == 0
    assert nir("sync").exit_code == 0
    other = nir("--profile", "second", "person", "add", *no_fnr, "--birth-date", "1991-01-15")
    assert other.exit_code == 0, other.stderr
    assert nir("--profile", "second", "register", "claim", TEST_DUF, *CLAIM).exit_code == 0
    answered = nir("--profile", "second", "sync")
    assert answered.exit_code == 5, answered.stderr  # a conflict waits for a person
    status = json.loads(nir("--profile", "second", "status", "--format", "json").stdout)
    assert status["conflicts"] == 1
    listed = json.loads(nir("--profile", "second", "conflicts", "list", "--format", "json").stdout)
    assert len(listed) == 1
    shown = nir("--profile", "second", "conflicts", "show", str(listed[0]["id"]))
    assert "birth_date" in shown.stdout
    assert "1990-01-15" in shown.stdout
    assert "1991-01-15" in shown.stdout
    # The registry still holds one person per DUF number.
    assert [p["duf"] for p in registry_persons(live)] == [TEST_DUF]
    # Theirs: the local record becomes the registry's, and the claim goes on it.
    resolved = nir("--profile", "second", "conflicts", "resolve", str(listed[0]["id"]),
                   "--keep", "theirs")  # fmt: skip
    assert resolved.exit_code == 0, resolved.stderr
    assert nir("--profile", "second", "sync").exit_code == 0
    held = records(nir_home / "data" / "second.db")
    assert len(held["persons"]) == 1
    (person,) = held["persons"].values()
    assert person[0] >= 1
    with live.db.session() as session:
        claims = session.query("SELECT person_id FROM records WHERE entity = 'registration'")
    assert [c["person_id"] for c in claims] == list(held["persons"])


def test_a_personal_number_known_under_another_duf_is_never_kept_twice(
    three: CliFn, live: Registry
) -> None:
    nir = three
    assert nir("person", "add", *PERSON_ARGS).exit_code == 0
    assert nir("sync").exit_code == 0
    other = list(PERSON_ARGS)
    other[1] = "201290900106"  # another DUF number, the same fødselsnummer
    assert (
        nir("--profile", "second", "person", "add", *other, "--accept-unchecked-duf").exit_code == 0
    )
    assert nir("--profile", "second", "sync").exit_code == 5
    assert len(registry_persons(live)) == 1


def test_a_moved_person_s_history_follows_and_the_old_municipality_stops_seeing(
    synced: CliFn, live: Registry, nir_home: Path, tmp_path: Path
) -> None:
    """5001 Trondheim registers a person; the person moves to 0301 Oslo, whose office registers
    them (same DUF number and birth date): Oslo gets Trondheim's registrations read-only,
    Trondheim keeps its own and never sees Oslo's."""
    nir = synced
    live.add_user("0301-sync", "0301", Role.TRANSFER)
    token = tmp_path / "oslo.token"
    token.write_text(live.token("0301-sync"))
    token.chmod(0o600)
    oslo = ["--profile", "oslo", "--token-file", str(token)]
    url = _url(nir)
    assert nir(
        "--profile", "oslo", "init", "-m", "0301", "--registry", url, "--environment", "test"
    )  # fmt: skip.exit_code == 0
    assert nir("person", "add", *PERSON_ARGS).exit_code == 0
    assert nir("register", "claim", TEST_DUF, *CLAIM).exit_code == 0
    assert nir("register", "start", TEST_DUF, *START).exit_code == 0
    assert nir("sync").exit_code == 0
    moved = [*PERSON_ARGS, "--population-registration-date", "2026-03-01"]
    added = nir(*oslo, "person", "add", *moved, "--municipality", "0301")
    assert added.exit_code == 0, added.stderr
    first = nir(*oslo, "sync", "--format", "json")
    assert first.exit_code == 0, first.stderr
    assert nir(*oslo, "sync").exit_code == 0  # the hand-over arrives with the pull
    held = records(nir_home / "data" / "oslo.db")
    assert sorted(r[1] for r in held["registrations"].values()) == ["claim", "start"]
    with store(nir_home, "oslo") as conn:
        owners = {r["municipality"] for r in conn.execute("SELECT municipality FROM registrations")}
    assert owners == {"5001"}
    claim_id = next(i for i, r in held["registrations"].items() if r[1] == "claim")
    edit = nir(*oslo, "registration", "withdraw", claim_id, "--reason", "not ours")
    assert edit.exit_code == 65
    assert "read-only" in edit.stderr
    # Oslo registers hours; Trondheim never sees them.
    hours = ["--date", "2026-03-31", "--period", "2026-03", "--norwegian-hours", "20"]
    assert nir(*oslo, "register", "hours", TEST_DUF, *hours).exit_code == 0
    assert nir(*oslo, "sync").exit_code == 0
    assert nir("sync").exit_code == 0
    trondheim = records(nir_home / "data" / "test.db")
    assert sorted(r[1] for r in trondheim["registrations"].values()) == ["claim", "start"]
    # A correction Trondheim makes of its own earlier registration reaches Oslo, read-only.
    assert nir("registration", "withdraw", claim_id, "--reason", "registered twice").exit_code == 0
    assert nir("sync").exit_code == 0
    assert nir(*oslo, "sync").exit_code == 0
    oslo_held = records(nir_home / "data" / "oslo.db")
    assert oslo_held["registrations"][claim_id][4] == 1  # withdrawn
    # The registry: one person, two records (one each), and the move.
    persons = registry_persons(live)
    assert {p["municipality"] for p in persons} == {"5001", "0301"}
    assert {p["person_key"] for p in persons} == {persons[0]["person_key"]}
    with live.db.session() as session:
        moves = session.query("SELECT from_municipality, to_municipality, moved_on FROM moves")
    assert moves == [
        {"from_municipality": "5001", "to_municipality": "0301", "moved_on": "2026-03-01"}
    ]
    # Oslo cannot read Trondheim's records by id: only the hand-over of the moved person.
    oslo_api = live.login("0301-sync")
    assert oslo_api.get(f"{live.url}/v1/records/{claim_id}", timeout=10).status_code == 404


def test_a_number_of_another_municipality_s_person_with_other_facts_is_refused_blind(
    synced: CliFn, live: Registry, tmp_path: Path
) -> None:
    """A DUF number that belongs to another municipality's person born another day: refused,
    saying nothing of that person."""
    nir = synced
    live.add_user("0301-sync", "0301", Role.TRANSFER)
    token = tmp_path / "oslo.token"
    token.write_text(live.token("0301-sync"))
    token.chmod(0o600)
    oslo = ["--profile", "oslo", "--token-file", str(token)]
    oslo_init = ["--profile", "oslo", "init", "-m", "0301", "--environment", "test"]
    assert nir(*oslo_init, "--registry", _url(nir)).exit_code == 0
    no_fnr = [a for a in PERSON_ARGS if a not in ("--fnr", PERSON_ARGS[3])]
    assert nir("person", "add", *no_fnr, "--birth-date", "1990-01-15").exit_code == 0
    assert nir("sync").exit_code == 0
    other = [*no_fnr, "--birth-date", "1980-01-15", "--municipality", "0301"]
    assert nir(*oslo, "person", "add", *other).exit_code == 0
    answer = nir(*oslo, "sync", "--format", "json")
    assert answer.exit_code == 65
    assert "Kari" not in answer.stderr
    assert "1990-01-15" not in answer.stderr
    assert "same_number" in answer.stderr


def test_a_pulled_person_of_a_local_number_is_the_same_person_not_a_warning_per_record(
    three: CliFn, live: Registry, nir_home: Path
) -> None:
    """An office that typed people before it ever synced pulls the registry's records of them:
    the same facts become the registry's records; other facts are one conflict each, and
    --quiet says so in one line."""
    nir = three
    no_fnr = [a for a in PERSON_ARGS if a not in ("--fnr", PERSON_ARGS[3])]
    assert nir("person", "add", *no_fnr, "--birth-date", "1990-01-15").exit_code == 0
    other = ["--duf", "201290900106", "--first-name", "Ola", "--last-name", "Nordmann",
             "--birth-date", "1985-05-05", "--residence-basis", "refugee",
             "--permit-date", "2025-06-01"]  # fmt: skip
    assert nir("person", "add", *other).exit_code == 0
    assert nir("sync").exit_code == 0
    second = ["--profile", "second"]
    assert nir(*second, "person", "add", *no_fnr, "--birth-date", "1990-01-15").exit_code == 0
    differs = [*other[:-6], "--birth-date", "1986-05-05", *other[-4:]]
    assert nir(*second, "person", "add", *differs).exit_code == 0
    pulled = nir(*second, "--quiet", "sync", "--pull-only")
    assert pulled.exit_code == 5, pulled.stderr  # one conflict waits
    lines = [line for line in pulled.stderr.splitlines() if line]
    assert len(lines) == 1, pulled.stderr
    assert "nir conflicts list" in lines[0]
    held = records(nir_home / "data" / "second.db")
    ids = {p[3]: i for i, p in held["persons"].items()}
    registry_ids = {p["duf"]: p["id"] for p in registry_persons(live)}
    assert ids[TEST_DUF] == registry_ids[TEST_DUF]  # merged: the registry's record
    assert ids["201290900106"] != registry_ids["201290900106"]  # waits for a person
    listed = json.loads(nir(*second, "conflicts", "list", "--format", "json").stdout)
    assert [c["duf"] for c in listed] == ["201290900106"]
