"""nir's floor for an import: the rows an import wrote, written again into a store's own tables,
with nothing read from CSV, parsed or validated.

Copies the rows of `entity` (persons or registrations) that `source` holds, with their versions
and outbox entries, into `target` (a store holding what the import found there before it ran:
nothing for persons, the persons for registrations) in one write transaction, as an import
writes them: through the same triggers and indexes, the findings kept before the commit. What
an import costs above this is reading, validating and planning its rows.

    python bench/import_floor.py SOURCE.db TARGET.db persons|registrations

Run by bench/import_bench.py, which times it as a process, like the other runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from nir_cli.store import Store

TABLES = {
    "persons": (("persons", "id"), ("person_versions", "person_id"), ("outbox", "entity_id")),
    "registrations": (
        ("registrations", "id"),
        ("registration_versions", "registration_id"),
        ("outbox", "entity_id"),
    ),
}


def main() -> int:
    source, target, entity = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    store = Store.open(target)
    store.conn.execute("ATTACH DATABASE ? AS source", (f"file:{source}?mode=ro",))
    kind = entity[:-1]  # the outbox's entity: person, registration
    batches = []
    for table, _ in TABLES[entity]:
        where = f" WHERE entity = '{kind}'" if table == "outbox" else ""
        columns = [row[1] for row in store.conn.execute(f"PRAGMA source.table_info({table})")]
        if table == "outbox":
            columns.remove("seq")  # the target numbers its own
        rows = store.conn.execute(
            f"SELECT {', '.join(columns)} FROM source.{table}{where}"
        ).fetchall()
        marks = ", ".join("?" * len(columns))
        batches.append((f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows))
    with store.write() as conn:
        for sql, rows in batches:
            conn.executemany(sql, rows)
    store.conn.execute("DETACH DATABASE source")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
