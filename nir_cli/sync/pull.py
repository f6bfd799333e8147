"""Applying one pulled change to the local store (inside the page's transaction).

- A record we do not have is inserted as the registry holds it (no outbox entry: it came from
  there).
- A record we have, unchanged since the registry last accepted it, takes the registry's newer
  version as a new local version.
- The echo of our own push (same version) only records that the registry holds it.
- A record with local changes the registry has not accepted is left alone: its push either
  went through or is a conflict waiting for a person.
- A person the registry has under another record than a local person of the same DUF number
  (or fødselsnummer) is that person: with the same facts the local record becomes the
  registry's (store.merge); with other facts a conflict waits for a person, one per person.
- A registration another municipality made of a person who has moved here is kept read-only,
  under its municipality: this one's deadlines depend on it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from enum import StrEnum

from nir_cli.core.i18n import _
from nir_cli.domain.model import Checks
from nir_cli.domain.person import PersonData
from nir_cli.domain.registrations import parse_registration
from nir_cli.store import (
    conflicts,
    merge,
    outbox,
    persons,
    registrations,
    registry_state,
    utc_now,
)
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
    MERGED = "merged"  # a local person became the registry's person of the same number
    SAME_PERSON = "same-person"  # the registry's person of a local person's number, other facts


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
            pulled = PersonVersion(change.id, change.version, person)
            twin = merge.matching(conn, change.id, person) if local is None else None
            if twin is not None:
                return _same_number(conn, twin, pulled, change)
            persons.from_registry(conn, pulled, change.registry_date, exists=local is not None)
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


def _same_number(
    conn: sqlite3.Connection, twin: dict[str, object], pulled: PersonVersion, change: Change
) -> tuple[Outcome, str | None]:
    """A pulled person the registry keeps under another record than the local person `twin`
    of the same number: the same person. Same facts: the local record becomes the pulled one;
    other facts: a conflict for a person (the local record's push waits for it)."""
    local_id = str(twin["id"])
    now = utc_now()
    if merge.same_facts(twin, pulled.data):
        merge.merge(conn, local_id, pulled, change.registry_date, now)
        return Outcome.MERGED, None
    conflicts.record(
        conn,
        "person",
        local_id,
        int(str(twin["version"])),
        change.version,
        change.body,
        change.withdrawn,
        now,
        registry_person_id=change.id,
    )
    outbox.hold_person(conn, local_id)
    return Outcome.SAME_PERSON, None


def _registration(conn: sqlite3.Connection, change: Change, *, exists: bool) -> str | None:
    place = persons.municipality_and_place(conn, change.person_id or "")
    if place is None:
        return _("registration {id}: its person {person} is not here").format(
            id=change.id, person=change.person_id
        )
    if change.municipality is not None:
        # Handed over when the person moved here: kept under the municipality that made it.
        place = (change.municipality, None)
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
