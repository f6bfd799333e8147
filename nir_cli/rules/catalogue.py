"""The data-consistency rules of `nir missing`, as data: one query each. The training rules
are in nir_cli.rules.training, the programme's in nir_cli.rules.programme, those of every
scheme here; RULES lists them all in the order `--list-rules` shows.

Each query takes :as_of (an ISO date) and returns one row per finding with the columns
person_id, scheme, since (when the gap began) and deadline (the date it broke), plus detail.
nir_add_months is the domain's clamped month arithmetic (see nir_cli.store.db). Hours and
absence are counted through their natural key, `person|kind|scheme|YYYY-MM`, which has a
unique index over live registrations.

A query does not compute a deadline for every row it reads: it compares the fact date with a
cut-off computed once (see nir_cli.rules.findings.parameters). `x < :cut_3m` is exactly
`nir_add_months(x, 3) < :as_of`, and `:window_18m_from <= x AND x < :window_18m_to` is exactly
`:as_of <= nir_add_months(x, 18) <= date(:as_of, '+90 days')` (90: WINDOW_WARNING_DAYS);
:last_month is the month before :as_of's, as YYYY-MM. The rules read registrations through
covering indexes (migration 0004), so they name the columns they need.

A rule looks closely only at candidates: the persons whom the facts kept in `rule_facts`
(migration 0005) say may break it. `{candidates}` in a query stands for a subquery of their
person_id; a candidate query may say "maybe" of a person who is fine, never "no" of one who is
not, so the rule's full query still decides. Each candidate query reads a partial index of its
own. `Rule.query(exact=True)` puts every person in their place: the same answer, slower, and
what the tests hold the candidates to (tests/rules/test_facts.py). The window rule reads a
person's upper secondary education from the facts directly.
"""

from __future__ import annotations

from nir_cli.domain.entitlement import (
    WINDOW_MONTHS,
    WINDOW_MONTHS_6A,
    WINDOW_MONTHS_UPPER_SECONDARY,
)
from nir_cli.i18n import N_, _
from nir_cli.rules import programme, training
from nir_cli.rules.fragments import LIVE, detail, scheme_name
from nir_cli.rules.rule import EVERY_PERSON, Rule
from nir_cli.rules.training import AGE_67_MONTHS

__all__ = ["BY_ID", "CUTOFF_MONTHS", "EVERY_PERSON", "RETIRED", "RULES", "WINDOWS", "Rule"]

# The cut-offs the queries use: :cut_2m, :cut_3m and :cut_24m (see the module doc).
CUTOFF_MONTHS = (2, 3, 24)
# The training windows, in months from the permit: :window_12m_from, :window_12m_to, ...
WINDOWS = (WINDOW_MONTHS_6A, WINDOW_MONTHS_UPPER_SECONDARY, WINDOW_MONTHS, AGE_67_MONTHS)


CLAIM_WITHOUT_DECISION = Rule(
    id="claim-without-decision",
    scheme="any",
    regimes="all",
    english=N_("Claim without a decision after three months"),
    law=N_(
        "the decision comes within the 3 months of both acts: integreringsloven § 12 for the "
        "programme («vedtak om introduksjonsprogram senest innen tre måneder», Veileder kap. 5, "
        "punkt 5.2.1), § 30 for training; forvaltningsloven § 11 a (no undue delay)"
    ),
    sql=f"""
    SELECT c.person_id, c.scheme, c.fact_date AS since,
           nir_add_months(c.fact_date, 3) AS deadline,
           {
        detail(
            ":detail_claim_without_decision",
            scheme=scheme_name("c.scheme"),
            claim="substr(c.id, -8)",
        )
    } AS detail
    FROM {{candidates}} k CROSS JOIN registrations c ON c.person_id = k.person_id
    WHERE c.kind = 'claim' AND c.{LIVE} AND c.fact_date < :cut_3m
      AND NOT EXISTS (SELECT 1 FROM registrations d WHERE d.person_id = c.person_id
                      AND d.kind = 'decision' AND d.scheme IS c.scheme AND d.{LIVE}
                      AND d.fact_date >= c.fact_date)
    """,
    # A claim with no decision on or after it is later than the scheme's last decision.
    candidates="SELECT DISTINCT person_id FROM rule_facts "
    "INDEXED BY rule_facts_claim_without_decision WHERE scheme > '' AND claims > 0 "
    "AND (last_decision IS NULL OR last_claim > last_decision)",
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
        "starts within 3 months), introduksjonsloven §§ 3 and 18"
    ),
    sql=f"""
    SELECT d.person_id, d.scheme, d.fact_date AS since,
           nir_add_months(d.fact_date, 3) AS deadline,
           {
        detail(
            ":detail_granted_without_start",
            scheme=scheme_name("d.scheme"),
            decision="substr(d.id, -8)",
        )
    } AS detail
    FROM {{candidates}} k CROSS JOIN registrations d ON d.person_id = k.person_id
    WHERE d.kind = 'decision' AND d.{LIVE}
      AND json_extract(d.details, '$.outcome') = 'granted'
      AND d.fact_date < :cut_3m
      AND NOT EXISTS (SELECT 1 FROM registrations s WHERE s.person_id = d.person_id
                      AND s.kind = 'start' AND s.scheme IS d.scheme AND s.{LIVE})
    """,
    candidates="SELECT DISTINCT person_id FROM rule_facts "
    "INDEXED BY rule_facts_granted_without_start WHERE scheme > '' AND granted > 0 "
    "AND starts = 0",
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
           {
        detail(":detail_end_without_reason", scheme=scheme_name("e.scheme"), end="substr(e.id, -8)")
    } AS detail
    FROM registrations e
    WHERE e.kind = 'end' AND e.{LIVE} AND json_extract(e.details, '$.reason') IS NULL
      AND e.deadline < :as_of
    """,
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
)

# Rules that were, and why they are not: `--rule` with one of them says so instead of "unknown".
RETIRED = {
    "signup-without-result": N_(
        "test results reach NIR from HK-dir's test system, not from the municipality, so a "
        "missing result is not a municipal registration gap"
    ),
}

BY_ID = {rule.id: rule for rule in RULES}
