"""A store that fills up in the middle of an import, through the core API: SQLite's own "full"
(SQLITE_FULL, here by `PRAGMA max_page_count`) at whatever page the store fills is still "disk
full" (exit 74), and the store is as it was. (A write error that makes SQLite roll the whole
transaction back by itself, the staging table with it, is caused for real by RLIMIT_FSIZE in
tests/e2e/test_trust.py.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nir_cli.core import config
from nir_cli.core.errors import ExitCode, NirError
from nir_cli.domain.model import Checks
from nir_cli.importer.engine import ImportOptions, import_file
from nir_cli.store import Store
from tests.conftest import CliFn, big_import_files, snapshot

CHECKS = Checks(today=dt.date(2026, 6, 1), allow_synthetic=True)


@pytest.fixture
def filled(profile: CliFn, store_file: Path, tmp_path: Path) -> Path:
    persons, registrations = big_import_files(tmp_path)
    assert profile("import", str(persons)).exit_code == 0
    return registrations


def test_a_store_that_fills_mid_import_says_disk_full_and_keeps_nothing(
    filled: Path, store_file: Path
) -> None:
    before = snapshot(store_file)
    profile = config.load().profiles["test"]
    store = Store.open(store_file)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.close()
    for room in (1, 20, 60, 120, 250, 400):
        store = Store.open(store_file)
        store.conn.execute(f"PRAGMA max_page_count = {pages + room}")
        try:
            with pytest.raises(NirError) as refused:
                import_file(store, profile, str(filled), ImportOptions(), CHECKS)
        finally:
            store.close()
        assert refused.value.exit_code is ExitCode.IO_ERROR, (room, refused.value)
        assert "disk full or write error" in str(refused.value)
        assert snapshot(store_file) == before, room
