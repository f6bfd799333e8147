"""A registry made before it kept one person per DUF number (migrations 1 and 2, rows as that
code wrote them, duplicates included), opened by this nir and cleaned by
`nir registry merge-duplicates`, on both storages."""

from __future__ import annotations

import json
from typing import Any

from nir_cli.registry.storage.opening import is_postgres, open_storage
from tests.conftest import CliFn
from tests.registry.conftest import new_id, old_registry

BODY = {
    "first_name": "Kari",
    "last_name": "Nordmann",
    "birth_date": "1990-01-15",
    "residence_basis": "refugee",
    "permit_date": "2025-06-01",
    "regime": "integreringsloven",
}
D1, D2 = "201290900106", "201290900200"


def _record(
    conn: Any, postgres: bool, seq: int, municipality: str, entity: str, record_id: str,
    body: dict[str, Any], date: str, person_id: str | None = None,
) -> None:  # fmt: skip
    """One record as the old write path stored it: current row, version, change."""
    mark = "%s" if postgres else "?"
    text = json.dumps(dict(sorted(body.items())), ensure_ascii=False)
    conn.execute(
        f"INSERT INTO records (id, municipality, entity, person_id, version, body, withdrawn, "
        f"withdrawn_reason, registry_date, seq) VALUES ({mark}, {mark}, {mark}, {mark}, 1, "
        f"{mark}, 0, NULL, {mark}, {mark})",
        (record_id, municipality, entity, person_id or (record_id if entity == "person" else None),
         text, date, seq),
    )  # fmt: skip
    conn.execute(
        f"INSERT INTO record_versions (id, version, body, withdrawn, received_at, batch_id, "
        f"username) VALUES ({mark}, 1, {mark}, 0, {mark}, 'old', 'old')",
        (record_id, text, date + "T10:00:00Z"),
    )
    conn.execute(
        f"INSERT INTO changes (seq, municipality, record_id, version) VALUES ({mark}, {mark}, "
        f"{mark}, 1)",
        (seq, municipality, record_id),
    )
    if postgres:  # its feed's counter, as the old code kept it
        conn.execute(
            "INSERT INTO change_counters (municipality, last_seq) VALUES (%s, %s) "
            "ON CONFLICT (municipality) DO UPDATE SET last_seq = excluded.last_seq",
            (municipality, seq),
        )


def test_a_registry_with_duplicates_is_merged_moved_and_its_conflicts_listed(
    cli: CliFn, registry_database: str
) -> None:
    postgres = is_postgres(registry_database)
    conn = old_registry(registry_database)
    p1, x1, p2, x2, y, r1 = (new_id() for _ in range(6))
    rows = [
        ("5001", "person", p1, {**BODY, "duf": D1, "municipality": "5001", "place": "A"}),
        ("5001", "person", p2, {**BODY, "duf": D2, "municipality": "5001"}),
        # A second office's record of D1, the same facts: merged.
        ("5001", "person", x1, {**BODY, "duf": D1, "municipality": "5001", "place": "B"}),
        # D2 with another birth date: a conflict.
        ("5001", "person", x2, {**BODY, "duf": D2, "birth_date": "1991-01-15",
                                "municipality": "5001"}),
        # D1 registered in Oslo, born the same day: the person moved there.
        ("0301", "person", y, {**BODY, "duf": D1, "municipality": "0301",
                               "population_registration_date": "2026-02-01"}),
    ]  # fmt: skip
    for seq, (municipality, entity, record_id, body) in enumerate(rows, 1):
        _record(conn, postgres, seq, municipality, entity, record_id, body, f"2025-01-0{seq}")
    claim = {"kind": "claim", "fact_date": "2025-08-20", "scheme": "training"}
    _record(conn, postgres, 6, "5001", "registration", r1, claim, "2025-01-06", person_id=x1)
    conn.close()

    # Opening it migrates (0003): the first record of each number becomes the person.
    storage = open_storage(registry_database)
    with storage.session() as session:
        persons = session.query("SELECT person_id, duf FROM persons ORDER BY duf")
    storage.close()
    assert persons == [{"person_id": p1, "duf": D1}, {"person_id": p2, "duf": D2}]

    where = ["--database", registry_database, "--format", "json"]
    dry = cli("registry", "merge-duplicates", "--dry-run", *where)
    assert dry.exit_code == 0, dry.stderr
    assert json.loads(dry.stdout)["checked"] == 3
    done = cli("registry", "merge-duplicates", *where)
    assert done.exit_code == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["checked"], report["merged"], report["moved"], report["conflicts"]) == (
        3, 1, 1, 1,
    )  # fmt: skip
    assert report["conflict_records"] == [{"record": x2, "person": p2, "municipality": "5001"}]

    storage = open_storage(registry_database)
    with storage.session() as session:
        aliases = session.query("SELECT alias_id, record_id FROM person_aliases")
        claim_person = session.one("SELECT person_id FROM records WHERE id = ?", (r1,))
        moves = session.query("SELECT person_key, from_municipality, to_municipality, moved_on "
                              "FROM moves")  # fmt: skip
        oslo_feed = session.scoped("0301").changes(0, 100)[0]
        feed = session.scoped("5001").changes(0, 100)[0]
    storage.close()
    assert aliases == [{"alias_id": x1, "record_id": p1}]
    assert claim_person == {"person_id": p1}
    assert moves == [{"person_key": p1, "from_municipality": "5001", "to_municipality": "0301",
                      "moved_on": "2026-02-01"}]  # fmt: skip
    # Oslo is handed the claim (read-only, named by its own record), Trondheim gets the
    # merged record and the claim again, on their person.
    handed = [c for c in oslo_feed if c.id == r1]
    assert [(c.person_id, c.municipality) for c in handed] == [(y, "5001")]
    assert [c.person_id for c in feed if c.id == r1][-1] == p1
    # Safe to run again: nothing more is merged; the conflict is still listed.
    again = json.loads(cli("registry", "merge-duplicates", *where).stdout)
    assert (again["merged"], again["conflicts"]) == (0, 1)
    # The offices agreed: the administrator merges the pair.
    merged = cli("registry", "merge-duplicates", "--merge", x2, "--into", p2, *where)
    assert merged.exit_code == 0, merged.stderr
    assert json.loads(cli("registry", "merge-duplicates", *where).stdout)["conflicts"] == 0
