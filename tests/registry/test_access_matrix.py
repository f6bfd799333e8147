"""Two municipalities, every role, every endpoint: nothing crosses a municipality, and only
superusers and deputies administer users. Another municipality's data answers 404."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from nir_cli.wire import ADMIN_ROLES, Role
from tests.registry.conftest import (
    MUNICIPALITIES,
    Registry,
    batch,
    claim_record,
    person_record,
    run_registry,
)

ROLES = list(Role)


@pytest.fixture(scope="module")
def world(module_registry_database: str) -> Iterator[dict[str, object]]:
    """A registry with one user per role per municipality, and one person per municipality."""
    for live in run_registry(module_registry_database):
        sessions: dict[tuple[str, Role], requests.Session] = {}
        for municipality in MUNICIPALITIES:
            for role in ROLES:
                name = f"{municipality}-{role.value}"
                live.add_user(name, municipality, role)
                sessions[(municipality, role)] = live.login(name)
        people = {}
        for municipality in MUNICIPALITIES:
            record = person_record(municipality)
            answer = (
                sessions[(municipality, Role.TRANSFER)]
                .post(f"{live.url}/v1/batches", json=batch(record), timeout=10)
                .json()
            )
            assert answer["results"][0]["status"] == "accepted"
            people[municipality] = record["id"]
        yield {"registry": live, "sessions": sessions, "people": people}


CASES = [(m, r) for m in MUNICIPALITIES for r in ROLES]


def other(municipality: str) -> str:
    return next(m for m in MUNICIPALITIES if m != municipality)


@pytest.mark.parametrize(("municipality", "role"), CASES)
def test_reads_see_only_the_own_municipality(world: dict, municipality: str, role: Role) -> None:  # type: ignore[type-arg]
    live: Registry = world["registry"]
    s = world["sessions"][(municipality, role)]
    me = s.get(f"{live.url}/v1/me", timeout=10).json()
    assert (me["municipality"], me["role"]) == (municipality, role.value)
    changes = s.get(f"{live.url}/v1/changes", timeout=10).json()["changes"]
    assert {c["body"]["municipality"] for c in changes} == {municipality}
    own, theirs = world["people"][municipality], world["people"][other(municipality)]
    assert s.get(f"{live.url}/v1/records/{own}", timeout=10).status_code == 200
    assert s.get(f"{live.url}/v1/records/{theirs}", timeout=10).status_code == 404
    assert s.get(f"{live.url}/v1/records/{own}/entitlement", timeout=10).status_code == 200
    assert s.get(f"{live.url}/v1/records/{theirs}/entitlement", timeout=10).status_code == 404


@pytest.mark.parametrize(("municipality", "role"), CASES)
def test_writes_stay_in_the_own_municipality(world: dict, municipality: str, role: Role) -> None:  # type: ignore[type-arg]
    live: Registry = world["registry"]
    s = world["sessions"][(municipality, role)]
    theirs = world["people"][other(municipality)]
    # Editing another municipality's person, even knowing its id, is refused without detail.
    edit = person_record(other(municipality), record_id=theirs, version=2, base=1)
    result = s.post(f"{live.url}/v1/batches", json=batch(edit), timeout=10).json()["results"][0]
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "id_taken"
    assert "current" not in result or result["current"] is None


@pytest.mark.parametrize(("municipality", "role"), CASES)
def test_only_superusers_and_deputies_administer_users(
    world: dict[str, Any],
    municipality: str,
    role: Role,
) -> None:
    live: Registry = world["registry"]
    s = world["sessions"][(municipality, role)]
    listed = s.get(f"{live.url}/v1/users", timeout=10)
    created = s.post(
        f"{live.url}/v1/users",
        json={
            "username": f"{municipality}-new-{role.value}",
            "password": "long-enough-1",
            "role": "user",
        },
        timeout=10,
    )
    foreign = f"{other(municipality)}-user"
    disable_foreign = s.post(f"{live.url}/v1/users/{foreign}/disable", timeout=10)
    reset_foreign = s.post(
        f"{live.url}/v1/users/{foreign}/reset-password",
        json={"password": "another-long-1"},
        timeout=10,
    )
    if role in ADMIN_ROLES:
        assert listed.status_code == 200
        assert {u["municipality"] for u in listed.json()} == {municipality}
        assert created.status_code == 201
        assert created.json()["municipality"] == municipality
        assert disable_foreign.status_code == 404
        assert reset_foreign.status_code == 404
    else:
        assert {
            listed.status_code,
            created.status_code,
            disable_foreign.status_code,
            reset_foreign.status_code,
        } == {403}


def test_a_deputy_cannot_make_a_superuser(world: dict) -> None:  # type: ignore[type-arg]
    live: Registry = world["registry"]
    s = world["sessions"][("5001", Role.DEPUTY)]
    answer = s.post(
        f"{live.url}/v1/users",
        json={"username": "5001-boss", "role": "superuser", "password": "long-enough-1"},
        timeout=10,
    )
    assert answer.status_code == 403


def test_no_token_is_401_everywhere(world: dict) -> None:  # type: ignore[type-arg]
    live: Registry = world["registry"]
    for method, path in [
        ("get", "/v1/me"),
        ("get", "/v1/changes"),
        ("get", "/v1/records/any-id/entitlement"),
        ("post", "/v1/batches"),
        ("get", "/v1/users"),
        ("get", "/v1/tokens"),
    ]:
        assert requests.request(method, f"{live.url}{path}", timeout=10).status_code == 401


@pytest.mark.parametrize(("old", "new"), [("5001", "0301"), ("0301", "5001")])
def test_a_move_hands_one_person_s_history_to_the_new_municipality_and_nothing_else(
    registry: Registry, old: str, new: str
) -> None:
    """The one exception to the matrix, both ways: the municipality a person moved to reads
    that person's earlier registrations (in its feed, read-only); it reads no other person of
    the old municipality, and the old municipality reads nothing the new one registers. A
    third municipality reads none of it."""
    live = registry
    third = "4601"
    sessions = {}
    for municipality in (old, new, third):
        live.add_user(f"{municipality}-sync", municipality, Role.TRANSFER)
        sessions[municipality] = live.login(f"{municipality}-sync")

    def send(municipality: str, *records: dict) -> list[dict]:  # type: ignore[type-arg]
        answer = sessions[municipality].post(
            f"{live.url}/v1/batches", json=batch(*records), timeout=10
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["results"]  # type: ignore[no-any-return]

    def feed(municipality: str) -> set[str]:
        changes = sessions[municipality].get(f"{live.url}/v1/changes", timeout=10).json()
        return {c["id"] for c in changes["changes"]}

    mover, stayer = person_record(old), person_record(old)
    before, stayer_claim = claim_record(mover["id"]), claim_record(stayer["id"])
    assert {r["status"] for r in send(old, mover, stayer, before, stayer_claim)} == {"accepted"}
    arrived = person_record(
        new, duf=mover["body"]["duf"], population_registration_date="2026-03-01"
    )
    assert send(new, arrived)[0]["status"] == "accepted"
    after = claim_record(arrived["id"], date="2026-03-10")
    assert send(new, after)[0]["status"] == "accepted"

    assert feed(new) == {arrived["id"], before["id"], after["id"]}
    assert feed(old) == {mover["id"], stayer["id"], before["id"], stayer_claim["id"]}
    assert feed(third) == set()
    # Read-only: the new municipality cannot change what the old one registered.
    edit = claim_record(mover["id"], record_id=before["id"], version=2, base=1, date="2025-07-02")
    assert send(new, edit)[0]["status"] == "rejected"
    # Nor read either side's records by id outside the hand-over.
    for reader, record in ((new, stayer), (new, stayer_claim), (old, arrived), (old, after)):
        got = sessions[reader].get(f"{live.url}/v1/records/{record['id']}", timeout=10)
        assert got.status_code == 404, (reader, record["id"])
    # A correction the old municipality makes of its own registration follows the person.
    fixed = claim_record(mover["id"], record_id=before["id"], version=2, base=1, date="2025-07-02")
    fixed_answer = send(old, fixed)[0]
    assert fixed_answer["status"] == "accepted", fixed_answer["error"]
    versions = {
        c["id"]: c["version"]
        for c in sessions[new].get(f"{live.url}/v1/changes", timeout=10).json()["changes"]
    }
    assert versions[before["id"]] == 2
    assert feed(third) == set()
