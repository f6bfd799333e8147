"""The findings of `nir missing`, kept current as the register is written (migration 0012).

Triggers note in `findings_dirty` every person whose facts a write may change: a registration
written, changed, withdrawn or deleted, a person added, changed or deleted. Before any write
transaction commits, `refresh` computes the findings of those persons again with the rules'
queries (nir_cli.rules.catalogue) and replaces theirs in `findings`: the findings are kept in
the transaction that changed the facts, and an import, a pull or a withdrawal that rolls back
takes its findings with it. `Store.write()` calls it (nir_cli.store.db).

A kept finding holds the days it fires in (`fires_from`, `fires_until`), so the date only
matters when the findings are read: `nir missing --as-of D` reads the rows in force on D.

The rows are as good as the rules that computed them: `findings_state` holds a stamp of the
rules' queries, the domain functions they call and the target groups' views, and a store whose
stamp differs (a nir with changed rules opened it) has every
person's findings computed again at its next write, or its next read (`make_current`).
`recompute` computes every finding afresh and compares: `nir missing --recompute`, and the
tests, hold the kept findings to it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import sqlite3
import time
import types
from typing import NamedTuple

from nir_cli.rules.catalogue import RULES
from nir_cli.rules.rule import EVERY_PERSON, KEPT_COLUMNS
from nir_cli.store.db import LOCAL_MIGRATIONS, Store, migrations

log = logging.getLogger(__name__)

# The persons whose findings are being computed: a batch of those noted in findings_dirty.
BATCH = "(SELECT person_id FROM temp.findings_batch)"
BATCH_COLUMN = "person_id TEXT PRIMARY KEY"
REFRESH_BATCH = 5000
ALL_AT_ONCE = 200_000
COLUMNS = ("rule", *KEPT_COLUMNS)


@functools.cache
def _code_stamp() -> str:
    digest = hashlib.sha256()
    for rule in RULES:
        digest.update(f"{rule.id}\n{rule.query('{persons}')}\n".encode())
    # What the queries' SQL functions stand for (nir_add_months, nir_level_rank; see
    # nir_cli.store.db): the domain's month arithmetic as compiled (a new Python computes the
    # findings once again), and the levels' order.
    from nir_cli.domain import deadlines
    from nir_cli.domain.enums import Level

    code = deadlines.add_months.__code__
    constants = [c for c in code.co_consts if not isinstance(c, types.CodeType)]  # no addresses
    digest.update(code.co_code + repr(constants).encode())
    digest.update(repr([(level.value, level.rank) for level in Level]).encode())
    return digest.hexdigest()


def stamp(conn: sqlite3.Connection) -> str:
    """A stamp of what the kept findings were computed by: the rules' queries, the functions
    they call, and the target groups' views (which migrations change). Findings computed by
    anything else are not these."""
    digest = hashlib.sha256(_code_stamp().encode())
    for (sql,) in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'view' "
        "AND name IN ('target_group', 'programme_target_group') ORDER BY name"
    ):
        digest.update(sql.encode())
    return digest.hexdigest()[:16]


def is_current(conn: sqlite3.Connection) -> bool:
    """The kept findings are those of these rules, with no write waiting to be counted."""
    row = conn.execute(
        "SELECT (SELECT rules FROM findings_state) IS ? "
        "AND NOT EXISTS (SELECT 1 FROM findings_dirty)",
        (stamp(conn),),
    ).fetchone()
    return bool(row[0])


# The migration that made the `findings` table.
KEPT_FINDINGS_SCHEMA = 12


def keep_current(store: Store) -> None:
    """The hook a local store calls before each commit (Store.before_commit; the openers of
    the register set it: nir_cli.services.stores.open_store): the findings of the persons
    the transaction touched are computed again in it, so they commit together. Only at the
    latest schema, which the rules are written for: an older store's migrations leave the
    persons marked, and the last one computes them. The registry's stores keep none."""
    if store.migrations_package != LOCAL_MIGRATIONS:
        return
    if KEPT_FINDINGS_SCHEMA <= store.schema_version == len(migrations(LOCAL_MIGRATIONS)):
        refresh(store.conn)


