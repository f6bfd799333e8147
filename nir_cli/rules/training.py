"""The rules of `nir missing` for training in Norwegian and social studies (integreringsloven
chapter 6, introduksjonsloven chapter 4): offers, months of hours, goals, the window.
See nir_cli.rules.catalogue for how the queries are built."""

from __future__ import annotations

from nir_cli.core.constants import WINDOW_WARNING_DAYS
from nir_cli.core.i18n import N_, _, ngettext
from nir_cli.domain.entitlement import (
    INTRO_OFFER_MONTHS,
    RIGHT_ENDS_AT_MONTHS,
    WINDOW_MONTHS,
    WINDOW_MONTHS_6A,
    WINDOW_MONTHS_UPPER_SECONDARY,
)
from nir_cli.domain.law import OFFER_FROM_POPULATION_REGISTRATION
from nir_cli.rules.fragments import (
    FOREVER,
    LABOUR_SQL,
    LIVE,
    UPPER_SECONDARY,
    day_after,
    detail,
    exempted_on,
    first_start,
    leave_days,
    monthly_detail,
    monthly_gaps,
    own,
)
from nir_cli.rules.rule import Rule


def skill_reached(skill: str) -> str:
    """Test result `r` reaches goal `g` in one skill: the skill was not tested (the goal is
    judged on the sub-tests taken), or its level is at least the skill's own norskmål, else the
    goal's one level (a skill with neither has no goal to reach)."""
    return (
        f"coalesce(nir_level_rank(json_extract(r.details, '$.{skill}')), 99) >= coalesce("
        f"nir_level_rank(coalesce(json_extract(g.details, '$.{skill}'), "
        "json_extract(g.details, '$.level'))), 0)"
    )


# The right and duty to training end at the 67th birthday (§ 26): a finding of the duty stops
# firing on it, or on an exemption that ends the duty (§ 29), whichever comes first.
AGE_67_MONTHS = RIGHT_ENDS_AT_MONTHS


def while_owed(person: str, birth: str) -> str:
    """The day training stops being owed to `person` (born on `birth`): the 67th birthday, or
    the first exemption from training, whichever comes first (a `fires_until`)."""
    return f"min(nir_add_months({birth}, {AGE_67_MONTHS}), {exempted_on(person)})"


def right_lapses(t: str) -> str:
    """The day an offer is no longer owed to the person of the persons row `t`: the end of the
    longest time the municipality offers training, from the right's start (the permit or a later
    arrival, for collective protection under the ordinary rules the settlement) and extended by
    the person's training leave. Under introduksjonsloven 5 years («kommunene har plikt til å
    tilby opplæring i inntil fem år», the free right 3), under integreringsloven the 3-year
    gjennomføringsfrist (18 months only shortens it, integreringsloven § 32). Chapter 6A's frist
    counts from the first start, which a person owed an offer has not had: no end then."""
    start = (
        f"CASE WHEN {t}.regime = 'integreringsloven' "
        f"AND {t}.residence_basis = 'collective_protection' THEN {t}.settlement_date "
        f"ELSE max({t}.permit_date, coalesce({t}.arrival_date, {t}.permit_date)) END"
    )
    months = (
        f"CASE {t}.regime WHEN 'introduksjonsloven' THEN {INTRO_OFFER_MONTHS} "
        f"ELSE {WINDOW_MONTHS} END"
    )
    return (
        f"CASE WHEN {t}.regime = 'integreringsloven_6a' OR ({start}) IS NULL THEN {FOREVER} "
        f"ELSE date(nir_add_months({start}, {months}), "
        f"'+' || {leave_days(f'{t}.id')} || ' days') END"
    )


