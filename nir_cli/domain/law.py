"""The dates the law turns on, each with what it means and where it is written.

A change of law (chapter 6A extended again, say) is a change of one line here and a test that
shows its effect. docs/domain.md lists the same table; a test keeps the two equal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

IMDI = "https://www.imdi.no/kvalifisering/regelverk"


@dataclass(frozen=True)
class LawDate:
    name: str
    day: dt.date
    meaning: str
    source: str


DATES: tuple[LawDate, ...] = (
    LawDate(
        "hours_600_from",
        dt.date(2012, 1, 1),
        "introduksjonsloven: permits from this day give 600 hours of Norwegian, not 300",
        "introduksjonsloven § 17 (the 2011 amendment in force 1 Jan 2012; kept from the brief, "
        "not re-read in a primary source)",
    ),
    LawDate(
        "offer_from_population_registration",
        dt.date(2016, 1, 1),
        "introduksjonsloven: for permits from this day the 3-month offer deadline runs from the "
        "population registration (folkeregistrering) in the municipality",
        "https://www.imdi.no/opplaring-og-utdanning/kommunens-plikter/",
    ),
    LawDate(
        "duty_55_67_from",
        dt.date(2017, 1, 1),
        "introduksjonsloven: permits from this day give persons aged 55–66 a duty, not only a "
        "right",
        "introduksjonsloven § 17, amended in force 1 Jan 2017 (https://www.statsforvalteren.no/nb/"
        "Rogaland/Barnehage-og-opplaring/Introduksjonsordningen/)",
    ),
    LawDate(
        "integreringsloven_in_force",
        dt.date(2021, 1, 1),
        "integreringsloven applies to permits granted from this day, and to permits granted "
        "before it to persons who arrived in Norway from this day",
        "integreringsloven § 51; integreringsforskriften § 72 "
        f"({IMDI}/juridisk-veileder-til-integreringsforskriften/kapittel-12.-sluttbestemmelser/)",
    ),
    LawDate(
        "chapter_6a_from",
        dt.date(2022, 3, 11),
        "chapter 6A applies to collective protection (utlendingsloven § 34) granted from this day",
        "Veileder til integreringsloven kap. 8 "
        "(https://www.imdi.no/regelverk/integreringsloven/veileder-til-integreringsloven/)",
    ),
    LawDate(
        "chapter_6a_until",
        dt.date(2026, 7, 1),
        "chapter 6A's temporary rules apply until this day (\"gjelder foreløpig til 1. juli "
        '2026"); permits granted from it are presumed to fall under the ordinary rules',
        "Veileder til integreringsloven kap. 8; Innst. 430 L (2023–2024)",
    ),
)

BY_NAME = {law_date.name: law_date for law_date in DATES}

HOURS_600_FROM = BY_NAME["hours_600_from"].day
OFFER_FROM_POPULATION_REGISTRATION = BY_NAME["offer_from_population_registration"].day
DUTY_55_67_FROM = BY_NAME["duty_55_67_from"].day
INTEGRERINGSLOVEN_IN_FORCE = BY_NAME["integreringsloven_in_force"].day
CHAPTER_6A_FROM = BY_NAME["chapter_6a_from"].day
CHAPTER_6A_UNTIL = BY_NAME["chapter_6a_until"].day
