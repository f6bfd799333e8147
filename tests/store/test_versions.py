"""Every version of a person reads back as it was written, though the current one is kept only
as the persons row (migration 0016) and the earlier ones are written out by a trigger."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nir_cli import Register
from nir_cli.store import Store
from nir_cli.store.db import migrations
from nir_cli.store.person_versions import PERSON_COLUMNS
from nir_cli.store.persons import version_body
from tests.conftest import TEST_DUF, examples, store_before

PERSON = {
    "duf": TEST_DUF,
    "first_name": "Kari",
    "last_name": "Nordmann",
    "birth_date": "1990-01-15",
    "residence_basis": "refugee",
    "permit_date": "2025-06-01",
}
NAMES = st.text(alphabet="abcæøåÆØÅ -", min_size=1, max_size=12).map(str.strip).filter(bool)
EDITS = st.one_of(
    st.fixed_dictionaries({"first_name": NAMES}),
    st.fixed_dictionaries({"last_name": NAMES}),
    st.fixed_dictionaries({"place": st.none() | st.sampled_from(["Sentrum", "Heimdal", "Øst"])}),
    st.fixed_dictionaries(
        {"settlement_date": st.none() | st.sampled_from(["2025-07-01", "2025-09-15"])}
    ),
    st.fixed_dictionaries({"arrival_date": st.none() | st.sampled_from(["2025-05-20"])}),
)


def _row(conn: sqlite3.Connection, person_id: str) -> tuple[int, dict[str, Any]]:
    row = conn.execute(
        f"SELECT version, {', '.join(PERSON_COLUMNS)} FROM persons WHERE id = ?", (person_id,)
    ).fetchone()
    return row[0], dict(zip(PERSON_COLUMNS, row[1:], strict=True))


@settings(max_examples=examples(60), deadline=None)
@given(edits=st.lists(EDITS, min_size=1, max_size=8))
def test_every_version_reads_back_as_written(tmp_path_factory: Any, edits: list[Any]) -> None:
    path = tmp_path_factory.mktemp("versions") / "r.db"
    written: dict[int, dict[str, Any]] = {}
    with Register.create(path, "5001", environment="test") as reg:
        person = reg.add_person(**PERSON)
        conn = sqlite3.connect(path)
        for edit in [{}, *edits]:
            if edit:
                person = reg.edit_person(person.id, **edit)
            version, body = _row(conn, person.id)
            written[version] = body  # what the version was, read as it was written
        for version, body in written.items():
            assert version_body(conn, person.id, version) == body
        # Only the current version is the row; the earlier ones hold their own bodies.
        nulls = conn.execute(
            "SELECT version FROM person_versions WHERE body IS NULL AND person_id = ?",
            (person.id,),
        ).fetchall()
        assert nulls == [(max(written),)]
        # nir sql's view says the same.
        view = dict(
            conn.execute(
                "SELECT version, body FROM person_version_bodies WHERE person_id = ?",
                (person.id,),
            ).fetchall()
        )
        assert {v: json.loads(b) for v, b in view.items()} == written
        conn.close()


def test_the_version_pushed_is_the_version_written(tmp_path: Path) -> None:
    """The outbox's record of a version the row has moved on from is that version's body."""
    from nir_cli.store.outbox import PENDING_AFTER

    path = tmp_path / "r.db"
    with Register.create(path, "5001", environment="test") as reg:
        person = reg.add_person(**PERSON)
        store = Store.open(path)
        first = _row(store.conn, person.id)[1]
        reg.edit_person(person.id, first_name="Kari Anne")
        # The first version is still pending beside the second when a batch was cut earlier:
        # put it back as it would be, and read the record the push would send.
        store.conn.execute(
            "UPDATE outbox SET state = 'pending' WHERE entity = 'person' AND version = 1"
        )
        records = {
            row["version"]: json.loads(row["record"])["body"]
            for row in store.conn.execute(PENDING_AFTER, {"after": 0})
            if row["entity"] == "person"
        }
        store.close()
    assert records[1] == {k: v for k, v in first.items() if v is not None}
    assert records[2]["first_name"] == "Kari Anne"


def test_migration_16_keeps_every_version_and_empties_only_what_the_row_holds(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    older = store_before(path, 16)  # as nir left a store at migration 15
    columns = ", ".join(PERSON_COLUMNS)
    current = dict.fromkeys(PERSON_COLUMNS) | PERSON
    current |= {"regime": "integreringsloven", "municipality": "5001"}
    earlier = current | {"first_name": "Kari Anne", "place": "Sentrum"}
    # A body written before arrival_date existed: the row holds the member, the body not.
    shorter = {k: v for k, v in current.items() if k != "arrival_date"} | {"duf": "200205705502"}
    rows = [("p1", 2, current), ("p2", 1, shorter | {"arrival_date": None})]
    for pid, version, body in rows:
        older.execute(
            f"INSERT INTO persons (id, version, {columns}, created_at, entry_date, source) "
            f"VALUES (?, ?, {', '.join('?' * len(PERSON_COLUMNS))}, 'x', 'x', 'cli')",
            (pid, version, *[body[name] for name in PERSON_COLUMNS]),
        )
    versions = [("p1", 1, earlier), ("p1", 2, current), ("p2", 1, shorter)]
    for pid, version, body in versions:
        older.execute(
            "INSERT INTO person_versions VALUES (?, ?, ?, 'x', 'cli')",
            (pid, version, json.dumps(body, ensure_ascii=False)),
        )
    older.close()
    store = Store.open(path)
    assert store.schema_version == len(migrations())
    for pid, version, body in versions:
        assert version_body(store.conn, pid, version) == body
    kept = dict(
        store.conn.execute(
            "SELECT person_id || version, body IS NULL FROM person_versions"
        ).fetchall()
    )
    assert kept == {"p11": 0, "p12": 1, "p21": 0}
    assert store.query("PRAGMA foreign_key_check") == []
    store.close()


def test_the_migration_s_members_are_the_person_s_fields() -> None:
    """The trigger, the view and the migration's comparison build a body member by member in
    PersonData's order: a new field needs a migration that says so."""
    sql = next(s for n, _name, s in migrations() if n == 16)
    lists = re.findall(r"json_object\((.*?)\)", sql, flags=re.S)
    assert len(lists) == 4
    for members in lists:
        assert tuple(re.findall(r"'(\w+)',", members)) == PERSON_COLUMNS


def test_a_bodiless_version_must_be_the_row_s_and_a_chain_is_refused(tmp_path: Path) -> None:
    """A version written without its body after the row moved on would read another version's
    body: the store refuses to write it, and update_existing refuses two versions of one
    person (the first would be written after the row held the second)."""
    import pytest

    from nir_cli.domain.person import PersonData
    from nir_cli.store.persons import PersonVersion, update_existing

    path = tmp_path / "r.db"
    with Register.create(path, "5001", environment="test") as reg:
        person = reg.add_person(**PERSON)
        reg.edit_person(person.id, first_name="Kari Anne")
    store = Store.open(path)
    with pytest.raises(sqlite3.IntegrityError, match="without a body"):
        store.conn.execute(
            "INSERT INTO person_versions VALUES (?, 7, NULL, 'x', 'cli')", (person.id,)
        )
    data = PersonData.stored(_row(store.conn, person.id)[1])
    chain = [PersonVersion(person.id, 3, data), PersonVersion(person.id, 4, data)]
    with pytest.raises(ValueError, match="one new version a person"):
        update_existing(store.conn, chain, "x", "cli")
    assert version_body(store.conn, person.id, 1) == _row(store.conn, person.id)[1] | {
        "first_name": "Kari"
    }
    store.close()
