"""One person per DUF number and per fødselsnummer: how the registry judges a person record
against the persons it has, in memory over what a batch touches (`nir_cli.registry.plan` asks,
`storage/records.py` and `storage/pg_records.py` read what it needs and write what it decided).

NIR is a register of persons. A person is the first person record sent for it; its numbers are
unique in the registry's `persons` table (a unique index, so no race can keep two). A person
record sent for a number the registry knows is, in order:

- the same municipality's person with the same facts (a second office, or one office after a
  reinstall): **linked**, it becomes that person's record, and a registration sent with its id
  is stored on that record;
- the same municipality's person with other facts: a **conflict**, with that person's version
  for a case worker to compare field by field;
- a person living in another municipality, born the same day: a **move** (flytting); the
  record is the new municipality's own record of the person, which is handed the person's
  earlier registrations read-only;
- otherwise (another birth date, a fødselsnummer known under another DUF number): **refused**,
  saying nothing of the other municipality's person.

Which facts must be the same: every field but the place (an office of the municipality)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Fields two offices of one municipality may hold differently of the same person.
OFFICE_FIELDS = frozenset({"place"})


@dataclass
class Identity:
    """A person of the registry: its first record's id, its numbers, where it lives now."""

    person_id: str
    duf: str | None
    fnr: str | None
    municipality: str


@dataclass
class People:
    """What a batch's person records are judged against, read before the batch is decided.

    `records`: the caller's municipality's person record of each person found (by person id);
    `births`: each person's birth date as the municipality it lives in now holds it; `aliases`:
    the record each alias of the batch became."""

    by_duf: dict[str, Identity] = field(default_factory=dict)
    by_fnr: dict[str, Identity] = field(default_factory=dict)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    births: dict[str, str | None] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def add(self, identity: Identity) -> None:
        if identity.duf:
            self.by_duf[identity.duf] = identity
        if identity.fnr:
            self.by_fnr[identity.fnr] = identity


class Move(NamedTuple):
    person_id: str
    from_municipality: str
    to_municipality: str
    moved_on: str


class Verdict(NamedTuple):
    """What a new person record is: `new` (a person of its own), `link`, `conflict`, `move`
    or `clash` (refused), with the person and, for link and conflict, the municipality's record
    of it."""

    kind: str
    identity: Identity | None = None
    record: dict[str, Any] | None = None


def numbers(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """A person body's DUF number and fødselsnummer, as validated (normalised)."""
    return body.get("duf") or None, body.get("fnr") or None


def judge(body: dict[str, Any], municipality: str, people: People) -> Verdict:
    """A person record the registry has no record of, sent by `municipality`."""
    duf, fnr = numbers(body)
    by_duf = people.by_duf.get(duf) if duf else None
    by_fnr = people.by_fnr.get(fnr) if fnr else None
    identity = by_duf or by_fnr
    if identity is None:
        return Verdict("new")
    if (
        (by_duf is not None and by_fnr is not None and by_duf is not by_fnr)
        or (duf and identity.duf and identity.duf != duf)
        or (fnr and identity.fnr and identity.fnr != fnr)
    ):
        # A fødselsnummer under another DUF number (or the reverse): never kept twice.
        mine = people.records.get(identity.person_id)
        if mine is not None:
            return Verdict("conflict", identity, mine)
        return Verdict("clash", identity)
    mine = people.records.get(identity.person_id)
    if mine is not None:
        same = _facts(json.loads(mine["body"])) == _facts(body)
        return Verdict("link" if same else "conflict", identity, mine)
    if people.births.get(identity.person_id) == body.get("birth_date"):
        return Verdict("move", identity)
    return Verdict("clash", identity)


def renumbered(body: dict[str, Any], current: dict[str, Any], people: People) -> Identity | None:
    """The other person whose number a new version of a person record would take, if any."""
    duf, fnr = numbers(body)
    own = current.get("person_key")
    for found in (people.by_duf.get(duf) if duf else None, people.by_fnr.get(fnr) if fnr else None):
        if found is not None and found.person_id != own:
            return found
    return None


def moved_on(body: dict[str, Any], received: str) -> str:
    """The day a person moved to the municipality that now sends its record: its population
    registration there (folkeregistrering, which decides where a person lives for IMDi), else
    its settlement, else the day the registry heard of it."""
    day = body.get("population_registration_date") or body.get("settlement_date")
    return str(day) if day else dt.date.fromisoformat(received[:10]).isoformat()


def _facts(body: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name not in OFFICE_FIELDS}
