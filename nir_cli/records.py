"""Registrations in the local register: record, correct, withdraw and list them.

Every change is a new version in `registration_versions` plus an outbox entry, written in one
transaction; `registrations` holds the current version of each for queries.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from nir_cli.config import Profile
from nir_cli.domain.deadlines import RegistrationState, registration_state, two_month_deadline
from nir_cli.domain.enums import Kind
from nir_cli.domain.model import Checks
from nir_cli.domain.registrations import RegistrationBase, model_for, parse_registration
from nir_cli.errors import InvalidData
from nir_cli.people import PersonRecord, _by_id_prefix, find_person, get_person
from nir_cli.store import Store, utc_now
from nir_cli.store.outbox import Entity, enqueue
from nir_cli.validation import invalid_from

MAX_REASON_LENGTH = 500


@dataclass(frozen=True)
class RegistrationRecord:
    """A registration as stored, with its deadline and sync bookkeeping."""

    id: str
    person_id: str
    version: int
    registration: RegistrationBase
    withdrawn: bool
    withdrawn_reason: str | None
    municipality: str
    place: str | None
    created_at: str
    entry_date: str
    registry_date: str | None
    registry_version: int | None

    @property
    def deadline(self) -> dt.date:
        return two_month_deadline(self.registration.fact_date)

    def state(self, today: dt.date) -> RegistrationState:
        return registration_state(
            self.registration.fact_date,
            accepted=self.registry_version == self.version,
            withdrawn=self.withdrawn,
            today=today,
        )

    def row(self, today: dt.date) -> dict[str, Any]:
        """A flat row for rendering (no personal numbers in it)."""
        reg = self.registration
        scheme = reg.scheme_value
        return {
            "id": self.id,
            "person_id": self.person_id,
            "kind": reg.kind.value,
            "scheme": scheme.value if scheme else None,
            "fact_date": reg.fact_date.isoformat(),
            "deadline": self.deadline.isoformat(),
            "state": self.state(today).value,
            "days_left": (self.deadline - today).days,
            "withdrawn": self.withdrawn,
            "details": reg.details(),
            "version": self.version,
            "entry_date": self.entry_date,
            "registry_date": self.registry_date,
        }


def _validate(fields: dict[str, Any], checks: Checks) -> RegistrationBase:
    try:
        return parse_registration(fields, context=checks.as_context())
    except ValidationError as exc:
        raise invalid_from(exc) from None
    except ValueError as exc:  # an unknown kind
        raise InvalidData(f"kind: {exc}", field="kind") from None


def _stored(row: dict[str, Any]) -> RegistrationRecord:
    fields = {"kind": row["kind"], "fact_date": row["fact_date"], **json.loads(row["details"])}
    if row["scheme"] is not None and "scheme" in model_for(Kind(row["kind"])).model_fields:
        fields["scheme"] = row["scheme"]
    registration = parse_registration(fields, context=Checks(today=dt.date.max).as_context())
    return RegistrationRecord(
        id=row["id"],
        person_id=row["person_id"],
        version=row["version"],
        registration=registration,
        withdrawn=bool(row["withdrawn"]),
        withdrawn_reason=row["withdrawn_reason"],
        municipality=row["municipality"],
        place=row["place"],
        created_at=row["created_at"],
        entry_date=row["entry_date"],
        registry_date=row["registry_date"],
        registry_version=row["registry_version"],
    )


def _check_against_person(
    reg: RegistrationBase, person: PersonRecord, store: Store, exclude_id: str | None = None
) -> None:
    """Checks that need the person and their other registrations."""
    if reg.fact_date < person.data.birth_date:
        raise InvalidData(
            "--date: the fact date is before the person's birth date", field="fact_date"
        )
    scheme = reg.scheme_value
    if reg.kind in (Kind.START, Kind.END) and scheme is not None:
        other_kind = Kind.END if reg.kind is Kind.START else Kind.START
        others = store.query(
            "SELECT id, fact_date FROM registrations WHERE person_id = ? AND kind = ? "
            "AND scheme = ? AND withdrawn = 0 AND id IS NOT ?",
            (person.id, other_kind.value, scheme.value, exclude_id),
        )
        for other in others:
            other_date = dt.date.fromisoformat(other["fact_date"])
            if reg.kind is Kind.END and reg.fact_date < other_date:
                raise InvalidData(
                    f"--date: the end ({reg.fact_date}) is before the {scheme.value} start "
                    f"({other_date}, {other['id'][:8]})",
                    field="fact_date",
                )


def _columns(reg: RegistrationBase) -> tuple[str, str | None, str, str, str]:
    scheme = reg.scheme_value
    return (
        reg.kind.value,
        scheme.value if scheme else None,
        reg.fact_date.isoformat(),
        two_month_deadline(reg.fact_date).isoformat(),
        json.dumps(reg.details(), ensure_ascii=False, sort_keys=True),
    )


def _same_registration(store: Store, person_id: str, reg: RegistrationBase) -> str | None:
    kind, scheme, fact_date, _, details = _columns(reg)
    row = store.one(
        "SELECT id FROM registrations WHERE person_id = ? AND kind = ? AND scheme IS ? "
        "AND fact_date = ? AND details = ? AND withdrawn = 0",
        (person_id, kind, scheme, fact_date, details),
    )
    return row["id"] if row else None


def record(
    store: Store, profile: Profile, person_ref: str, fields: dict[str, Any], checks: Checks
) -> tuple[RegistrationRecord, bool]:
    """Record a registration for a person; returns it and whether it was new.

    Recording the very same registration twice changes nothing (imports and retries rely on it).
    """
    person = find_person(store, person_ref)
    reg = _validate(fields, checks)
    _check_against_person(reg, person, store)
    existing = _same_registration(store, person.id, reg)
    if existing is not None:
        return get_registration(store, existing), False
    registration_id = str(uuid.uuid4())
    now = utc_now()
    kind, scheme, fact_date, deadline, details = _columns(reg)
    place = person.data.place or profile.place
    with store.write() as conn:
        conn.execute(
            "INSERT INTO registrations (id, person_id, kind, scheme, fact_date, deadline, details, "
            "version, municipality, place, created_at, entry_date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
            (
                registration_id,
                person.id,
                kind,
                scheme,
                fact_date,
                deadline,
                details,
                person.data.municipality,
                place,
                now,
                now,
            ),
        )
        _insert_version(conn, registration_id, 1, reg, False, None, now)
        enqueue(conn, Entity.REGISTRATION, registration_id, 1, None, now)
    return get_registration(store, registration_id), True


def _insert_version(
    conn: Any,
    registration_id: str,
    version: int,
    reg: RegistrationBase,
    withdrawn: bool,
    reason: str | None,
    now: str,
) -> None:
    kind, scheme, fact_date, _, details = _columns(reg)
    conn.execute(
        "INSERT INTO registration_versions (registration_id, version, kind, scheme, fact_date, "
        "details, withdrawn, withdrawn_reason, entry_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (registration_id, version, kind, scheme, fact_date, details, int(withdrawn), reason, now),
    )


def _new_version(
    store: Store,
    current: RegistrationRecord,
    reg: RegistrationBase,
    withdrawn: bool,
    reason: str | None,
) -> RegistrationRecord:
    version = current.version + 1
    now = utc_now()
    _, scheme, fact_date, deadline, details = _columns(reg)
    with store.write() as conn:
        updated = conn.execute(
            "UPDATE registrations SET version = ?, scheme = ?, fact_date = ?, deadline = ?, "
            "details = ?, withdrawn = ?, withdrawn_reason = ?, entry_date = ? "
            "WHERE id = ? AND version = ?",
            (
                version,
                scheme,
                fact_date,
                deadline,
                details,
                int(withdrawn),
                reason,
                now,
                current.id,
                current.version,
            ),
        ).rowcount
        if updated != 1:
            raise InvalidData("the registration changed meanwhile; look at it again and retry")
        _insert_version(conn, current.id, version, reg, withdrawn, reason, now)
        enqueue(conn, Entity.REGISTRATION, current.id, version, current.registry_version, now)
    return get_registration(store, current.id)


def edit_registration(
    store: Store, ref: str, changes: dict[str, Any], checks: Checks
) -> tuple[RegistrationRecord, bool]:
    """Correct a registration entered wrongly: a new version with the changed fields."""
    current = find_registration(store, ref)
    if current.withdrawn:
        raise InvalidData(f"registration {current.id[:8]} is withdrawn; register it anew instead")
    unknown = set(changes) - set(type(current.registration).model_fields) - {"fact_date"}
    unknown.discard("kind")
    if unknown:
        names = ", ".join(sorted(unknown))
        raise InvalidData(f"{current.registration.kind.value} has no field {names}")
    body = current.registration.model_dump(mode="json")
    reg = _validate({**body, **changes, "kind": current.registration.kind}, checks)
    if reg == current.registration:
        return current, False
    _check_against_person(reg, get_person(store, current.person_id), store, exclude_id=current.id)
    return _new_version(store, current, reg, False, None), True


def withdraw_registration(store: Store, ref: str, reason: str) -> RegistrationRecord:
    """Withdraw a registration entered by mistake: a new version marked withdrawn."""
    reason = reason.strip()
    if not reason:
        raise InvalidData("--reason: say why the registration is withdrawn", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidData(f"--reason: at most {MAX_REASON_LENGTH} characters", field="reason")
    current = find_registration(store, ref)
    if current.withdrawn:
        raise InvalidData(f"registration {current.id[:8]} is already withdrawn")
    return _new_version(store, current, current.registration, True, reason)


def get_registration(store: Store, registration_id: str) -> RegistrationRecord:
    return find_registration(store, registration_id)


def find_registration(store: Store, ref: str) -> RegistrationRecord:
    """A registration by id or unique id prefix."""
    return _stored(_by_id_prefix(store, "registrations", ref.strip(), "registration"))


def history(store: Store, person_ref: str) -> tuple[PersonRecord, list[RegistrationRecord]]:
    """A person and their registrations in fact-date order."""
    person = find_person(store, person_ref)
    rows = store.query(
        "SELECT * FROM registrations WHERE person_id = ? ORDER BY fact_date, created_at",
        (person.id,),
    )
    return person, [_stored(row) for row in rows]


def versions(store: Store, ref: str) -> list[dict[str, Any]]:
    """Every version of one registration, oldest first."""
    current = find_registration(store, ref)
    rows = store.query(
        "SELECT version, kind, scheme, fact_date, details, withdrawn, withdrawn_reason, entry_date "
        "FROM registration_versions WHERE registration_id = ? ORDER BY version",
        (current.id,),
    )
    for row in rows:
        row["details"] = json.loads(row["details"])
        row["withdrawn"] = bool(row["withdrawn"])
    return rows