# Who is owed an offer of training: the target group with a right (rett or rett og plikt), so
# neither labour immigrants nor asylum seekers (training in reception is a scheme of its own).
# Labour immigrants have a duty without a right and pay (integreringsloven § 28): the issue that
# specified these rules reads that no offer is owed them; integreringsloven § 30's own wording
# we could not read, and a 2003 ministry report says a statutory duty «må» give the municipality
# a duty to offer, so this reading is unverified (docs/rules.md). Outside the target group
# nothing is owed: the municipality «kan tilby opplæring» (integreringsloven § 26).
OWED_AN_OFFER = f"t.residence_basis NOT IN ({LABOUR_SQL}, 'asylum_seeker')"


def answered_on(person: str, regime: str, *, claims: bool, since: str | None = None) -> str:
    """The first day the offer duty towards `person` (under `regime`) was answered, on or after
    `since` when given: by an offer of training under either act, by a training decision, granted
    (tildeling) or refused (avslag), under integreringsloven, and by a start of training there
    too, since NIR records no separate offer under integreringsloven (IMDi, «Registrering i NIR
    etter integreringsloven – norsk og samfunnskunnskap»: «Tildeling, start og stans av
    opplæringen»); under introduksjonsloven a refusal answers besides the offer. With `claims`
    (the duty to have a claim or an offer at all), a claim or an offer of any scheme answers, and
    under integreringsloven so do a granted programme decision and a programme start, whose
    content includes training; a refused programme decision answers nothing about training.
    FOREVER when never."""
    any_claim = "r.kind IN ('claim', 'offer') OR " if claims else ""
    after = f"AND r.fact_date >= {since}" if since else ""
    programme = (
        f"""OR ({regime} != 'introduksjonsloven' AND r.scheme = 'programme'
                                 AND (r.kind = 'start' OR (r.kind = 'decision'
                                      AND json_extract(r.details, '$.outcome') = 'granted')))"""
        if claims
        else ""
    )
    return f"""coalesce((SELECT min(r.fact_date) FROM registrations r
                      WHERE r.person_id = {person} AND r.{LIVE} {after}
                        AND ({any_claim}(r.kind = 'offer' AND r.scheme = 'training')
                             OR (r.kind = 'decision' AND r.scheme = 'training'
                                 AND ({regime} != 'introduksjonsloven'
                                      OR json_extract(r.details, '$.outcome') = 'refused'))
                             OR (r.kind = 'start' AND r.scheme = 'training'
                                 AND {regime} != 'introduksjonsloven')
                             {programme})),
                     {FOREVER})"""


NO_CLAIM_OR_OFFER = Rule(
    id="no-claim-or-offer",
    scheme="training",
    regimes="all",
    english=N_(
        "In the target group with a right to training but no claim, offer or decision three "
        "months after population registration or settlement"
    ),
    law=N_(
        "integreringsloven § 30: training starts at the latest 3 months after population "
        "registration in the municipality (IMDi, «Tidlig oppstart av opplæringen»); a training "
        "decision, granted (tildeling) or refused, or a start answers it, NIR has no separate "
        "offer under integreringsloven (IMDi, «Registrering i NIR etter integreringsloven – norsk "
        "og samfunnskunnskap»); introduksjonsloven §§ 17–18: a claim or an offer, for permits "
        "from 2016 from population registration, before them from settlement; chapter 6A: the "
        "right begins at settlement. Only persons with a right: not labour immigrants (§ 28; an "
        "unverified reading, docs/rules.md), nor anyone outside the target group (§ 26: the "
        "municipality «kan tilby»); not before the right begins nor after the time to offer "
        "training ends (5 years under introduksjonsloven, the 3-year gjennomføringsfrist under "
        "integreringsloven)"
    ),
    sql=f"""
    SELECT f.person_id, f.scheme, f.since, nir_add_months(f.since, 3) AS deadline,
           {day_after("nir_add_months(f.since, 3)")} AS fires_from,
           min({while_owed("f.person_id", "f.birth_date")}, f.lapses,
               {answered_on("f.person_id", "f.regime", claims=True)}) AS fires_until,
           f.regime AS ref, NULL AS cap, NULL AS excused, NULL AS registered
    FROM (
        SELECT t.id AS person_id, 'training' AS scheme, t.birth_date, t.regime,
               -- never before the right begins: a limited permit's at its first renewal,
               -- the date nir holds as its permit date (§ 26)
               max(CASE WHEN t.regime = 'integreringsloven_6a'
                             OR (t.regime = 'introduksjonsloven'
                                 AND t.permit_date < '{OFFER_FROM_POPULATION_REGISTRATION}')
                        THEN t.settlement_date
                        ELSE coalesce(t.population_registration_date, t.settlement_date)
                   END, t.permit_date) AS since,
               {right_lapses("t")} AS lapses
        FROM {{persons}} k CROSS JOIN target_group t ON t.id = k.person_id
        WHERE {OWED_AN_OFFER}
    ) f
    """,
    # Under introduksjonsloven the answer is a claim or an offer; under integreringsloven a
    # claim or a decision (tildeling) or start: the sentence says which the act knows.
    shown="CASE f.ref WHEN 'introduksjonsloven' THEN :detail_no_claim_or_offer "
    "ELSE :detail_no_claim_or_decision END",
    texts=lambda: {
        "detail_no_claim_or_offer": _("no claim or offer"),
        "detail_no_claim_or_decision": _("no claim, decision (tildeling) or start"),
    },
)


