"""Every rule of `nir missing` as a table of scenarios: a person, their registrations, a day,
and whether the rule fires. Each rule has cases where it must fire and cases where it must not:
one day before its deadline, exempted, on leave, stopped, outside the target group.

The base person is a refugee born 1990-05-05, permit 2024-01-10, settled 2024-02-01
(integreringsloven); a scenario overrides what it needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from nir_cli.rules.catalogue import RULES
from nir_cli.rules.findings import missing
from tests.rules.conftest import Register

EXEMPT = {"exemption_from": "training", "basis": "sufficient_norwegian"}
SOCIAL_ONLY = {"exemption_from": "training", "basis": "sufficient_social_studies"}


@dataclass(frozen=True)
class Case:
    rule: str
    name: str
    as_of: str
    fires: bool
    person: dict[str, Any] = field(default_factory=dict)
    # (kind, fact date, fields)
    registrations: tuple[tuple[str, str, dict[str, Any]], ...] = ()


def hours(*months: str) -> tuple[tuple[str, str, dict[str, Any]], ...]:
    return tuple(("hours", f"{m}-28", {"period": m, "norwegian_hours": 10}) for m in months)


def absence(*months: str) -> tuple[tuple[str, str, dict[str, Any]], ...]:
    return tuple(("absence", f"{m}-28", {"period": m, "valid_hours": 0}) for m in months)


TRAINING = {"scheme": "training"}
PROGRAMME = {"scheme": "programme"}
START_JAN = ("start", "2025-01-15", TRAINING)
BEHIND = (  # integreringsloven, goal B1, a test below it: the window matters
    ("goal", "2023-05-01", {"scheme": "training", "level": "B1"}),
    ("test-result", "2025-05-20", {"test": "norskprove", "oral": "A2", "reading": "B1"}),
)
LEAVE_JANUARY = ("leave", "2025-01-01", {**TRAINING, "until": "2025-01-31", "reason": "illness"})
PERMIT_2023 = {"permit_date": "2023-03-01", "settlement_date": "2023-04-01"}
GRANTED = {"scheme": "training", "outcome": "granted"}
REFUSED = {"scheme": "training", "outcome": "refused", "reason": "x"}
START_MARCH = ("start", "2024-03-01", TRAINING)
CLAIM_MARCH = ("claim", "2024-03-01", TRAINING)
# Under introduksjonsloven: permit and settlement before 2021.
INTRO_2019 = {"permit_date": "2019-01-10", "settlement_date": "2019-03-01"}
ENDED_APRIL = (
    ("start", "2025-03-03", PROGRAMME),
    *absence("2025-03", "2025-04"),
    ("end", "2025-04-30", {**PROGRAMME, "reason": "employment"}),
)
# Chapter 6A, first start of training 1 Jun 2023, education background registered.
SIXA = {"residence_basis": "collective_protection", "permit_date": "2023-01-10"}
SIX_MONTHS = {"months": 6}
SIXA_STARTED = (
    ("education", "2023-06-01", {"upper_secondary": "no"}),
    ("start", "2023-06-01", TRAINING),
)
SIXA_STARTED_UPPER = (
    ("education", "2023-06-01", {"upper_secondary": "yes"}),
    ("start", "2023-06-01", TRAINING),
)

CASES = [
    # -- no-claim-or-offer: 3 months from population registration, else settlement ----------
    Case("no-claim-or-offer", "deadline passed", "2024-05-02", True),
    Case("no-claim-or-offer", "on the deadline day", "2024-05-01", False),
    Case(
        "no-claim-or-offer",
        "exempted from training",
        "2024-05-02",
        False,
        registrations=(("exemption", "2024-03-01", EXEMPT),),
    ),
    Case(
        "no-claim-or-offer",
        "exempted from social studies only",
        "2024-05-02",
        True,
        registrations=(("exemption", "2024-03-01", SOCIAL_ONLY),),
    ),
    Case(
        "no-claim-or-offer",
        "family reunified, not settled: from population registration",
        "2024-06-16",
        True,
        person={
            "residence_basis": "family_of_refugee",
            "settlement_date": None,
            "population_registration_date": "2024-03-15",
        },
    ),
    Case(
        "no-claim-or-offer",
        "family reunified, one day before",
        "2024-06-15",
        False,
        person={
            "residence_basis": "family_of_refugee",
            "settlement_date": None,
            "population_registration_date": "2024-03-15",
        },
    ),
    Case(
        "no-claim-or-offer",
        "outside the target group (student)",
        "2025-01-01",
        False,
        person={"residence_basis": "student"},
    ),
    Case(
        "no-claim-or-offer",
        "outside the target group (aged 17 at the permit)",
        "2025-01-01",
        False,
        person={"birth_date": "2006-06-01"},
    ),
    Case(
        "no-claim-or-offer",
        "an offer was made",
        "2025-01-01",
        False,
        registrations=(("offer", "2024-03-01", TRAINING),),
    ),
    Case(
        "no-claim-or-offer",
        "aged 66 at the permit, still 66",
        "2024-05-02",
        True,
        person={"birth_date": "1957-06-01"},
    ),
    Case(
        "no-claim-or-offer",
        "turned 67: the right has ended",
        "2024-06-02",
        False,
        person={"birth_date": "1957-06-01"},
    ),
    # Under integreringsloven NIR has no offer: a granted decision (tildeling) or a start
    # answers the duty, on its date (IMDi, «Registrering i NIR etter integreringsloven»).
    Case(
        "no-claim-or-offer",
        "integreringsloven: a granted decision answers",
        "2024-05-02",
        False,
        registrations=(("decision", "2024-03-01", GRANTED),),
    ),
    Case(
        "no-claim-or-offer",
        "integreringsloven: a start answers",
        "2024-05-02",
        False,
        registrations=(START_MARCH,),
    ),
    Case(
        "no-claim-or-offer",
        "integreringsloven: a late decision, the day before it",
        "2024-05-31",
        True,
        registrations=(("decision", "2024-06-01", GRANTED),),
    ),
    Case(
        "no-claim-or-offer",
        "integreringsloven: a late decision ends it on its day",
        "2024-06-01",
        False,
        registrations=(("decision", "2024-06-01", GRANTED),),
    ),
    Case(
        "no-claim-or-offer",
        "introduksjonsloven keeps its offer: a granted decision is none",
        "2019-06-02",
        True,
        person=INTRO_2019,
        registrations=(("decision", "2019-04-01", GRANTED),),
    ),
    Case(
        "no-claim-or-offer",
        "introduksjonsloven: an offer answers",
        "2019-06-02",
        False,
        person=INTRO_2019,
        registrations=(("offer", "2019-04-01", TRAINING),),
    ),
    Case(
        "no-claim-or-offer",
        "labour immigrant: a duty without a right is owed no offer (§ 28)",
        "2024-05-02",
        False,
        person={"residence_basis": "labour_non_eea"},
    ),
    Case(
        "no-claim-or-offer",
        "limited permit (§ 38 fifth paragraph): in the target group",
        "2024-05-02",
        True,
        person={"residence_basis": "limited_family"},
    ),
    Case(
        "no-claim-or-offer",
        "integreringsloven: a granted programme decision answers (training is part of it)",
        "2024-05-02",
        False,
        registrations=(("decision", "2024-03-01", {**PROGRAMME, "outcome": "granted"}),),
    ),
    Case(
        "no-claim-or-offer",
        "a refused programme decision answers nothing about training",
        "2024-05-02",
        True,
        registrations=(
            ("decision", "2024-03-01", {**PROGRAMME, "outcome": "refused", "reason": "x"}),
        ),
    ),
    Case(
        "no-claim-or-offer",
        "limited permit: not before the first renewal (the permit date), on its deadline",
        "2025-06-01",
        False,
        person={"residence_basis": "limited_family", "permit_date": "2025-03-01"},
    ),
    Case(
        "no-claim-or-offer",
        "limited permit: three months after the first renewal",
        "2025-06-02",
        True,
        person={"residence_basis": "limited_family", "permit_date": "2025-03-01"},
    ),
    Case(
        "no-claim-or-offer",
        "introduksjonsloven: the day before the five years to offer training end",
        "2024-01-09",
        True,
        person=INTRO_2019,
    ),
    Case(
        "no-claim-or-offer",
        "introduksjonsloven: nothing owed after the five years",
        "2024-01-10",
        False,
        person=INTRO_2019,
    ),
    Case(
        "no-claim-or-offer",
        "integreringsloven: nothing owed after the gjennomføringsfrist",
        "2027-01-10",
        False,
    ),
    Case(
        "no-claim-or-offer",
        "integreringsloven: the day before the gjennomføringsfrist",
        "2027-01-09",
        True,
    ),
    # -- offer-late: 3 months from the claim ------------------------------------------------
    Case(
        "offer-late",
        "no offer 3 months after the claim",
        "2024-06-02",
        True,
        registrations=(("claim", "2024-03-01", TRAINING),),
    ),
    Case(
        "offer-late",
        "on the deadline day",
        "2024-06-01",
        False,
        registrations=(("claim", "2024-03-01", TRAINING),),
    ),
    Case(
        "offer-late",
        "exempted after the claim",
        "2024-06-02",
        False,
        registrations=(
            ("claim", "2024-03-01", TRAINING),
            ("exemption", "2024-04-01", EXEMPT),
        ),
    ),
    Case(
        "offer-late",
        "integreringsloven: a granted decision within 3 months answers",
        "2024-06-02",
        False,
        registrations=(CLAIM_MARCH, ("decision", "2024-04-01", GRANTED)),
    ),
    Case(
        "offer-late",
        "integreringsloven: a start within 3 months answers",
        "2024-06-02",
        False,
        registrations=(CLAIM_MARCH, ("start", "2024-04-01", TRAINING)),
    ),
    Case(
        "offer-late",
        "a refused decision answers the claim",
        "2024-06-02",
        False,
        registrations=(CLAIM_MARCH, ("decision", "2024-04-01", REFUSED)),
    ),
    Case(
        "offer-late",
        "a decision after the deadline: the day before it",
        "2024-07-09",
        True,
        registrations=(CLAIM_MARCH, ("decision", "2024-07-10", GRANTED)),
    ),
    Case(
        "offer-late",
        "a decision after the deadline ends it on its day",
        "2024-07-10",
        False,
        registrations=(CLAIM_MARCH, ("decision", "2024-07-10", GRANTED)),
    ),
    Case(
        "offer-late",
        "introduksjonsloven keeps its offer: a granted decision is none",
        "2019-06-02",
        True,
        person=INTRO_2019,
        registrations=(("claim", "2019-03-01", TRAINING), ("decision", "2019-04-01", GRANTED)),
    ),
    Case(
        "offer-late",
        "introduksjonsloven: an offer answers",
        "2019-06-02",
        False,
        person=INTRO_2019,
        registrations=(("claim", "2019-03-01", TRAINING), ("offer", "2019-04-01", TRAINING)),
    ),
    Case(
        "offer-late",
        "introduksjonsloven: a refusal answers",
        "2019-06-02",
        False,
        person=INTRO_2019,
        registrations=(("claim", "2019-03-01", TRAINING), ("decision", "2019-04-01", REFUSED)),
    ),
    Case(
        "offer-late",
        "labour immigrant: no offer owed (§ 28)",
        "2024-06-02",
        False,
        person={"residence_basis": "labour_non_eea"},
        registrations=(CLAIM_MARCH,),
    ),
    Case(
        "offer-late",
        "outside the target group: the municipality may offer (§ 26)",
        "2024-06-02",
        False,
        person={"residence_basis": "eea_efta"},
        registrations=(CLAIM_MARCH,),
    ),
    Case(
        "offer-late",
        "an answer before the claim does not answer it",
        "2026-06-02",
        True,
        registrations=(("decision", "2024-03-01", GRANTED), ("claim", "2026-03-01", TRAINING)),
    ),
    # -- programme-start-late ---------------------------------------------------------------
    Case(
        "programme-start-late",
        "claim not started in 3 months",
        "2024-05-11",
        True,
        registrations=(("claim", "2024-02-10", PROGRAMME),),
    ),
    Case(
        "programme-start-late",
        "on the deadline day",
        "2024-05-10",
        False,
        registrations=(("claim", "2024-02-10", PROGRAMME),),
    ),
    Case(
        "programme-start-late",
        "refused",
        "2024-06-01",
        False,
        registrations=(
            ("claim", "2024-02-10", PROGRAMME),
            ("decision", "2024-03-01", {**PROGRAMME, "outcome": "refused", "reason": "x"}),
        ),
    ),
    # -- programme-not-offered: the target group of § 8, 3 months from settlement -----------
    Case("programme-not-offered", "3 months after settlement", "2024-05-02", True),
    Case("programme-not-offered", "on the deadline day", "2024-05-01", False),
    Case(
        "programme-not-offered",
        "a programme claim",
        "2024-05-02",
        False,
        registrations=(("claim", "2024-02-10", PROGRAMME),),
    ),
    Case(
        "programme-not-offered",
        "aged 55 at the permit",
        "2024-05-02",
        False,
        person={"birth_date": "1969-01-10"},
    ),
    Case(
        "programme-not-offered",
        "aged 54 at the permit",
        "2024-05-02",
        True,
        person={"birth_date": "1969-01-11"},
    ),
    Case(
        "programme-not-offered",
        "aged 17 at the permit",
        "2024-05-02",
        False,
        person={"birth_date": "2006-01-11"},
    ),
    Case(
        "programme-not-offered",
        "labour immigrant: no right to the programme",
        "2024-05-02",
        False,
        person={"residence_basis": "labour_non_eea"},
    ),
    Case(
        "programme-not-offered",
        "refugee not settled by agreement",
        "2024-05-02",
        False,
        person={"settlement_date": None, "population_registration_date": "2024-02-01"},
    ),
    Case(
        "programme-not-offered",
        "family of a refugee: from population registration",
        "2024-06-16",
        True,
        person={
            "residence_basis": "family_of_refugee",
            "settlement_date": None,
            "population_registration_date": "2024-03-15",
        },
    ),
    Case("programme-not-offered", "two years after settlement", "2026-02-02", False),
    # -- programme-without-mapping: § 10, within 3 months of settlement --------------------
    Case("programme-without-mapping", "3 months after settlement", "2024-05-02", True),
    Case("programme-without-mapping", "on the deadline day", "2024-05-01", False),
    Case(
        "programme-without-mapping",
        "mapped",
        "2024-05-02",
        False,
        registrations=(("competence-mapping", "2024-03-01", {}),),
    ),
    Case(
        "programme-without-mapping",
        "resettlement refugee: IMDi maps before arrival",
        "2024-05-02",
        False,
        person={"residence_basis": "resettlement_refugee"},
    ),
    Case(
        "programme-without-mapping",
        "introduksjonsloven",
        "2020-06-02",
        False,
        person={"permit_date": "2019-10-01", "settlement_date": "2020-02-01"},
    ),
    Case(
        "programme-without-mapping",
        "chapter 6A",
        "2024-05-02",
        False,
        person={"residence_basis": "collective_protection"},
    ),
    # -- claim-without-decision -------------------------------------------------------------
    Case(
        "claim-without-decision",
        "3 months without a decision",
        "2026-04-01",
        True,
        registrations=(("claim", "2025-12-31", TRAINING),),
    ),
    Case(
        "claim-without-decision",
        "on the deadline day",
        "2026-03-31",
        False,
        registrations=(("claim", "2025-12-31", TRAINING),),
    ),
    Case(
        "claim-without-decision",
        "a refused decision answers the claim",
        "2026-04-01",
        False,
        registrations=(("claim", "2025-12-31", TRAINING), ("decision", "2026-02-01", REFUSED)),
    ),
    Case(
        "claim-without-decision",
        "a late decision: the day before it",
        "2026-04-09",
        True,
        registrations=(("claim", "2025-12-31", TRAINING), ("decision", "2026-04-10", GRANTED)),
    ),
    Case(
        "claim-without-decision",
        "a late decision ends it on its day",
        "2026-04-10",
        False,
        registrations=(("claim", "2025-12-31", TRAINING), ("decision", "2026-04-10", GRANTED)),
    ),
    Case(
        "claim-without-decision",
        "introduksjonsloven: an offer answers the claim (tilbud ... dato for vedtak)",
        "2019-08-01",
        False,
        person=INTRO_2019,
        registrations=(("claim", "2019-03-05", TRAINING), ("offer", "2019-04-01", TRAINING)),
    ),
    Case(
        "claim-without-decision",
        "introduksjonsloven: a claim with neither",
        "2019-08-01",
        True,
        person=INTRO_2019,
        registrations=(("claim", "2019-03-05", TRAINING),),
    ),
    Case(
        "claim-without-decision",
        "integreringsloven: an offer is no decision",
        "2026-04-01",
        True,
        registrations=(("claim", "2025-12-31", TRAINING), ("offer", "2026-01-10", TRAINING)),
    ),
    # -- granted-without-start --------------------------------------------------------------
    Case(
        "granted-without-start",
        "3 months without a start",
        "2025-04-11",
        True,
        registrations=(("decision", "2025-01-10", {**TRAINING, "outcome": "granted"}),),
    ),
    Case(
        "granted-without-start",
        "on the deadline day",
        "2025-04-10",
        False,
        registrations=(("decision", "2025-01-10", {**TRAINING, "outcome": "granted"}),),
    ),
    Case(
        "granted-without-start",
        "a late start ends it on its day",
        "2025-05-01",
        False,
        registrations=(("decision", "2025-01-10", GRANTED), ("start", "2025-05-01", TRAINING)),
    ),
    Case(
        "granted-without-start",
        "a late start: the day before it",
        "2025-04-30",
        True,
        registrations=(("decision", "2025-01-10", GRANTED), ("start", "2025-05-01", TRAINING)),
    ),
    Case(
        "granted-without-start",
        "a start before a new decision does not start it",
        "2026-06-02",
        True,
        registrations=(("start", "2024-03-01", TRAINING), ("decision", "2026-03-01", GRANTED)),
    ),
    # -- no-hours-for-month: months past their deadline (two months after the month) ---------
    Case(
        "no-hours-for-month",
        "February's hours missing, due 30 Apr",
        "2025-05-01",
        True,
        registrations=(START_JAN, *hours("2025-01")),
    ),
    Case(
        "no-hours-for-month",
        "on February's deadline day",
        "2025-04-30",
        False,
        registrations=(START_JAN, *hours("2025-01")),
    ),
    Case(
        "no-hours-for-month",
        "on leave the whole of February",
        "2025-05-01",
        False,
        registrations=(
            START_JAN,
            *hours("2025-01"),
            ("leave", "2025-02-01", {**TRAINING, "until": "2025-02-28", "reason": "illness"}),
        ),
    ),
    Case(
        "no-hours-for-month",
        "on leave part of February only",
        "2025-05-01",
        True,
        registrations=(
            START_JAN,
            *hours("2025-01"),
            ("leave", "2025-02-10", {**TRAINING, "until": "2025-02-28", "reason": "illness"}),
        ),
    ),
    Case(
        "no-hours-for-month",
        "stopped in January",
        "2025-12-01",
        False,
        registrations=(
            START_JAN,
            *hours("2025-01"),
            ("stop", "2025-01-31", {**TRAINING, "reason": "invalid_absence"}),
        ),
    ),
    Case(
        "no-hours-for-month",
        "stopped, then started again without hours",
        "2025-10-01",
        True,
        registrations=(
            START_JAN,
            *hours("2025-01"),
            ("stop", "2025-01-31", {**TRAINING, "reason": "invalid_absence"}),
            ("start", "2025-06-02", TRAINING),
        ),
    ),
    Case(
        "no-hours-for-month",
        "exempted in January",
        "2025-12-01",
        False,
        registrations=(START_JAN, *hours("2025-01"), ("exemption", "2025-01-31", EXEMPT)),
    ),
    # -- no-absence-for-month ---------------------------------------------------------------
    Case(
        "no-absence-for-month",
        "March's absence missing, due 31 May",
        "2025-06-01",
        True,
        registrations=(("start", "2025-03-03", PROGRAMME),),
    ),
    Case(
        "no-absence-for-month",
        "on March's deadline day",
        "2025-05-31",
        False,
        registrations=(("start", "2025-03-03", PROGRAMME),),
    ),
    Case(
        "no-absence-for-month",
        "on leave March to April",
        "2025-07-01",
        False,
        registrations=(
            ("start", "2025-03-01", PROGRAMME),
            ("leave", "2025-03-01", {**PROGRAMME, "until": "2025-04-30", "reason": "parental"}),
        ),
    ),
    Case(
        "no-absence-for-month",
        "a training leave does not excuse the programme",
        "2025-07-01",
        True,
        registrations=(
            ("start", "2025-03-01", PROGRAMME),
            ("leave", "2025-03-01", {**TRAINING, "until": "2025-04-30", "reason": "parental"}),
        ),
    ),
    Case(
        "no-absence-for-month",
        "every month registered",
        "2025-07-01",
        False,
        registrations=(("start", "2025-03-03", PROGRAMME), *absence("2025-03", "2025-04")),
    ),
    Case(
        "no-absence-for-month",
        "ended in April: nothing after",
        "2025-10-01",
        False,
        registrations=(*ENDED_APRIL,),
    ),
    Case(
        "no-absence-for-month",
        "reopened (gjenåpning) in June: its months run again",
        "2025-10-01",
        True,
        registrations=(*ENDED_APRIL, ("reopening", "2025-06-02", {})),
    ),
    # -- end-without-reason: the reason is due with the end --------------------------------
    Case(
        "end-without-reason",
        "two months after the end",
        "2025-08-31",
        True,
        registrations=(("end", "2025-06-30", TRAINING),),
    ),
    Case(
        "end-without-reason",
        "on the deadline day",
        "2025-08-30",
        False,
        registrations=(("end", "2025-06-30", TRAINING),),
    ),
    Case(
        "end-without-reason",
        "with a reason",
        "2025-12-01",
        False,
        registrations=(("end", "2025-06-30", {**TRAINING, "reason": "completed"}),),
    ),
    # -- goal-or-education-missing ----------------------------------------------------------
    Case(
        "goal-or-education-missing",
        "no education two months after the start",
        "2025-03-11",
        True,
        registrations=(
            ("start", "2025-01-10", TRAINING),
            ("goal", "2025-01-10", {"scheme": "training", "level": "B1"}),
        ),
    ),
    Case(
        "goal-or-education-missing",
        "on the deadline day",
        "2025-03-10",
        False,
        registrations=(("start", "2025-01-10", TRAINING),),
    ),
    Case(
        "goal-or-education-missing",
        "exempted",
        "2025-06-01",
        False,
        registrations=(("start", "2025-01-10", TRAINING), ("exemption", "2025-02-01", EXEMPT)),
    ),
    Case(
        "goal-or-education-missing",
        "introduksjonsloven (no norskmål there)",
        "2025-06-01",
        False,
        person={"permit_date": "2019-01-10", "settlement_date": "2019-03-01"},
        registrations=(("start", "2025-01-10", TRAINING),),
    ),
    Case(
        "goal-or-education-missing",
        "labour immigrant (§ 28): the norskmål is enough, no frist to set",
        "2025-03-11",
        False,
        person={"residence_basis": "labour_non_eea"},
        registrations=(
            ("start", "2025-01-10", TRAINING),
            ("goal", "2025-01-10", {"scheme": "training", "level": "A2"}),
        ),
    ),
    Case(
        "goal-or-education-missing",
        "labour immigrant (§ 28) without a norskmål",
        "2025-03-11",
        True,
        person={"residence_basis": "labour_non_eea"},
        registrations=(("start", "2025-01-10", TRAINING),),
    ),
    # -- window-ending: 36 months from the permit, plus leave ------------------------------
    Case("window-ending", "90 days before the end", "2025-12-01", True, PERMIT_2023, BEHIND),
    Case("window-ending", "91 days before the end", "2025-11-30", False, PERMIT_2023, BEHIND),
    Case("window-ending", "after the end", "2026-03-02", False, PERMIT_2023, BEHIND),
    Case(
        "window-ending",
        "exempted",
        "2025-12-01",
        False,
        PERMIT_2023,
        (*BEHIND, ("exemption", "2025-06-01", EXEMPT)),
    ),
    Case(
        "window-ending",
        "goal reached",
        "2025-12-01",
        False,
        PERMIT_2023,
        (
            ("goal", "2023-05-01", {"scheme": "training", "level": "B1"}),
            ("test-result", "2025-05-20", {"test": "norskprove", "oral": "B1", "reading": "B2"}),
        ),
    ),
    Case(
        "window-ending",
        "arrived after the permit: the window starts on arrival (§ 26)",
        "2026-06-03",
        True,
        {
            "residence_basis": "family_of_refugee",
            "permit_date": "2023-03-01",
            "arrival_date": "2023-09-01",
            "settlement_date": None,
        },
        BEHIND,
    ),
    Case(
        "window-ending",
        "arrived after the permit: not from the permit",
        "2025-12-01",
        False,
        {
            "residence_basis": "family_of_refugee",
            "permit_date": "2023-03-01",
            "arrival_date": "2023-09-01",
            "settlement_date": None,
        },
        BEHIND,
    ),
    Case(
        "window-ending",
        "collective protection, ordinary rules: from settlement",
        "2024-07-03",
        True,
        {
            "residence_basis": "collective_protection",
            "permit_date": "2021-06-01",
            "settlement_date": "2021-10-01",
        },
        (("goal", "2021-11-01", {"scheme": "training", "level": "B1"}),),
    ),
    Case(
        "window-ending",
        "collective protection, ordinary rules: not from the permit",
        "2024-03-03",
        False,
        {
            "residence_basis": "collective_protection",
            "permit_date": "2021-06-01",
            "settlement_date": "2021-10-01",
        },
        (("goal", "2021-11-01", {"scheme": "training", "level": "B1"}),),
    ),
    Case(
        "window-ending",
        "the right ends at 67: flagged 90 days before the birthday",
        "2025-03-03",
        True,
        {**PERMIT_2023, "birth_date": "1958-06-01"},
        BEHIND,
    ),
    Case(
        "window-ending",
        "the right ends at 67: nothing after it",
        "2025-12-01",
        False,
        {**PERMIT_2023, "birth_date": "1958-06-01"},
        BEHIND,
    ),
    Case(
        "window-ending",
        "a goal per skill: oral A2 reaches its own goal",
        "2025-12-01",
        False,
        PERMIT_2023,
        (
            ("goal", "2023-05-01", {"scheme": "training", "level": "B1", "oral": "A2"}),
            ("test-result", "2025-05-20", {"test": "norskprove", "oral": "A2", "reading": "B1"}),
        ),
    ),
    Case(
        "window-ending",
        "a goal per skill: reading below its own goal",
        "2025-12-01",
        True,
        PERMIT_2023,
        (
            ("goal", "2023-05-01", {"scheme": "training", "reading": "B2", "oral": "A2"}),
            ("test-result", "2025-05-20", {"test": "norskprove", "oral": "B1", "reading": "B1"}),
        ),
    ),
    Case(
        "window-ending",
        "a 31-day leave moves the end to 1 Apr: not yet on 31 Dec",
        "2025-12-31",
        False,
        PERMIT_2023,
        (
            *BEHIND,
            ("leave", "2025-01-01", {**TRAINING, "until": "2025-01-31", "reason": "illness"}),
        ),
    ),
    Case(
        "window-ending",
        "a 31-day leave: flagged 90 days before 1 Apr",
        "2026-01-01",
        True,
        PERMIT_2023,
        (
            *BEHIND,
            ("leave", "2025-01-01", {**TRAINING, "until": "2025-01-31", "reason": "illness"}),
        ),
    ),
    Case(
        "window-ending",
        "a 31-day leave: still ending after the unextended end",
        "2026-03-15",
        True,
        PERMIT_2023,
        (
            *BEHIND,
            ("leave", "2025-01-01", {**TRAINING, "until": "2025-01-31", "reason": "illness"}),
        ),
    ),
    Case(
        "window-ending",
        "chapter 6A: 12 months from the first start, not the permit",
        "2024-04-01",
        True,
        {"residence_basis": "collective_protection", "permit_date": "2023-01-10"},
        (("start", "2023-06-01", TRAINING),),
    ),
    Case(
        "window-ending",
        "chapter 6A: not from the permit",
        "2024-01-01",
        False,
        {"residence_basis": "collective_protection", "permit_date": "2023-01-10"},
        (("start", "2023-06-01", TRAINING),),
    ),
    Case(
        "window-ending",
        "labour immigrant under integreringsloven: no gjennomføringsfrist (§ 28)",
        "2025-12-01",
        False,
        {**PERMIT_2023, "residence_basis": "labour_non_eea"},
        BEHIND,
    ),
    # -- not-for-act: what NIR does not take under introduksjonsloven -------------------------
    Case(
        "not-for-act",
        "introduksjonsloven: an education background",
        "2019-05-01",
        True,
        person=INTRO_2019,
        registrations=(("education", "2019-05-01", {"upper_secondary": "yes"}),),
    ),
    Case(
        "not-for-act",
        "introduksjonsloven: the day before it was registered",
        "2019-04-30",
        False,
        person=INTRO_2019,
        registrations=(("education", "2019-05-01", {"upper_secondary": "yes"}),),
    ),
    Case(
        "not-for-act",
        "introduksjonsloven: a norskmål",
        "2019-06-01",
        True,
        person=INTRO_2019,
        registrations=(("goal", "2019-05-01", {"scheme": "training", "level": "B1"}),),
    ),
    Case(
        "not-for-act",
        "introduksjonsloven: a sluttmål",
        "2019-06-01",
        True,
        person=INTRO_2019,
        registrations=(
            ("goal", "2019-05-01", {"scheme": "programme", "final_goal": "employment"}),
        ),
    ),
    Case(
        "not-for-act",
        "introduksjonsloven: full-time upper secondary",
        "2019-06-01",
        True,
        person=INTRO_2019,
        registrations=(("full-time-upper-secondary", "2019-05-01", {}),),
    ),
    Case(
        "not-for-act",
        "introduksjonsloven: an integration contract",
        "2019-06-01",
        True,
        person=INTRO_2019,
        registrations=(("integration-contract", "2019-05-01", {}),),
    ),
    Case(
        "not-for-act",
        "integreringsloven takes them",
        "2025-06-01",
        False,
        registrations=(
            ("education", "2025-05-01", {"upper_secondary": "yes"}),
            ("goal", "2025-05-01", {"scheme": "training", "level": "B1"}),
            ("integration-contract", "2025-05-01", {}),
        ),
    ),
    Case(
        "not-for-act",
        "introduksjonsloven: what it takes (a start, hours)",
        "2019-06-01",
        False,
        person=INTRO_2019,
        registrations=(("start", "2019-05-01", TRAINING),),
    ),
    Case(
        "not-for-act",
        "extended training outside chapter 6A",
        "2025-06-01",
        True,
        registrations=(("extended-training", "2025-05-01", {"months": 6}),),
    ),
    # -- extended-training-rules: chapter 6A, integreringsforskriften § 43 g -----------------
    # First start 1 Jun 2023: the gjennomføringsfrist is 1 Jun 2024, and a decision on
    # extended training is dated from 1 Apr 2024 to 1 Aug 2024.
    Case(
        "extended-training-rules",
        "within two months of the gjennomføringsfrist",
        "2024-09-01",
        False,
        SIXA,
        (*SIXA_STARTED, ("extended-training", "2024-05-01", SIX_MONTHS)),
    ),
    Case(
        "extended-training-rules",
        "on the window's first day",
        "2024-09-01",
        False,
        SIXA,
        (*SIXA_STARTED, ("extended-training", "2024-04-01", SIX_MONTHS)),
    ),
    Case(
        "extended-training-rules",
        "one day before the window",
        "2024-09-01",
        True,
        SIXA,
        (*SIXA_STARTED, ("extended-training", "2024-03-31", SIX_MONTHS)),
    ),
    Case(
        "extended-training-rules",
        "after the window",
        "2024-09-01",
        True,
        SIXA,
        (*SIXA_STARTED, ("extended-training", "2024-08-02", SIX_MONTHS)),
    ),
    Case(
        "extended-training-rules",
        "a 31-day leave moves the gjennomføringsfrist",
        "2024-09-01",
        False,
        SIXA,
        (
            *SIXA_STARTED,
            ("leave", "2023-09-01", {**TRAINING, "until": "2023-10-01", "reason": "illness"}),
            ("extended-training", "2024-08-02", SIX_MONTHS),
        ),
    ),
    Case(
        "extended-training-rules",
        "upper secondary education: a second decision is one too many",
        "2025-01-01",
        True,
        SIXA,
        (
            *SIXA_STARTED_UPPER,
            ("extended-training", "2024-05-01", SIX_MONTHS),
            ("extended-training", "2024-12-01", SIX_MONTHS),
        ),
    ),
    Case(
        "extended-training-rules",
        "no upper secondary education: a second one around the moved frist",
        "2025-01-01",
        False,
        SIXA,
        (
            *SIXA_STARTED,
            ("extended-training", "2024-05-01", SIX_MONTHS),
            ("extended-training", "2024-12-01", SIX_MONTHS),
        ),
    ),
    Case(
        "extended-training-rules",
        "dated after chapter 6A ended",
        "2026-08-01",
        True,
        {**SIXA, "permit_date": "2024-06-10"},
        (
            ("education", "2025-07-01", {"upper_secondary": "no"}),
            ("start", "2025-07-01", TRAINING),
            ("extended-training", "2026-07-15", SIX_MONTHS),
        ),
    ),
    Case(
        "extended-training-rules",
        "dated the day before chapter 6A ended",
        "2026-08-01",
        False,
        {**SIXA, "permit_date": "2024-06-10"},
        (
            ("education", "2025-07-01", {"upper_secondary": "no"}),
            ("start", "2025-07-01", TRAINING),
            ("extended-training", "2026-06-30", SIX_MONTHS),
        ),
    ),
    Case(
        "extended-training-rules",
        "dated before § 43 g came into force (1 Jul 2023)",
        "2023-08-01",
        True,
        {**SIXA, "permit_date": "2022-04-10"},
        (
            ("education", "2022-06-01", {"upper_secondary": "no"}),
            ("start", "2022-06-01", TRAINING),
            ("extended-training", "2023-06-15", SIX_MONTHS),
        ),
    ),
]

# Introduksjonsloven: a refugee with a permit of 10 Jan 2019, settled 1 Mar 2019 (INTRO_2019).
INTRODUKSJONSLOVEN_CASES = [
    Case(
        "programme-start-late",
        "introduksjonsloven: claim not started in 3 months",
        "2019-06-11",
        True,
        INTRO_2019,
        (("claim", "2019-03-10", PROGRAMME),),
    ),
    Case(
        "programme-start-late",
        "introduksjonsloven: on the deadline day",
        "2019-06-10",
        False,
        INTRO_2019,
        (("claim", "2019-03-10", PROGRAMME),),
    ),
    Case(
        "programme-not-offered",
        "introduksjonsloven: 3 months after",
        "2019-06-02",
        True,
        INTRO_2019,
    ),
    Case(
        "programme-not-offered", "introduksjonsloven: on the day", "2019-06-01", False, INTRO_2019
    ),
    Case(
        "granted-without-start",
        "introduksjonsloven: granted, not started",
        "2019-07-02",
        True,
        INTRO_2019,
        (("decision", "2019-04-01", GRANTED),),
    ),
    Case(
        "granted-without-start",
        "introduksjonsloven: started",
        "2019-07-02",
        False,
        INTRO_2019,
        (("decision", "2019-04-01", GRANTED), ("start", "2019-05-01", TRAINING)),
    ),
    Case(
        "no-hours-for-month",
        "introduksjonsloven: May's hours missing, due 31 Jul",
        "2019-08-01",
        True,
        INTRO_2019,
        (("start", "2019-04-15", TRAINING), *hours("2019-04")),
    ),
    Case(
        "no-hours-for-month",
        "introduksjonsloven: on May's deadline day",
        "2019-07-31",
        False,
        INTRO_2019,
        (("start", "2019-04-15", TRAINING), *hours("2019-04")),
    ),
    Case(
        "no-absence-for-month",
        "introduksjonsloven: April's absence missing",
        "2019-07-01",
        True,
        INTRO_2019,
        (("start", "2019-04-03", PROGRAMME),),
    ),
    Case(
        "no-absence-for-month",
        "introduksjonsloven: on April's deadline day",
        "2019-06-30",
        False,
        INTRO_2019,
        (("start", "2019-04-03", PROGRAMME),),
    ),
    Case(
        "end-without-reason",
        "introduksjonsloven: two months after the end",
        "2019-08-31",
        True,
        INTRO_2019,
        (("end", "2019-06-30", TRAINING),),
    ),
    Case(
        "end-without-reason",
        "introduksjonsloven: on the deadline day",
        "2019-08-30",
        False,
        INTRO_2019,
        (("end", "2019-06-30", TRAINING),),
    ),
    # The free right's 3 years from the permit end on 10 Jan 2022.
    Case("window-ending", "introduksjonsloven: 90 days before", "2021-10-12", True, INTRO_2019),
    Case("window-ending", "introduksjonsloven: 91 days before", "2021-10-11", False, INTRO_2019),
]

# Chapter 6A: collective protection granted 10 Jan 2023, settled 1 Feb 2023.
SIXA_SETTLED = {**SIXA, "settlement_date": "2023-02-01"}
CHAPTER_6A_CASES = [
    Case(
        "no-claim-or-offer",
        "chapter 6A: 3 months after settlement",
        "2023-05-02",
        True,
        SIXA_SETTLED,
    ),
    Case(
        "no-claim-or-offer",
        "chapter 6A: a start answers (no separate offer)",
        "2023-05-02",
        False,
        SIXA_SETTLED,
        (("start", "2023-03-01", TRAINING),),
    ),
    Case(
        "offer-late",
        "chapter 6A: a claim without a decision or start",
        "2023-06-02",
        True,
        SIXA_SETTLED,
        (("claim", "2023-03-01", TRAINING),),
    ),
    Case(
        "offer-late",
        "chapter 6A: a granted decision answers",
        "2023-06-02",
        False,
        SIXA_SETTLED,
        (("claim", "2023-03-01", TRAINING), ("decision", "2023-04-01", GRANTED)),
    ),
    Case(
        "claim-without-decision",
        "chapter 6A: a claim without a decision",
        "2023-06-02",
        True,
        SIXA_SETTLED,
        (("claim", "2023-03-01", TRAINING),),
    ),
    Case(
        "claim-without-decision",
        "chapter 6A: decided",
        "2023-06-02",
        False,
        SIXA_SETTLED,
        (("claim", "2023-03-01", TRAINING), ("decision", "2023-04-01", GRANTED)),
    ),
    Case(
        "goal-or-education-missing",
        "chapter 6A: no norskmål or education asked",
        "2023-09-01",
        False,
        SIXA_SETTLED,
        (("start", "2023-03-01", TRAINING),),
    ),
    Case(
        "not-for-act",
        "chapter 6A: extended training is its own",
        "2024-06-01",
        False,
        SIXA_SETTLED,
        (*SIXA_STARTED, ("extended-training", "2024-05-01", SIX_MONTHS)),
    ),
]
CASES += INTRODUKSJONSLOVEN_CASES + CHAPTER_6A_CASES


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule}: {c.name}")
def test_scenario(reg: Register, case: Case) -> None:
    person = reg.person(**case.person)
    for kind, date, fields in case.registrations:
        reg.add(person, kind, date, **fields)
    flagged = person in reg.findings(case.rule, case.as_of)
    assert flagged is case.fires
    # The same when every finding is computed afresh instead of read from those kept as the
    # registrations were written (a difference would raise FindingsDiffered).
    fresh = missing(reg.store, dt.date.fromisoformat(case.as_of), rule_ids=[case.rule],
                    recompute=True)  # fmt: skip
    assert (person in {f.duf for f in fresh}) is case.fires


def test_every_rule_has_cases_where_it_fires_and_where_it_must_not() -> None:
    for rule in RULES:
        outcomes = {case.fires for case in CASES if case.rule == rule.id}
        assert outcomes == {True, False}, rule.id


def _act(case: Case) -> str:
    """The act the case's person falls under, as nir derives it."""
    from nir_cli.domain.entitlement import derive_regime
    from nir_cli.domain.enums import ResidenceBasis

    person = {"residence_basis": "refugee", "permit_date": "2024-01-10",
              "settlement_date": "2024-02-01", **case.person}  # fmt: skip

    def day(name: str) -> dt.date | None:
        value = person.get(name)
        return dt.date.fromisoformat(value) if value else None

    return derive_regime(
        ResidenceBasis(person["residence_basis"]),
        day("permit_date"),
        day("settlement_date"),
        day("arrival_date"),
    ).value


@pytest.mark.parametrize(
    ("act", "rules"),
    [
        (
            "introduksjonsloven",
            {"no-claim-or-offer", "offer-late", "programme-start-late", "programme-not-offered",
             "claim-without-decision", "granted-without-start", "no-hours-for-month",
             "no-absence-for-month", "end-without-reason", "window-ending", "not-for-act"},
        ),
        ("integreringsloven", {rule.id for rule in RULES} - {"extended-training-rules"}),
        (
            "integreringsloven_6a",
            {"no-claim-or-offer", "offer-late", "claim-without-decision", "window-ending",
             "extended-training-rules"},
        ),
    ],
)  # fmt: skip
def test_each_act_has_cases_where_its_rules_fire_and_where_they_must_not(
    act: str, rules: set[str]
) -> None:
    """A scenario table per act: each rule the act has, both ways, for a person under it."""
    for rule in rules:
        outcomes = {case.fires for case in CASES if case.rule == rule and _act(case) == act}
        assert outcomes == {True, False}, (act, rule, outcomes)
