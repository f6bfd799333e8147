"""Closed sets of the NIR domain, each member with a code and its Norwegian name.

Standard library only, so the click layer can build choices from them without importing
pydantic. `Coded.parse` accepts the code or the Norwegian name in any case, with or without
accents, which is what CSV files and case workers type.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from functools import cache
from typing import Any, Self


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced, for matching what people type."""
    text = text.strip().lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("_", " ").replace("-", " ").split())


class Entity(StrEnum):
    """What a record is: the store's outbox, the wire and the registry share this one enum."""

    PERSON = "person"
    REGISTRATION = "registration"


class Coded(StrEnum):
    """An enum whose value is the code and which also knows its Norwegian name (the one nir
    shows under bokmål, as NIR and IMDi name it) and the other Norwegian forms people type
    (`krav`, `søknad`, `norskopplæring`): all of them parse."""

    norwegian: str
    aliases: tuple[str, ...]

    def __new__(cls, code: str, norwegian: str = "", *aliases: str) -> Self:
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj.norwegian = norwegian or code
        obj.aliases = aliases
        return obj

    def shown(self) -> str:
        """The name a person reads in the language in use: the Norwegian name under bokmål,
        the code under English (the code is what scripts and `--format json` see)."""
        from nir_cli.core.i18n import norwegian

        return self.norwegian if norwegian() else self.value

    @classmethod
    def names(cls) -> list[str]:
        """Every member as a person would name it in the language in use."""
        return [member.shown() for member in cls]

    @classmethod
    def parse(cls, text: str) -> Self:
        """The member whose code or Norwegian name matches `text`; ValueError otherwise."""
        member = cls._value2member_map_.get(text)
        if member is None:
            member = _folded_names(cls).get(fold(text))
        if member is None:
            from nir_cli.core.i18n import _

            raise ValueError(
                _("{text!r} is not one of: {allowed}").format(
                    text=text, allowed=", ".join(cls.names())
                )
            )
        return member  # type: ignore[return-value]

    @classmethod
    def _lenient(cls, value: Any) -> Any:
        """Before pydantic's own enum check: a Norwegian name or odd case becomes the member."""
        if isinstance(value, str) and value not in cls._value2member_map_:
            try:
                return cls.parse(value)
            except ValueError:
                return value  # pydantic reports it, listing the codes
        return value

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(cls._lenient, handler(source))

    @classmethod
    def codes(cls) -> list[str]:
        return [m.value for m in cls]


@cache
def _folded_names(cls: type[Coded]) -> dict[str, Coded]:
    names: dict[str, Coded] = {}
    # A code beats a Norwegian name, which beats another's alias (a test keeps them apart).
    for member in cls:
        names.setdefault(fold(member.norwegian), member)
    for member in cls:
        for alias in member.aliases:
            names.setdefault(fold(alias), member)
    for member in cls:
        names[fold(member.value)] = member
    return names


class Regime(Coded):
    INTRODUKSJONSLOVEN = "introduksjonsloven", "introduksjonsloven"
    INTEGRERINGSLOVEN = "integreringsloven", "integreringsloven"
    INTEGRERINGSLOVEN_6A = (
        "integreringsloven_6a",
        "integreringsloven kapittel 6A",
        "kapittel 6A",
        "6A",
    )


