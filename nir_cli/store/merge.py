"""Two local records of one person becoming one: the registry keeps one person per DUF number
(nir_cli.registry.persons), so a person typed here that the registry has under another record
(a second office's, or this office's before a reinstall) becomes that record here too.

`merge` runs inside the caller's transaction (a batch's answers, a pull page, a resolved
conflict) and loses nothing: the local record's last version is kept in `merged_persons`, its
registrations move to the registry's record, and one that the registry's record has already
(the same natural key) is dropped when it is the same and never left here, else withdrawn as a
new version that syncs, so the registry keeps no duplicate either."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from nir_cli.core.i18n import _
from nir_cli.domain.person import PersonData
from nir_cli.domain.registrations import parse_registration
from nir_cli.store import persons
from nir_cli.store import registrations as registration_sql
from nir_cli.store.persons import PERSON_COLUMNS, PersonVersion
from nir_cli.store.registrations import Version

# Fields two offices of one municipality may hold differently of the same person.
OFFICE_FIELDS = frozenset({"place"})
SOURCE = "merge"


def same_facts(local: dict[str, Any], registry: PersonData) -> bool:
    """A local person row and the registry's person agree in every field but the place."""
    theirs = registry.model_dump(mode="json")
    return all(local[name] == theirs[name] for name in PERSON_COLUMNS if name not in OFFICE_FIELDS)


def matching(conn: sqlite3.Connection, person_id: str, data: PersonData) -> dict[str, Any] | None:
    """The local person of another record with the registry person's DUF number or
    fødselsnummer, if there is one."""
    row = conn.execute(
        "SELECT * FROM persons WHERE id != ? AND ((duf IS NOT NULL AND duf = ?) "
        "OR (fnr IS NOT NULL AND fnr = ?)) LIMIT 1",
        (person_id, data.duf, data.fnr),
    ).fetchone()
    return dict(row) if row is not None else None


def merge(
    conn: sqlite3.Connection, local_id: str, into: PersonVersion, registry_date: str, now: str
) -> None:
    """The local person `local_id` becomes the registry's person `into`."""
    local = conn.execute("SELECT * FROM persons WHERE id = ?", (local_id,)).fetchone()
    if local is None or local_id == into.id:
        return
    kept = {name: local[name] for name in PERSON_COLUMNS if local[name] is not None}
    conn.execute(
        "INSERT OR REPLACE INTO merged_persons (local_id, person_id, body, merged_at) "
        "VALUES (?, ?, ?, ?)",
        (local_id, into.id, json.dumps(kept, ensure_ascii=False), now),
    )
    # Its numbers are the registry person's: freed first, for the unique indexes.
    conn.execute("UPDATE persons SET duf = NULL, fnr = NULL WHERE id = ?", (local_id,))
    exists = conn.execute("SELECT 1 FROM persons WHERE id = ?", (into.id,)).fetchone()
    if exists is None:
        persons.from_registry(conn, into, registry_date, exists=False)
    moved = _move_registrations(conn, local_id, into.id, now)
    conn.execute(
        "UPDATE outbox SET state = 'superseded' WHERE entity = 'person' AND entity_id = ? "
        "AND state IN ('pending', 'rejected', 'conflict')",
        (local_id,),
    )
    if moved:
        # Refused while their person was not the registry's: they go again, on its record.
        marks = ", ".join("?" for _ in moved)
        conn.execute(
            f"UPDATE outbox SET state = 'pending', last_error = NULL WHERE entity = "
            f"'registration' AND state = 'rejected' AND entity_id IN ({marks}) "
            "AND last_error LIKE '%unknown_person%'",
            moved,
        )
    conn.execute(
        "UPDATE conflicts SET resolved_at = ?, resolution = 'theirs' WHERE entity = 'person' "
        "AND entity_id = ? AND resolved_at IS NULL",
        (now, local_id),
    )
    conn.execute("DELETE FROM person_versions WHERE person_id = ?", (local_id,))
    conn.execute("DELETE FROM persons WHERE id = ?", (local_id,))


def _move_registrations(
    conn: sqlite3.Connection, local_id: str, person_id: str, now: str
) -> list[str]:
    """The local person's registrations onto the registry's record; the ids moved."""
    moved: list[str] = []
    for row in conn.execute(
        "SELECT * FROM registrations WHERE person_id = ?", (local_id,)
    ).fetchall():
        key = person_id + row["natural_key"][len(local_id) :]
        twin = conn.execute(
            "SELECT * FROM registrations WHERE natural_key = ? AND withdrawn = 0",
            (key,),
        ).fetchone()
        if twin is not None and not row["withdrawn"]:
            if row["registry_version"] is None and _same(row, twin):
                _drop(conn, row["id"])
                continue
            _withdraw(conn, dict(row), now)
        conn.execute(
            "UPDATE registrations SET person_id = ?, natural_key = ? WHERE id = ?",
            (person_id, key, row["id"]),
        )
        moved.append(row["id"])
    return moved


def _same(a: sqlite3.Row, b: sqlite3.Row) -> bool:
    return all(a[name] == b[name] for name in ("kind", "scheme", "fact_date", "details"))


def _drop(conn: sqlite3.Connection, registration_id: str) -> None:
    """A registration the registry's record has already, never sent from here: not kept twice."""
    conn.execute(
        "UPDATE outbox SET state = 'superseded' WHERE entity = 'registration' "
        "AND entity_id = ? AND state != 'accepted'",
        (registration_id,),
    )
    conn.execute("DELETE FROM registration_versions WHERE registration_id = ?", (registration_id,))
    conn.execute("DELETE FROM registrations WHERE id = ?", (registration_id,))


def _withdraw(conn: sqlite3.Connection, row: dict[str, Any], now: str) -> None:
    """A registration the registry's record has in another form: withdrawn as a new version."""
    fields = {"kind": row["kind"], "fact_date": row["fact_date"], **json.loads(row["details"])}
    if row["scheme"] is not None:
        fields["scheme"] = row["scheme"]
    registration = parse_registration(fields, context=_LENIENT)
    version = Version(
        id=row["id"],
        person_id=row["person_id"],
        version=row["version"] + 1,
        registration=registration,
        municipality=row["municipality"],
        place=row["place"],
        withdrawn=True,
        withdrawn_reason=_("the same registration as one of the person this record became"),
        base_version=row["registry_version"],
    )
    registration_sql.update_existing(conn, [version], now, SOURCE)


def _lenient() -> dict[str, Any]:
    import datetime as dt

    from nir_cli.domain.model import Checks

    return Checks(today=dt.date.max, allow_synthetic=True, accept_unchecked_duf=True).as_context()


_LENIENT = _lenient()
