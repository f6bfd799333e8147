"""`nir registry merge-duplicates`: a registry made before it kept one person per DUF number
(migration 0003) may hold two person records of one number. Each second record is judged as a
push would judge it (nir_cli.registry.persons):

- the same municipality and the same facts: it becomes the first record (an alias), its
  registrations move onto that record, and both are put in the municipality's feed again, so
  every office's nir makes its own copies one person (nir_cli.sync.pull);
- the same municipality with other facts: a conflict, listed until an administrator, having
  asked the offices, merges the pair with `--merge ID --into ID`; the first record goes in the
  feed again, so the office holding the second sees the conflict and can compare the fields;
- another municipality, born the same day: a move to the municipality whose record came later;
- otherwise (another birth date, a fødselsnummer under another DUF number): a conflict.

What it did is reported, as counts and the conflicts' record ids (no personal numbers)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from nir_cli.core.errors import InvalidData, NotFound
from nir_cli.core.i18n import _
from nir_cli.registry import persons
from nir_cli.registry.storage.clock import now
from nir_cli.registry.storage.interface import Storage


@dataclass
class Report:
    checked: int = 0  # person records that were not a person of their own
    merged: int = 0
    moved: int = 0
    conflicts: list[dict[str, str]] = field(default_factory=list)  # record, person, why

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "merged": self.merged,
            "moved": self.moved,
            "conflicts": len(self.conflicts),
            "conflict_records": self.conflicts,
        }


# Person records that are no person of their own: a second record of a number (migration 0003
# left them), never merged.
SECONDS = """
SELECT r.* FROM records r
WHERE r.entity = 'person' AND r.person_key = r.id
  AND NOT EXISTS (SELECT 1 FROM persons p WHERE p.person_id = r.id)