def refresh(conn: sqlite3.Connection) -> int:
    """Compute again, in the caller's transaction, the findings of the persons written since
    the last refresh (of everyone, when the rules changed); returns how many persons."""
    current = stamp(conn)
    if conn.execute("SELECT rules FROM findings_state").fetchone()[0] != current:
        conn.execute("DELETE FROM findings")
        conn.execute("INSERT OR IGNORE INTO findings_dirty SELECT id FROM persons")
        conn.execute("UPDATE findings_state SET rules = ?", (current,))
    persons = conn.execute("SELECT count(*) FROM findings_dirty").fetchone()[0]
    if not persons:
        return 0
    started = time.monotonic()
    if (
        persons <= ALL_AT_ONCE
        and persons == conn.execute("SELECT count(*) FROM persons").fetchone()[0]
    ):
        # Everyone (new rules, or a first import into an empty store): each rule's query over
        # every person reads the registrations in index order, where a batch looks each of
        # its persons up; at 100,000 persons and a million registrations 12-17 s against 39 s.
        # It holds a rule's findings of everyone in memory (+47 MB at 100,000 persons, as
        # `nir missing --recompute` does): past ALL_AT_ONCE persons, batches keep it flat.
        conn.execute("DELETE FROM findings")
        _compute(conn, "findings", EVERY_PERSON)
        conn.execute("DELETE FROM findings_dirty")
        log.info("findings of %d persons kept (%.3f s)", persons, time.monotonic() - started)
        return int(persons)
    # A few thousand persons at a time: the rules' intermediate results (the months walked,
    # for one) stay small however many persons an import touched.
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS findings_batch ({BATCH_COLUMN})")
    while True:
        conn.execute("DELETE FROM temp.findings_batch")
        conn.execute(
            "INSERT INTO temp.findings_batch SELECT person_id FROM findings_dirty LIMIT ?",
            (REFRESH_BATCH,),
        )
        if not conn.execute("SELECT 1 FROM temp.findings_batch LIMIT 1").fetchone():
            break
        conn.execute(f"DELETE FROM findings WHERE person_id IN {BATCH}")
        _compute(conn, "findings", BATCH)
        conn.execute(f"DELETE FROM findings_dirty WHERE person_id IN {BATCH}")
    log.info("findings of %d persons kept (%.3f s)", persons, time.monotonic() - started)
    return int(persons)


def _compute(conn: sqlite3.Connection, table: str, persons: str) -> None:
    columns = ", ".join(COLUMNS)
    for rule in RULES:
        # n numbers the rule's rows of this computation (the table's key is person, rule and
        # n): a person's findings of a rule are always computed together, after theirs were
        # deleted. Numbered in one run, not per person: no sort.
        conn.execute(
            f"INSERT INTO {table} (n, {columns}) "
            f"SELECT row_number() OVER (), ?, * FROM ({rule.query(persons)})",
            (rule.id,),
        )


class Recomputed(NamedTuple):
    """What `recompute` found: the kept rows, and those that differed from a fresh computation
    (kept but not computed, computed but not kept), by rule."""

    rows: int
    differing: dict[str, int]


def recompute(conn: sqlite3.Connection) -> Recomputed:
    """Compute every person's findings afresh, compare them with the kept ones, and keep the
    fresh ones; in the caller's write transaction."""
    refresh(conn)
    conn.execute("DROP TABLE IF EXISTS temp.fresh_findings")
    conn.execute("CREATE TEMP TABLE fresh_findings AS SELECT * FROM findings WHERE 0")
    _compute(conn, "temp.fresh_findings", EVERY_PERSON)
    columns = ", ".join(COLUMNS)
    differing: dict[str, int] = {}
    # Compared as multisets: each distinct row with the number of times it is there.
    kept = f"SELECT {columns}, count(*) FROM findings GROUP BY {columns}"
    fresh = f"SELECT {columns}, count(*) FROM temp.fresh_findings GROUP BY {columns}"
    for rule, count in conn.execute(
        f"SELECT rule, count(*) FROM ("
        f"  SELECT * FROM ({kept} EXCEPT {fresh}) UNION ALL SELECT * FROM ({fresh} EXCEPT {kept})"
        f") GROUP BY rule"
    ):
        differing[rule] = count
    rows = conn.execute("SELECT count(*) FROM temp.fresh_findings").fetchone()[0]
    if differing:
        log.warning("kept findings differed from a fresh computation: %s", differing)
        conn.execute("DELETE FROM findings")
        conn.execute(
            f"INSERT INTO findings (n, {columns}) SELECT n, {columns} FROM temp.fresh_findings"
        )
    conn.execute("DROP TABLE temp.fresh_findings")
    return Recomputed(int(rows), differing)
