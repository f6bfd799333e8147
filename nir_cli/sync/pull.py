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

from nir_cli.domain.model import Checks
from nir_cli.domain.person import PersonData
from nir_cli.domain.registrations import parse_registration
from nir_cli.i18n import _
from nir_cli.store import persons, registrations, registry_state
from nir_cli.store.persons import PersonVersion
from nir_cli.store.registrations import Version
from nir_cli.wire import Change, Entity

LENIENT = Checks(today=dt.date.max, allow_synthetic=True, accept_unchecked_duf=True).as_context()


class Outcome(StrEnum):
    """What one pulled change did here."""

    APPLIED = "applied"  # someone else's change, now in the local store
    ECHO = "echo"  # our own push coming back: only the registry's acceptance is noted
    KEPT = "kept"  # a newer or unsent local version is kept; its push decides
    SKIPPED = "skipped"  # could not be applied; the note says why, for a person


def apply_change(conn: sqlite3.Connection, change: Change) -> tuple[Outcome, str | None]:
    """Apply one change: what it did, and a note when it needs a person."""
    local = registry_state.local_versions(conn, change.entity, change.id)
    if local is not None:
        version, registry_version = local
        if version == change.version:
            registry_state.note_accepted(
                conn, change.entity, change.id, change.version, change.registry_date
            )
            return Outcome.ECHO, None
        if version > change.version or registry_version != version:
            return Outcome.KEPT, None
    try:
        if change.entity is Entity.PERSON:
            person = PersonData.model_validate(change.body, context=LENIENT)
            persons.from_registry(
                conn,
                PersonVersion(change.id, change.version, person),
                change.registry_date,
                exists=local is not None,
            )
        else:
            note = _registration(conn, change, exists=local is not None)
            if note:
                return Outcome.SKIPPED, note
    except sqlite3.IntegrityError:
        clash = (
            _(
                "person {id} from the registry clashes with a local record (same DUF number, "
                "fødselsnummer or registration); left for a person"
            )
            if change.entity is Entity.PERSON
            else _(
                "registration {id} from the registry clashes with a local record (same DUF "
                "number, fødselsnummer or registration); left for a person"
            )
        )
        return Outcome.SKIPPED, clash.format(id=change.id)
    return Outcome.APPLIED, None


def _registration(conn: sqlite3.Connection, change: Change, *, exists: bool) -> str | None:
    place = persons.municipality_and_place(conn, change.person_id or "")
    if place is None:
        return _("registration {id}: its person {person} is not here").format(
            id=change.id, person=change.person_id
        )
    version = Version(
        id=change.id,
        person_id=change.person_id or "",
        version=change.version,
        registration=parse_registration(change.body, context=LENIENT),
        municipality=place[0],
        place=place[1],
        withdrawn=change.withdrawn,
        withdrawn_reason=change.withdrawn_reason,
    )
    registrations.from_registry(conn, version, change.registry_date, exists=exists)
    return None
