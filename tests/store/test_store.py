"""The store: migrations from an empty file, file modes, transactions and the outbox."""

import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
import sqlite_utils

from nir_cli.core.errors import TemporaryFailure
from nir_cli.store import Store
from nir_cli.store.db import migrations
from tests.conftest import store_before


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_migrations_from_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "data" / "fresh.db"
    store = Store.open(path, create=True)
    assert store.schema_version == len(migrations())
    db = sqlite_utils.Database(store.conn)
    assert {
        "persons",
        "person_versions",
        "registrations",
        "registration_versions",
        "outbox",
    } <= set(db.table_names())
    # Identifiers are text, never numbers.
    assert db["persons"].columns_dict["duf"] is str
    assert db["persons"].columns_dict["municipality"] is str
    store.close()


def test_opening_again_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    Store.open(path, create=True).close()
    store = Store.open(path, create=True)
    assert store.migrate() == len(migrations())
    store.close()


def test_an_existing_version_0_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()  # an empty SQLite file from elsewhere, user_version 0
    store = Store.open(path, create=True)
    assert store.schema_version == len(migrations())
    store.close()


def test_folder_is_0700_and_files_0600(tmp_path: Path) -> None:
    path = tmp_path / "private" / "s.db"
    store = Store.open(path, create=True)
    with store.write() as conn:
        conn.execute(
            "INSERT INTO outbox (entity, entity_id, version, created_at) "
            "VALUES ('person', 'x', 1, 'now')"
        )
    assert mode(path.parent) == 0o700
    for name in ("s.db", "s.db-wal", "s.db-shm"):
        assert mode(path.parent / name) == 0o600, name
    store.close()


def test_wal_mode(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db", create=True)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_a_failing_write_rolls_back_everything(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db", create=True)
    with pytest.raises(RuntimeError), store.write() as conn:
        conn.execute(
            "INSERT INTO outbox (entity, entity_id, version, created_at) "
            "VALUES ('person', 'x', 1, 'now')"
        )
        raise RuntimeError("crash between the change and its outbox row")
    assert store.query("SELECT * FROM outbox") == []
    store.close()


def test_a_second_writer_waits_then_gives_a_temporary_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nir_cli.core.sqlite_file as db

    path = tmp_path / "s.db"
    holder = Store.open(path, create=True)
    monkeypatch.setattr(db, "STORE_BUSY_TIMEOUT_MS", 200)
    other = Store.open(path, create=True)
    other.conn.execute("PRAGMA busy_timeout = 200")
    ready, release = threading.Event(), threading.Event()

    def hold() -> None:
        with holder.write():
            ready.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait(5)
    try:
        with pytest.raises(TemporaryFailure, match="busy"), other.write():
            pass
    finally:
        release.set()
        thread.join()
    with other.write():  # free again
        pass
    holder.close()
    other.close()


def test_migrating_from_the_previous_version_keeps_the_data(tmp_path: Path) -> None:
    """A store left at version 1 (before the rules) opens at the newest version, data intact."""
    import nir_cli.core.sqlite_file as db

    path = tmp_path / "old.db"
    first = [m for m in migrations() if m[0] == 1]
    original = db.migrations
    db.migrations = lambda package: first  # type: ignore[assignment]
    try:
        store = Store.open(path, create=True)
        assert store.schema_version == 1
        with store.write() as conn:
            conn.execute(
                "INSERT INTO persons (id, version, duf, first_name, last_name, birth_date, "
                "residence_basis, permit_date, regime, municipality, created_at, entry_date, "
                "source) VALUES ('p1', 1, '201212345603', 'Kari', 'Nordmann', '1990-01-15', "
                "'refugee', '2025-06-01', 'integreringsloven', '5001', 'now', 'now', 'cli')"
            )
        store.close()
    finally:
        db.migrations = original
    store = Store.open(path, create=True)
    assert store.schema_version == len(migrations())
    assert store.query("SELECT duf FROM target_group") == [{"duf": "201212345603"}]
    store.close()


def test_migration_6_empties_answered_batches_and_drops_the_batch_mark(tmp_path: Path) -> None:
    """A store from before 0006: an answered batch loses its payload, an unfinished one keeps
    it (it is sent again byte for byte), and outbox rows lose the mark of their batch."""
    path = tmp_path / "old.db"
    conn = store_before(path, 6)
    conn.execute("INSERT INTO sync_runs (id, started_at, dry_run) VALUES (1, 'x', 0)")
    for key, state in (("answered", "done"), ("unfinished", "sending")):
        conn.execute(
            "INSERT INTO sync_batches (idempotency_key, run_id, created_at, payload, outbox_seqs, "
            "state) VALUES (?, 1, ?, ?, '[1]', ?)",
            (key, key, f'{{"idempotency_key":"{key}"}}', state),
        )
    conn.execute(
        "INSERT INTO outbox (entity, entity_id, version, created_at, batch_key) "
        "VALUES ('person', 'p1', 1, 'x', 'unfinished')"
    )
    conn.close()
    store = Store.open(path, create=True)
    assert store.query("SELECT idempotency_key, payload FROM sync_batches ORDER BY 1") == [
        {"idempotency_key": "answered", "payload": ""},
        {"idempotency_key": "unfinished", "payload": '{"idempotency_key":"unfinished"}'},
    ]
    assert store.query("SELECT entity_id, state FROM outbox") == [
        {"entity_id": "p1", "state": "pending"}
    ]
    assert "batch_key" not in {row["name"] for row in store.query("PRAGMA table_info(outbox)")}
    store.close()