class ResidenceBasis(Coded):
    REFUGEE = "refugee", "flyktning"
    RESETTLEMENT_REFUGEE = "resettlement_refugee", "overføringsflyktning"
    # IMDi: «sterke menneskelige hensyn (utlendingsloven § 38)»; «humanitært grunnlag» is older.
    HUMANITARIAN = (
        "humanitarian",
        "sterke menneskelige hensyn",
        "opphold på humanitært grunnlag",
        "humanitært grunnlag",
    )
    COLLECTIVE_PROTECTION = "collective_protection", "kollektiv beskyttelse"
    FAMILY_OF_REFUGEE = "family_of_refugee", "familiegjenforent med flyktning"
    FAMILY_OF_NORWEGIAN_OR_NORDIC = (
        "family_of_norwegian_or_nordic",
        "familie til norsk eller nordisk borger",
    )
    # integreringsloven § 27 and IMDi's norsktilskudd list («Tilskot til opplæring i norsk og
    # samfunnskunnskap for vaksne innvandrarar», 2024): a limited permit as a member of a family
    # with children (utlendingsloven § 38 fifth paragraph a or b; the right begins at the first
    # renewal, § 26), a renewable permit under § 53 (an independent permit), and other permits
    # that give grounds for permanent residence, except those of § 28.
    LIMITED_FAMILY = (
        "limited_family",
        "begrenset oppholdstillatelse som medlem av barnefamilie",
        "utlendingsloven § 38 femte ledd",
        "begrenset oppholdstillatelse",
    )
    INDEPENDENT_PERMIT = (
        "independent_permit",
        "fornybar oppholdstillatelse etter utlendingsloven § 53 første ledd b, andre eller "
        "tredje ledd",
        "utlendingsloven § 53",
        "selvstendig oppholdstillatelse",
    )
    OTHER_PERMANENT_BASIS = (
        "other_permanent_basis",
        "annen oppholdstillatelse som gir grunnlag for permanent opphold",
        "grunnlag for permanent opphold",
    )
    LABOUR_NON_EEA = "labour_non_eea", "arbeidsinnvandrer utenfor EØS/EFTA"
    FAMILY_OF_LABOUR_NON_EEA = "family_of_labour_non_eea", "familiegjenforent med arbeidsinnvandrer"
    STUDENT = "student", "student"
    AU_PAIR = "au_pair", "au pair"
    TEMPORARY = "temporary", "annen midlertidig tillatelse"
    NORDIC_CITIZEN = "nordic_citizen", "nordisk borger"
    # «EØS/EFTA-borger» as the issue asked; the sources speak of «opphold etter EØS/EFTA-
    # regelverket», which takes in family members who are not citizens: the name says both.
    EEA_EFTA = (
        "eea_efta",
        "EØS/EFTA-borger eller opphold etter EØS/EFTA-regelverket",
        "EØS/EFTA-borger",
        "EØS/EFTA-regelverket",
        "opphold etter EØS/EFTA-regelverket",
    )
    ASYLUM_SEEKER = "asylum_seeker", "asylsøker i mottak"


class Scheme(Coded):
    PROGRAMME = (
        "programme",
        "introduksjonsprogram",
        "introduksjonsprogrammet",
        "introduksjonsordningen",
        "intro",
    )
    TRAINING = (
        "training",
        "opplæring i norsk og samfunnskunnskap",
        "opplæring",
        "norskopplæring",
        "norsk og samfunnskunnskap",
    )
    # integreringsloven § 5 «opplæring i mottak»; NIR used to say «asylnorsk».
    ASYLUM = "asylum", "opplæring i mottak", "opplæring for asylsøkere", "asylnorsk"


