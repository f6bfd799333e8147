"""The registry validates every record again, with the same domain models as the client.

In two steps: the record on its own (`body`, before the batch waits for the write lock, so
worker processes do it side by side), then against the persons the registry holds (`person`,
inside the batch's transaction)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError
from pydantic_core import to_json

from nir_cli.core.i18n import _
from nir_cli.domain.identifiers import redact
from nir_cli.domain.model import Checks, problems
from nir_cli.domain.person import PersonData
from nir_cli.domain.registrations import parse_registration
from nir_cli.wire import Entity, RecordIn

Problem = tuple[str, str | None, str]


class Checked(NamedTuple):
    """A record checked on its own: what is wrong with it; else its body as the registry
    stores it (normalised: ISO dates, codes, numbers as numbers, DUF without spaces), a
    registration's fact date and a person's birth date."""

    problem: Problem | None
    fact_date: str | None = None
    body: str | None = None
    birth_date: str | None = None


def normalised(model: BaseModel) -> str:
    """The model as stored and handed out: JSON with sorted keys, None left out."""
    return to_json(dict(sorted(model.model_dump(mode="json", exclude_none=True).items()))).decode()


def without_values(message: str, rec: RecordIn) -> str:
    """The domain's message with every value the record sent taken out: a rejection names the
    field and the rule, never what was sent (it may be a personal number)."""
    sent = [str(v) for v in (*rec.body.values(), rec.person_id, rec.withdrawn_reason) if v]
    instead = _("the value")
    for value in sorted(sent, key=len, reverse=True):
        if len(value) >= 2:
            message = message.replace(repr(value), instead).replace(value, instead)
    return redact(message)


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

    def body(self, municipality: str, rec: RecordIn) -> Checked:
        """The record on its own: its body against the domain models, a person's municipality,
        a registration's person_id."""
        context = self._checks()
        try:
            if rec.entity is Entity.PERSON:
                person = PersonData.model_validate(rec.body, context=context)
                if person.municipality != municipality:
                    return Checked(
                        (
                            "wrong_municipality",
                            "municipality",
                            _("the person belongs to another municipality than the caller"),
                        )
                    )
                if rec.person_id is not None and rec.person_id != rec.id:
                    return Checked(
                        ("invalid", "person_id", _("a person's person_id is its own id"))
                    )
                return Checked(None, None, normalised(person), person.birth_date.isoformat())
            registration = parse_registration(rec.body, context=context)
        except ValidationError as exc:
            first = problems(exc)[0]
            return Checked(("invalid", first.field, without_values(first.message, rec)))
        except ValueError:
            return Checked(("invalid", "kind", _("not a registration kind nir knows")))
        if rec.person_id is None:
            return Checked(("invalid", "person_id", _("a registration needs its person_id")))
        return Checked(None, registration.fact_date.isoformat(), normalised(registration))

    @staticmethod
    def person(rec: RecordIn, checked: Checked, births: dict[str, str | None]) -> Problem | None:
        """The record against the persons: `births` holds the birth date of every person the
        registry (or the batch so far) has."""
        person_id, fact_date = rec.person_id, checked.fact_date
        # body() gave a registration without a problem its person_id and fact date.
        if checked.problem is not None or person_id is None or fact_date is None:
            return checked.problem
        if person_id not in births:
            return (
                "unknown_person",
                "person_id",
                _("the registry has no such person; send it first"),
            )
        birth = births[person_id]
        if birth and fact_date < birth:
            return "invalid", "fact_date", _("the fact date is before the person's birth date")
        return None
