"""The law's facts that carry dates: when an act or a chapter applies, hour counts, ages,
windows, grant amounts and IMDi's catch-up cut-offs, each a row with where it is written and
the day that source was last read.

A change of law (chapter 6A extended again, a new grant rate) is a new row here and a test that
shows its effect: a fact that changes on a date is two rows of one name, the first ending where
the second starts. docs/domain.md lists the same table; a test keeps the two equal.

A row with an `end` and no row of its name after it has *lapsed* from that day: this nir knows
no rule for the time after. `lapsed()` finds them for a date, and the command line says so once
(«chapter 6A ended on 1 July 2026 by the rules this nir knows; check whether it was
extended»), so a case worker is never told an answer from a rule that may have changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nir_cli.core.i18n import N_

IMDI = "https://www.imdi.no/kvalifisering/regelverk"
LOVTIDEND = "https://lovdata.no/dokument/LTI"
# The day this table's sources were last read, for the rows read then.
READ_2026_12 = dt.date(2026, 12, 6)
READ_2026_11 = dt.date(2026, 11, 29)

# Who warns when a fact lapsed: the rules (nir missing, status, person, register, import) or
# the grant base (nir report grant-base).
RULES = "rules"
GRANTS = "grants"
CATCH_UP = "catch-up"  # a year's cut-off: looked up by its year, never lapses

Value = int | dt.date | None


@dataclass(frozen=True)
class LawFact:
    """One dated fact of the law. `value` is a number (hours, months, years of age, kroner), a
    date, or None where the fact is only a span (an act in force). `start` is the first day it
    holds (None: as far back as nir looks), `end` the first day it no longer does (None: no end
    is known)."""

    name: str
    value: Value
    meaning: str
    source: str
    checked: dt.date
    start: dt.date | None = None
    end: dt.date | None = None
    topic: str = RULES
    # What the command line says when the fact has lapsed (English, marked for the catalog).
    lapse: str = ""

    def holds_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


def _d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


VEILEDER_KAP_6 = (
    f"{IMDI}/juridisk-veileder-til-integreringsloven/"
    "kapittel-6-opplaring-i-norsk-og-samfunnskunnskap/"
)
VEILEDER_KAP_8 = (
    "https://www.imdi.no/regelverk/integreringsloven/veileder-til-integreringsloven/"
    "8.-midlertidige-regler-for-personer-som-har-fatt-oppholdstillatelse-etter-utlendingsloven--34"
)
NIR_UKRAINA = (
    "https://www.imdi.no/imdinett/nasjonalt-introduksjonsregister-nir/"
    "endringer-i-nir-som-folge-av-fordrevne-fra-ukraina/"
)
NIR_LOVENDRINGER = (
    "https://www.imdi.no/imdinett/nasjonalt-introduksjonsregister-nir/endringer-nir-lovendringer/"
)
VIKTIGE_ENDRINGER = (
    "https://www.imdi.no/arkiv/arkiverte-nyheter/viktige-endringer-i-integreringsregelverket/"
)
NORSKTILSKUDD_2016 = "https://www.imdi.no/tilskudd/tilskudd-2016/norsktilskudd/"
ASYLUM_GRANT = (
    "https://www.imdi.no/tilskudd/opplaring-i-norsk-norsk-kultur-og-norske-verdier-for-asylsokere/"
)
MOTTAK_IL = (
    f"{IMDI}/kvalifisering-i-mottak/opplaring-i-norsk-og-samfunnskunnskap-for-asylsokere-i-"
    "mottak---integreringsloven/"
)
MALGRUPPE_INTRO = (
    f"{IMDI}/introduksjonsprogrammet/malgruppe-for-introduksjonsprogram-etter-integreringsloven/"
)

FACTS: tuple[LawFact, ...] = (
    # -- which act, which chapter -------------------------------------------------------------
    LawFact(
        "integreringsloven",
        None,
        "integreringsloven applies to permits granted from this day, and to permits granted "
        "before it to persons who arrived in Norway from this day",
        "integreringsloven § 51; integreringsforskriften § 72 "
        f"({IMDI}/juridisk-veileder-til-integreringsforskriften/kapittel-12.-sluttbestemmelser/)",
        READ_2026_11,
        start=_d(2021, 1, 1),
    ),
    LawFact(
        "chapter_6a",
        None,
        "chapter 6A applies to collective protection (utlendingsloven § 34) granted from its "
        "start; permits granted from its end fall under the ordinary rules",
        "«De midlertidige bestemmelsene gjelder foreløpig til 1. juli 2026» (IMDi, Veileder til "
        f"integreringsloven kap. 8, {VEILEDER_KAP_8}); «Reglene gjelder til 1. juli 2026» "
        "(Prop. 81 L (2024–2025) punkt 11.1.2); Innst. 430 L (2023–2024). No extension found in "
        "Norsk Lovtidend to 27 Oct 2025; later ones unverified",
        READ_2026_12,
        start=_d(2022, 3, 11),
        end=_d(2026, 7, 1),
        lapse=N_(
            "chapter 6A ended on {end} by the rules this nir knows; check whether it was "
            "extended (docs/domain.md)"
        ),
    ),
    LawFact(
        "extended_training",
        None,
        "chapter 6A: decisions on extended training in Norwegian (vedtak om utvidet "
        "norskopplæring, integreringsforskriften § 43 g) may be made from this day until "
        "chapter 6A ends",
        "«jf. ny bestemmelse i integreringsforskriften § 43 g som trådte i kraft 1. juli 2023» "
        f"(IMDi, NIR tilpasset midlertidig regelverk for fordrevne fra Ukraina, 28.10.2023, "
        f"{NIR_UKRAINA}); it follows chapter 6A's end; § 43 h lets begun training be completed "
        f"(FOR-2025-09-17-1909, {LOVTIDEND}/forskrift/2025-09-17-1909)",
        READ_2026_12,
        start=_d(2023, 7, 1),
    ),
    LawFact(
        "extended_training_months",
        6,
        "chapter 6A: the most months one decision on extended training grants",
        f"«Det kan fattes vedtak om utvidet opplæring i inntil 6 måneder av gangen» (IMDi, "
        f"Viktige endringer i integreringsloven og integreringsforskriften, 30.12.2023, "
        f"{VIKTIGE_ENDRINGER})",
        READ_2026_12,
    ),
    LawFact(
        "extended_training_margin_months",
        2,
        "chapter 6A: a decision on extended training is dated within this many months before "
        "or after the person's gjennomføringsfrist",
        "«Vedtaksdato om utvidet norskopplæring må være innenfor to måneder før og to måneder "
        f"etter gjennomføringsfristen» (IMDi, Endringer i NIR som følge av lovendringer, "
        f"11.01.2024, {NIR_LOVENDRINGER}); that each decision moves the frist by its months, "
        "so the next is dated around the new frist, is inferred",
        READ_2026_12,
    ),
    LawFact(
        "extended_training_decisions_upper_secondary",
        1,
        "chapter 6A: decisions on extended training NIR allows a person with upper secondary "
        "education (6 months more, 18 in all)",
        "IMDi: the education background «har betydning for hvor mange vedtak om utvidet "
        f"opplæring det er mulig å registrere i NIR» ({NIR_UKRAINA}); the number from KS: «For "
        "personer med videregående utdanning eller mer kan kommunen tilby inntil 6 mnd. ekstra "
        "opplæring, slik at total undervisning blir 18 mnd.» (ks.no, Endringer i regelverket "
        "for integrering)",
        READ_2026_12,
    ),
    LawFact(
        "extended_training_decisions",
        4,
        "chapter 6A: decisions on extended training NIR allows a person without upper "
        "secondary education (4 × 6 months, 3 years in all)",
        "KS: «For personer som ikke har videregående utdanning, kan kommunene utvide tilbud om "
        "norskopplæring med 6 mnd. inntil 4 ganger, slik at total undervisning blir 3 år» "
        f"(ks.no); IMDi says the number depends on the education background ({NIR_UKRAINA})",
        READ_2026_12,
    ),
    # -- introduksjonsloven ------------------------------------------------------------------
    LawFact(
        "intro_hours",
        300,
        "introduksjonsloven: hours of training (250 Norwegian + 50 social studies) for permits "
        "before 1 Jan 2012",
        "introduksjonsloven § 17: 600 hours for permits from 1 Jan 2012 (the amendment's in-force "
        "date is unverified)",
        READ_2026_11,
        end=_d(2012, 1, 1),
    ),
    LawFact(
        "intro_hours",
        600,
        "introduksjonsloven: hours of training for permits from 1 Jan 2012 (550 Norwegian + 50 "
        "social studies)",
        f"«600 timer (550 timer norsk og 50 timer samfunnskunnskap), ved behov opptil 2 400 "
        f"norsktimer i tillegg» (IMDi, norsktilskudd 2016, {NORSKTILSKUDD_2016})",
        READ_2026_12,
        start=_d(2012, 1, 1),
    ),
    LawFact(
        "intro_social_studies_hours",
        50,
        "introduksjonsloven: hours of social studies in the 300 or 600",
        f"IMDi, norsktilskudd 2016 ({NORSKTILSKUDD_2016})",
        READ_2026_12,
    ),
    LawFact(
        "intro_max_hours",
        3000,
        "introduksjonsloven: the most hours of training on assessed need (600 + 2 400)",
        f"«ved behov opptil 2 400 norsktimer i tillegg» (IMDi, norsktilskudd 2016, "
        f"{NORSKTILSKUDD_2016})",
        READ_2026_12,
    ),
    LawFact(
        "intro_labour_hours",
        300,
        "introduksjonsloven: hours of training labour immigrants must take (250 + 50)",
        "introduksjonsloven § 17 (kept from the brief, not re-read in a primary source)",
        READ_2026_11,
    ),
    LawFact(
        "intro_offer_months",
        60,
        "introduksjonsloven: the municipality offers training, the hours on assessed need "
        "included, for up to 5 years from the first permit (the free right is 3 years)",
        "«kommunene har plikt til å tilby opplæring i inntil fem år fra den enkelte har fått "
        "oppholds- eller arbeidstillatelse første gang» (Statsbudsjettet 2010, Integrering – "
        "opplæring i norsk og samfunnskunnskap); the wording of introduksjonsloven § 19 itself "
        "is unverified",
        READ_2026_12,
    ),
    LawFact(
        "offer_from_population_registration",
        None,
        "introduksjonsloven: for permits from this day the 3-month offer deadline runs from the "
        "population registration (folkeregistrering) in the municipality",
        "https://www.imdi.no/opplaring-og-utdanning/kommunens-plikter/",
        READ_2026_11,
        start=_d(2016, 1, 1),
    ),
    LawFact(
        "duty_55_67",
        None,
        "introduksjonsloven: permits from this day give persons aged 55–66 a duty, not only a "
        "right",
        "introduksjonsloven § 17, amended in force 1 Jan 2017 (https://www.statsforvalteren.no/"
        "nb/Rogaland/Barnehage-og-opplaring/Introduksjonsordningen/)",
        READ_2026_11,
        start=_d(2017, 1, 1),
    ),
    LawFact(
        "intro_asylum_duty",
        None,
        "introduksjonsloven § 20 a: asylum seekers aged 16 or more who came to reception from "
        "this day have a duty to 175 hours of Norwegian (and until 2021 to 50 of Norwegian "
        "culture and values)",
        "«plikt til å delta i 175 timar opplæring i norsk og 50 timar opplæring i norsk kultur "
        "og norske verdiar i mottak etter introduksjonslova § 20 a»; «Asylsøkarar over 16 år som "
        "bur i mottak og er registrert inn i mottaket etter 1. september 2018» (IMDi, "
        f"{ASYLUM_GRANT})",
        READ_2026_12,
        start=_d(2018, 9, 1),
    ),
    LawFact(
        "intro_asylum_values_hours",
        50,
        "introduksjonsloven § 20 a: hours of Norwegian culture and values in reception, a duty "
        "until integreringsforskriften § 72 lifted it",
        f"IMDi, tilskot for asylsøkarar ({ASYLUM_GRANT})",
        READ_2026_12,
        start=_d(2018, 9, 1),
        end=_d(2021, 1, 1),
    ),
    LawFact(
        "intro_asylum_values_hours",
        0,
        "introduksjonsloven § 20 a: no duty to Norwegian culture and values from 2021",
        "«Plikten til å delta i opplæring i norsk kultur og norske verdier etter "
        "introduksjonsloven § 20 a gjelder likevel ikke» (integreringsforskriften § 72, IMDi, "
        f"{IMDI}/juridisk-veileder-til-integreringsforskriften/kapittel-12.-sluttbestemmelser/)",
        READ_2026_12,
        start=_d(2021, 1, 1),
    ),
    # -- ages --------------------------------------------------------------------------------
    LawFact(
        "intro_min_age",
        16,
        "introduksjonsloven: right and duty to training from the 16th birthday (on the permit)",
        "introduksjonsloven § 17 («mellom 16 og 55 år»; kept from the brief)",
        READ_2026_11,
    ),
    LawFact(
        "intro_duty_until_age",
        55,
        "introduksjonsloven: the duty of the 16–55 band ends at 55 (for permits before 2017 "
        "55–66 have a right only)",
        "introduksjonsloven § 17 (kept from the brief)",
        READ_2026_11,
    ),
    LawFact(
        "min_age",
        18,
        "integreringsloven: right and duty to training from the 18th birthday (on the permit)",
        "«det bare er personer mellom 18 og 67 år som omfattes av ordningen» (integreringsloven "
        f"§ 26 as IMDi's juridisk veileder kap. 6 explains it, {VEILEDER_KAP_6})",
        READ_2026_12,
    ),
    LawFact(
        "right_ends_at_age",
        67,
        "the right and the duty to training end at the 67th birthday",
        f"«Retten og plikten opphører ved fylte 67 år» (integreringsloven § 26, {VEILEDER_KAP_6})",
        READ_2026_11,
    ),
    LawFact(
        "programme_min_age",
        18,
        "the introduction programme's target group: from the 18th birthday on the permit date",
        f"integreringsloven § 8 («mellom 18 og 55 år»; IMDi, Målgruppe, {MALGRUPPE_INTRO})",
        READ_2026_11,
    ),
    LawFact(
        "programme_until_age",
        55,
        "the introduction programme's target group: up to the day before the 55th birthday on "
        "the permit date (lov 2025-06-20-35 makes it «til og med 60 år» from a day not yet set: "
        "unverified, not applied)",
        f"integreringsloven § 8 (IMDi, Målgruppe, {MALGRUPPE_INTRO}); "
        f"{LOVTIDEND}/lov/2025-06-20-35",
        READ_2026_12,
    ),
    # -- windows ------------------------------------------------------------------------------
    LawFact(
        "window_months",
        36,
        "training is to be completed within 3 years of the right's start (the gjennomføringsfrist)",
        "«innenfor fristen på tre år eller 18 måneder, jf. integreringsloven § 32» "
        "(integreringsforskriften § 29)",
        READ_2026_11,
    ),
    LawFact(
        "window_months_upper_secondary",
        18,
        "integreringsloven: 18 months for persons with upper secondary education",
        "integreringsforskriften § 29; «beregne fristen for gjennomføring av opplæringen på "
        "enten 18 måneder eller 3 år» (IMDi, Frist for å oppdatere opplysninger i NIR for 2022)",
        READ_2026_12,
    ),
    LawFact(
        "window_months_6a",
        12,
        "chapter 6A: 12 months from the start date of the first training decision, extended by "
        "leave",
        "«Det er frist på 12 måneder for gjennomføring av retten til norskopplæring. Fristen "
        "beregnes fra startdato i første vedtak om rett til opplæring i norsk, og utvides med "
        f"permisjoner» (IMDi, 28.10.2023, {NIR_UKRAINA})",
        READ_2026_12,
    ),
    # -- integreringsloven's hours ---------------------------------------------------------------
    LawFact(
        "social_studies_hours",
        75,
        "integreringsloven: hours of social studies for persons with a right and a duty (§ 27)",
        f"integreringsloven § 27 (IMDi, juridisk veileder kap. 6, {VEILEDER_KAP_6})",
        READ_2026_11,
    ),
    LawFact(
        "labour_social_studies_hours",
        50,
        "integreringsloven: hours of social studies for persons with a duty only (§ 28)",
        f"integreringsloven § 28 (IMDi, juridisk veileder kap. 6, {VEILEDER_KAP_6})",
        READ_2026_11,
    ),
    LawFact(
        "labour_duty_hours",
        300,
        "integreringsloven § 28: by a provider's reading, the duty ends when the minimum level in "
        "Norwegian (§ 31) is reached or after 300 hours of Norwegian (no rule is built on it)",
        "«Plikten til opplæring for en deltager med oppholdstillatelse som nevnt i § 28 gjelder "
        "til deltakeren har nådd et minimumsnivå i norsk etter § 31 eller til gjennomførte 300 "
        "timer norskopplæring» (giv.no, a provider's page): unverified in the law or IMDi",
        READ_2026_12,
    ),
    LawFact(
        "asylum_norwegian_hours",
        175,
        "training in reception: hours of Norwegian (both acts)",
        f"«175 timar opplæring i norsk» (UDI; IMDi, {MOTTAK_IL})",
        READ_2026_12,
    ),
    LawFact(
        "asylum_social_studies_hours",
        25,
        "integreringsloven § 5: hours of social studies in reception, a duty from 18",
        "«plikt til å delta i 175 timar opplæring i norsk og 25 timar opplæring i "
        "samfunnskunnskap. Plikta for opplæring i mottak gjeld frå fylte 18 år» (UDI, "
        f"Norskopplæring for asylsøkjarar; IMDi, {MOTTAK_IL})",
        READ_2026_12,
    ),
    # -- the introduction programme -------------------------------------------------------------
    LawFact(
        "programme_lengths",
        None,
        "integreringsloven §§ 13–14: the programme lengths of IMDi's table «Sluttmål og "
        "varighet» (6 + 6 months with upper secondary education, 3 years + 1 towards completed "
        "upper secondary school, 2 years + 1 for everyone else); from 1 Jan 2026 §§ 13–14 were "
        "rewritten (lov 2025-06-20-35: «i inntil tolv måneder», up to 2–5 years by sluttmål), "
        "which nir does not hold: decisions from then are not checked",
        f"{IMDI}/introduksjonsprogrammet/sluttmal-og-varighet-i-integreringsloven---"
        f"integreringsloven/; {LOVTIDEND}/lov/2025-06-20-35; FOR-2025-06-20-1102",
        READ_2026_12,
        end=_d(2026, 1, 1),
    ),
    LawFact(
        "programme_lengths",
        None,
        "from 1 Jan 2026 nir does not hold the programme lengths of the rewritten §§ 13–14, "
        "and checks no programme decision's months",
        f"{LOVTIDEND}/lov/2025-06-20-35 (§ 13: «i inntil tolv måneder. Programmet kan ikke "
        "forlenges»), in force 1 Jan 2026 by FOR-2025-06-20-1102",
        READ_2026_12,
        start=_d(2026, 1, 1),
    ),
    # -- grants -----------------------------------------------------------------------------------
    LawFact(
        "extended_training_grant",
        27450,
        "chapter 6A: the grant in kroner each decision on extended training triggers",
        "«Dersom kommunen fatter vedtak om utvidet norskopplæring, vil dette utløse tilskudd på "
        f"27 450,- per vedtak om utvidet norskopplæring» (IMDi, 30.12.2023, {VIKTIGE_ENDRINGER}); "
        "the rate for 2024 and later is unverified",
        READ_2026_12,
        start=_d(2023, 7, 1),
        end=_d(2024, 1, 1),
        topic=GRANTS,
        lapse=N_(
            "IMDi's grant per decision on extended training is known to this nir only until "
            "{end}; the amounts after it are left out (docs/rules.md)"
        ),
    ),
    # -- IMDi's yearly catch-up cut-off (ajourføring): the last day for a year's data -------
    LawFact(
        "catch_up_cutoff_2022",
        _d(2023, 2, 28),
        "the last day to bring the previous year's data up to date in NIR (ajourføring)",
        "«Kommunenes frist for å ajourføre opplysninger i Nasjonalt introduksjonsregister (NIR) "
        "for 2022 er 28. februar 2023» (IMDi, 08.12.2023, "
        "https://www.imdi.no/imdinett/frist-for-a-oppdatere-opplysninger-i-nir-for-2022/)",
        READ_2026_12,
        topic=CATCH_UP,
    ),
    LawFact(
        "catch_up_cutoff_2023",
        _d(2024, 2, 29),
        "the last day to bring the previous year's data up to date in NIR (ajourføring)",
        "IMDi, «Frist for å oppdatere opplysninger i NIR for 2023» (16.01.2024, https://www."
        "imdi.no/om-imdi/aktuelt-na/frist-for-a-oppdatere-opplysninger-i-nir-for-2023/)",
        READ_2026_11,
        topic=CATCH_UP,
    ),
)


def rows(name: str) -> list[LawFact]:
    """Every row of one fact, oldest first."""
    found = [fact for fact in FACTS if fact.name == name]
    if not found:
        raise KeyError(name)
    return sorted(found, key=lambda fact: fact.start or dt.date.min)


def fact(name: str, day: dt.date | None = None) -> LawFact | None:
    """The row of `name` that holds on `day` (the latest row when no day is given)."""
    found = rows(name)
    if day is None:
        return found[-1]
    return next((row for row in found if row.holds_on(day)), None)


def value(name: str, day: dt.date | None = None) -> int:
    """A number of the law (hours, months, years, kroner) on `day`, else its latest value."""
    row = fact(name, day)
    if row is None or not isinstance(row.value, int):
        raise KeyError(f"{name} on {day}")
    return row.value


def start(name: str) -> dt.date:
    """The first day a fact holds (its earliest row's start)."""
    first = rows(name)[0].start
    assert first is not None, name
    return first


def end(name: str) -> dt.date | None:
    """The first day a fact no longer holds (its latest row's end), None when none is known."""
    return rows(name)[-1].end


def lapsed(day: dt.date, topic: str = RULES) -> list[LawFact]:
    """The facts of `topic` past their end on `day` with no later row: for what comes after,
    this nir knows no rule."""
    latest = {fact.name: fact for fact in sorted(FACTS, key=lambda f: f.start or dt.date.min)}
    return [
        fact
        for fact in latest.values()
        if fact.topic == topic and fact.end is not None and day >= fact.end and fact.lapse
    ]


def catch_up_cutoff(year: int) -> dt.date | None:
    """IMDi's last day for bringing `year`'s data up to date in NIR, where this nir knows it."""
    row = next((f for f in FACTS if f.name == f"catch_up_cutoff_{year}"), None)
    return row.value if row is not None and isinstance(row.value, dt.date) else None


INTEGRERINGSLOVEN_IN_FORCE = start("integreringsloven")
CHAPTER_6A_FROM = start("chapter_6a")
CHAPTER_6A_UNTIL = end("chapter_6a") or dt.date.max
HOURS_600_FROM = rows("intro_hours")[-1].start or dt.date.min
OFFER_FROM_POPULATION_REGISTRATION = start("offer_from_population_registration")
DUTY_55_67_FROM = start("duty_55_67")
INTRO_ASYLUM_DUTY_FROM = start("intro_asylum_duty")
PROGRAMME_LENGTHS_UNTIL = rows("programme_lengths")[0].end or dt.date.max
EXTENDED_TRAINING_FROM = start("extended_training")
EXTENDED_TRAINING_MONTHS = value("extended_training_months")
EXTENDED_TRAINING_MARGIN_MONTHS = value("extended_training_margin_months")