class Kind(Coded):
    CLAIM = "claim", "krav/søknad", "krav", "søknad"
    OFFER = "offer", "tilbud"
    DECISION = "decision", "vedtak"
    EXEMPTION = "exemption", "fritak"
    LEAVE = "leave", "permisjon"
    STOP = "stop", "stans"
    APPEAL = "appeal", "klage"
    START = "start", "oppstart", "startdato"
    END = "end", "avslutning", "slutt"
    HOURS = "hours", "timer"
    PROGRAMME_CONTENT = "programme-content", "tiltak", "programinnhold"  # NIR: «Tiltak og fravær»
    ABSENCE = "absence", "fravær"
    GOAL = "goal", "mål", "norskmål", "sluttmål"
    EDUCATION = "education", "utdanningsbakgrunn"
    TEST_SIGNUP = "test-signup", "prøvepåmelding", "påmelding"
    TEST_RESULT = "test-result", "prøveresultat"
    RESERVATION = "reservation", "reservasjon mot forskning", "reservasjon"
    COMPETENCE_MAPPING = "competence-mapping", "kompetansekartlegging"
    CAREER_GUIDANCE = "career-guidance", "karriereveiledning"
    INTEGRATION_CONTRACT = "integration-contract", "integreringskontrakt"
    MOTHER_TONGUE = "mother-tongue", "morsmål"
    INSTRUCTION_LANGUAGE = "instruction-language", "opplæringsspråk"
    FULL_TIME_UPPER_SECONDARY = "full-time-upper-secondary", "fulltid i videregående opplæring"
    EXTENDED_TRAINING = (
        "extended-training",
        "vedtak om utvidet norskopplæring",
        "vedtak om utvidet opplæring",
        "utvidet norskopplæring",
    )
    COURSE = "course", "kurs"
    # IMDi's lists: «Omfang av opplæring som oppfølging under omsorgspermisjon» (training),
    # «Hvilke andre integreringsfremmende tiltak som er påbegynt eller gjennomført» (reception),
    # «gjenåpning av introduksjonsprogram» (NIR, 2022).
    CARE_LEAVE_TRAINING = (
        "care-leave-training",
        "opplæring under omsorgspermisjon",
        "oppfølging under omsorgspermisjon",
    )
    INTEGRATION_MEASURE = (
        "integration-measure",
        "integreringsfremmende tiltak",
        "andre integreringsfremmende tiltak",
    )
    REOPENING = "reopening", "gjenåpning", "gjenåpning av introduksjonsprogram"


class MeasureStatus(Coded):
    """How far an integration measure in reception has come («påbegynt eller gjennomført»)."""

    STARTED = "started", "påbegynt"
    COMPLETED = "completed", "gjennomført"


class CourseName(Coded):
    """Courses NIR records for the programme and for reception (IMDi: «kurs i
    foreldreveiledning og livsmestring»)."""

    PARENTING = "parenting", "foreldreveiledning"
    LIFE_SKILLS = "life_skills", "livsmestring"


class Level(Coded):
    """CEFR levels as Norskprøven reports them."""

    UNDER_A1 = "under_a1", "under A1"
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"

    @property
    def rank(self) -> int:
        return list(type(self)).index(self)


class Test(Coded):
    NORSKPROVE = "norskprove", "norskprøven"
    SAMFUNNSKUNNSKAP = "samfunnskunnskap", "samfunnskunnskapsprøven"
    STATSBORGER = "statsborger", "statsborgerprøven"


class Decision(Coded):
    GRANTED = "granted", "innvilget"
    REFUSED = "refused", "avslått", "avslag"


class EndReason(Coded):
    # IMDi: «gjennomført opplæring» / «gjennomført program»; «fullført» is also read.
    COMPLETED = "completed", "gjennomført", "fullført"
    GOAL_REACHED = "goal_reached", "nådd mål"
    EMPLOYMENT = "employment", "overgang til arbeid"
    EDUCATION = "education", "overgang til utdanning"
    MOVED = "moved", "flyttet"
    RIGHT_EXPIRED = "right_expired", "rett utløpt"
    ILLNESS = "illness", "sykdom"
    DROPPED_OUT = "dropped_out", "avbrutt"
    STOPPED = "stopped", "stanset"
    DECEASED = "deceased", "død"
    OTHER = "other", "annet"


class MainActivity(Coded):
    EMPLOYMENT = "employment", "arbeid"
    EDUCATION = "education", "utdanning"
    EMPLOYMENT_AND_EDUCATION = "employment_and_education", "arbeid og utdanning"
    JOBSEEKER = "jobseeker", "arbeidssøker"
    SOCIAL_BENEFITS = "social_benefits", "sosialhjelp/trygd"
    HOME = "home", "hjemmeværende"
    OTHER = "other", "annet"
    UNKNOWN = "unknown", "ukjent"


class ExemptionFrom(Coded):
    TRAINING = "training", "opplæring"
    TESTS = "tests", "prøver"


