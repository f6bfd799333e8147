"""Registrations that are allowed but look wrong: warned about, and refused unless the user
says they are right (`--accept-implausible`), as a DUF number whose check digits fail is.

A case worker may know better than the rule (a municipality «kan tilby» the programme to
others than its target group, integreringsloven § 8), so none of these is an error of the law;
each is a likely typing or matching error that would otherwise reach NIR unnoticed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nir_cli.core.i18n import _, ngettext
from nir_cli.domain import extended, law
from nir_cli.domain.entitlement import INTRO_OFFER_MONTHS, WINDOW_MONTHS, suggest, window_start
from nir_cli.domain.entitlement import window_end as training_window_end
from nir_cli.domain.enums import (
    Decision,
    Entitlement,
    FinalGoal,
    Kind,
    Regime,
    ResidenceBasis,
    Scheme,
)
from nir_cli.domain.programme import programme_target
from nir_cli.domain.registrations import RegistrationBase

OVERRIDE = "--accept-implausible"
# Training facts that fall inside the window when they are right.
WINDOW_KINDS = frozenset({Kind.START, Kind.HOURS, Kind.DECISION, Kind.OFFER})

# What NIR does not take for persons under introduksjonsloven, and where integreringsloven
# asks for it. IMDi, «Frist for å oppdatere opplysninger i NIR for 2022»: «For personer
# omfattet av introduksjonsloven skal ikke sluttmål og integreringskontrakt registreres» and
# «... skal ikke utdanningsbakgrunn, norskmål og deltakelse i fulltid videregående opplæring
# registreres». The same kinds are a finding of `nir missing` (rules.acts.NOT_FOR_ACT).
NOT_UNDER_INTRODUKSJONSLOVEN: dict[tuple[Kind, Scheme | None], str] = {
    (Kind.EDUCATION, None): "integreringsloven § 32, integreringsforskriften § 53",
    (Kind.GOAL, Scheme.TRAINING): "integreringsloven § 31, integreringsforskriften § 53",
    (Kind.FULL_TIME_UPPER_SECONDARY, Scheme.TRAINING): "integreringsforskriften § 53",
    (Kind.GOAL, Scheme.PROGRAMME): "integreringsloven §§ 13–14",
    (Kind.INTEGRATION_CONTRACT, Scheme.PROGRAMME): "integreringsloven § 16",
}


def not_for_act(reg: RegistrationBase, regime: Regime) -> str | None:
    """Why NIR takes no such registration under the person's act, or None."""
    if regime is not Regime.INTRODUKSJONSLOVEN:
        return None
    where = NOT_UNDER_INTRODUKSJONSLOVEN.get((reg.kind, reg.scheme_value))
    if where is None:
        return None
    return _(
        "NIR takes no {kind} for a person under introduksjonsloven: it is registered under "
        "integreringsloven only ({where}; IMDi: «For personer omfattet av introduksjonsloven "
        "skal ikke ... registreres»)"
    ).format(kind=reg.kind.shown(), where=where)


@dataclass(frozen=True)
class ProgrammeFacts:
    """What a programme decision's length is checked against: the final goal (sluttmål) and
    whether upper secondary education is registered (None: not registered)."""

    final_goal: FinalGoal | None = None
    upper_secondary: bool | None = None


def max_programme_months(
    regime: Regime, programme: ProgrammeFacts, decided: dt.date | None = None
) -> int | None:
    """The longest programme the law allows the person, extension included, or None when nir
    cannot tell. Integreringsloven §§ 13–14 as IMDi's table «Sluttmål og varighet» gives them:
    with upper secondary education from before, 3 to 6 months + 6; towards completed upper
    secondary school, 3 months to 3 years + 1 year; everyone else 3 months to 2 years + 1 year.
    Introduksjonsloven § 5: «inntil to år», three «når særlige grunner taler for det».
    Decisions from 1 Jan 2026, when §§ 13–14 were rewritten (lov 2025-06-20-35), nir cannot
    judge: the new lengths by final goal are not in its table (docs/domain.md)."""
    if regime is Regime.INTRODUKSJONSLOVEN:
        return 36
    if regime is not Regime.INTEGRERINGSLOVEN or programme.final_goal is None:
        return None
    if decided is not None and decided >= law.PROGRAMME_LENGTHS_UNTIL:
        return None
    if programme.final_goal is FinalGoal.UPPER_SECONDARY:
        return 48
    if programme.upper_secondary:
        return 12
    return 36


@dataclass(frozen=True)
class PersonFacts:
    """What the checks need of the person a registration is for."""

    residence_basis: ResidenceBasis
    regime: Regime
    birth_date: dt.date
    permit_date: dt.date | None
    settlement_date: dt.date | None = None
    population_registration_date: dt.date | None = None
    arrival_date: dt.date | None = None


