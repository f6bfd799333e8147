"""The registry validates every record again, with the same domain models as the client."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from pydantic import ValidationError

from nir_cli.domain.model import Checks, problems
from nir_cli.domain.person import PersonData
from nir_cli.domain.registrations import parse_registration
from nir_cli.sync.wire import Entity, RecordIn

Problem = tuple[str, str | None, str]


class Validator:
    """Checks one record in the caller's municipality; returns (code, field, message) or None."""

    def __init__(self, allow_synthetic: bool) -> None:
        self.allow_synthetic = allow_synthetic
        self._context: tuple[float, dict[str, Any]] | None = None

    def _checks(self) -> dict[str, Any]:
        """The validation context, made anew at most once a second, not once a record."""
        now = time.monotonic()
        if self._context is None or now - self._context[0] >= 1.0:
            # Tomorrow, not today: a client east of UTC may be a day ahead of the server.
            checks = Checks(
                today=dt.date.today() + dt.timedelta(days=1),
                allow_synthetic=self.allow_synthetic,
                accept_unchecked_duf=True,
            )
            self._context = now, checks.as_context()
        return self._context[1]

    def __call__(
        self, municipality: str, rec: RecordIn, births: dict[str, str | None]
    ) -> Problem | None:
        """`births`: the birth date of every person the registry (or this batch) has."""
        context = self._checks()
        try:
            if rec.entity is Entity.PERSON:
                person = PersonData.model_validate(rec.body, context=context)
                if person.municipality != municipality:
                    return (
                        "wrong_municipality",
                        "municipality",
                        "the person belongs to another municipality than the caller",
                    )
                return None
            registration = parse_registration(rec.body, context=context)
        except ValidationError as exc:
            first = problems(exc)[0]
            return "invalid", first.field, first.message
        except ValueError as exc:
            return "invalid", "kind", str(exc)
        if rec.person_id is None:
            return "invalid", "person_id", "a registration needs its person_id"
        if rec.person_id not in births:
            return "unknown_person", "person_id", "the registry has no such person; send it first"
        birth = births[rec.person_id]
        if birth and registration.fact_date.isoformat() < birth:
            return "invalid", "fact_date", "the fact date is before the person's birth date"
        return None
