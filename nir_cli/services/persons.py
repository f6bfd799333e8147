"""Participants in the local register: add, find, list and edit, each change versioned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from nir_cli.core.config import Profile
from nir_cli.core.errors import InvalidData, NotFound
from nir_cli.core.i18n import _
from nir_cli.core.record_ids import SHORT_ID, SHORT_LENGTH, new_id, short_id
from nir_cli.domain.entitlement import entitlement_view
from nir_cli.domain.identifiers import mask
from nir_cli.domain.model import Checks, invalid_from
from nir_cli.domain.person import PersonData
from nir_cli.store import Store, lookup, persons, utc_now
from nir_cli.store.db import ChangedMeanwhile
from nir_cli.store.persons import PERSON_COLUMNS, PersonVersion

CLI_SOURCE = "cli"


@dataclass(frozen=True)
class PersonRecord:
    """A person as stored: the data plus the store's bookkeeping."""

    id: str
    version: int
    data: PersonData
    created_at: str
    entry_date: str
    registry_date: str | None
    registry_version: int | None

    def row(self, *, show_ids: bool) -> dict[str, Any]:
        """A flat row for rendering; the fødselsnummer masked unless `show_ids`."""
        body = self.data.model_dump(mode="json")
        if not show_ids:
            body["fnr"] = mask(body["fnr"])
        return {
            "id": self.id,
            **body,
            "version": self.version,
            "created_at": self.created_at,
            "entry_date": self.entry_date,
            "registry_date": self.registry_date,
        }


def checks_for(
    profile: Profile,
    *,
    accept_unchecked_duf: bool = False,
    accept_implausible: bool = False,
    today: dt.date | None = None,
) -> Checks:
    return Checks(
        today=today or dt.date.today(),
        allow_synthetic=profile.allows_synthetic,
        accept_unchecked_duf=accept_unchecked_duf,
        accept_implausible=accept_implausible,
    )


def validate_person(fields: dict[str, Any], checks: Checks) -> PersonData:
    try:
        return PersonData.model_validate(fields, context=checks.as_context())
    except ValidationError as exc:
        raise invalid_from(exc) from None


def from_row(row: dict[str, Any]) -> PersonRecord:
    # Stored data was validated on the way in; rebuilt without running the checks again.
    data = PersonData.stored({name: row[name] for name in PERSON_COLUMNS})
    return PersonRecord(
        id=row["id"],
        version=row["version"],
        data=data,
        created_at=row["created_at"],
        entry_date=row["entry_date"],
        registry_date=row["registry_date"],
        registry_version=row["registry_version"],
    )


def _check_in_profile(data: PersonData, profile: Profile) -> None:
    if data.municipality not in profile.municipalities:
        raise InvalidData(
            _("municipality {code} is not in profile {profile!r} ({codes})").format(
                code=data.municipality,
                profile=profile.name,
                codes=", ".join(profile.municipalities),
            ),
            field="municipality",
        )


def _check_unique(store: Store, data: PersonData, person_id: str | None) -> None:
    for column in ("duf", "fnr"):
        value = getattr(data, column)
        if value is None:
            continue
        other = persons.by_number(store, column, value)
        if other is not None and other["id"] != person_id:
            if column == "duf":
                message = _("another person ({id}) already has this DUF number")
            else:
                message = _("another person ({id}) already has this fødselsnummer")
            raise InvalidData(message.format(id=short_id(other["id"])), field=column)


def add_person(
    store: Store, profile: Profile, fields: dict[str, Any], checks: Checks
) -> PersonRecord:
    """Validate and store a new person (version 1) with its outbox entry."""
    fields = {"municipality": profile.municipality, "place": profile.place, **fields}
    data = validate_person(fields, checks)
    _check_in_profile(data, profile)
    _check_unique(store, data, None)
    person_id = new_id()
    with store.write() as conn:
        persons.insert_new(conn, [PersonVersion(person_id, 1, data)], utc_now(), CLI_SOURCE)
    return get_person(store, person_id)


