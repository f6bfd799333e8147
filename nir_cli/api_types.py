"""The Python API's argument types: what `Register.add_person`, `edit_person`, `record` and
`edit` take, as TypedDicts, so a script's type checker catches a misspelt field or kind.
Values are what the models read: a date or its text (`2026-01-31`, `31.01.2026`), a number or
its text (`42,5`), a yes/no or its word, a code or its Norwegian name. A test holds these
equal to the domain's models, so they cannot drift."""

from __future__ import annotations

import datetime as dt
from typing import Literal, TypedDict

DateLike = dt.date | str
NumberLike = float | int | str
FlagLike = bool | str

# Every registration kind (nir_cli.domain.enums.Kind), by its code.
KindName = Literal[
    "absence", "appeal", "care-leave-training", "career-guidance", "claim",
    "competence-mapping", "course", "decision", "education", "end", "exemption",
    "extended-training", "full-time-upper-secondary", "goal", "hours", "instruction-language",
    "integration-contract", "integration-measure", "leave", "mother-tongue", "offer",
    "programme-content", "reopening", "reservation", "start", "stop", "test-result",
    "test-signup",
]  # fmt: skip


class PersonFields(TypedDict, total=False):
    """A person's fields (nir_cli.domain.person.PersonData)."""

    duf: str | None
    fnr: str | None
    first_name: str
    last_name: str
    birth_date: DateLike
    residence_basis: str
    permit_date: DateLike | None
    settlement_date: DateLike | None
    population_registration_date: DateLike | None
    arrival_date: DateLike | None
    regime: str | None
    municipality: str
    place: str | None


class RegistrationFields(TypedDict, total=False):
    """Every field a registration of some kind has (each kind takes its own of them; the
    model of the kind refuses the others, naming them)."""

    fact_date: DateLike
    scheme: str
    activity_after: str | None
    basis: str
    course: str
    decision_id: str | None
    element: str
    exemption_from: str
    final_goal: str | None
    hours: NumberLike | None
    invalid_hours: NumberLike
    language: str
    level: str | None
    listening: str | None
    measure: str
    months: int | str | None
    norwegian_hours: NumberLike
    oral: str | None
    outcome: str
    passed: FlagLike | None
    period: str
    reading: str | None
    reason: str | None
    reserved: FlagLike
    social_studies_hours: NumberLike
    status: str
    test: str | None
    test_date: DateLike
    until: DateLike | None
    upper_secondary: FlagLike
    valid_hours: NumberLike
    writing: str | None
