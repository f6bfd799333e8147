"""The registry's records on PostgreSQL, as one municipality sees them: what `storage/db.py`'s
`Scoped` and `storage/records.py` are on SQLite. How batches lock, why the feed never skips, and
why a batch may be run again: see `storage/postgres.py`."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from nir_cli.core.errors import ConfigError
from nir_cli.core.i18n import _
from nir_cli.domain.entitlement import TrainingFacts
from nir_cli.registry.persons import Identity, People
from nir_cli.registry.plan import (
    IdempotencyMismatch,
    Plan,
    Prepared,
    Touched,
    change_of,
    decide,
    prepare,
)
from nir_cli.registry.storage.account_statements import pg
from nir_cli.registry.storage.clock import now
from nir_cli.registry.storage.record_statements import (
    UPSERT_RECORD,
    record_rows,
    training_facts_of,
)
from nir_cli.registry.validation import Validator
from nir_cli.wire import BatchIn, Change, Entity

DEADLOCK_RETRIES = 5  # runs of one batch again after a deadlock or a new id raced
log = logging.getLogger(__name__)


def driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise ConfigError(
            _("the PostgreSQL driver is not installed"),
            hint=_("pip install 'nir-cli[postgres]'"),
        ) from None
    return psycopg


# What storage/db.py's CHANGES and TRAINING_FACTS are, in PostgreSQL's words.
PG_CHANGES = """
SELECT c.seq, r.entity, c.record_id, c.version,
       CASE WHEN r.municipality = %s THEN r.person_id
            ELSE (SELECT x.id FROM records p JOIN records x ON x.person_key = p.person_key
                  AND x.entity = 'person' AND x.municipality = %s
                  WHERE p.id = r.person_id) END AS person_id,
       v.body, v.withdrawn, r.withdrawn_reason, v.received_at,
       CASE WHEN r.municipality = %s THEN NULL ELSE r.municipality END AS owner
FROM changes c
JOIN records r ON r.id = c.record_id
JOIN record_versions v ON v.id = c.record_id AND v.version = c.version
WHERE c.municipality = %s AND c.seq > %s ORDER BY c.seq LIMIT %s
"""
PG_TRAINING_FACTS = """
SELECT count(*) FILTER (WHERE kind = 'education') AS educations,
       bool_or((b ->> 'upper_secondary')::boolean) FILTER (WHERE kind = 'education')
         AS upper_secondary,
       min(fact_date) FILTER (WHERE kind = 'start' AND scheme = 'training') AS first_start,
       coalesce(sum((b ->> 'until')::date - fact_date::date + 1)
         FILTER (WHERE kind = 'leave' AND scheme = 'training'), 0) AS leave_days
FROM (SELECT body::jsonb AS b, body::jsonb ->> 'kind' AS kind,
             body::jsonb ->> 'scheme' AS scheme, body::jsonb ->> 'fact_date' AS fact_date
      FROM records r
      WHERE r.entity = 'registration' AND r.withdrawn = 0 AND r.person_id IN (
          SELECT x.id FROM records p JOIN records x ON x.entity = 'person'
          AND x.person_key = p.person_key WHERE p.id = %s AND p.municipality = %s
          UNION SELECT id FROM records WHERE id = %s AND municipality = %s)) AS r