OFFER_LATE = Rule(
    id="offer-late",
    scheme="training",
    regimes="all",
    english=N_("Claim for training without an offer or a decision within three months"),
    law=N_(
        "integreringsloven § 30 and introduksjonsloven §§ 17–18: training starts at the "
        "latest 3 months after the claim, or for permits from 2016 after population "
        "registration in the municipality (IMDi, «Tidlig oppstart av opplæringen»); under "
        "integreringsloven a training decision, granted (tildeling) or refused, or a start on "
        "or after the claim answers it (IMDi, «Registrering i NIR etter integreringsloven – norsk "
        "og samfunnskunnskap»), under introduksjonsloven an offer or a refusal; none is owed "
        "after an exemption (§ 29), nor after the time to offer training ends, nor to labour "
        "immigrants (§ 28; unverified, docs/rules.md) or anyone outside the target group (§ 26)"
    ),
    sql=f"""
    SELECT *, {day_after("deadline")} AS fires_from, NULL AS cap, NULL AS excused,
           NULL AS registered
    FROM (
        SELECT c.person_id, 'training' AS scheme, c.fact_date AS since,
               nir_add_months(CASE WHEN t.permit_date >= '{OFFER_FROM_POPULATION_REGISTRATION}'
                                    AND t.population_registration_date IS NOT NULL
                                   THEN t.population_registration_date
                                   ELSE c.fact_date END, 3) AS deadline,
               min({while_owed("c.person_id", "t.birth_date")}, {right_lapses("t")},
                   {answered_on("c.person_id", "t.regime", claims=False, since="c.fact_date")})
                 AS fires_until,
               CASE WHEN t.regime = 'introduksjonsloven' THEN 'o:' ELSE 'd:' END
                 || substr(c.id, -8) AS ref
        FROM {{persons}} k CROSS JOIN registrations c ON c.person_id = k.person_id
        CROSS JOIN target_group t ON t.id = c.person_id
        WHERE c.kind = 'claim' AND c.scheme = 'training' AND c.{LIVE} AND {OWED_AN_OFFER}
          AND {own("c")}
    )
    """,
    shown=detail(
        "CASE substr(f.ref, 1, 2) WHEN 'o:' THEN :detail_offer_late "
        "ELSE :detail_offer_late_decision END",
        claim="substr(f.ref, 3)",
    ),
    texts=lambda: {
        "detail_offer_late": _("claim {claim} has no offer"),
        "detail_offer_late_decision": _("claim {claim} has no decision (tildeling) or start"),
    },
)


