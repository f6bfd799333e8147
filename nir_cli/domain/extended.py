"""Chapter 6A's extended training in Norwegian (vedtak om utvidet norskopplæring,
integreringsforskriften § 43 g, from 1 July 2023): when a decision may be dated and how many a
person may have.

IMDi's NIR rules (docs/domain.md cites them): a decision is «inntil 6 måneder av gangen»; its
date «må være innenfor to måneder før og to måneder etter gjennomføringsfristen»; the education
background is registered first, since it sets «hvor mange vedtak om utvidet opplæring det er
mulig å registrere i NIR» (1 with upper secondary education, 4 without, by KS's reading). The
gjennomføringsfrist under chapter 6A is 12 months from the start of the first training,
«utvides med permisjoner»; each decision on extended training moves it by its months (inferred:
4 × 6 months make the «3 år» KS names), so the next decision is dated around the new frist.

The same reading is a rule of `nir missing` (nir_cli.rules.acts.EXTENDED_TRAINING), for
decisions accepted as implausible or registered before the rule was known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nir_cli.core.i18n import _
from nir_cli.domain import law
from nir_cli.domain.deadlines import add_months
from nir_cli.domain.entitlement import RIGHT_ENDS_AT_MONTHS, WINDOW_MONTHS_6A

MARGIN_MONTHS = law.EXTENDED_TRAINING_MARGIN_MONTHS


@dataclass(frozen=True)
class ExtendedFacts:
    """What a decision on extended training is judged against: the education background
    (None: not registered), the first start of training, the days of training leave, and the
    months of the person's live decisions on extended training dated before this one."""

    upper_secondary: bool | None
    first_start: dt.date | None
    leave_days: int
    earlier_months: tuple[int, ...] = ()


def allowed_decisions(upper_secondary: bool) -> int:
    """How many decisions on extended training NIR allows for the education background."""
    name = "extended_training_decisions" + ("_upper_secondary" if upper_secondary else "")
    return law.value(name)


def completion_deadline(
    first_start: dt.date, birth_date: dt.date, leave_days: int, extended_months: int = 0
) -> dt.date:
    """The gjennomføringsfrist under chapter 6A: 12 months from the first start and the months
    of earlier extended training, plus the days of leave, never past the 67th birthday."""
    end = add_months(first_start, WINDOW_MONTHS_6A + extended_months)
    end += dt.timedelta(days=leave_days)
    return min(end, add_months(birth_date, RIGHT_ENDS_AT_MONTHS))


def education_first() -> str:
    """Why a decision on extended training needs the education background registered first."""
    return _(
        "register the education background first: it sets how many decisions on extended "
        "training NIR allows (IMDi)"
    )


def problem(decided: dt.date, birth_date: dt.date, facts: ExtendedFacts) -> tuple[str, str] | None:
    """What is wrong with a decision on extended training dated `decided` (a code and why), or
    None. The codes, in the order they are judged, are the rule's: before, ended, education,
    start, count, window."""
    if decided < law.EXTENDED_TRAINING_FROM:
        return "before", _(
            "a decision on extended training before integreringsforskriften § 43 g came into "
            "force ({day})"
        ).format(day=law.EXTENDED_TRAINING_FROM.isoformat())
    if decided >= law.CHAPTER_6A_UNTIL:
        return "ended", _(
            "a decision on extended training after chapter 6A ended ({day}); "
            "integreringsforskriften § 43 h lets training begun under it be completed"
        ).format(day=law.CHAPTER_6A_UNTIL.isoformat())
    if facts.upper_secondary is None:
        return "education", education_first()
    if facts.first_start is None:
        return "start", _(
            "no start of training is registered: the gjennomføringsfrist a decision on extended "
            "training is dated by counts from the first start"
        )
    allowed = allowed_decisions(facts.upper_secondary)
    if len(facts.earlier_months) >= allowed:
        return "count", _(
            "one decision on extended training more than the {allowed} NIR allows for this "
            "education background (1 with upper secondary education, 4 without)"
        ).format(allowed=allowed)
    frist = completion_deadline(
        facts.first_start, birth_date, facts.leave_days, sum(facts.earlier_months)
    )
    earliest, latest = add_months(frist, -MARGIN_MONTHS), add_months(frist, MARGIN_MONTHS)
    if not earliest <= decided <= latest:
        return "window", _(
            "a decision on extended training is dated within two months of the "
            "gjennomføringsfrist ({frist}: from {earliest} to {latest}; IMDi)"
        ).format(frist=frist.isoformat(), earliest=earliest.isoformat(), latest=latest.isoformat())
    return None