def test_a_person_version_made_from_a_stale_one_is_refused(tmp_path: Path) -> None:
    """Persons have the optimistic check registrations have: a version follows the one it was
    made from, or nothing is written."""
    import datetime as dt

    from nir_cli.domain.person import PersonData
    from nir_cli.store import persons
    from nir_cli.store.db import ChangedMeanwhile

    store = Store.open(tmp_path / "s.db", create=True)
    data = PersonData.model_validate(
        {
            "duf": "201212345603",
            "first_name": "Kari",
            "last_name": "Nordmann",
            "birth_date": "1990-01-15",
            "residence_basis": "refugee",
            "permit_date": "2025-06-01",
            "municipality": "5001",
        },
        context={"today": dt.date(2026, 1, 1)},
    )
    with store.write() as conn:
        persons.insert_new(conn, [persons.PersonVersion("p1", 1, data)], "now", "test")
    renamed = data.model_copy(update={"first_name": "Kari Anne"})
    with store.write() as conn:  # one writer makes version 2 from 1
        persons.update_existing(conn, [persons.PersonVersion("p1", 2, renamed)], "now", "test")
    stale = data.model_copy(update={"last_name": "N"})
    with pytest.raises(ChangedMeanwhile), store.write() as conn:  # another, also from 1
        persons.update_existing(
            conn, [persons.PersonVersion("p1", 2, stale, previous_version=1)], "now", "test"
        )
    assert store.query("SELECT version, first_name, last_name FROM persons") == [
        {"version": 2, "first_name": "Kari Anne", "last_name": "Nordmann"}
    ]
    assert store.query("SELECT count(*) AS n FROM person_versions") == [{"n": 2}]
    store.close()


def test_migration_10_lets_permit_date_be_null_and_keeps_everything_else(tmp_path: Path) -> None:
    """0010 makes persons anew (SQLite cannot drop a NOT NULL): rows, versions, references,
    indexes, triggers and the rule facts come through, and foreign keys are on again."""
    from nir_cli.core.config import Environment, Profile
    from nir_cli.domain.model import Checks
    from nir_cli.services.persons import add_person
    from nir_cli.services.registrations import record

    path = tmp_path / "old.db"
    older = store_before(path, 10)  # a store as nir left it at migration 9
    older.execute("PRAGMA foreign_keys = ON")
    older.execute(
        "INSERT INTO persons (id, version, duf, first_name, last_name, birth_date, "
        "residence_basis, permit_date, regime, municipality, created_at, entry_date, source) "
        "VALUES ('p1', 1, '201212345603', 'Kari', 'Nordmann', '1990-01-15', 'refugee', "
        "'2025-06-01', 'integreringsloven', '5001', 'x', 'x', 'cli')"
    )
    older.execute(
        "INSERT INTO person_versions (person_id, version, body, entry_date, source) "
        "VALUES ('p1', 1, '{}', 'x', 'cli')"
    )
    older.close()
    from nir_cli.services.stores import open_store

    store = open_store(path)  # the register's opener: the last migration computes findings
    try:
        assert store.schema_version == len(migrations())
        assert store.query("PRAGMA foreign_key_check") == []
        assert store.one("PRAGMA foreign_keys") == {"foreign_keys": 1}
        assert store.one("SELECT duf, permit_date FROM persons") == {
            "duf": "201212345603",
            "permit_date": "2025-06-01",
        }
        names = {r["name"] for r in store.query("SELECT name FROM sqlite_schema")}
        assert {"persons_duf", "persons_short_id", "findings_person_insert"} <= names
        assert "persons_0009" not in names
        notnull = {r["name"]: r["notnull"] for r in store.query("PRAGMA table_info(persons)")}
        assert notnull["permit_date"] == 0
        assert store.one("SELECT count(*) AS n FROM findings_dirty") == {"n": 0}
        # A person written now fires its trigger; an asylum seeker needs no permit.
        profile = Profile("t", ["5001"], None, None, Environment.TEST)
        checks = Checks(allow_synthetic=True)
        seeker = add_person(
            store,
            profile,
            {
                "duf": "202390000609",
                "first_name": "Amal",
                "last_name": "Test",
                "birth_date": "1995-03-03",
                "residence_basis": "asylum_seeker",
            },
            checks,
        )
        assert seeker.data.permit_date is None
        claim = {"kind": "claim", "fact_date": "2026-01-05", "scheme": "asylum"}
        record(store, profile, "202390000609", claim, checks)
        # ... and its findings were kept before the write committed.
        assert store.one("SELECT count(*) AS n FROM findings_dirty") == {"n": 0}
        with pytest.raises(sqlite3.IntegrityError):  # references are enforced again
            store.conn.execute(
                "INSERT INTO person_versions (person_id, version, body, entry_date, source) "
                "VALUES ('nobody', 1, '{}', 'x', 'cli')"
            )
    finally:
        store.close()
