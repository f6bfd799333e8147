"""The data-consistency rules of `nir missing`, as data: one query each. The training rules
are in nir_cli.rules.training, the programme's in nir_cli.rules.programme, those of every
scheme here; RULES lists them all in the order `--list-rules` shows.

Each query finds a rule's findings of the persons `{persons}` for every date at once (see
nir_cli.rules.rule): where a finding depends on the date, its row holds the days it fires in.
A deadline passed is `fires_from` = the day after it: `nir_add_months(x, 3) < :as_of` is
`:as_of >= date(nir_add_months(x, 3), '+1 day')`. What ends a finding on a date (an exemption
from training, the 67th birthday, the end of the programme's two years) is `fires_until`.
nir_add_months is the domain's clamped month arithmetic (see nir_cli.store.db). Hours and
absence are counted through their natural key, `person|kind|scheme|YYYY-MM`, which has a
unique index over live registrations.

The findings are kept in the `findings` table as registrations and persons are written
(nir_cli.rules.kept), so the queries run for the persons a write touched, not for everyone on
every read.
"""

from __future__ import annotations

from nir_cli.core.i18n import N_, _
from nir_cli.rules import acts, programme, training
from nir_cli.rules.fragments import FOREVER, LIVE, day_after, detail, own, scheme_name
from nir_cli.rules.rule import Rule

__all__ = ["BY_ID", "RETIRED", "RULES", "Rule"]


CLAIM_WITHOUT_DECISION = Rule(
    id="claim-without-decision",
    scheme="any",
    regimes="all",
    english=N_("Claim without a decision after three months"),
    law=N_(
        "the decision comes within the 3 months of both acts: integreringsloven § 12 for the "
        "programme («vedtak om introduksjonsprogram senest innen tre måneder», Veileder kap. 5, "
        "punkt 5.2.1), § 30 for training; forvaltningsloven § 11 a (no undue delay); a decision "
        "granted or refused answers, under introduksjonsloven an offer too («Tilbud om "
        "opplæring ... eller avslag», IMDi, Dette skal kommunen registrere i NIR); a late answer "
        "ends the finding on its date"
    ),
    sql=f"""
    SELECT c.person_id, c.scheme, c.fact_date AS since,
           nir_add_months(c.fact_date, 3) AS deadline,
           {day_after("nir_add_months(c.fact_date, 3)")} AS fires_from,
           -- A decision, granted or refused, answers the claim from its date: a late one ends
           -- the finding on the day it came. Under introduksjonsloven NIR took the offer as
           -- the answer («Tilbud om opplæring ... eller avslag ... (dato for vedtak)», IMDi)
           coalesce((SELECT min(d.fact_date) FROM registrations d
                     WHERE d.person_id = c.person_id AND d.scheme IS c.scheme AND d.{LIVE}
                       AND d.fact_date >= c.fact_date
                       AND (d.kind = 'decision' OR (d.kind = 'offer' AND EXISTS (
                            SELECT 1 FROM persons p WHERE p.id = c.person_id
                            AND p.regime = 'introduksjonsloven')))),
                    {FOREVER}) AS fires_until,
           substr(c.id, -8) AS ref, NULL AS cap, NULL AS excused, NULL AS registered
    FROM {{persons}} k
    -- by person: a claim of any scheme (the index by kind would read every claim)
    CROSS JOIN registrations c INDEXED BY registrations_person ON c.person_id = k.person_id
    WHERE c.kind = 'claim' AND c.{LIVE} AND {own("c")}
    """,
    shown=detail(":detail_claim_without_decision", scheme=scheme_name("f.scheme"), claim="f.ref"),
    texts=lambda: {
        "detail_claim_without_decision": _("{scheme} claim {claim} has no decision"),
    },
)

