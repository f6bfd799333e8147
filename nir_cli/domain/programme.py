"""Who is in the target group for the introduction programme (introduksjonsprogram).

Integreringsloven § 8: immigrants «mellom 18 og 55 år som har fått innvilget en
oppholdstillatelse som nevnt i § 9 og som er bosatt i kommunen etter avtale med
integreringsmyndighetene», having lived in a municipality «i mindre enn 2 år»; settlement by
agreement is not required of family immigrants (IMDi, «Målgruppe for introduksjonsprogram etter
integreringsloven»). § 9 names the permits: refugee (utlendingsloven § 28), resettlement refugee
(§ 35 third paragraph), protection-based humanitarian (§ 38), collective protection (§ 34; its
programme follows chapter 6A), and family of these. Introduksjonsloven § 2 drew the same circle.

"Between 18 and 55" is read as training's ages are (see entitlement): from the 18th birthday
up to the day before the 55th, on the permit date. The age is the one «på tidspunktet for
innvilgelse av oppholdstillatelse». A family member's reference person must have lived in a
municipality less than five years when reunification was applied for; nir does not hold that
date, so family of refugees are presumed to be in the group (docs/domain.md says so).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nir_cli.core.i18n import _
from nir_cli.domain import law
from nir_cli.domain.deadlines import add_months, age_on
from nir_cli.domain.enums import ResidenceBasis

PROGRAMME_BASES = frozenset(
    {
        ResidenceBasis.REFUGEE,
        ResidenceBasis.RESETTLEMENT_REFUGEE,
        ResidenceBasis.HUMANITARIAN,
        ResidenceBasis.COLLECTIVE_PROTECTION,
        ResidenceBasis.FAMILY_OF_REFUGEE,
        # § 9 first paragraph d: a limited permit (utlendingsloven § 38 fifth paragraph), from its
        # first renewal (§ 26, as IMDi quotes it); § 9 g: an independent permit under § 53, which
        # needs no settlement by agreement (read by an earlier session; not re-read here).
        ResidenceBasis.LIMITED_FAMILY,
        ResidenceBasis.INDEPENDENT_PERMIT,
    }
)
# Family immigrants (and holders of an independent permit) need not be settled by agreement:
# they count from the population registration.
FAMILY = frozenset({ResidenceBasis.FAMILY_OF_REFUGEE, ResidenceBasis.INDEPENDENT_PERMIT})
MIN_AGE = law.value("programme_min_age")
MAX_AGE = law.value("programme_until_age")  # exclusive: the day before the 55th is the last
NEWCOMER_MONTHS = 24  # «har bodd i en norsk kommune i mindre enn 2 år»
START_MONTHS = 3  # § 12: «senest innen tre måneder etter at personen ble bosatt ... eller krav»


@dataclass(frozen=True)
class ProgrammeTarget:
    """Whether a person is in the programme's target group, and why (or why not)."""

    in_group: bool
    reason: str
    since: dt.date | None = None  # settlement, or a family member's population registration
    offer_due: dt.date | None = None  # the start is due by then (§ 12), claims aside
    newcomer_until: dt.date | None = None  # two years in a municipality end then

    def as_dict(self) -> dict[str, object]:
        return {
            "programme_target_group": self.in_group,
            "programme_target_reason": self.reason,
            "programme_due": self.offer_due.isoformat() if self.offer_due else None,
            "programme_newcomer_until": (
                self.newcomer_until.isoformat() if self.newcomer_until else None
            ),
        }


def programme_target(
    basis: ResidenceBasis,
    birth_date: dt.date,
    permit_date: dt.date | None,
    settlement_date: dt.date | None,
    population_registration_date: dt.date | None,
) -> ProgrammeTarget:
    if basis not in PROGRAMME_BASES or permit_date is None:
        return ProgrammeTarget(
            False, _("the residence basis gives no right to the programme (§ 9)")
        )
    age = age_on(birth_date, permit_date)
    if not MIN_AGE <= age < MAX_AGE:
        return ProgrammeTarget(
            False,
            _("aged {age} at the permit, not {low}–{high} (§ 8)").format(
                age=age, low=MIN_AGE, high=MAX_AGE - 1
            ),
        )
    since = settlement_date
    if since is None and basis in FAMILY:
        since = population_registration_date
    if since is None:
        if basis in FAMILY:
            return ProgrammeTarget(
                True,
                _(
                    "in the target group (§ 8); register the population registration date to "
                    "count the 3 months"
                ),
            )
        return ProgrammeTarget(
            False, _("not settled in a municipality by agreement (§ 8): no settlement date")
        )
    return ProgrammeTarget(
        True,
        _("in the target group (§ 8): the programme starts within 3 months (§ 12)"),
        since,
        add_months(since, START_MONTHS),
        add_months(since, NEWCOMER_MONTHS),
    )
