"""How the registry reads what a batch touches: by primary key, whatever the register's size."""

from __future__ import annotations

from pathlib import Path

from nir_cli.registry.storage import RegistryDB
from nir_cli.registry.storage.records import BIRTHS


def test_the_persons_of_a_batch_are_read_by_primary_key(tmp_path: Path) -> None:
    db = RegistryDB(tmp_path / "registry.db")
    with db.session() as store:
        plan = store.conn.execute(
            f"EXPLAIN QUERY PLAN {BIRTHS.format(marks='?, ?, ?')}", ["a", "b", "c", "5001"]
        ).fetchall()
    details = " ".join(row["detail"] for row in plan)
    # Not the (municipality, entity) index, which reads every person of the municipality.
    assert "records_municipality" not in details
    assert "(id=?)" in details
    db.close()
