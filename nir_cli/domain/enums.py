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
        from nir_cli.i18n import norwegian

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
            from nir_cli.i18n import _

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
    LABOUR_NON_EEA = "labour_non_eea", "arbeidsinnvandrer utenfor EØS/EFTA"
    FAMILY_OF_LABOUR_NON_EEA = "family_of_labour_non_eea", "familiegjenforent med arbeidsinnvandrer"
    STUDENT = "student", "student"
    AU_PAIR = "au_pair", "au pair"
    TEMPORARY = "temporary", "annen midlertidig tillatelse"
    NORDIC_CITIZEN = "nordic_citizen", "nordisk borger"
    EEA_EFTA = "eea_efta", "EØS/EFTA-regelverket"
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
    EXTENDED_TRAINING = "extended-training", "vedtak om utvidet opplæring"
    COURSE = "course", "kurs"


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
    SUFFICIENT_NORWEGIAN = "sufficient_norwegian", "tilstrekkelige kunnskaper i norsk"
    SUFFICIENT_SOCIAL_STUDIES = (
        "sufficient_social_studies",
        "tilstrekkelige kunnskaper i samfunnskunnskap",
    )
    HEALTH = "health", "helsemessige årsaker"
    WEIGHTY_REASONS = "weighty_reasons", "andre tungtveiende årsaker"
    OTHER = "other", "annet"


class LeaveReason(Coded):
    PARENTAL = "parental", "foreldrepermisjon"
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


class Entitlement(Coded):
    RETT_OG_PLIKT = "rett_og_plikt", "rett og plikt"
    RETT = "rett", "rett"
    PLIKT = "plikt", "plikt"
    INGEN = "ingen", "verken rett eller plikt"


class Cost(Coded):
    GRATIS = "gratis", "gratis"
    BETALING = "betaling", "betaling"
    NONE = "none", "ikke aktuelt"  # no entitlement: nothing is owed, so nothing to pay for
