"""Rows as records: a stored registration row read back as a typed `RegistrationRecord` (its
model, its deadline and state, its sync bookkeeping), for the services, the importer and the
sync alike."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from nir_cli.domain.deadlines import RegistrationState, registration_state, two_month_deadline
from nir_cli.domain.enums import Kind
from nir_cli.domain.model import Checks
from nir_cli.domain.registrations import RegistrationBase, model_for, parse_registration
from nir_cli.store.registrations import Version

# Stored rows were validated on the way in; reading them back must not judge them again
# against today's date or the profile.
STORED = Checks(today=dt.date.max, allow_synthetic=True, accept_unchecked_duf=True).as_context()


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
    source: str
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

    def next_version(
        self, registration: RegistrationBase, *, withdrawn: bool = False, reason: str | None = None
    ) -> Version:
        """The version that follows this one, building on what the registry holds."""
        return Version(
            id=self.id,
            person_id=self.person_id,
            version=self.version + 1,
            registration=registration,
            municipality=self.municipality,
            place=self.place,
            withdrawn=withdrawn,
            withdrawn_reason=reason,
            base_version=self.registry_version,
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
            "source": self.source,
            "registry_date": self.registry_date,
        }


def stored_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The model fields of a stored registration row."""
    fields = {"kind": row["kind"], "fact_date": row["fact_date"], **json.loads(row["details"])}
    if row["scheme"] is not None and "scheme" in model_for(Kind(row["kind"])).model_fields:
        fields["scheme"] = row["scheme"]
    return fields


def from_row(row: dict[str, Any]) -> RegistrationRecord:
    registration = parse_registration(stored_fields(row), context=STORED)
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
        source=row["source"],
        registry_date=row["registry_date"],
        registry_version=row["registry_version"],
    )