NO_HOURS_FOR_MONTH = Rule(
    id="no-hours-for-month",
    scheme="training",
    regimes="all",
    english=N_("Started training but no hours registered for a month past its deadline"),
    law=N_(
        "integreringsforskriften § 53 (hours of Norwegian and social studies are "
        "registered), within two months (IMDi: «innen to måneder etter at de foreligger»); "
        "months a leave covers whole are excused, a stop or an exemption ends the months"
    ),
    sql=monthly_gaps("hours", "('training', 'asylum')"),
    shown=monthly_detail("detail_no_hours"),
    # :detail_no_hours_one when one month is expected, else :detail_no_hours.
    texts=lambda: {
        f"detail_no_hours{suffix}": ngettext(
            "{missing} of {expected} month since {month} has no hours",
            "{missing} of {expected} months since {month} have no hours",
            n,
        )
        for suffix, n in (("_one", 1), ("", 2))
    },
)


GOAL_OR_EDUCATION_MISSING = Rule(
    id="goal-or-education-missing",
    scheme="training",
    regimes="integreringsloven",
    english=N_("Integreringsloven participant without a Norwegian goal or education background"),
    law=N_(
        "integreringsforskriften § 53: NIR holds the norskmål and the education background "
        "(which sets the 18-month or 3-year gjennomføringsfrist, integreringsloven § 32; IMDi: "
        "«utdanningsbakgrunn må registreres for personer med rett og plikt»), within two months "
        "of the first decision or start; for labour immigrants (§ 28, no frist) the norskmål "
        "only; not for chapter 6A, not after an exemption (§ 29)"
    ),
    sql=f"""
    SELECT f.person_id, f.scheme, f.since, f.deadline, {day_after("f.deadline")} AS fires_from,
           {exempted_on("f.person_id")} AS fires_until,
           CASE WHEN f.goal THEN 'education' WHEN f.education THEN 'goal'
                ELSE 'goal-and-education' END AS ref,
           NULL AS cap, NULL AS excused, NULL AS registered
    FROM (
        SELECT s.person_id, 'training' AS scheme, s.since,
               nir_add_months(s.since, 2) AS deadline,
               EXISTS (SELECT 1 FROM registrations g
                       WHERE g.person_id = s.person_id AND g.kind = 'goal'
                         AND g.scheme = 'training' AND g.{LIVE}) AS goal,
               -- A duty without a right (§ 28) has no 18-month or 3-year frist to set
               EXISTS (SELECT 1 FROM registrations u
                       WHERE u.person_id = s.person_id
                         AND u.kind = 'education' AND u.{LIVE})
               OR EXISTS (SELECT 1 FROM persons l WHERE l.id = s.person_id
                          AND l.residence_basis IN ({LABOUR_SQL})) AS education
        FROM (
            SELECT r.person_id, min(r.fact_date) AS since
            FROM {{persons}} k CROSS JOIN registrations r ON r.person_id = k.person_id
            WHERE r.scheme = 'training' AND r.{LIVE}
              AND (r.kind = 'start' OR (r.kind = 'decision'
                   AND json_extract(r.details, '$.outcome') = 'granted'))
            GROUP BY r.person_id
        ) s
    ) f
    WHERE NOT (f.goal AND f.education)
      AND EXISTS (SELECT 1 FROM persons p WHERE p.id = f.person_id
                  AND p.regime = 'integreringsloven')
    """,
    # What is missing: the goal, the education background, or both.
    shown="CASE f.ref WHEN 'education' THEN :detail_no_education "
    "WHEN 'goal' THEN :detail_no_goal ELSE :detail_no_goal_or_education END",
    texts=lambda: {
        "detail_no_goal": _("no Norwegian goal (norskmål)"),
        "detail_no_education": _("no education background"),
        "detail_no_goal_or_education": _(
            "no Norwegian goal (norskmål) and no education background"
        ),
    },
)