GRANTED_WITHOUT_START = Rule(
    id="granted-without-start",
    scheme="any",
    regimes="all",
    english=N_("Decision granted but no start after three months"),
    law=N_(
        "integreringsloven § 12 (the programme starts within 3 months) and § 30 (training "
        "starts within 3 months), introduksjonsloven §§ 3 and 18; a start on or after the "
        "decision (for the programme a reopening too) ends the finding on its date"
    ),
    sql=f"""
    SELECT d.person_id, d.scheme, d.fact_date AS since,
           nir_add_months(d.fact_date, 3) AS deadline,
           {day_after("nir_add_months(d.fact_date, 3)")} AS fires_from,
           -- A start on or after the decision ends the finding on its date (one before it
           -- belongs to an earlier decision); for the programme a reopening starts it again
           coalesce((SELECT min(s.fact_date) FROM registrations s
                     WHERE s.person_id = d.person_id AND s.kind IN ('start', 'reopening')
                       AND s.scheme IS d.scheme AND s.{LIVE} AND s.fact_date >= d.fact_date),
                    {FOREVER}) AS fires_until,
           substr(d.id, -8) AS ref, NULL AS cap, NULL AS excused, NULL AS registered
    FROM {{persons}} k CROSS JOIN registrations d ON d.person_id = k.person_id
    WHERE d.kind = 'decision' AND d.{LIVE} AND {own("d")}
      AND json_extract(d.details, '$.outcome') = 'granted'
    """,
    shown=detail(":detail_granted_without_start", scheme=scheme_name("f.scheme"), decision="f.ref"),
    texts=lambda: {
        "detail_granted_without_start": _("granted {scheme} decision {decision} has no start"),
    },
)

END_WITHOUT_REASON = Rule(
    id="end-without-reason",
    scheme="any",
    regimes="all",
    english=N_("Ended without an end reason"),
    law=N_(
        "the programme: integreringsloven § 18 a (avslutning av introduksjonsprogram); "
        "training: integreringsforskriften § 53 (start and stop of the training are "
        "registered); the end reason (avslutningsårsak) is part of the end registration and "
        "due with it, two months after the end"
    ),
    sql=f"""
    SELECT e.person_id, e.scheme, e.fact_date AS since, e.deadline,
           {day_after("e.deadline")} AS fires_from, {FOREVER} AS fires_until,
           substr(e.id, -8) AS ref, NULL AS cap, NULL AS excused, NULL AS registered
    FROM {{persons}} k CROSS JOIN registrations e ON e.person_id = k.person_id
    WHERE e.kind = 'end' AND e.{LIVE} AND json_extract(e.details, '$.reason') IS NULL
      AND {own("e")}
    """,
    shown=detail(":detail_end_without_reason", scheme=scheme_name("f.scheme"), end="f.ref"),
    texts=lambda: {"detail_end_without_reason": _("{scheme} end {end} has no reason")},
)


# Every rule, in the order `nir missing --list-rules` shows them.
RULES: tuple[Rule, ...] = (
    training.NO_CLAIM_OR_OFFER,
    training.OFFER_LATE,
    programme.PROGRAMME_START_LATE,
    programme.PROGRAMME_NOT_OFFERED,
    programme.PROGRAMME_WITHOUT_MAPPING,
    CLAIM_WITHOUT_DECISION,
    GRANTED_WITHOUT_START,
    training.NO_HOURS_FOR_MONTH,
    programme.NO_ABSENCE_FOR_MONTH,
    END_WITHOUT_REASON,
    training.GOAL_OR_EDUCATION_MISSING,
    training.WINDOW_ENDING,
    acts.NOT_FOR_ACT,
    acts.EXTENDED_TRAINING,
)

# Rules that were, and why they are not: `--rule` with one of them says so instead of "unknown".
RETIRED = {
    "signup-without-result": N_(
        "test results reach NIR from HK-dir's test system, not from the municipality, so a "
        "missing result is not a municipal registration gap"
    ),
}

BY_ID = {rule.id: rule for rule in RULES}
