"""The registry's SQLite file: checkpoints in the background, off the requests' path."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from nir_cli.registry.storage import CHECKPOINT_SAFETY_PAGES, RegistryDB


def fill(db: RegistryDB, rows: int) -> None:
    with db.session() as store, store.write() as conn:
        conn.executemany(
            "INSERT INTO changes (municipality, record_id, version) VALUES ('5001', ?, 1)",
            [(f"record-{n:08d}-{'x' * 200}",) for n in range(rows)],
        )


def test_writes_are_checkpointed_by_a_thread_of_their_own(tmp_path: Path) -> None:
    db = RegistryDB(tmp_path / "registry.db", background_checkpoints=True)
    try:
        with db.session() as store:
            pages = store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        assert pages == CHECKPOINT_SAFETY_PAGES  # a request no longer checkpoints at 1000
        before = (tmp_path / "registry.db").stat().st_size
        fill(db, 20_000)  # about 5 MB: past SQLite's own threshold, short of the safety net
        assert (tmp_path / "registry.db").stat().st_size == before  # all of it in the log
        db.wrote()
        deadline = time.monotonic() + 5
        while (tmp_path / "registry.db").stat().st_size == before:
            assert time.monotonic() < deadline, "the log was never copied into the database"
            time.sleep(0.02)
    finally:
        db.close()


def test_without_the_thread_a_write_checkpoints_as_sqlite_does(tmp_path: Path) -> None:
    db = RegistryDB(tmp_path / "registry.db")
    try:
        before = (tmp_path / "registry.db").stat().st_size
        fill(db, 20_000)
        assert (tmp_path / "registry.db").stat().st_size > before
    finally:
        db.close()


def test_a_database_url_of_another_kind_is_refused_and_nothing_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nir_cli.core.errors import ConfigError
    from nir_cli.registry.storage import open_storage

    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="SQLite file or in PostgreSQL"):
        open_storage("mysql://nir:secret@db/nir")
    assert list(tmp_path.iterdir()) == []