ORDER BY r.registry_date, r.id
"""


def merge_duplicates(storage: Storage, *, dry_run: bool = False) -> Report:
    """Find and merge or report the registry's duplicate persons (see the module's doc), in
    one transaction; with `dry_run` it is rolled back."""
    report = Report()
    postgres = storage.location.startswith("postgresql")
    with storage.session() as session, session.write() as conn:
        db = _Db(conn, postgres)
        for second in db.all(SECONDS):
            report.checked += 1
            _judge(db, second, report)
        if dry_run:
            raise _DryRun(report)
    return report


def merge_pair(storage: Storage, record_id: str, into: str) -> Report:
    """An administrator's decision that `record_id` is the person of record `into` (same
    municipality), whatever their facts: the record becomes `into`, as an identical one does."""
    report = Report()
    postgres = storage.location.startswith("postgresql")
    with storage.session() as session, session.write() as conn:
        db = _Db(conn, postgres)
        second = db.one("SELECT * FROM records WHERE id = ? AND entity = 'person'", (record_id,))
        first = db.one("SELECT * FROM records WHERE id = ? AND entity = 'person'", (into,))
        if second is None or first is None:
            raise NotFound(_("no such person record in the registry"))
        if second["municipality"] != first["municipality"] or first["person_key"] is None:
            raise InvalidData(
                _("only two person records of one municipality can be merged, into a person")
            )
        _link(db, second, first)
        report.checked, report.merged = 1, 1
    return report


class _DryRun(Exception):
    def __init__(self, report: Report) -> None:
        super().__init__("dry run")
        self.report = report


def dry_run(storage: Storage) -> Report:
    """What merge_duplicates would do, nothing written."""
    try:
        merge_duplicates(storage, dry_run=True)
    except _DryRun as done:
        return done.report
    raise AssertionError("unreachable")


class _Db:
    """The open write transaction of either database, with `?` placeholders and rows as
    dicts."""

    def __init__(self, conn: Any, postgres: bool) -> None:
        self.conn, self.postgres = conn, postgres

    def all(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return [dict(row) for row in self.conn.execute(sql, params).fetchall()]

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> dict[str, Any] | None:
        row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def do(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        self.conn.execute(sql, params)


def _judge(db: _Db, second: dict[str, Any], report: Report) -> None:
    body = json.loads(second["body"])
    duf, fnr = persons.numbers(body)
    found = db.one(
        "SELECT * FROM persons WHERE (duf IS NOT NULL AND duf = ?) "
        "OR (fnr IS NOT NULL AND fnr = ?)",
        (duf, fnr),
    )
    if found is None:  # the number is free now: a person of its own
        db.do(
            "INSERT INTO persons (person_id, duf, fnr, municipality) VALUES (?, ?, ?, ?)",
            (second["id"], duf, fnr, second["municipality"]),
        )
        return
    identity = persons.Identity(
        found["person_id"], found["duf"], found["fnr"], found["municipality"]
    )
    people = persons.People()
    people.add(identity)
    first = db.one(
        "SELECT * FROM records WHERE entity = 'person' AND person_key = ? AND municipality = ?",
        (identity.person_id, second["municipality"]),
    )
    if first is not None:
        people.records[identity.person_id] = first
    living = db.one(
        "SELECT body FROM records WHERE entity = 'person' AND person_key = ? AND municipality = ?",
        (identity.person_id, identity.municipality),
    )
    if living is not None:
        people.births[identity.person_id] = json.loads(living["body"]).get("birth_date")
    verdict = persons.judge(body, second["municipality"], people)
    if verdict.kind == "link":
        assert first is not None
        _link(db, second, first)
        report.merged += 1
    elif verdict.kind == "move":
        moved_on = persons.moved_on(body, second["registry_date"])
        db.do("UPDATE records SET person_key = ? WHERE id = ?", (identity.person_id, second["id"]))
        db.do(
            "INSERT INTO moves (person_key, from_municipality, to_municipality, moved_on, "
            "recorded_at) VALUES (?, ?, ?, ?, ?)",
            (identity.person_id, identity.municipality, second["municipality"], moved_on, now()),
        )
        db.do(
            "UPDATE persons SET municipality = ? WHERE person_id = ?",
            (second["municipality"], identity.person_id),
        )
        handed = db.all(
            "SELECT r.id, r.version FROM records r JOIN records p ON p.id = r.person_id "
            "WHERE r.entity = 'registration' AND p.person_key = ? AND r.municipality != ?",
            (identity.person_id, second["municipality"]),
        )
        _emit(db, second["municipality"], handed)
        report.moved += 1
    else:
        if first is not None:  # the office of the second record sees the conflict on pull
            _emit(db, first["municipality"], [first])
        report.conflicts.append(
            {
                "record": second["id"],
                "person": first["id"] if first is not None else identity.person_id,
                "municipality": second["municipality"],
            }
        )


def _link(db: _Db, second: dict[str, Any], first: dict[str, Any]) -> None:
    """Person record `second` becomes `first`: an alias; its registrations move over; both go
    in the municipality's feed again."""
    db.do(
        "INSERT INTO person_aliases (alias_id, record_id, linked_at) VALUES (?, ?, ?)",
        (second["id"], first["id"], now()),
    )
    db.do("UPDATE records SET person_key = NULL WHERE id = ?", (second["id"],))
    moved = db.all(
        "SELECT id, version FROM records WHERE entity = 'registration' AND person_id = ?",
        (second["id"],),
    )
    db.do(
        "UPDATE records SET person_id = ? WHERE entity = 'registration' AND person_id = ?",
        (first["id"], second["id"]),
    )
    _emit(db, first["municipality"], [first, *moved])


def _emit(db: _Db, municipality: str, rows: list[dict[str, Any]]) -> None:
    """The records' current versions in the municipality's feed again, as new changes."""
    if not rows:
        return
    if db.postgres:
        top = db.one(
            "INSERT INTO change_counters (municipality, last_seq) VALUES (?, ?) "
            "ON CONFLICT (municipality) DO UPDATE "
            "SET last_seq = change_counters.last_seq + excluded.last_seq RETURNING last_seq",
            (municipality, len(rows)),
        )
        assert top is not None
        first = int(top["last_seq"]) - len(rows) + 1
    else:
        top = db.one("SELECT coalesce(max(seq), 0) AS seq FROM changes")
        assert top is not None
        first = int(top["seq"]) + 1
    for n, row in enumerate(rows):
        db.do(
            "INSERT INTO changes (seq, municipality, record_id, version) VALUES (?, ?, ?, ?)",
            (first + n, municipality, row["id"], row["version"]),
        )