WINDOW_ENDING = Rule(
    id="window-ending",
    scheme="training",
    regimes="all",
    english=N_("The training window ends within 90 days and the goal is not reached"),
    law=N_(
        "integreringsloven § 32 (integreringsforskriften § 29: «innenfor fristen på tre år "
        "eller 18 måneder, jf. integreringsloven § 32»), from the permit or a later arrival, for "
        "collective protection from settlement (§ 26), ending at 67 at the latest; leave "
        "extends it (secondary sources); chapter 6A: 12 months from the first start, «utvides "
        "med permisjoner» (IMDi, Endringer i NIR ... Ukraina). A warning before the window "
        "ends; none after an exemption (§ 29)"
    ),
    sql=f"""
    WITH windows AS MATERIALIZED (
        -- Each person's window: from the first training start under chapter 6A, from
        -- settlement for collective protection under the ordinary rules (§ 9 e), else from
        -- the permit or a later arrival (§ 26 second paragraph); 12 months under chapter 6A,
        -- 18 with upper secondary education, else 36.
        SELECT t.id AS person_id, t.birth_date,
               CASE WHEN t.regime = 'integreringsloven_6a'
                    THEN {first_start("training", "t.id")}
                    WHEN t.regime = 'integreringsloven'
                         AND t.residence_basis = 'collective_protection'
                    THEN t.settlement_date
                    ELSE max(t.permit_date, coalesce(t.arrival_date, t.permit_date)) END
                 AS since,
               CASE WHEN t.regime = 'integreringsloven_6a' THEN {WINDOW_MONTHS_6A}
                    WHEN t.regime = 'integreringsloven' AND {UPPER_SECONDARY.format(person="t.id")}
                    THEN {WINDOW_MONTHS_UPPER_SECONDARY}
                    ELSE {WINDOW_MONTHS} END AS months
        FROM {{persons}} k CROSS JOIN target_group t ON t.id = k.person_id
        -- No gjennomføringsfrist for a duty without a right (integreringsloven § 28)
        WHERE t.residence_basis != 'asylum_seeker'
          AND NOT (t.regime = 'integreringsloven' AND t.residence_basis IN ({LABOUR_SQL}))
    ),
    ending AS MATERIALIZED (
        -- A training leave moves the end; the right and duty end at the 67th birthday (§ 26).
        SELECT w.person_id, w.since,
               min(date(nir_add_months(w.since, w.months),
                        '+' || {leave_days("w.person_id")} || ' days'),
                   nir_add_months(w.birth_date, {AGE_67_MONTHS})) AS deadline
        FROM windows w
        WHERE w.since IS NOT NULL
    )
    -- A warning from 90 days before the window ends to the day it ends.
    SELECT w.person_id, 'training' AS scheme, w.since, w.deadline,
           date(w.deadline, '-{WINDOW_WARNING_DAYS} days') AS fires_from,
           min({day_after("w.deadline")}, {exempted_on("w.person_id")}) AS fires_until,
           NULL AS ref, NULL AS cap, NULL AS excused, NULL AS registered
    FROM ending w
    WHERE NOT EXISTS (SELECT 1 FROM registrations e INDEXED BY registrations_end_reason
                      WHERE e.person_id = w.person_id
                      AND e.kind = 'end' AND e.scheme = 'training' AND e.{LIVE}
                      AND json_extract(e.details, '$.reason')
                          IN ('completed', 'goal_reached'))
      AND NOT EXISTS (
          SELECT 1 FROM registrations r
          JOIN registrations g ON g.person_id = r.person_id AND g.kind = 'goal'
               AND g.scheme = 'training' AND g.{LIVE}
          WHERE r.person_id = w.person_id AND r.kind = 'test-result' AND r.{LIVE}
            AND json_extract(r.details, '$.test') = 'norskprove'
            AND {skill_reached("reading")} AND {skill_reached("listening")}
            AND {skill_reached("writing")} AND {skill_reached("oral")})
    """,
    shown=":detail_window_ending",
    texts=lambda: {"detail_window_ending": _("training window ends; goal not reached")},
)
