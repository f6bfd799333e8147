"""The suggested entitlement to Norwegian and social-studies training (BRIEF 1.1).

NIR is not a register of rights: this is a suggestion from regime, residence basis, age at the
permit date and the permit date. The municipality's decision (vedtak) stays the truth.

Age bands follow the law's wording "mellom 16 og 55 år": from the 16th birthday up to the day
before the 55th; "55 to 67": from the 55th birthday up to the day before the 67th.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nir_cli.core.i18n import N_, _
from nir_cli.domain import law
from nir_cli.domain.deadlines import add_months, age_on
from nir_cli.domain.enums import Cost, Entitlement, Regime, ResidenceBasis
from nir_cli.domain.law import (
    CHAPTER_6A_FROM,
    CHAPTER_6A_UNTIL,
    DUTY_55_67_FROM,
    INTEGRERINGSLOVEN_IN_FORCE,
    INTRO_ASYLUM_DUTY_FROM,
)

# Integreringsloven § 27 (IMDi's list of the permits that give a right and a duty, 2024):
# protection and family of protected persons, a limited permit as a member of a family with
# children (utlendingsloven § 38 fifth paragraph; from its first renewal), a renewable permit
# under § 53, and other permits that give grounds for permanent residence except § 28's.
# Introduksjonsloven § 17 drew the same circle (its list for the last three: unverified).
PROTECTED = frozenset(
    {
        ResidenceBasis.REFUGEE,
        ResidenceBasis.RESETTLEMENT_REFUGEE,
        ResidenceBasis.HUMANITARIAN,
        ResidenceBasis.COLLECTIVE_PROTECTION,
        ResidenceBasis.FAMILY_OF_REFUGEE,
        ResidenceBasis.FAMILY_OF_NORWEGIAN_OR_NORDIC,
        ResidenceBasis.LIMITED_FAMILY,
        ResidenceBasis.INDEPENDENT_PERMIT,
        ResidenceBasis.OTHER_PERMANENT_BASIS,
    }
)
# Integreringsloven § 28: a duty without a right, paid by the participant (egenbetaling).
LABOUR = frozenset({ResidenceBasis.LABOUR_NON_EEA, ResidenceBasis.FAMILY_OF_LABOUR_NON_EEA})

# The law's numbers, from the one table of dated facts (nir_cli.domain.law).
MAX_HOURS_ON_NEED = law.value("intro_max_hours")
SOCIAL_STUDIES_HOURS_INTRO = law.value("intro_social_studies_hours")
INTRO_LABOUR_HOURS = law.value("intro_labour_hours")
INTRO_OFFER_MONTHS = law.value("intro_offer_months")
INTRO_MIN_AGE = law.value("intro_min_age")
INTRO_DUTY_UNTIL_AGE = law.value("intro_duty_until_age")
MIN_AGE = law.value("min_age")
RIGHT_ENDS_AT_AGE = law.value("right_ends_at_age")
WINDOW_MONTHS = law.value("window_months")
WINDOW_MONTHS_UPPER_SECONDARY = law.value("window_months_upper_secondary")
WINDOW_MONTHS_6A = law.value("window_months_6a")
RIGHT_ENDS_AT_MONTHS = RIGHT_ENDS_AT_AGE * 12  # of age: the right and duty end at 67 (§ 26)
SOCIAL_STUDIES_HOURS = law.value("social_studies_hours")
LABOUR_SOCIAL_STUDIES_HOURS = law.value("labour_social_studies_hours")
LABOUR_DUTY_HOURS = law.value("labour_duty_hours")
# Training in reception: 175 hours of Norwegian under both acts; 25 of social studies under
# integreringsloven § 5 (a duty from 18); under introduksjonsloven § 20 a (a duty from 16 for
# those who came to reception from 1 Sep 2018) 50 of Norwegian culture and values until
# integreringsforskriften § 72 lifted that duty from 2021.
ASYLUM_NORWEGIAN_HOURS = law.value("asylum_norwegian_hours")
ASYLUM_SOCIAL_STUDIES_HOURS = law.value("asylum_social_studies_hours")
ASYLUM_VALUES_HOURS_INTRO = law.value("intro_asylum_values_hours") or None  # 0: lifted (§ 72)


@dataclass(frozen=True)
class Suggestion:
    """What the law suggests for one person's training in Norwegian and social studies.

    Hours are given apart: Norwegian, and social studies (for asylum seekers under
    introduksjonsloven, Norwegian culture and values). Under integreringsloven the Norwegian
    part has no hours: the goal level (norskmål) and the window end it (`goal_based`).
    `window_from` says where the window starts: the permit, or under chapter 6A the first start
    of training."""

    entitlement: Entitlement
    cost: Cost
    norwegian_hours: int | None = None
    social_studies_hours: int | None = None
    max_hours: int | None = None
    goal_based: bool = False
    window_months: int | None = None
    window_from: str | None = None  # "permit" (or a later arrival), "settlement", "first_start"
    note: str = ""  # in English, marked for the catalog: translated where shown

    @property
    def hours(self) -> int | None:
        """Norwegian and social studies together, where both are hours."""
        if self.norwegian_hours is None:
            return None
        return self.norwegian_hours + (self.social_studies_hours or 0)


NOTHING = Suggestion(
    Entitlement.INGEN,
    Cost.NONE,
    note=N_("neither right nor duty; the municipality may offer training for payment"),
)


# Permits applied for in Norway: the person is here before the permit is granted, so a permit
# before 2021 means an arrival before 2021 too.
APPLIED_IN_NORWAY = frozenset(
    {
        ResidenceBasis.REFUGEE,
        ResidenceBasis.HUMANITARIAN,
        ResidenceBasis.COLLECTIVE_PROTECTION,
        ResidenceBasis.ASYLUM_SEEKER,
        ResidenceBasis.LIMITED_FAMILY,
        ResidenceBasis.INDEPENDENT_PERMIT,
    }
)


def derive_regime(
    basis: ResidenceBasis,
    permit_date: dt.date | None,
    settlement_date: dt.date | None = None,
    arrival_date: dt.date | None = None,
) -> Regime:
    """The act a person falls under (integreringsloven § 51, integreringsforskriften § 72):
    introduksjonsloven when the permit was granted and the person arrived in Norway before
    1 Jan 2021; chapter 6A for collective protection granted while it is in force; else
    integreringsloven. An unknown arrival is presumed (see `regime_presumption`). An asylum
    seeker without a permit falls under the act in force when they came (§ 72: the asylum
    rules of integreringsloven apply to those who applied after it came into force)."""
    if permit_date is None:
        if arrival_date is not None and arrival_date < INTEGRERINGSLOVEN_IN_FORCE:
            return Regime.INTRODUKSJONSLOVEN
        return Regime.INTEGRERINGSLOVEN
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
    permit_date: dt.date | None,
    settlement_date: dt.date | None,
    arrival_date: dt.date | None,
) -> str | None:
    """Why the derived regime is a presumption, when it is one: the permit came before 2021,
    the arrival date is not registered, and the arrival cannot be told from the permit."""
    if permit_date is None:
        if arrival_date is None:
            return _(
                "presumed: an asylum seeker without a permit or an arrival date is taken to "
                "fall under integreringsloven; register --arrival-date"
            )
        return None
    if arrival_date is not None or permit_date >= INTEGRERINGSLOVEN_IN_FORCE:
        return None
    if basis in APPLIED_IN_NORWAY:
        return None  # applied for in Norway: arrived before the permit, so before 2021
    if settlement_date is not None and settlement_date < INTEGRERINGSLOVEN_IN_FORCE:
        return None  # settled before 2021, so arrived before 2021
    if settlement_date is not None:
        return _(
            "presumed: the arrival date is not registered; the person may have arrived before "
            "2021 (introduksjonsloven) though settled in 2021 or later; register --arrival-date"
        )
    return _(
        "presumed: the arrival date is not registered and the permit came before 2021; an "
        "arrival from 2021 would mean integreringsloven; register --arrival-date"
    )


def suggest(
    regime: Regime,
    basis: ResidenceBasis,
    birth_date: dt.date,
    permit_date: dt.date | None,
    *,
    upper_secondary: bool | None = None,
    arrival_date: dt.date | None = None,
) -> Suggestion:
    """The suggested entitlement for training in Norwegian and social studies. Age counts on
    the permit date; an asylum seeker without a permit by the arrival, else as an adult."""
    if basis is ResidenceBasis.ASYLUM_SEEKER:
        # The coming to reception is the arrival; a permit, if one is registered, comes after.
        day = arrival_date or permit_date
        return _asylum(regime, age_on(birth_date, day) if day else None, day)
    if permit_date is None:
        return NOTHING  # only an asylum seeker may lack a permit
    age = age_on(birth_date, permit_date)
    if regime is Regime.INTRODUKSJONSLOVEN:
        return _introduksjonsloven(basis, age, permit_date)
    if regime is Regime.INTEGRERINGSLOVEN_6A:
        if (
            basis is not ResidenceBasis.COLLECTIVE_PROTECTION
            or not MIN_AGE <= age < RIGHT_ENDS_AT_AGE
        ):
            return NOTHING
        return Suggestion(
            Entitlement.RETT,
            Cost.GRATIS,
            goal_based=True,
            window_months=WINDOW_MONTHS_6A,
            window_from="first_start",
            note=N_(
                "chapter 6A (§ 37 d): a right without a duty, 12 months from the first start "
                "of training, extended by leave"
            ),
        )
    return _integreringsloven(basis, age, upper_secondary)


def _asylum(regime: Regime, age: int | None, came: dt.date | None) -> Suggestion:
    """Training in reception. `came`: the arrival, else the permit (the day nir has for the
    person's coming to reception)."""
    if regime is Regime.INTRODUKSJONSLOVEN:
        # Introduksjonsloven § 20 a: «Asylsøkarar over 16 år som bur i mottak og er registrert
        # inn i mottaket etter 1. september 2018» have a duty to 175 hours of Norwegian (IMDi,
        # tilskot for asylsøkarar); the 50 of Norwegian culture and values were lifted by
        # integreringsforskriften § 72 from 2021. Before 1 Sep 2018, no duty.
        if age is not None and age < INTRO_MIN_AGE:
            return NOTHING
        if came is None or came < INTRO_ASYLUM_DUTY_FROM:
            return Suggestion(
                Entitlement.INGEN,
                Cost.GRATIS,
                norwegian_hours=ASYLUM_NORWEGIAN_HOURS,
                note=N_(
                    "asylum seekers in reception before 1 Sep 2018 (introduksjonsloven): no "
                    "statutory duty; up to 175 hours of Norwegian may be given"
                ),
            )
        return Suggestion(
            Entitlement.PLIKT,
            Cost.GRATIS,
            norwegian_hours=ASYLUM_NORWEGIAN_HOURS,
            social_studies_hours=ASYLUM_VALUES_HOURS_INTRO,
            note=N_(
                "asylum seekers in reception (introduksjonsloven § 20 a): a duty to 175 hours "
                "of Norwegian; the duty to Norwegian culture and values was lifted from 2021 "
                "(integreringsforskriften § 72)"
            ),
        )
    if age is not None and age < MIN_AGE:
        return NOTHING
    return Suggestion(
        Entitlement.PLIKT,
        Cost.GRATIS,
        norwegian_hours=ASYLUM_NORWEGIAN_HOURS,
        social_studies_hours=ASYLUM_SOCIAL_STUDIES_HOURS,
        note=N_(
            "asylum seekers in reception (integreringsloven § 5): a duty to 175 hours of "
            "Norwegian and 25 of social studies"
        ),
    )


def _introduksjonsloven(basis: ResidenceBasis, age: int, permit_date: dt.date) -> Suggestion:
    if basis in PROTECTED:
        hours = law.value("intro_hours", permit_date)
        if INTRO_MIN_AGE <= age < INTRO_DUTY_UNTIL_AGE:
            category = Entitlement.RETT_OG_PLIKT
        elif INTRO_DUTY_UNTIL_AGE <= age < RIGHT_ENDS_AT_AGE:
            duty = permit_date >= DUTY_55_67_FROM
            category = Entitlement.RETT_OG_PLIKT if duty else Entitlement.RETT
        else:
            return NOTHING
        return Suggestion(
            category,
            Cost.GRATIS,
            norwegian_hours=hours - SOCIAL_STUDIES_HOURS_INTRO,
            social_studies_hours=SOCIAL_STUDIES_HOURS_INTRO,
            max_hours=MAX_HOURS_ON_NEED,
            window_months=WINDOW_MONTHS,
            window_from="permit",
            note=_limited_note(basis),
        )
    if basis in LABOUR:
        if INTRO_MIN_AGE <= age < INTRO_DUTY_UNTIL_AGE:
            return Suggestion(
                Entitlement.PLIKT,
                Cost.BETALING,
                norwegian_hours=INTRO_LABOUR_HOURS - SOCIAL_STUDIES_HOURS_INTRO,
                social_studies_hours=SOCIAL_STUDIES_HOURS_INTRO,
                window_months=WINDOW_MONTHS,
                window_from="permit",
            )
        return NOTHING
    return NOTHING


def _limited_note(basis: ResidenceBasis) -> str:
    """What a limited permit's suggestion must say: its right begins at the first renewal."""
    if basis is ResidenceBasis.LIMITED_FAMILY:
        return N_(
            "a limited permit (utlendingsloven § 38 fifth paragraph): the right and duty begin "
            "at its first renewal (§ 26); give the renewal's date as the permit date"
        )
    return ""


def _integreringsloven(basis: ResidenceBasis, age: int, upper_secondary: bool | None) -> Suggestion:
    if not MIN_AGE <= age < RIGHT_ENDS_AT_AGE:
        return NOTHING
    window = WINDOW_MONTHS_UPPER_SECONDARY if upper_secondary else WINDOW_MONTHS
    if basis in PROTECTED:
        # § 26 second paragraph: for collective protection (§ 9 e) the right begins «på
        # tidspunktet personen bosettes etter avtale».
        start = "settlement" if basis is ResidenceBasis.COLLECTIVE_PROTECTION else "permit"
        return Suggestion(
            Entitlement.RETT_OG_PLIKT,
            Cost.GRATIS,
            social_studies_hours=SOCIAL_STUDIES_HOURS,
            goal_based=True,
            window_months=window,
            window_from=start,
            note=_limited_note(basis),
        )
    if basis in LABOUR:
        # § 28: a duty without a right; no gjennomføringsfrist of § 32 (NIR computes the 18-month
        # or 3-year frist «for personer med rett og plikt», IMDi), no offer owed.
        return Suggestion(
            Entitlement.PLIKT,
            Cost.BETALING,
            social_studies_hours=LABOUR_SOCIAL_STUDIES_HOURS,
            goal_based=True,
            note=N_(
                "integreringsloven § 28: a duty without a right, paid by the participant "
                "(egenbetaling); when it ends (the minimum level in Norwegian, § 31, or 300 "
                "hours, by a provider's reading) is unverified"
            ),
        )
    return NOTHING


@dataclass(frozen=True)
class TrainingFacts:
    """What a person's entitlement depends on beyond the person: the education background
    (None when not registered), the first start of training, and the days of training leave.
    The local store and the registry each read them from their registrations."""

    upper_secondary: bool | None = None
    first_start: dt.date | None = None
    leave_days: int = 0


def window_start(
    suggestion: Suggestion,
    permit_date: dt.date | None,
    arrival_date: dt.date | None,
    settlement_date: dt.date | None,
    first_start: dt.date | None,
) -> dt.date | None:
    """Where the training window starts (integreringsloven § 26 second paragraph): the right
    and duty begin when the permit is granted, «eller ved ankomst til Norge for personer som
    har fått innvilget oppholdstillatelsen før innreise»; for collective protection at
    settlement; under chapter 6A at the first start of training (IMDi). None when unknown."""
    if suggestion.window_from == "permit" and permit_date is not None:
        return max(permit_date, arrival_date or permit_date)
    if suggestion.window_from == "settlement":
        return settlement_date
    if suggestion.window_from == "first_start":
        return first_start
    return None


def window_end(
    start: dt.date | None, months: int | None, birth_date: dt.date, leave_days: int
) -> dt.date | None:
    """`months` from the window's start plus every day of training leave, but never past the
    67th birthday: «Retten og plikten opphører ved fylte 67 år» (§ 26)."""
    if start is None or not months:
        return None
    end = add_months(start, months) + dt.timedelta(days=leave_days)
    return min(end, add_months(birth_date, RIGHT_ENDS_AT_MONTHS))


def entitlement_view(
    regime: Regime,
    basis: ResidenceBasis,
    birth_date: dt.date,
    permit_date: dt.date | None,
    facts: TrainingFacts,
    arrival_date: dt.date | None = None,
    settlement_date: dt.date | None = None,
) -> dict[str, object]:
    """The suggested entitlement, typed, with the window's start and end (`window_start`,
    `window_end`); 18 months where upper secondary education is registered (integreringsloven).
    The same for `nir person show` and the registry."""
    suggestion = suggest(
        regime,
        basis,
        birth_date,
        permit_date,
        upper_secondary=facts.upper_secondary,
        arrival_date=arrival_date,
    )
    start = window_start(suggestion, permit_date, arrival_date, settlement_date, facts.first_start)
    end = window_end(start, suggestion.window_months, birth_date, facts.leave_days)
    return {
        "entitlement": suggestion.entitlement.value,
        "cost": suggestion.cost.value,
        "norwegian_hours": suggestion.norwegian_hours,
        "social_studies_hours": suggestion.social_studies_hours,
        "max_hours": suggestion.max_hours,
        "norwegian_goal": "norskmål" if suggestion.goal_based else None,
        "window_months": suggestion.window_months,
        "window_start": start.isoformat() if start else None,
        "window_leave_days": facts.leave_days or None,
        "window_end": end.isoformat() if end else None,
        "entitlement_note": _(suggestion.note) if suggestion.note else None,
    }
