"""The rules of `nir missing` for the introduction programme (integreringsloven chapter 4,
introduksjonsloven chapter 2): its target group, its start, competence mapping, absence.
See nir_cli.rules.catalogue for how the queries are built."""

from __future__ import annotations

from nir_cli.core.i18n import N_, _, ngettext
from nir_cli.domain.law import INTEGRERINGSLOVEN_IN_FORCE
from nir_cli.rules.fragments import (
    FOREVER,
    LIVE,
    day_after,
    detail,
    monthly_detail,
    monthly_gaps,
)
from nir_cli.rules.rule import Rule

PROGRAMME_START_LATE = Rule(
    id="programme-start-late",
    scheme="programme",
    regimes="all",
    english=N_("Introduction programme not started three months after settlement or claim"),
    law=N_(
        "integreringsloven § 12 («Programmet skal starte opp senest innen tre måneder etter "
        "at personen ble bosatt i kommunen, eller etter at personen har framsatt krav», IMDi, "
        "Målgruppe for introduksjonsprogram); introduksjonsloven § 3 second paragraph"
    ),
    sql=f"""
    SELECT *, {day_after("deadline")} AS fires_from, {FOREVER} AS fires_until,
           NULL AS cap, NULL AS excused, NULL AS registered
    FROM (
        SELECT c.person_id, 'programme' AS scheme, c.fact_date AS since,
               nir_add_months(max(c.fact_date, coalesce(p.settlement_date, c.fact_date)), 3)
                 AS deadline,
               substr(c.id, -8) AS ref
        FROM {{persons}} k CROSS JOIN registrations c ON c.person_id = k.person_id
        JOIN persons p ON p.id = c.person_id
        WHERE c.kind = 'claim' AND c.scheme = 'programme' AND c.{LIVE}
          AND NOT EXISTS (SELECT 1 FROM registrations s WHERE s.person_id = c.person_id
                          AND s.kind = 'start' AND s.scheme = 'programme' AND s.{LIVE})
          AND NOT EXISTS (SELECT 1 FROM registrations d WHERE d.person_id = c.person_id
                          AND d.kind = 'decision' AND d.scheme = 'programme' AND d.{LIVE}
                          AND json_extract(d.details, '$.outcome') = 'refused')
    )
    """,
    shown=detail(":detail_programme_start_late", claim="f.ref"),
    texts=lambda: {"detail_programme_start_late": _("programme claim {claim} without a start")},
)


# Three months after settlement, while the person has lived in the municipality less than two
# years: from the day after `since` + 3 months to the day `since` + 24 months is past.
_FIRES = (
    f"{day_after('nir_add_months(t.since, 3)')} AS fires_from, "
    f"{day_after('nir_add_months(t.since, 24)')} AS fires_until,"
)


PROGRAMME_NOT_OFFERED = Rule(
    id="programme-not-offered",
    scheme="programme",
    regimes="all",
    english=N_(
        "In the programme's target group but no programme claim, offer, decision or "
        "start three months after settlement"
    ),
    law=N_(
        "integreringsloven §§ 8, 9 and 12: the municipality «har ansvaret for å gi tilbud om "
        "og sørge for oppstart av introduksjonsprogram til innvandrere som omfattes av "
        "målgruppen etter § 8», at the latest 3 months after settlement (Veileder til "
        "integreringsloven kap. 6; IMDi, Målgruppe for introduksjonsprogram); while the person "
        "has lived in a municipality less than 2 years; introduksjonsloven §§ 2–3"
    ),
    sql=f"""
    SELECT t.id AS person_id, 'programme' AS scheme, t.since,
           nir_add_months(t.since, 3) AS deadline, {_FIRES} NULL AS ref, NULL AS cap,
           NULL AS excused, NULL AS registered
    FROM {{persons}} k CROSS JOIN programme_target_group t ON t.id = k.person_id
    WHERE NOT EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = t.id
                      AND r.kind IN ('claim', 'offer', 'decision', 'start')
                      AND r.scheme = 'programme' AND r.{LIVE})
    """,
    shown=":detail_programme_not_offered",
    texts=lambda: {
        "detail_programme_not_offered": _("no programme claim, offer, decision or start"),
    },
)


PROGRAMME_WITHOUT_MAPPING = Rule(
    id="programme-without-mapping",
    scheme="programme",
    regimes="integreringsloven",
    english=N_(
        "In the programme's target group without a competence mapping three months after settlement"
    ),
    law=N_(
        "integreringsloven § 10: the target group has «rett og plikt til å gjennomføre "
        "kompetansekartlegging» (permits from 1 Jan 2021), done before the programme decision "
        "and «senest ... innen tre måneder etter bosetting» (Veileder kap. 5, punkt 5.2.1); "
        "resettlement refugees are mapped by IMDi before they come"
    ),
    sql=f"""
    SELECT t.id AS person_id, 'programme' AS scheme, t.since,
           nir_add_months(t.since, 3) AS deadline, {_FIRES} NULL AS ref, NULL AS cap,
           NULL AS excused, NULL AS registered
    FROM {{persons}} k CROSS JOIN programme_target_group t ON t.id = k.person_id
    WHERE t.regime = 'integreringsloven' AND t.permit_date >= '{INTEGRERINGSLOVEN_IN_FORCE}'
      AND t.residence_basis != 'resettlement_refugee'
      AND NOT EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = t.id
                      AND r.kind = 'competence-mapping' AND r.{LIVE})
    """,
    shown=":detail_programme_without_mapping",
    texts=lambda: {
        "detail_programme_without_mapping": _("no competence mapping (kompetansekartlegging)"),
    },
)


NO_ABSENCE_FOR_MONTH = Rule(
    id="no-absence-for-month",
    scheme="programme",
    regimes="all",
    english=N_("Programme participant with no absence registered for a month past its deadline"),
    law=N_(
        "integreringsloven § 17 and IMDi's NIR registration for the programme («Permisjoner "
        "og fravær»), within two months; absence is registered per month, also when it is zero; "
        "months a leave covers whole are excused, a stop ends the months"
    ),
    sql=monthly_gaps("absence", "('programme')"),
    shown=monthly_detail("detail_no_absence"),
    # :detail_no_absence_one when one month is expected, else :detail_no_absence.
    texts=lambda: {
        f"detail_no_absence{suffix}": ngettext(
            "{missing} of {expected} month since {month} has no absence registration",
            "{missing} of {expected} months since {month} have no absence registration",
            n,
        )
        for suffix, n in (("_one", 1), ("", 2))
    },
)
