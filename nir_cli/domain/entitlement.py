"""The suggested entitlement to Norwegian and social-studies training (BRIEF 1.1).

NIR is not a register of rights: this is a suggestion from regime, residence basis, age at the
permit date and the permit date. The municipality's decision (vedtak) stays the truth.

Age bands follow the law's wording "mellom 16 og 55 år": from the 16th birthday up to the day
before the 55th; "55 to 67": from the 55th birthday up to the day before the 67th.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nir_cli.domain.deadlines import age_on
from nir_cli.domain.enums import Cost, Entitlement, Regime, ResidenceBasis
from nir_cli.domain.law import (
    CHAPTER_6A_FROM,
    CHAPTER_6A_UNTIL,
    DUTY_55_67_FROM,
    HOURS_600_FROM,
    INTEGRERINGSLOVEN_IN_FORCE,
)

PROTECTED = frozenset(
    {
        ResidenceBasis.REFUGEE,
        ResidenceBasis.RESETTLEMENT_REFUGEE,
        ResidenceBasis.HUMANITARIAN,
        ResidenceBasis.COLLECTIVE_PROTECTION,
        ResidenceBasis.FAMILY_OF_REFUGEE,
        ResidenceBasis.FAMILY_OF_NORWEGIAN_OR_NORDIC,
    }
)
LABOUR = frozenset({ResidenceBasis.LABOUR_NON_EEA, ResidenceBasis.FAMILY_OF_LABOUR_NON_EEA})

MAX_HOURS_ON_NEED = 3000
WINDOW_MONTHS = 36
WINDOW_MONTHS_UPPER_SECONDARY = 18
WINDOW_MONTHS_6A = 12
ASYLUM_NORWEGIAN_HOURS = 175
ASYLUM_VALUES_HOURS = 50


@dataclass(frozen=True)
class Suggestion:
    """What the law suggests for one person; `hours` is None where the goal is a level."""

    entitlement: Entitlement
    cost: Cost
    hours: int | None = None
    social_studies_hours: int | None = None
    max_hours: int | None = None
    goal_based: bool = False
    window_months: int | None = None
    note: str = ""


NONE_PAID = Suggestion(Entitlement.INGEN, Cost.BETALING, note="unntak: paid if offered")


# Permits applied for in Norway: the person is here before the permit is granted, so a permit
# before 2021 means an arrival before 2021 too.
APPLIED_IN_NORWAY = frozenset(
    {
        ResidenceBasis.REFUGEE,
        ResidenceBasis.HUMANITARIAN,
        ResidenceBasis.COLLECTIVE_PROTECTION,
        ResidenceBasis.ASYLUM_SEEKER,
    }
)


def derive_regime(
    basis: ResidenceBasis,
    permit_date: dt.date,
    settlement_date: dt.date | None = None,
    arrival_date: dt.date | None = None,
) -> Regime:
    """The act a person falls under (integreringsloven § 51, integreringsforskriften § 72):
    introduksjonsloven when the permit was granted and the person arrived in Norway before
    1 Jan 2021; chapter 6A for collective protection granted while it is in force; else
    integreringsloven. An unknown arrival is presumed (see `regime_presumption`)."""
    arrived = arrival_date or presumed_arrival(basis, permit_date, settlement_date)
    if permit_date < INTEGRERINGSLOVEN_IN_FORCE and arrived < INTEGRERINGSLOVEN_IN_FORCE:
        return Regime.INTRODUKSJONSLOVEN
    if (
        basis is ResidenceBasis.COLLECTIVE_PROTECTION
        and CHAPTER_6A_FROM <= permit_date < CHAPTER_6A_UNTIL
    ):
        return Regime.INTEGRERINGSLOVEN_6A
    return Regime.INTEGRERINGSLOVEN


def presumed_arrival(
    basis: ResidenceBasis, permit_date: dt.date, settlement_date: dt.date | None
) -> dt.date:
    """The latest day the person can have arrived, when the arrival date is not registered:
    the permit date for permits applied for in Norway; else the settlement date (one arrives
    before settling), else the permit date (a presumption: the person may have come later)."""
    if basis in APPLIED_IN_NORWAY:
        return permit_date
    return settlement_date or permit_date


def regime_presumption(
    basis: ResidenceBasis,
    permit_date: dt.date,
    settlement_date: dt.date | None,
    arrival_date: dt.date | None,
) -> str | None:
    """Why the derived regime is a presumption, when it is one: the permit came before 2021,
    the arrival date is not registered, and the arrival cannot be told from the permit."""
    if arrival_date is not None or permit_date >= INTEGRERINGSLOVEN_IN_FORCE:
        return None
    if basis in APPLIED_IN_NORWAY:
        return None  # applied for in Norway: arrived before the permit, so before 2021
    if settlement_date is not None and settlement_date < INTEGRERINGSLOVEN_IN_FORCE:
        return None  # settled before 2021, so arrived before 2021
    if settlement_date is not None:
        return (
            "presumed: the arrival date is not registered; the person may have arrived before "
            "2021 (introduksjonsloven) though settled in 2021 or later; register --arrival-date"
        )
    return (
        "presumed: the arrival date is not registered and the permit came before 2021; an "
        "arrival from 2021 would mean integreringsloven; register --arrival-date"
    )


def suggest(
    regime: Regime,
    basis: ResidenceBasis,
    birth_date: dt.date,
    permit_date: dt.date,
    *,
    upper_secondary: bool | None = None,
) -> Suggestion:
    """The suggested entitlement for training in Norwegian and social studies."""
    age = age_on(birth_date, permit_date)
    if basis is ResidenceBasis.ASYLUM_SEEKER:
        return Suggestion(
            Entitlement.RETT,
            Cost.GRATIS,
            hours=ASYLUM_NORWEGIAN_HOURS + ASYLUM_VALUES_HOURS,
            note="asylum seekers in reception: 175 h Norwegian + 50 h culture and values; "
            "an offer, later a duty",
        )
    if regime is Regime.INTRODUKSJONSLOVEN:
        return _introduksjonsloven(basis, age, permit_date)
    if regime is Regime.INTEGRERINGSLOVEN_6A:
        if basis is not ResidenceBasis.COLLECTIVE_PROTECTION or not 18 <= age < 67:
            return NONE_PAID
        return Suggestion(
            Entitlement.RETT,
            Cost.GRATIS,
            goal_based=True,
            window_months=WINDOW_MONTHS_6A,
            note="chapter 6A: right without duty",
        )
    return _integreringsloven(basis, age, upper_secondary)


def _introduksjonsloven(basis: ResidenceBasis, age: int, permit_date: dt.date) -> Suggestion:
    if basis in PROTECTED:
        hours = 600 if permit_date >= HOURS_600_FROM else 300
        if 16 <= age < 55:
            category = Entitlement.RETT_OG_PLIKT
        elif 55 <= age < 67:
            duty = permit_date >= DUTY_55_67_FROM
            category = Entitlement.RETT_OG_PLIKT if duty else Entitlement.RETT
        else:
            return NONE_PAID
        return Suggestion(
            category,
            Cost.GRATIS,
            hours=hours,
            social_studies_hours=50,
            max_hours=MAX_HOURS_ON_NEED,
            window_months=WINDOW_MONTHS,
        )
    if basis in LABOUR:
        if 16 <= age < 55:
            return Suggestion(
                Entitlement.PLIKT,
                Cost.BETALING,
                hours=300,
                social_studies_hours=50,
                window_months=WINDOW_MONTHS,
            )
        return NONE_PAID
    return NONE_PAID


def _integreringsloven(basis: ResidenceBasis, age: int, upper_secondary: bool | None) -> Suggestion:
    if not 18 <= age < 67:
        return NONE_PAID
    window = WINDOW_MONTHS_UPPER_SECONDARY if upper_secondary else WINDOW_MONTHS
    if basis in PROTECTED:
        return Suggestion(
            Entitlement.RETT_OG_PLIKT,
            Cost.GRATIS,
            social_studies_hours=75,
            goal_based=True,
            window_months=window,
        )
    if basis in LABOUR:
        return Suggestion(
            Entitlement.PLIKT,
            Cost.BETALING,
            social_studies_hours=50,
            goal_based=True,
            window_months=window,
        )
    return NONE_PAID
