"""The rules of `nir missing` for registrations to correct: what the person's act does not take,
and chapter 6A's decisions on extended training outside the rules NIR registers them by. The
same judgements refuse such a registration when it is typed or imported
(nir_cli.domain.plausibility, nir_cli.domain.extended); these find what was accepted as
implausible (`--accept-implausible`), pulled from the registry, or registered before nir knew
the rule. See nir_cli.rules.catalogue for how the queries are built."""

from __future__ import annotations

from nir_cli.core.i18n import N_, _
from nir_cli.domain import law
from nir_cli.domain.entitlement import RIGHT_ENDS_AT_MONTHS, WINDOW_MONTHS_6A
from nir_cli.rules.fragments import (
    FOREVER,
    LIVE,
    detail,
    first_start,
    kind_name,
    kind_words,
    leave_days,
    own,
)
from nir_cli.rules.rule import Rule

# The kinds NIR takes under integreringsloven only (domain.plausibility's table).
INTEGRERINGSLOVEN_ONLY = ("education", "goal", "full-time-upper-secondary", "integration-contract")
_KINDS = (*INTEGRERINGSLOVEN_ONLY, "extended-training")
_KIND = "substr(f.ref, 1, instr(f.ref, ':') - 1)"
_REF = "substr(f.ref, instr(f.ref, ':') + 1)"

NOT_FOR_ACT = Rule(
    id="not-for-act",
    scheme="any",
    regimes="all",
    english=N_("A registration the person's act does not take"),
    law=N_(
        "IMDi, «Frist for å oppdatere opplysninger i NIR for 2022»: «For personer omfattet av "
        "introduksjonsloven skal ikke sluttmål og integreringskontrakt registreres» and «skal "
        "ikke utdanningsbakgrunn, norskmål og deltakelse i fulltid videregående opplæring "
        "registreres» (integreringsloven §§ 13–14, 16, 31–32; integreringsforskriften § 53); a "
        "decision on extended training is chapter 6A's (integreringsforskriften § 43 g). A "
        "registration to correct, from its date"
    ),
    sql=f"""
    SELECT r.person_id, r.scheme, r.fact_date AS since, r.deadline,
           r.fact_date AS fires_from, {FOREVER} AS fires_until,
           r.kind || ':' || substr(r.id, -8) AS ref, NULL AS cap, NULL AS excused,
           NULL AS registered
    FROM {{persons}} k CROSS JOIN registrations r ON r.person_id = k.person_id
    JOIN persons p ON p.id = r.person_id
    WHERE r.{LIVE} AND r.municipality = p.municipality
      AND ((p.regime = 'introduksjonsloven' AND r.kind IN {INTEGRERINGSLOVEN_ONLY})
           OR (r.kind = 'extended-training' AND p.regime != 'integreringsloven_6a'))
    """,
    shown=detail(
        f"CASE {_KIND} WHEN 'extended-training' THEN :detail_not_chapter_6a "
        "ELSE :detail_not_for_act END",
        kind=kind_name(_KIND, _KINDS),
        ref=_REF,
    ),
    texts=lambda: {
        "detail_not_for_act": _("{kind} {ref} is not registered under introduksjonsloven"),
        "detail_not_chapter_6a": _("{kind} {ref} is chapter 6A's; the person is not under it"),
        **kind_words(_KINDS),
    },
)