"""


class PgScoped:
    """The records as one municipality sees them, on PostgreSQL (`interface.ScopedRecords`)."""

    commit_delay = 0.0

    def __init__(self, conn: Any, municipality: str) -> None:
        self.conn = conn
        self.municipality = municipality

    # -- reads ------------------------------------------------------------------------------

    def record(self, record_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT * FROM records WHERE id = %s AND municipality = %s",
            (record_id, self.municipality),
        ).fetchone()
        return dict(row) if row is not None else None

    def training_facts(self, person_id: str) -> TrainingFacts:
        """As on SQLite: upper secondary education (None when none is registered), the first
        start of training and the days of training leave, from the registrations of every
        record of the person (its earlier municipalities' too)."""
        row = self.conn.execute(PG_TRAINING_FACTS, (person_id, self.municipality) * 2).fetchone()
        return training_facts_of(row)

    def changes(self, after: int, limit: int) -> tuple[list[Change], int]:
        m = self.municipality
        rows = self.conn.execute(PG_CHANGES, (m, m, m, m, after, limit)).fetchall()
        found = [change_of(r) for r in rows]
        return found, (found[-1].seq if found else after)

    # -- writes -----------------------------------------------------------------------------

    def prepare(self, batch: BatchIn, validator: Validator) -> Prepared:
        return prepare(batch, validator, self.municipality)

    def push(self, prepared: Prepared, username: str) -> str:
        """Store a prepared batch (or with validate_only, check it and roll back) and return
        the answer as JSON. One transaction, retried from the start should the database find
        a deadlock."""
        psycopg = driver()
        from psycopg.errors import DeadlockDetected, UniqueViolation

        for attempt in range(DEADLOCK_RETRIES + 1):
            answer: list[str] = []
            try:
                with self.conn.transaction():
                    answer.append(self._push(prepared, username))
                    if prepared.batch.validate_only:
                        raise psycopg.Rollback()
                return answer[0]
            except (DeadlockDetected, UniqueViolation) as exc:
                if attempt == DEADLOCK_RETRIES:
                    raise
                log.warning(
                    "storing a batch met %s; retrying (%d)", type(exc).__name__, attempt + 1
                )
        raise AssertionError("unreachable")

    def _push(self, prepared: Prepared, username: str) -> str:
        batch, body_hash = prepared.batch, prepared.body_hash
        if not batch.validate_only:
            # The same batch at two app processes at once: the second waits here, then finds
            # the first's answer below.
            self.conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                (f"batch|{self.municipality}|{batch.idempotency_key}",),
            )
            seen = self.conn.execute(
                "SELECT body_hash, response FROM batches WHERE municipality = %s "
                "AND idempotency_key = %s",
                (self.municipality, batch.idempotency_key),
            ).fetchone()
            if seen is not None:
                if seen["body_hash"] != body_hash:
                    raise IdempotencyMismatch()
                return str(seen["response"])
        ids, person_ids = Plan.touching(batch.records)
        dufs, fnrs = Plan.numbers(prepared)
        # Row locks on the records and persons the batch touches that exist, in id order: held
        # in the rows themselves, not in the server's shared lock table, however large the
        # batch. Two batches creating the same new id (or the same person) meet at its unique
        # key instead, and the second is run again (push), finding the first's.
        self.conn.execute(
            "SELECT 1 FROM records WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
            (sorted(set(ids) | set(person_ids)),),
        ).fetchall()
        self.conn.execute(
            "SELECT 1 FROM persons WHERE duf = ANY(%s) OR fnr = ANY(%s) ORDER BY person_id "
            "FOR UPDATE",
            (dufs, fnrs),
        ).fetchall()
        batch_id = str(uuid.uuid4())
        received = now()
        touched = self._touched(ids, person_ids, (dufs, fnrs))
        decided = decide(prepared, touched, self.municipality, received)
        if decided.applied and not batch.validate_only:  # a check writes nothing, locks no feed
            self._write_accepted(decided.plan, batch_id, username, received)
            if decided.remember:
                with self.conn.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO record_answers (id, version, record_hash, answer) "
                        "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                        decided.remember,
                    )
        response = decided.response(batch_id, batch.validate_only)
        if not batch.validate_only:
            self.conn.execute(
                "INSERT INTO batches (batch_id, municipality, idempotency_key, body_hash, "
                "response, username, received_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (
                    batch_id,
                    self.municipality,
                    batch.idempotency_key,
                    body_hash,
                    response,
                    username,
                    received,
                ),
            )
        if not batch.validate_only:
            self._before_commit()
        return response

    def _touched(
        self, ids: list[str], person_ids: list[str], numbers: tuple[list[str], list[str]]
    ) -> Touched:
        aliases = {
            row["alias_id"]: row["record_id"]
            for row in self.conn.execute(
                "SELECT alias_id, record_id FROM person_aliases WHERE alias_id = ANY(%s)",
                ([*ids, *person_ids],),
            )
        }
        wanted = sorted({*ids, *aliases.values()})
        current = {
            row["id"]: dict(row)
            for row in self.conn.execute("SELECT * FROM records WHERE id = ANY(%s)", (wanted,))
        }
        answers = [
            (row["id"], row["version"], row["record_hash"], row["answer"], row["received_at"])
            for row in self.conn.execute(
                "SELECT a.id, a.version, a.record_hash, a.answer, v.received_at "
                "FROM record_answers a LEFT JOIN record_versions v ON v.id = a.id "
                "AND v.version = a.version AND a.answer = '' WHERE a.id = ANY(%s)",
                (ids,),
            )
        ]
        births: dict[str, str | None] = {}
        named = sorted({*person_ids, *(aliases.get(p, p) for p in person_ids)})
        if named:
            births = {
                row["id"]: row["birth"]
                for row in self.conn.execute(
                    "SELECT id, body::jsonb ->> 'birth_date' AS birth FROM records "
                    "WHERE id = ANY(%s) AND municipality = %s AND entity = 'person'",
                    (named, self.municipality),
                )
            }
        return Touched(current, answers, births, self._people(numbers, aliases))

    def _people(self, numbers: tuple[list[str], list[str]], aliases: dict[str, str]) -> People:
        """As storage/records.py's `_people`: the persons of the batch's numbers."""
        people = People(aliases=dict(aliases))
        dufs, fnrs = numbers
        if not dufs and not fnrs:
            return people
        found = self.conn.execute(
            "SELECT * FROM persons WHERE duf = ANY(%s) OR fnr = ANY(%s)", (dufs, fnrs)
        ).fetchall()
        for row in found:
            people.add(Identity(row["person_id"], row["duf"], row["fnr"], row["municipality"]))
        keys = [row["person_id"] for row in found]
        if keys:
            for row in self.conn.execute(
                "SELECT * FROM records WHERE entity = 'person' AND person_key = ANY(%s) "
                "AND municipality = %s",
                (keys, self.municipality),
            ):
                people.records[row["person_key"]] = dict(row)
            for row in self.conn.execute(
                "SELECT r.person_key, r.body::jsonb ->> 'birth_date' AS birth FROM records r "
                "JOIN persons p ON p.person_id = r.person_key AND p.municipality = r.municipality "
                "WHERE r.entity = 'person' AND r.person_key = ANY(%s)",
                (keys,),
            ):
                people.births[row["person_key"]] = row["birth"]
        return people

    def _write_accepted(self, plan: Plan, batch_id: str, username: str, received: str) -> None:
        """The accepted (record, body as stored): each its change, current row and version;
        then what the batch did to the persons; the change numbers are taken last, just before
        commit (see the module's docstring)."""
        accepted = plan.accepted
        with self.conn.cursor() as cursor:
            if accepted:
                cursor.executemany(
                    "INSERT INTO record_versions (id, version, body, withdrawn, received_at, "
                    "batch_id, username) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [
                        (
                            rec.id,
                            rec.version,
                            body,
                            int(rec.withdrawn),
                            received,
                            batch_id,
                            username,
                        )
                        for rec, body in accepted
                    ],
                )
            self._write_persons(cursor, plan, received)
            handed = self._handed_over(plan)
            if accepted:
                first = self._allocate(self.municipality, len(accepted))
                seqs = range(first, first + len(accepted))
                cursor.executemany(
                    "INSERT INTO changes (municipality, seq, record_id, version) "
                    "VALUES (%s, %s, %s, %s)",
                    [
                        (self.municipality, seq, rec.id, rec.version)
                        for seq, (rec, _body) in zip(seqs, accepted, strict=True)
                    ],
                )
                cursor.executemany(
                    pg(UPSERT_RECORD),
                    record_rows(accepted, seqs, self.municipality, received, plan.person_keys),
                )
            # A moved person's registrations, into the feeds of the municipalities it moved to
            # (their counters are taken in municipality order, as a batch takes its own).
            for municipality in sorted({dest for dest, _id, _version in handed}):
                mine = [(i, v) for dest, i, v in handed if dest == municipality]
                first = self._allocate(municipality, len(mine))
                cursor.executemany(
                    "INSERT INTO changes (municipality, seq, record_id, version) "
                    "VALUES (%s, %s, %s, %s)",
                    [(municipality, first + n, i, v) for n, (i, v) in enumerate(mine)],
                )

    def _write_persons(self, cursor: Any, plan: Plan, received: str) -> None:
        """What the batch did to the persons (storage/records.py's `_write_persons`)."""
        if plan.new_persons:
            cursor.executemany(
                "INSERT INTO persons (person_id, duf, fnr, municipality) VALUES (%s, %s, %s, %s)",
                [(p.person_id, p.duf, p.fnr, p.municipality) for p in plan.new_persons],
            )
        if plan.renumbered:
            cursor.executemany(
                "UPDATE persons SET duf = %s, fnr = %s WHERE person_id = %s",
                [(p.duf, p.fnr, p.person_id) for p in plan.renumbered],
            )
        if plan.links:
            cursor.executemany(
                "INSERT INTO person_aliases (alias_id, record_id, linked_at) VALUES (%s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                [(alias, record, received) for alias, record in plan.links],
            )
        if plan.moves:
            cursor.executemany(
                "INSERT INTO moves (person_key, from_municipality, to_municipality, moved_on, "
                "recorded_at) VALUES (%s, %s, %s, %s, %s)",
                [(*move, received) for move in plan.moves],
            )
            cursor.executemany(
                "UPDATE persons SET municipality = %s WHERE person_id = %s",
                [(move.to_municipality, move.person_id) for move in plan.moves],
            )

    def _handed_over(self, plan: Plan) -> list[tuple[str, str, int]]:
        """(municipality, record id, version) of what the moves and the accepted registrations
        of persons who moved on hand over (storage/records.py's `_hand_over`)."""
        handed: list[tuple[str, str, int]] = []
        for move in plan.moves:
            handed += [
                (move.to_municipality, row["id"], row["version"])
                for row in self.conn.execute(
                    "SELECT r.id, r.version FROM records r JOIN records p ON p.id = r.person_id "
                    "AND p.entity = 'person' WHERE r.entity = 'registration' "
                    "AND p.person_key = %s AND r.municipality != %s ORDER BY r.seq, r.id",
                    (move.person_id, move.to_municipality),
                )
            ]
        registrations = [r.id for r, _ in plan.accepted if r.entity is Entity.REGISTRATION]
        if registrations:
            versions = {r.id: r.version for r, _ in plan.accepted}
            handed += [
                (row["dest"], row["id"], versions[row["id"]])
                for row in self.conn.execute(
                    "SELECT DISTINCT m.to_municipality AS dest, r.id FROM records r "
                    "JOIN records p ON p.id = r.person_id "
                    "JOIN moves m ON m.person_key = p.person_key "
                    "AND m.to_municipality != %s "
                    "WHERE r.id = ANY(%s) ORDER BY r.id, dest",
                    (self.municipality, registrations),
                )
            ]
        return handed

    def _allocate(self, municipality: str, count: int) -> int:
        """The first of `count` change numbers of a municipality, from its counter row, whose
        lock is held until commit: numbers are taken in commit order."""
        row = self.conn.execute(
            "INSERT INTO change_counters (municipality, last_seq) VALUES (%s, %s) "
            "ON CONFLICT (municipality) DO UPDATE "
            "SET last_seq = change_counters.last_seq + excluded.last_seq RETURNING last_seq",
            (municipality, count),
        ).fetchone()
        return int(row["last_seq"]) - count + 1

    def _before_commit(self) -> None:
        """Where a test holds a transaction open before it commits (the commit_delay fault,
        or a subclass); nothing otherwise."""
        if self.commit_delay:
            import time

            time.sleep(self.commit_delay)
