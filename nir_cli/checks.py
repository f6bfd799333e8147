"""Checks of a registration against its person and the person's other registrations: what
one row cannot show by itself (an end before its start, a fact before the birth date, a
registration that looks wrong for this person). Typed registrations, the domain's
plausibility and the store's lookups; read by the services, the importer and the sync alike,
so each front end refuses the same things."""

from __future__ import annotations

import datetime as dt

from nir_cli.core.errors import FieldProblem
from nir_cli.core.i18n import _
from nir_cli.core.record_ids import short_id
from nir_cli.domain import extended
from nir_cli.domain.enums import FinalGoal, Kind, Regime, Scheme
from nir_cli.domain.model import Checks
from nir_cli.domain.plausibility import (
    OVERRIDE,
    WINDOW_KINDS,
    PersonFacts,
    ProgrammeFacts,
    implausible,
)
from nir_cli.domain.registrations import RegistrationBase
from nir_cli.store import Store, lookup
from nir_cli.store import registrations as sql


def check_against_person(
    reg: RegistrationBase,
    person_id: str,
    birth_date: dt.date,
    store: Store,
    exclude_id: str | None = None,
) -> None:
    """Checks that need the person and their other registrations (raises FieldProblem)."""
    if reg.fact_date < birth_date:
        raise FieldProblem("fact_date", _("the fact date is before the person's birth date"))
    scheme = reg.scheme_value
    if reg.kind not in (Kind.START, Kind.END) or scheme is None:
        return
    other_kind = Kind.END if reg.kind is Kind.START else Kind.START
    for other in sql.live_of_kind(store, person_id, other_kind.value, scheme.value, exclude_id):
        other_date = dt.date.fromisoformat(other["fact_date"])
        start, end = (
            (other_date, reg.fact_date) if reg.kind is Kind.END else (reg.fact_date, other_date)
        )
        if end < start:
            raise FieldProblem(
                "fact_date",
                _(
                    "the {scheme} end ({end}) would be before its start ({start}, "
                    "registration {id})"
                ).format(scheme=scheme.shown(), end=end, start=start, id=short_id(other["id"])),
            )


def check_plausible(
    store: Store,
    person_id: str,
    facts: PersonFacts,
    reg: RegistrationBase,
    checks: Checks,
    own_id: str | None = None,
) -> None:
    """A registration that looks wrong for its person is refused unless the user accepted
    implausible ones (domain.plausibility); the message says how. A decision on extended
    training without an education background is refused whatever the user says: NIR takes
    the education first (the message gives the command). `own_id`: the registration's id when
    it is a correction."""
    extension = None
    if reg.kind is Kind.EXTENDED_TRAINING and facts.regime is Regime.INTEGRERINGSLOVEN_6A:
        extension = lookup.extended_facts(store, person_id, reg.fact_date, own_id)
        if extension.upper_secondary is None:
            raise FieldProblem(
                "kind",
                _("{why}: {command}").format(
                    why=extended.education_first(),
                    command="nir register education PERSON --date DATE --upper-secondary yes|no",
                ),
            )
    if checks.accept_implausible:
        return
    leave_days = 0
    programme = None
    if reg.kind in WINDOW_KINDS and reg.scheme_value is Scheme.TRAINING:
        leave_days = lookup.training_facts(store, person_id).leave_days
    elif reg.kind is Kind.DECISION and getattr(reg, "months", None):
        goal = lookup.programme_goal(store, person_id)
        programme = ProgrammeFacts(
            FinalGoal(goal) if goal else None,
            lookup.training_facts(store, person_id).upper_secondary,
        )
    found = implausible(reg, facts, leave_days, programme, extension)
    if found is not None:
        field, why = found
        raise FieldProblem(
            field, _("{why}; if it is right, give {option}").format(why=why, option=OVERRIDE)
        )
