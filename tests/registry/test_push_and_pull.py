"""Batches, answers per record, idempotency, conflicts and pulls, over real HTTP."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from nir_cli.wire import BatchOut, RecordIn, Role
from tests.registry.conftest import (
    Registry,
    batch,
    claim_record,
    new_id,
    person_record,
)


def user(registry: Registry, municipality: str = "5001"):  # type: ignore[no-untyped-def]
    name = f"{municipality}-{new_id()[:6]}"
    registry.add_user(name, municipality, Role.TRANSFER)
    return registry.login(name)


def push(session, url: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    answer = session.post(f"{url}/v1/batches", json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def test_accepted_records_are_pulled_in_order(registry: Registry) -> None:
    s = user(registry)
    person = person_record()
    results = push(s, registry.url, batch(person, claim_record(person["id"])))
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert results[0]["registry_date"]
    page = s.get(f"{registry.url}/v1/changes", params={"after": 0, "limit": 1}, timeout=10).json()
    assert [c["id"] for c in page["changes"]] == [person["id"]]
    rest = s.get(
        f"{registry.url}/v1/changes", params={"after": page["next_cursor"]}, timeout=10
    ).json()
    assert [c["entity"] for c in rest["changes"]] == ["registration"]
    empty = s.get(
        f"{registry.url}/v1/changes", params={"after": rest["next_cursor"]}, timeout=10
    ).json()
    assert empty == {"changes": [], "next_cursor": rest["next_cursor"]}


def test_a_resent_batch_or_record_changes_nothing_and_answers_the_same(registry: Registry) -> None:
    s = user(registry)
    person = person_record()
    body = batch(person)
    first = push(s, registry.url, body)
    assert push(s, registry.url, body) == first
    again_elsewhere = push(s, registry.url, batch(person))
    assert again_elsewhere == first
    changes = s.get(f"{registry.url}/v1/changes", timeout=10).json()["changes"]
    assert len(changes) == 1


def test_a_record_answered_under_the_earlier_hash_gets_its_answer_again(
    registry: Registry,
) -> None:
    # An earlier registry kept sha256 of RecordIn's JSON as a record's hash, and every answer
    # in full; a batch a client remembered then and resends now must get its answer, not a
    # conflict with itself.
    s = user(registry)
    person = person_record()
    first = push(s, registry.url, batch(person))
    legacy = hashlib.sha256(RecordIn.model_validate(person).model_dump_json().encode())
    with registry.db.session() as store, store.write() as conn:
        conn.execute(
            "UPDATE record_answers SET record_hash = ?, answer = ? WHERE id = ?",
            (legacy.hexdigest(), json.dumps(first[0]), person["id"]),
        )
    assert push(s, registry.url, batch(person)) == first
    changed = person_record(record_id=person["id"], first_name="Kari Anne")
    assert push(s, registry.url, batch(changed))[0]["status"] == "conflict"


def test_an_idempotency_key_with_another_body_is_422(registry: Registry) -> None:
    s = user(registry)
    s.post(f"{registry.url}/v1/batches", json=batch(person_record(), key="same-key-1"), timeout=10)
    answer = s.post(
        f"{registry.url}/v1/batches",
        json=batch(person_record(duf="200205705502"), key="same-key-1"),
        timeout=10,
    )
    assert answer.status_code == 422


def test_stale_base_is_a_conflict_with_the_registrys_version(registry: Registry) -> None:
    s = user(registry)
    person = person_record()
    push(s, registry.url, batch(person))
    mine = person_record(record_id=person["id"], version=2, base=1, first_name="Kari Anne")
    assert push(s, registry.url, batch(mine))[0]["status"] == "accepted"
    stale = person_record(record_id=person["id"], version=2, base=1, first_name="K.")
    result = push(s, registry.url, batch(stale))[0]
    assert result["status"] == "conflict"
    assert result["current"]["version"] == 2
    assert result["current"]["body"]["first_name"] == "Kari Anne"


def test_invalid_records_are_rejected_with_code_field_and_message(registry: Registry) -> None:
    s = user(registry)
    bad_person = person_record(fnr="15819000067")
    orphan = claim_record(new_id())
    future = person_record(duf="200205705502", permit_date="2999-01-01")
    results = push(s, registry.url, batch(bad_person, orphan, future))
    assert [r["status"] for r in results] == ["rejected"] * 3
    assert results[0]["error"]["field"] == "fnr"
    assert "15819000067" not in str(results[0])
    assert results[1]["error"]["code"] == "unknown_person"
    assert results[2]["error"]["field"] == "permit_date"


def test_the_answer_is_exactly_a_batchout_as_pydantic_writes_it(registry: Registry) -> None:
    """The registry writes its answers without building the models; they must not differ."""
    s = user(registry)
    person = person_record()
    body = batch(person, claim_record(person["id"]), claim_record(new_id()))
    for answer in (
        s.post(f"{registry.url}/v1/batches", json=body, timeout=10),
        s.post(f"{registry.url}/v1/batches", json=body, timeout=10),  # replayed
        s.post(
            f"{registry.url}/v1/batches",
            json={**body, "idempotency_key": new_id(), "validate_only": True},
            timeout=10,
        ),
        s.post(
            f"{registry.url}/v1/batches",
            json={**body, "idempotency_key": new_id(), "mode": "all-or-nothing"},
            timeout=10,
        ),
    ):
        assert answer.status_code == 200, answer.text
        parsed = BatchOut.model_validate_json(answer.text)
        assert answer.text == parsed.model_dump_json()
        assert {r.status.value for r in parsed.results} >= {"rejected"}


def test_a_malformed_batch_is_422_without_echoing_what_was_sent(registry: Registry) -> None:
    s = user(registry)
    bad = {**person_record(fnr="15819000067"), "entity": "someone", "version": "x"}
    answer = s.post(f"{registry.url}/v1/batches", json=batch(bad), timeout=10)
    assert answer.status_code == 422
    fields = {tuple(e["loc"]) for e in answer.json()["errors"]}
    assert {("body", "records", 0, "entity"), ("body", "records", 0, "version")} <= fields
    assert "15819000067" not in answer.text
    assert "someone" not in answer.text


def test_a_body_that_is_not_json_is_422(registry: Registry) -> None:
    s = user(registry)
    answer = s.post(
        f"{registry.url}/v1/batches",
        data=b'{"idempotency_key": "15819000067", "records": [',
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 422
    assert [e["type"] for e in answer.json()["errors"]] == ["json_invalid"]
    assert "15819000067" not in answer.text


def test_all_or_nothing_stores_nothing_when_one_fails(registry: Registry) -> None:
    s = user(registry)
    good = person_record()
    results = push(s, registry.url, batch(good, claim_record(new_id()), mode="all-or-nothing"))
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert results[0]["error"]["code"] == "batch_rejected"
    assert s.get(f"{registry.url}/v1/changes", timeout=10).json()["changes"] == []


def test_validate_only_checks_and_stores_nothing(registry: Registry) -> None:
    s = user(registry)
    results = push(s, registry.url, batch(person_record(), validate_only=True))
    assert results[0]["status"] == "accepted"
    assert s.get(f"{registry.url}/v1/changes", timeout=10).json()["changes"] == []


def test_a_person_of_another_municipality_is_refused(registry: Registry) -> None:
    s = user(registry, "5001")
    result = push(s, registry.url, batch(person_record(municipality="0301")))[0]
    assert result["error"]["code"] == "wrong_municipality"


def test_ids_stay_unique_across_municipalities(registry: Registry) -> None:
    trondheim, oslo = user(registry, "5001"), user(registry, "0301")
    person = person_record("5001")
    push(trondheim, registry.url, batch(person))
    taken = person_record("0301", record_id=person["id"])
    result = push(oslo, registry.url, batch(taken))[0]
    assert result["error"]["code"] == "id_taken"
    assert oslo.get(f"{registry.url}/v1/records/{person['id']}", timeout=10).status_code == 404
    assert oslo.get(f"{registry.url}/v1/changes", timeout=10).json()["changes"] == []


def test_synthetic_numbers_are_refused_by_a_production_registry(registry_database: str) -> None:
    from tests.registry.conftest import run_registry

    for live in run_registry(registry_database, allow_synthetic=False):
        s = user(live)
        result = push(s, live.url, batch(person_record(fnr="15819000066")))[0]
        assert result["status"] == "rejected"
        assert "test or sandbox" in result["error"]["message"]


def test_a_nul_character_anywhere_is_refused_alike_on_either_database(
    registry: Registry,
) -> None:
    """PostgreSQL cannot store one (schemathesis found the 500 it caused): refused alike on both
    databases, a key or a name in the path by 422, a record by its rejection; nothing stored."""
    s = user(registry)
    answer = s.post(
        f"{registry.url}/v1/batches", json=batch(person_record(), key="0000000\x00"), timeout=10
    )
    assert answer.status_code == 422, answer.text
    named = person_record(first_name="Ka\x00ri")
    result = push(s, registry.url, batch(named))[0]
    assert result["status"] == "rejected"
    assert result["error"]["message"] == "text may not contain NUL characters"
    assert s.get(f"{registry.url}/v1/users/a%00b", timeout=10).status_code == 422
    assert s.get(f"{registry.url}/v1/changes?after=0%00", timeout=10).status_code == 422
    assert s.get(f"{registry.url}/v1/changes", timeout=10).json()["changes"] == []


def test_a_rejection_of_the_registry_s_state_is_decided_again_on_a_resend(
    registry: Registry,
) -> None:
    """A registration sent before its person is refused (unknown_person); sent again, unchanged,
    once the person is there, it is accepted: only an answer the record itself earns is kept
    for a resend."""
    s = user(registry)
    person = person_record()
    claim = claim_record(person["id"])
    assert push(s, registry.url, batch(claim))[0]["error"]["code"] == "unknown_person"
    assert push(s, registry.url, batch(person))[0]["status"] == "accepted"
    assert push(s, registry.url, batch(claim))[0]["status"] == "accepted"
    # A rejection of the record's own content is the same answer every time.
    bad = person_record(fnr="15819000067")
    first = push(s, registry.url, batch(bad))[0]
    assert push(s, registry.url, batch(bad))[0] == first


def test_a_registration_never_moves_to_another_person(registry: Registry) -> None:
    """A new version naming another person is refused with the fix (withdraw, register anew);
    the registry keeps the registration on its person, and both sides keep agreeing."""
    s = user(registry)
    first, second = person_record(), person_record()
    claim = claim_record(first["id"])
    assert {r["status"] for r in push(s, registry.url, batch(first, second, claim))} == {"accepted"}
    moved = claim_record(second["id"], record_id=claim["id"], version=2, base=1)
    result = push(s, registry.url, batch(moved))[0]
    assert result["status"] == "rejected"
    assert (result["error"]["code"], result["error"]["field"]) == ("invalid", "person_id")
    assert "withdraw" in result["error"]["message"]
    held = s.get(f"{registry.url}/v1/records/{claim['id']}", timeout=10).json()
    assert (held["person_id"], held["version"]) == (first["id"], 1)
    # The fix the answer names: withdraw it, and register it anew on the right person.
    gone = claim_record(first["id"], record_id=claim["id"], version=2, base=1)
    gone["withdrawn"] = True
    anew = claim_record(second["id"])
    assert [r["status"] for r in push(s, registry.url, batch(gone, anew))] == ["accepted"] * 2


def test_a_birth_date_before_1900_is_rejected_and_1900_kept(registry: Registry) -> None:
    s = user(registry)
    early, edge = person_record(birth_date="1899-12-31"), person_record(birth_date="1900-01-01")
    results = push(s, registry.url, batch(early, edge))
    assert [r["status"] for r in results] == ["rejected", "accepted"]
    assert results[0]["error"]["field"] == "birth_date"