# Each decision on extended training with what it is judged against (nir_cli.domain.extended):
# the decisions before it (by date, then id) and their months, the education background (NULL:
# none registered), the first start of training, the days of training leave.
_DECISIONS = f"""
    WITH d AS MATERIALIZED (
        SELECT r.id, r.person_id, r.fact_date, r.deadline, r.municipality,
               coalesce(sum(json_extract(r.details, '$.months')) OVER earlier, 0)
                 AS earlier_months,
               count(*) OVER earlier AS earlier
        FROM {{persons}} k CROSS JOIN registrations r ON r.person_id = k.person_id
        WHERE r.kind = 'extended-training' AND r.{LIVE}
        WINDOW earlier AS (PARTITION BY r.person_id ORDER BY r.fact_date, r.id
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    ),
    f AS MATERIALIZED (
        SELECT d.*, p.birth_date,
               (SELECT max(json_extract(u.details, '$.upper_secondary')) FROM registrations u
                WHERE u.person_id = d.person_id AND u.kind = 'education' AND u.{LIVE})
                 AS upper_secondary,
               {first_start("training", "d.person_id")} AS first_start,
               {leave_days("d.person_id")} AS leave_days
        FROM d JOIN persons p ON p.id = d.person_id AND p.regime = 'integreringsloven_6a'
    ),
    g AS MATERIALIZED (
        SELECT f.*,
               min(date(nir_add_months(f.first_start, {WINDOW_MONTHS_6A} + f.earlier_months),
                        '+' || f.leave_days || ' days'),
                   nir_add_months(f.birth_date, {RIGHT_ENDS_AT_MONTHS})) AS frist
        FROM f
    )
"""
_MARGIN = law.EXTENDED_TRAINING_MARGIN_MONTHS
_PROBLEM = f"""CASE
        WHEN g.fact_date < '{law.EXTENDED_TRAINING_FROM}' THEN 'before'
        WHEN g.fact_date >= '{law.CHAPTER_6A_UNTIL}' THEN 'ended'
        WHEN g.upper_secondary IS NULL THEN 'education'
        WHEN g.first_start IS NULL THEN 'start'
        WHEN g.earlier >= CASE WHEN g.upper_secondary
                               THEN {law.value("extended_training_decisions_upper_secondary")}
                               ELSE {law.value("extended_training_decisions")} END
        THEN 'count'
        WHEN g.fact_date < nir_add_months(g.frist, -{_MARGIN})
          OR g.fact_date > nir_add_months(g.frist, {_MARGIN}) THEN 'window'
    END"""
_CODE = "substr(f.ref, 1, instr(f.ref, ':') - 1)"

EXTENDED_TRAINING = Rule(
    id="extended-training-rules",
    scheme="training",
    regimes="integreringsloven_6a",
    english=N_("A decision on extended training outside the rules NIR registers it by"),
    law=N_(
        "integreringsforskriften § 43 g (from 1 July 2023) as IMDi registers it: the decision "
        "date «må være innenfor to måneder før og to måneder etter gjennomføringsfristen» (12 "
        "months from the first start, extended by leave and by earlier decisions on extended "
        "training: inferred); the education background is registered first and sets how many "
        "decisions NIR allows (1 with upper secondary education, 4 without: KS); not after "
        "chapter 6A ended. A registration to correct, from its date"
    ),
    sql=f"""{_DECISIONS}
    SELECT g.person_id, 'training' AS scheme, g.fact_date AS since, g.deadline,
           g.fact_date AS fires_from, {FOREVER} AS fires_until,
           {_PROBLEM} || ':' || substr(g.id, -8) AS ref, g.frist AS cap,
           NULL AS excused, NULL AS registered
    FROM g
    WHERE {_PROBLEM} IS NOT NULL AND {own("g")}
    """,
    shown=detail(
        f"CASE {_CODE} WHEN 'before' THEN :detail_extended_before "
        "WHEN 'ended' THEN :detail_extended_ended "
        "WHEN 'education' THEN :detail_extended_education "
        "WHEN 'start' THEN :detail_extended_start "
        "WHEN 'count' THEN :detail_extended_count "
        "ELSE :detail_extended_window END",
        decision=_REF,
        frist="CASE WHEN :months_dotted THEN strftime('%d.%m.%Y', f.cap) ELSE f.cap END",
    ),
    texts=lambda: {
        "detail_extended_before": _(
            "extended training {decision} is dated before § 43 g came into force"
        ),
        "detail_extended_ended": _("extended training {decision} is dated after chapter 6A ended"),
        "detail_extended_education": _(
            "extended training {decision} without an education background"
        ),
        "detail_extended_start": _("extended training {decision} without a start of training"),
        "detail_extended_count": _(
            "extended training {decision} is more than the education background allows"
        ),
        "detail_extended_window": _(
            "extended training {decision} is not within two months of the "
            "gjennomføringsfrist {frist}"
        ),
    },
)
