"""Two municipalities, every role, every endpoint: nothing crosses a municipality, and only
superusers and deputies administer users. Another municipality's data answers 404."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from nir_cli.wire import ADMIN_ROLES, Role
from tests.registry.conftest import (
    MUNICIPALITIES,
    Registry,
    batch,
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
    world: dict,
    municipality: str,  # type: ignore[type-arg]
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
