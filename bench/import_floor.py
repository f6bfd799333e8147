"""nir's floor for an import: the rows an import wrote, written again into a store's own tables,
with nothing read from CSV, parsed or validated.

Copies the rows of `entity` (persons or registrations) that `source` holds, with their versions
and outbox entries, into `target` (a store holding what the import found there before it ran:
nothing for persons, the persons for registrations) in one write transaction, one statement a
table, reading the rows from the source as it goes (its memory stays flat): through the same
triggers and indexes, the findings kept before the commit. What an import costs above this is
reading, validating and planning its rows.

    python bench/import_floor.py SOURCE.db TARGET.db persons|registrations

Run by bench/import_bench.py, which times it as a process, like the other runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from nir_cli.store import Store

TABLES = {
    "persons": ("persons", "person_versions", "outbox"),
    "registrations": ("registrations", "registration_versions", "outbox"),
}


def main() -> int:
    source, target, entity = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    store = Store.open(target)
    store.conn.execute("ATTACH DATABASE ? AS source", (f"file:{source}?mode=ro",))
    kind = entity[:-1]  # the outbox's entity: person, registration
    with store.write() as conn:
        for table in TABLES[entity]:
            columns = [row[1] for row in conn.execute(f"PRAGMA source.table_info({table})")]
            where = ""
            if table == "outbox":
                columns.remove("seq")  # the target numbers its own
                where = f" WHERE entity = '{kind}' ORDER BY seq"
            names = ", ".join(columns)
            conn.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM source.{table}{where}")
    store.conn.execute("DETACH DATABASE source")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