class ExemptionBasis(Coded):
    # integreringsloven § 29: «Personer som kan dokumentere et minimum av kunnskaper i norsk»;
    # the ministry's heading «Fritak på grunn av dokumenterte kunnskaper».
    SUFFICIENT_NORWEGIAN = (
        "sufficient_norwegian",
        "dokumenterte kunnskaper i norsk",
        "tilstrekkelige kunnskaper i norsk",
    )
    SUFFICIENT_SOCIAL_STUDIES = (
        "sufficient_social_studies",
        "dokumenterte kunnskaper om det norske samfunnet",
        "tilstrekkelige kunnskaper i samfunnskunnskap",
        "dokumenterte kunnskaper i samfunnskunnskap",
    )
    HEALTH = "health", "helsemessige årsaker"
    WEIGHTY_REASONS = "weighty_reasons", "andre tungtveiende årsaker"
    OTHER = "other", "annet"


class LeaveReason(Coded):
    # IMDi's NIR list: «permisjon ved fødsel og adopsjon»; its fagressurs: «omsorgspermisjon
    # etter fødsel eller adopsjon».
    PARENTAL = (
        "parental",
        "permisjon ved fødsel og adopsjon",
        "permisjon ved fødsel eller adopsjon",
        "foreldrepermisjon",
        "omsorgspermisjon",
    )
    ILLNESS = "illness", "sykdom"
    WEIGHTY_REASONS = "weighty_reasons", "tungtveiende personlige grunner"
    OTHER = "other", "annet"


class StopReason(Coded):
    INVALID_ABSENCE = "invalid_absence", "ugyldig fravær"
    RIGHT_LOST = "right_lost", "ikke lenger rett"
    OTHER = "other", "annet"


class AppealOutcome(Coded):
    PENDING = "pending", "under behandling"
    GRANTED = "granted", "medhold"
    PARTLY_GRANTED = "partly_granted", "delvis medhold"
    REJECTED = "rejected", "ikke medhold"
    DISMISSED = "dismissed", "avvist"


class ProgrammeElement(Coded):
    NORWEGIAN = "norwegian", "norskopplæring"
    SOCIAL_STUDIES = "social_studies", "samfunnskunnskap"
    WORK_PRACTICE = "work_practice", "arbeidspraksis"
    WORK = "work", "arbeid"
    EDUCATION = "education", "utdanning"
    LIFE_SKILLS = "life_skills", "livsmestring"
    PARENTING = "parenting", "foreldreveiledning"
    HEALTH = "health", "helse"
    OTHER = "other", "annet"


class FinalGoal(Coded):
    """Sluttmål of the introduction programme under integreringsloven."""

    EMPLOYMENT = "employment", "arbeid"
    EDUCATION = "education", "utdanning"
    UPPER_SECONDARY = "upper_secondary", "fullført videregående opplæring"


class GrantScheme(Coded):
    """The norsktilskudd schemes `nir report grant-base` counts (IMDi's grant pages)."""

    PERSONTILSKUDD = "persontilskudd", "persontilskudd"
    PERSONTILSKUDD_6A = "6a-persontilskudd", "persontilskudd kap. 6A"
    EXTENDED_TRAINING_6A = (
        "6a-utvidet-opplaering",
        "tilskudd til utvidet norskopplæring kap. 6A",
    )
    # IMDi 2021: «asylnorsk og samfunnskunnskap (kulturtilskot)», both from the same persons.
    ASYLNORSK = "asylnorsk", "asylnorsktilskudd og kulturtilskudd"


class Entitlement(Coded):
    RETT_OG_PLIKT = "rett_og_plikt", "rett og plikt"
    RETT = "rett", "rett"
    PLIKT = "plikt", "plikt"
    INGEN = "ingen", "verken rett eller plikt"


class Cost(Coded):
    GRATIS = "gratis", "gratis"
    BETALING = "betaling", "egenbetaling", "betaling"
    NONE = "none", "ikke aktuelt"  # no entitlement: nothing is owed, so nothing to pay for
