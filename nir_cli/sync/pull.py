"""Applying one pulled change to the local store (inside the page's transaction).

- A record we do not have is inserted as the registry holds it (no outbox entry: it came from
  there).
- A record we have, unchanged since the registry last accepted it, takes the registry's newer
  version as a new local version.
- The echo of our own push (same version) only records that the registry holds it.
- A record with local changes the registry has not accepted is left alone: its push either
  went through or is a conflict waiting for a person.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from enum import StrEnum
from typing import Any

from nir_cli.domain.model import Checks
from nir_cli.domain.person import PersonData
from nir_cli.domain.registrations import parse_registration
from nir_cli.store.persons import PERSON_COLUMNS, PersonVersion
from nir_cli.store.persons import insert_versions as insert_person_versions
from nir_cli.store.registrations import Version, insert_versions
from nir_cli.wire import Change, Entity

SOURCE = "registry"
LENIENT = Checks(today=dt.date.max, allow_synthetic=True, accept_unchecked_duf=True).as_context()


class Outcome(StrEnum):
    """What one pulled change did here."""

    APPLIED = "applied"  # someone else's change, now in the local store
    ECHO = "echo"  # our own push coming back: only the registry's acceptance is noted
    KEPT = "kept"  # a newer or unsent local version is kept; its push decides
    SKIPPED = "skipped"  # could not be applied; the note says why, for a person


def apply_change(conn: sqlite3.Connection, change: Change) -> tuple[Outcome, str | None]:
    """Apply one change: what it did, and a note when it needs a person."""
    table = "persons" if change.entity is Entity.PERSON else "registrations"
    local = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (change.id,)).fetchone()
    if local is not None:
        if local["version"] == change.version:
            conn.execute(
                f"UPDATE {table} SET registry_version = ?, registry_date = coalesce("
                "registry_date, ?) WHERE id = ? AND (registry_version IS NULL OR "
                "registry_version < ?)",
                (change.version, change.registry_date, change.id, change.version),
            )
            return Outcome.ECHO, None
        clean = local["registry_version"] == local["version"]
        if local["version"] > change.version or not clean:
            return Outcome.KEPT, None
    try:
        if change.entity is Entity.PERSON:
            _person(conn, change, local)
        else:
            note = _registration(conn, change, local)
            if note:
                return Outcome.SKIPPED, note
    except sqlite3.IntegrityError:
        return Outcome.SKIPPED, (
            f"{change.entity.value} {change.id} from the registry clashes with a local "
            "record (same DUF number, fødselsnummer or registration); left for a person"
        )
    return Outcome.APPLIED, None


def _person(conn: sqlite3.Connection, change: Change, local: Any) -> None:
    person = PersonData.model_validate(change.body, context=LENIENT)
    data = person.model_dump(mode="json")
    values = [data[name] for name in PERSON_COLUMNS]
    stamp = change.registry_date + "T00:00:00Z"
    if local is None:
        conn.execute(
            f"INSERT INTO persons (id, version, {', '.join(PERSON_COLUMNS)}, created_at, "
            f"entry_date, source, registry_date, registry_version) VALUES "
            f"(?, ?, {', '.join('?' * len(PERSON_COLUMNS))}, ?, ?, ?, ?, ?)",
            (
                change.id,
                change.version,
                *values,
                stamp,
                stamp,
                SOURCE,
                change.registry_date,
                change.version,
            ),
        )
    else:
        assignments = ", ".join(f"{name} = ?" for name in PERSON_COLUMNS)
        conn.execute(
            f"UPDATE persons SET version = ?, {assignments}, entry_date = ?, source = ?, "
            "registry_date = ?, registry_version = ? WHERE id = ?",
            (
                change.version,
                *values,
                stamp,
                SOURCE,
                change.registry_date,
                change.version,
                change.id,
            ),
        )
    insert_person_versions(conn, [PersonVersion(change.id, change.version, person)], stamp, SOURCE)


def _registration(conn: sqlite3.Connection, change: Change, local: Any) -> str | None:
    person = conn.execute(
        "SELECT municipality, place FROM persons WHERE id = ?", (change.person_id,)
    ).fetchone()
    if person is None:
        return f"registration {change.id}: its person {change.person_id} is not here"
    v = Version(
        id=change.id,
        person_id=change.person_id or "",
        version=change.version,
        registration=parse_registration(change.body, context=LENIENT),
        municipality=person["municipality"],
        place=person["place"],
        withdrawn=change.withdrawn,
        withdrawn_reason=change.withdrawn_reason,
    )
    kind, scheme, fact_date, deadline, details = v.columns
    stamp = change.registry_date + "T00:00:00Z"
    if local is None:
        conn.execute(
            "INSERT INTO registrations (id, person_id, kind, scheme, fact_date, deadline, "
            "natural_key, details, version, withdrawn, withdrawn_reason, municipality, place, "
            "created_at, entry_date, source, registry_date, registry_version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                v.id,
                v.person_id,
                kind,
                scheme,
                fact_date,
                deadline,
                v.natural_key,
                details,
                v.version,
                int(v.withdrawn),
                v.withdrawn_reason,
                v.municipality,
                v.place,
                stamp,
                stamp,
                SOURCE,
                change.registry_date,
                change.version,
            ),
        )
    else:
        conn.execute(
            "UPDATE registrations SET version = ?, scheme = ?, fact_date = ?, deadline = ?, "
            "natural_key = ?, details = ?, withdrawn = ?, withdrawn_reason = ?, entry_date = ?, "
            "source = ?, registry_date = ?, registry_version = ? WHERE id = ?",
            (
                v.version,
                scheme,
                fact_date,
                deadline,
                v.natural_key,
                details,
                int(v.withdrawn),
                v.withdrawn_reason,
                stamp,
                SOURCE,
                change.registry_date,
                change.version,
                v.id,
            ),
        )
    insert_versions(conn, [v], stamp, SOURCE)
    return None