def edit_person(
    store: Store, profile: Profile, ref: str, changes: dict[str, Any], checks: Checks
) -> tuple[PersonRecord, bool]:
    """Apply changes as a new version; returns the person and whether anything changed."""
    current = find_person(store, ref)
    merged = {**current.data.model_dump(mode="json"), **changes}
    if "regime" not in changes and any(
        k in changes for k in ("residence_basis", "permit_date", "settlement_date", "arrival_date")
    ):
        merged["regime"] = None  # derive again from the new dates
    data = validate_person(merged, checks)
    if data == current.data:
        return current, False
    _check_in_profile(data, profile)
    _check_unique(store, data, current.id)
    change = PersonVersion(current.id, current.version + 1, data, current.registry_version)
    try:
        with store.write() as conn:
            persons.update_existing(conn, [change], utc_now(), CLI_SOURCE)
    except ChangedMeanwhile:
        raise InvalidData(_("the person changed meanwhile; look at it again and retry")) from None
    return get_person(store, current.id), True


def get_person(store: Store, person_id: str) -> PersonRecord:
    row = persons.by_id(store, person_id)
    if row is None:
        raise NotFound(_("no person with id {id}").format(id=person_id))
    return from_row(row)


def find_person(store: Store, ref: str) -> PersonRecord:
    """A person by DUF number (12 digits), fødselsnummer (11 digits) or local id (prefix)."""
    ref = "".join(ref.split())
    if ref.isdigit() and len(ref) == 12:
        row = persons.by_number(store, "duf", ref)
        if row is None:
            raise NotFound(
                _("no person with DUF number {duf}").format(duf=ref),
                hint=_("see: nir person list"),
            )
        return from_row(row)
    if ref.isdigit() and len(ref) == 11:
        row = persons.by_number(store, "fnr", ref)
        if row is None:
            raise NotFound(_("no person with that fødselsnummer"), hint=_("see: nir person list"))
        return from_row(row)
    return from_row(by_id_prefix(store, "persons", ref, "person"))


def by_id_prefix(store: Store, table: str, ref: str, noun: str) -> dict[str, Any]:
    """A row by full id, by short id (the last 6 to 8 hex digits), or by a longer id prefix.
    `noun`: "person" or "registration", what the messages call the row."""
    person = noun == "person"
    ref = ref.strip().lower()
    if SHORT_ID.match(ref):
        rows = lookup.by_short_id(store, table, ref)
    elif len(ref) > SHORT_LENGTH and all(c in "0123456789abcdef-" for c in ref):
        rows = lookup.by_id_prefix(store, table, ref)
    else:
        if person:
            message = _(
                "{ref!r} is not a person reference: give a DUF number, a fødselsnummer or an id "
                "(the short id is the last {n} characters)"
            )
        else:
            message = _(
                "{ref!r} is not a registration reference: give its id (the short id is the "
                "last {n} characters)"
            )
        raise InvalidData(message.format(ref=ref, n=SHORT_LENGTH))
    if not rows:
        if person:
            raise NotFound(_("no person with id {id}").format(id=ref))
        raise NotFound(_("no registration with id {id}").format(id=ref))
    if len(rows) > 1:
        if person:
            message = _("id {id} matches more than one person: give more characters")
        else:
            message = _("id {id} matches more than one registration: give more characters")
        raise InvalidData(message.format(id=ref))
    return rows[0]


def list_persons(
    store: Store,
    *,
    municipality: str | None = None,
    place: str | None = None,
    search: str | None = None,
    limit: int | None = None,
) -> list[PersonRecord]:
    """Persons, optionally filtered, by last name; at most `limit` (read no more than that:
    a store of 100,000 persons answers `--limit 1` at once)."""
    rows = persons.listed(store, municipality=municipality, place=place, search=search, limit=limit)
    return [from_row(row) for row in rows]


def entitlement(store: Store, record: PersonRecord) -> dict[str, Any]:
    """The suggested entitlement to training, typed (domain.entitlement.entitlement_view),
    from the person and their registrations. A suggestion: the recorded decision is the
    truth."""
    data = record.data
    assert data.regime is not None
    return entitlement_view(
        data.regime,
        data.residence_basis,
        data.birth_date,
        data.permit_date,
        lookup.training_facts(store, record.id),
        data.arrival_date,
        data.settlement_date,
    )