def implausible(
    reg: RegistrationBase,
    person: PersonFacts,
    leave_days: int = 0,
    programme: ProgrammeFacts | None = None,
    extension: extended.ExtendedFacts | None = None,
) -> tuple[str, str] | None:
    """The field and why `reg` looks wrong for `person`, or None. `leave_days`: the person's
    days of training leave, which extend the training window; `programme`: what a programme
    decision's months are checked against; `extension`: what a decision on extended training
    (chapter 6A) is checked against."""
    scheme = reg.scheme_value
    wrong_act = not_for_act(reg, person.regime)
    if wrong_act is not None:
        return "kind", wrong_act
    granted = getattr(reg, "outcome", None) is Decision.GRANTED
    if reg.kind is Kind.DECISION and scheme is Scheme.PROGRAMME and granted:
        target = programme_target(
            person.residence_basis,
            person.birth_date,
            person.permit_date,
            person.settlement_date,
            person.population_registration_date,
        )
        if not target.in_group:
            return (
                "scheme",
                _(
                    "a granted programme decision for a person outside the introduction "
                    "programme's target group ({reason})"
                ).format(reason=target.reason),
            )
    months = getattr(reg, "months", None)
    if reg.kind is Kind.DECISION and scheme is Scheme.PROGRAMME and granted and months:
        longest = max_programme_months(person.regime, programme or ProgrammeFacts(), reg.fact_date)
        if longest is not None and months > longest:
            return (
                "months",
                _(
                    "{months} months is longer than the {longest} the law allows this "
                    "participant (final goal and education; integreringsloven §§ 13–14, "
                    "introduksjonsloven § 5)"
                ).format(months=months, longest=longest),
            )
    if scheme is Scheme.ASYLUM and person.residence_basis is not ResidenceBasis.ASYLUM_SEEKER:
        return (
            "scheme",
            _(
                "a {kind} under the asylum seekers' scheme for a person whose residence basis "
                "is {basis}, not {asylum_seeker}"
            ).format(
                kind=reg.kind.shown(),
                basis=person.residence_basis.shown(),
                asylum_seeker=ResidenceBasis.ASYLUM_SEEKER.shown(),
            ),
        )
    if reg.kind is Kind.EXTENDED_TRAINING and person.regime is not Regime.INTEGRERINGSLOVEN_6A:
        return (
            "kind",
            _(
                "a decision on extended training is chapter 6A's (integreringsforskriften "
                "§ 43 g); this person is under {regime}"
            ).format(regime=person.regime.shown()),
        )
    if reg.kind is Kind.EXTENDED_TRAINING and extension is not None:
        found = extended.problem(reg.fact_date, person.birth_date, extension)
        if found is not None:
            return "fact_date", found[1]
    if reg.kind in WINDOW_KINDS and scheme is Scheme.TRAINING:
        end = window_end(person, leave_days)
        if end is not None and reg.fact_date > end:
            return (
                "fact_date",
                ngettext(
                    "the fact date is after the training window ended ({end}: {months} months "
                    "from the permit or a later arrival, with {leave_days} day of leave, at "
                    "most to the 67th birthday)",
                    "the fact date is after the training window ended ({end}: {months} months "
                    "from the permit or a later arrival, with {leave_days} days of leave, at "
                    "most to the 67th birthday)",
                    leave_days,
                ).format(end=end.isoformat(), months=window_months(person), leave_days=leave_days),
            )
    return None


def window_months(person: PersonFacts) -> int:
    """The longest a person's training can lawfully run from the permit: 3 years (18 months
    only shortens it); under introduksjonsloven 5, since the municipality offers the hours on
    assessed need «i inntil fem år» from the first permit (docs/domain.md)."""
    return INTRO_OFFER_MONTHS if person.regime is Regime.INTRODUKSJONSLOVEN else WINDOW_MONTHS


def window_end(person: PersonFacts, leave_days: int) -> dt.date | None:
    """The latest a training window that starts at the permit (or a later arrival) can end
    for the person: the longest window their regime gives (`window_months`) plus their leave,
    never past the 67th birthday. None where the window starts elsewhere (settlement, chapter
    6A's first start), for asylum seekers, where there is no right or duty, and for a duty
    without a right (integreringsloven § 28), which has no gjennomføringsfrist."""
    if person.residence_basis is ResidenceBasis.ASYLUM_SEEKER or person.permit_date is None:
        return None
    suggestion = suggest(
        person.regime, person.residence_basis, person.birth_date, person.permit_date
    )
    # A duty without a right (labour immigrants, either act) is paid for, and may be taken
    # later, for permanent residence: no window to judge it by.
    if suggestion.entitlement in (Entitlement.INGEN, Entitlement.PLIKT):
        return None
    if suggestion.window_from != "permit":
        return None
    start = window_start(suggestion, person.permit_date, person.arrival_date, None, None)
    return training_window_end(start, window_months(person), person.birth_date, leave_days)


def facts_of(data: object) -> PersonFacts:
    """PersonFacts from a PersonData or a row of the persons table."""

    def get(name: str) -> object:
        return data[name] if isinstance(data, dict) else getattr(data, name)

    def day(name: str) -> dt.date | None:
        value = get(name)
        if value is None or isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value))

    birth, permit = day("birth_date"), day("permit_date")
    assert birth is not None
    return PersonFacts(
        ResidenceBasis(str(get("residence_basis"))),
        Regime(str(get("regime"))),
        birth,
        permit,
        day("settlement_date"),
        day("population_registration_date"),
        day("arrival_date"),
    )
