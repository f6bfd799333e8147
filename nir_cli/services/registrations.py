"""Registrations in the local register: record, correct, withdraw and list them.

Every change is a new version in `registration_versions` plus an outbox entry, written in one
transaction; `registrations` holds the current version of each for queries. A person has at
most one live registration per natural key (e.g. one `hours` per scheme and month): a second
with other values is a correction, made with `nir registration edit`.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from pydantic import ValidationError

from nir_cli.checks import check_against_person, check_plausible
from nir_cli.core.config import Profile
from nir_cli.core.constants import HKDIR
from nir_cli.core.errors import FieldProblem, InvalidData
from nir_cli.core.i18n import _, ngettext
from nir_cli.core.record_ids import new_id, short_id
from nir_cli.domain.model import Checks, invalid_from
from nir_cli.domain.plausibility import (
    facts_of,
)
from nir_cli.domain.registrations import RegistrationBase, parse_registration
from nir_cli.services.persons import CLI_SOURCE, PersonRecord, by_id_prefix, find_person, get_person
from nir_cli.store import Store, utc_now
from nir_cli.store import registrations as sql
from nir_cli.store.db import ChangedMeanwhile
from nir_cli.store.records import STORED, RegistrationRecord, from_row, stored_fields
from nir_cli.store.registrations import Version, natural_key

__all__ = [
    "STORED",
    "RegistrationRecord",
    "check_against_person",
    "check_plausible",
    "from_row",
    "stored_fields",
]

MAX_REASON_LENGTH = 500


def validate(fields: dict[str, Any], checks: Checks) -> RegistrationBase:
    """A registration of any kind from its fields, or InvalidData naming the options."""
    try:
        return parse_registration(fields, context=checks.as_context())
    except ValidationError as exc:
        raise invalid_from(exc) from None
    except ValueError as exc:  # an unknown kind
        raise InvalidData(f"kind: {exc}", field="kind") from None


def same_as_stored(current: RegistrationRecord, reg: RegistrationBase) -> bool:
    """Equal in everything a registration says (fact date, scheme and the kind's fields)."""
    return (
        reg.kind is current.registration.kind
        and reg.fact_date == current.registration.fact_date
        and reg.scheme_value == current.registration.scheme_value
        and reg.details_json() == current.registration.details_json()
    )


def live_by_key(store: Store, key: str) -> RegistrationRecord | None:
    row = sql.live_by_key(store, key)
    return from_row(row) if row else None


def record(
    store: Store, profile: Profile, person_ref: str, fields: dict[str, Any], checks: Checks
) -> tuple[RegistrationRecord, bool]:
    """Record a registration for a person; returns it and whether it was new.

    The very same registration again changes nothing (scripts and imports rely on that); the
    same registration with other values is refused with the command that corrects it.
    """
    person = find_person(store, person_ref)
    reg = validate(fields, checks)
    check_against_person(reg, person.id, person.data.birth_date, store)  # FieldProblem
    check_plausible(store, person.id, facts_of(person.data), reg, checks)
    key = natural_key(person.id, reg)
    existing = live_by_key(store, key)
    if existing is not None:
        if same_as_stored(existing, reg):
            return existing, False
        raise InvalidData(
            _("{key} is already registered ({id}) with other values").format(
                key=reg.describe_key(), id=short_id(existing.id)
            ),
            hint=_("to correct it: nir registration edit {id} --set FIELD=VALUE").format(
                id=short_id(existing.id)
            ),
        )
    new = Version(
        id=new_id(),
        person_id=person.id,
        version=1,
        registration=reg,
        municipality=person.data.municipality,
        place=person.data.place or profile.place,
    )
    with store.write() as conn:
        sql.insert_new(conn, [new], utc_now(), CLI_SOURCE)
    return find_registration(store, new.id), True


def _write_version(store: Store, version: Version) -> RegistrationRecord:
    try:
        with store.write() as conn:
            sql.update_existing(conn, [version], utc_now(), CLI_SOURCE)
    except ChangedMeanwhile:
        raise InvalidData(
            _("the registration changed meanwhile; look at it again and retry")
        ) from None
    except sqlite3.IntegrityError:
        raise InvalidData(
            _("another live {key} exists for this person").format(
                key=version.registration.describe_key()
            )
        ) from None
    return find_registration(store, version.id)


def edit_registration(
    store: Store, ref: str, changes: dict[str, Any], checks: Checks
) -> tuple[RegistrationRecord, bool]:
    """Correct a registration entered wrongly: a new version with the changed fields."""
    current = find_registration(store, ref)
    _not_from_hkdir(current)
    _not_handed_over(store, current)
    if current.withdrawn:
        raise InvalidData(
            _("registration {id} is withdrawn; register it anew instead").format(
                id=short_id(current.id)
            )
        )
    model = type(current.registration)
    unknown = set(changes) - set(model.model_fields) - {"kind"}
    if unknown:
        raise InvalidData(
            ngettext(
                "{kind} has no field {names}", "{kind} has no fields {names}", len(unknown)
            ).format(kind=current.registration.kind.shown(), names=", ".join(sorted(unknown)))
        )
    body = current.registration.model_dump(mode="json", exclude_none=True)
    reg = validate({**body, **changes, "kind": current.registration.kind}, checks)
    if same_as_stored(current, reg):
        return current, False
    person = get_person(store, current.person_id)
    check_against_person(reg, person.id, person.data.birth_date, store, exclude_id=current.id)
    check_plausible(store, person.id, facts_of(person.data), reg, checks, own_id=current.id)
    return _write_version(store, current.next_version(reg)), True


def _not_handed_over(store: Store, current: RegistrationRecord) -> None:
    """A registration another municipality made before the person moved here is read-only: it
    is that municipality's, handed over for the deadlines that depend on it."""
    person = get_person(store, current.person_id)
    if current.municipality != person.data.municipality:
        raise InvalidData(
            _(
                "registration {id} was made by municipality {municipality} before the person "
                "moved here; it is read-only"
            ).format(id=short_id(current.id), municipality=current.municipality),
            hint=_("register what is new as a registration of your own"),
        )


def _not_from_hkdir(current: RegistrationRecord) -> None:
    if current.source.startswith(f"{HKDIR}:"):
        raise InvalidData(
            _(
                "registration {id} is a test result from HK-dir: nir keeps it as HK-dir sent it"
            ).format(id=short_id(current.id)),
            hint=_("import HK-dir's corrected file with nir import FILE --source hkdir"),
        )


def withdraw_registration(store: Store, ref: str, reason: str) -> RegistrationRecord:
    """Withdraw a registration entered by mistake: a new version marked withdrawn."""
    reason = reason.strip()
    if not reason:
        raise FieldProblem("reason", _("say why the registration is withdrawn"))
    if len(reason) > MAX_REASON_LENGTH:
        raise FieldProblem("reason", _("at most {n} characters").format(n=MAX_REASON_LENGTH))
    current = find_registration(store, ref)
    _not_from_hkdir(current)
    _not_handed_over(store, current)
    if current.withdrawn:
        raise InvalidData(
            _("registration {id} is already withdrawn").format(id=short_id(current.id))
        )
    version = current.next_version(current.registration, withdrawn=True, reason=reason)
    return _write_version(store, version)


def find_registration(store: Store, ref: str) -> RegistrationRecord:
    """A registration by id or unique id prefix."""
    return from_row(by_id_prefix(store, "registrations", ref.strip(), "registration"))


def history(store: Store, person_ref: str) -> tuple[PersonRecord, list[RegistrationRecord]]:
    """A person and their registrations in fact-date order."""
    person = find_person(store, person_ref)
    return person, [from_row(row) for row in sql.of_person(store, person.id)]


def versions(store: Store, ref: str) -> list[dict[str, Any]]:
    """Every version of one registration, oldest first."""
    current = find_registration(store, ref)
    rows = sql.versions_of(store, current.id)
    for row in rows:
        row["details"] = json.loads(row["details"])
        row["withdrawn"] = bool(row["withdrawn"])
    return rows
