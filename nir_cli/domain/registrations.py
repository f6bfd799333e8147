"""Every kind of registration NIR expects (BRIEF 1.3), one model each.

A registration is a fact with a fact date (`fact_date`: when it happened or was decided). The
entry date and registry date belong to the store, not to the fact. Field descriptions are the
help text of `nir register KIND`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from nir_cli.core.i18n import N_, _
from nir_cli.domain.enums import (
    AppealOutcome,
    CourseName,
    Decision,
    EndReason,
    ExemptionBasis,
    ExemptionFrom,
    FinalGoal,
    Kind,
    LeaveReason,
    Level,
    MainActivity,
    MeasureStatus,
    ProgrammeElement,
    Scheme,
    StopReason,
    Test,
)
from nir_cli.domain.model import Date, DomainModel, Number, YesNo, not_in_future
from nir_cli.domain.values import allowed_values, month_bounds, parse_month

ALL_SCHEMES = frozenset(Scheme)
COMMON_FIELDS: set[str] = {"kind", "fact_date", "scheme"}
MAX_HOURS_PER_MONTH = 744.0  # 31 days × 24 h: anything above is a typing error

Hours = Annotated[Number, Field(ge=0, le=MAX_HOURS_PER_MONTH)]
# The longest programme any participant may have: up to 5 years by final goal under §§ 13–14
# as rewritten from 1 Jan 2026 (lov 2025-06-20-35), 3 years and 1 more towards completed upper
# secondary school before (domain.plausibility checks each final goal's where nir knows it).
MAX_PROGRAMME_MONTHS = 60


class RegistrationBase(DomainModel):
    """What every registration has: its kind and its fact date."""

    kind: Kind
    fact_date: Date = Field(description=N_("the date: when it happened or was decided"))

    # Schemes the kind may be registered for; empty when the kind has no scheme.
    schemes: ClassVar[frozenset[Scheme]] = ALL_SCHEMES
    # A kind whose scheme is implied rather than chosen.
    implied_scheme: ClassVar[Scheme | None] = None
    # What makes two registrations of this kind for one person the same registration.
    key_fields: ClassVar[tuple[str, ...]] = ("scheme", "fact_date")

    @field_validator("fact_date")
    @classmethod
    def _fact_not_in_future(cls, value: dt.date, info: ValidationInfo) -> dt.date | None:
        return not_in_future(value, info)

    @model_validator(mode="after")
    def _scheme_allowed(self) -> RegistrationBase:
        scheme = getattr(self, "scheme", None)
        if scheme is not None and scheme not in self.schemes:
            allowed = allowed_values(s for s in Scheme if s in self.schemes)
            raise ValueError(
                _("{kind} is registered for scheme {allowed}, not {scheme}").format(
                    kind=self.kind.shown(), allowed=allowed, scheme=scheme.shown()
                )
            )
        return self

    @property
    def scheme_value(self) -> Scheme | None:
        return getattr(self, "scheme", None) or self.implied_scheme

    def natural_key(self) -> str:
        """`kind|value|...` over `key_fields`: one live registration per person and key."""
        values = []
        for name in self.key_fields:
            value = self.scheme_value if name == "scheme" else getattr(self, name)
            values.append("" if value is None else str(getattr(value, "value", value)))
        return "|".join([self.kind.value, *values])

    def describe_key(self) -> str:
        """The key in words, for messages: `hours for scheme=training period=2026-01`."""
        from nir_cli.core.headings import heading, word
        from nir_cli.core.i18n import norwegian, norwegian_month

        parts = self.natural_key().split("|")
        named = [(n, v) for n, v in zip(self.key_fields, parts[1:], strict=True) if v]
        if not norwegian():
            pairs = " ".join(f"{n}={v}" for n, v in named)
            return _("{kind} for {pairs}").format(kind=self.kind.value, pairs=pairs)
        # In words: "timer for ordning: opplæring ..., periode: 01.2026".
        pairs = ", ".join(f"{heading(n)}: {norwegian_month(word(n, v))}" for n, v in named)
        return _("{kind} for {pairs}").format(kind=self.kind.shown(), pairs=pairs)

    def details(self) -> dict[str, Any]:
        """The kind's own fields, without kind, fact date and scheme, as JSON values."""
        return self.model_dump(mode="json", exclude_none=True, exclude=COMMON_FIELDS)

    def details_json(self) -> str:
        """`details()` as compact JSON in field order: how the store keeps and compares it."""
        return self.model_dump_json(exclude_none=True, exclude=COMMON_FIELDS)


class PeriodMixin(DomainModel):
    period: str = Field(description=N_("the month counted, as 2026-01 or 01.2026"))

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        return parse_month(value)

    def _period_not_after_fact(self, fact_date: dt.date) -> None:
        first = month_bounds(self.period)[0]
        if fact_date < first:
            raise ValueError(
                _("fact date is before the period {period} starts").format(period=self.period)
            )


class Claim(RegistrationBase):
    kind: Literal[Kind.CLAIM] = Kind.CLAIM
    scheme: Scheme = Field(description=N_("programme, training or asylum"))


class Offer(RegistrationBase):
    kind: Literal[Kind.OFFER] = Kind.OFFER
    scheme: Scheme = Field(description=N_("programme, training or asylum"))
    hours: Hours | None = Field(None, description=N_("hours offered (training)"))


class DecisionRegistration(RegistrationBase):
    kind: Literal[Kind.DECISION] = Kind.DECISION
    scheme: Scheme = Field(description=N_("programme, training or asylum"))
    outcome: Decision = Field(description=N_("granted (innvilget) or refused (avslått)"))
    hours: Number | None = Field(None, ge=0, le=3000, description=N_("hours granted (training)"))
    months: int | None = Field(
        None,
        ge=1,
        le=MAX_PROGRAMME_MONTHS,
        description=N_("months granted (programme; up to 60)"),
    )
    reason: str | None = Field(None, max_length=500, description=N_("reason for a refusal"))

    @model_validator(mode="after")
    def _outcome(self) -> DecisionRegistration:
        if self.outcome is Decision.REFUSED and not self.reason:
            raise ValueError(_("a refusal needs a reason"))
        if self.outcome is Decision.REFUSED and (self.hours or self.months):
            raise ValueError(_("a refusal grants no hours or months"))
        return self


class Exemption(RegistrationBase):
    kind: Literal[Kind.EXEMPTION] = Kind.EXEMPTION
    key_fields: ClassVar[tuple[str, ...]] = ("exemption_from", "test", "fact_date")
    schemes: ClassVar[frozenset[Scheme]] = frozenset()
    implied_scheme: ClassVar[Scheme | None] = Scheme.TRAINING
    exemption_from: ExemptionFrom = Field(description=N_("training or tests"))
    basis: ExemptionBasis = Field(description=N_("legal basis of the exemption"))
    test: Test | None = Field(
        None, description=N_("the test exempted from (with exemption from tests)")
    )

    @model_validator(mode="after")
    def _test(self) -> Exemption:
        if self.test is not None and self.exemption_from is not ExemptionFrom.TESTS:
            raise ValueError(_("a test is named only for an exemption from tests"))
        return self


class Leave(RegistrationBase):
    kind: Literal[Kind.LEAVE] = Kind.LEAVE
    scheme: Scheme = Field(description=N_("programme, training or asylum"))
    until: Date = Field(description=N_("last day of the leave"))
    reason: LeaveReason = Field(description=N_("reason for the leave"))

    @model_validator(mode="after")
    def _until(self) -> Leave:
        if self.until < self.fact_date:
            raise ValueError(_("the leave ends before it starts"))
        return self


class Stop(RegistrationBase):
    kind: Literal[Kind.STOP] = Kind.STOP
    scheme: Scheme = Field(description=N_("programme, training or asylum"))
    reason: StopReason = Field(description=N_("reason for the stop"))


class Appeal(RegistrationBase):
    kind: Literal[Kind.APPEAL] = Kind.APPEAL
    scheme: Scheme = Field(description=N_("programme, training or asylum"))
    outcome: AppealOutcome = Field(AppealOutcome.PENDING, description=N_("outcome of the appeal"))
    decision_id: str | None = Field(
        None, max_length=36, description=N_("id of the decision appealed")
    )


class Start(RegistrationBase):
    kind: Literal[Kind.START] = Kind.START
    scheme: Scheme = Field(description=N_("programme, training or asylum"))


class End(RegistrationBase):
    kind: Literal[Kind.END] = Kind.END
    scheme: Scheme = Field(description=N_("programme, training or asylum"))
    reason: EndReason | None = Field(None, description=N_("end reason (avslutningsårsak)"))
    activity_after: MainActivity | None = Field(None, description=N_("main activity after the end"))


class HoursRegistration(PeriodMixin, RegistrationBase):
    kind: Literal[Kind.HOURS] = Kind.HOURS
    key_fields: ClassVar[tuple[str, ...]] = ("scheme", "period")
    schemes: ClassVar[frozenset[Scheme]] = frozenset({Scheme.TRAINING, Scheme.ASYLUM})
    scheme: Scheme = Field(Scheme.TRAINING, description=N_("training or asylum"))
    norwegian_hours: Hours = Field(0.0, description=N_("hours of Norwegian in the period"))
    social_studies_hours: Hours = Field(
        0.0, description=N_("hours of social studies in the period")
    )

    @model_validator(mode="after")
    def _period_and_hours(self) -> HoursRegistration:
        self._period_not_after_fact(self.fact_date)
        if self.norwegian_hours == 0 and self.social_studies_hours == 0:
            raise ValueError(_("give Norwegian hours or social-studies hours (or both)"))
        return self


class ProgrammeContent(PeriodMixin, RegistrationBase):
    kind: Literal[Kind.PROGRAMME_CONTENT] = Kind.PROGRAMME_CONTENT
    key_fields: ClassVar[tuple[str, ...]] = ("period", "element")
    schemes: ClassVar[frozenset[Scheme]] = frozenset()
    implied_scheme: ClassVar[Scheme | None] = Scheme.PROGRAMME
    element: ProgrammeElement = Field(description=N_("programme element"))
    hours: Hours = Field(gt=0, description=N_("hours of the element in the period"))

    @model_validator(mode="after")
    def _period_ok(self) -> ProgrammeContent:
        self._period_not_after_fact(self.fact_date)
        return self


class Absence(PeriodMixin, RegistrationBase):
    kind: Literal[Kind.ABSENCE] = Kind.ABSENCE
    key_fields: ClassVar[tuple[str, ...]] = ("scheme", "period")
    schemes: ClassVar[frozenset[Scheme]] = frozenset({Scheme.PROGRAMME, Scheme.TRAINING})
    scheme: Scheme = Field(Scheme.PROGRAMME, description=N_("programme or training"))
    valid_hours: Hours = Field(0.0, description=N_("valid (gyldig) absence hours"))
    invalid_hours: Hours = Field(0.0, description=N_("invalid (ugyldig) absence hours"))

    @model_validator(mode="after")
    def _period_ok(self) -> Absence:
        self._period_not_after_fact(self.fact_date)
        return self


class Goal(RegistrationBase):
    """Norskmål (training) or sluttmål (programme). The norskmål may be one level for every
    skill, or a level per skill (reading, listening, writing, oral): the law sets minimum levels
    per skill, and a skill without its own level takes `level`."""

    kind: Literal[Kind.GOAL] = Kind.GOAL
    schemes: ClassVar[frozenset[Scheme]] = frozenset({Scheme.PROGRAMME, Scheme.TRAINING})
    scheme: Scheme = Field(description=N_("training (norskmål) or programme (sluttmål)"))
    level: Level | None = Field(None, description=N_("Norwegian goal level (norskmål), training"))
    reading: Level | None = Field(None, description=N_("norskmål for reading, if its own"))
    listening: Level | None = Field(None, description=N_("norskmål for listening, if its own"))
    writing: Level | None = Field(None, description=N_("norskmål for writing, if its own"))
    oral: Level | None = Field(None, description=N_("norskmål for oral skills, if its own"))
    final_goal: FinalGoal | None = Field(None, description=N_("final goal (sluttmål), programme"))

    @model_validator(mode="after")
    def _goal_fits_scheme(self) -> Goal:
        skills = (self.reading, self.listening, self.writing, self.oral)
        levels = self.level is not None or any(s is not None for s in skills)
        if self.scheme is Scheme.TRAINING and (not levels or self.final_goal is not None):
            raise ValueError(
                _("a training goal is a level (or a level per skill), not a final goal")
            )
        if self.scheme is Scheme.PROGRAMME and (self.final_goal is None or levels):
            raise ValueError(_("a programme goal is a final goal, not a level"))
        return self


class Education(RegistrationBase):
    kind: Literal[Kind.EDUCATION] = Kind.EDUCATION
    key_fields: ClassVar[tuple[str, ...]] = ("fact_date",)
    schemes: ClassVar[frozenset[Scheme]] = frozenset()
    upper_secondary: YesNo = Field(
        description=N_("has completed upper secondary education (sets the 18-month window)")
    )


class TestSignup(RegistrationBase):
    kind: Literal[Kind.TEST_SIGNUP] = Kind.TEST_SIGNUP
    key_fields: ClassVar[tuple[str, ...]] = ("test", "test_date")
    schemes: ClassVar[frozenset[Scheme]] = frozenset()
    test: Test = Field(description=N_("norskprove, samfunnskunnskap or statsborger"))
    test_date: Date = Field(description=N_("date of the test (may be in the future)"))

    @model_validator(mode="after")
    def _order(self) -> TestSignup:
        if self.test_date < self.fact_date:
            raise ValueError(_("the test date is before the sign-up"))
        return self


class TestResult(RegistrationBase):
    kind: Literal[Kind.TEST_RESULT] = Kind.TEST_RESULT
    key_fields: ClassVar[tuple[str, ...]] = ("test", "fact_date")
    schemes: ClassVar[frozenset[Scheme]] = frozenset()
    test: Test = Field(description=N_("norskprove, samfunnskunnskap or statsborger"))
    reading: Level | None = Field(None, description=N_("Norskprøven reading level"))
    listening: Level | None = Field(None, description=N_("Norskprøven listening level"))
    writing: Level | None = Field(None, description=N_("Norskprøven writing level"))
    oral: Level | None = Field(None, description=N_("Norskprøven oral level"))
    passed: YesNo | None = Field(
        None, description=N_("pass or fail (samfunnskunnskap, statsborger)")
    )

    @model_validator(mode="after")
    def _result_fits_test(self) -> TestResult:
        levels = (self.reading, self.listening, self.writing, self.oral)
        if self.test is Test.NORSKPROVE:
            if all(level is None for level in levels):
                raise ValueError(
                    _("give at least one of the levels: reading, listening, writing, oral")
                )
            if self.passed is not None:
                raise ValueError(_("Norskprøven gives levels, not passed"))
        else:
            if self.passed is None:
                raise ValueError(
                    _("{test} is pass or fail: give passed yes or no").format(
                        test=self.test.shown()
                    )
                )
            if any(level is not None for level in levels):
                raise ValueError(_("{test} gives no levels").format(test=self.test.shown()))
        return self


class Reservation(RegistrationBase):
    kind: Literal[Kind.RESERVATION] = Kind.RESERVATION
    key_fields: ClassVar[tuple[str, ...]] = ("fact_date",)
    schemes: ClassVar[frozenset[Scheme]] = frozenset()
    reserved: YesNo = Field(True, description=N_("reserves against research use (no to lift it)"))


class CompetenceMapping(RegistrationBase):
    """Kompetansekartlegging done (integreringsloven §§ 6 and 10): before the programme
    decision, at the latest 3 months after settlement or a claim (Veileder kap. 5, 5.2.1)."""

    kind: Literal[Kind.COMPETENCE_MAPPING] = Kind.COMPETENCE_MAPPING
    key_fields: ClassVar[tuple[str, ...]] = ()
    schemes: ClassVar[frozenset[Scheme]] = frozenset()
    implied_scheme: ClassVar[Scheme | None] = Scheme.PROGRAMME


class CareerGuidance(RegistrationBase):
    """Karriereveiledning done (integreringsloven § 11; offered by the county, § 4)."""

    kind: Literal[Kind.CAREER_GUIDANCE] = Kind.CAREER_GUIDANCE
    key_fields: ClassVar[tuple[str, ...]] = ()
    schemes: ClassVar[frozenset[Scheme]] = frozenset()
    implied_scheme: ClassVar[Scheme | None] = Scheme.PROGRAMME


class IntegrationContract(RegistrationBase):
    """Integreringskontrakt signed (integreringsloven § 16), made with the integration plan
    (§ 15). Not registered for persons under introduksjonsloven."""

    kind: Literal[Kind.INTEGRATION_CONTRACT] = Kind.INTEGRATION_CONTRACT
    key_fields: ClassVar[tuple[str, ...]] = ("fact_date",)
    schemes: ClassVar[frozenset[Scheme]] = frozenset()
    implied_scheme: ClassVar[Scheme | None] = Scheme.PROGRAMME


class MotherTongue(RegistrationBase):
    """The person's mother tongue (morsmål): one per person; a new one corrects it."""

    kind: Literal[Kind.MOTHER_TONGUE] = Kind.MOTHER_TONGUE
    key_fields: ClassVar[tuple[str, ...]] = ()
    schemes: ClassVar[frozenset[Scheme]] = frozenset()
    language: str = Field(min_length=2, max_length=60, description=N_("language, e.g. tigrinja"))


class InstructionLanguage(RegistrationBase):
    """The language training is given in («Språket opplæringen blir gitt på»)."""

    kind: Literal[Kind.INSTRUCTION_LANGUAGE] = Kind.INSTRUCTION_LANGUAGE
    key_fields: ClassVar[tuple[str, ...]] = ("scheme",)
    schemes: ClassVar[frozenset[Scheme]] = frozenset({Scheme.TRAINING, Scheme.ASYLUM})
    scheme: Scheme = Field(Scheme.TRAINING, description=N_("training or asylum"))
    language: str = Field(min_length=2, max_length=60, description=N_("language, e.g. norsk"))


class FullTimeUpperSecondary(RegistrationBase):
    """The person attends upper secondary school full time from the fact date: the county
    gives the training (§ 30 second paragraph) and the grant is split with it."""

    kind: Literal[Kind.FULL_TIME_UPPER_SECONDARY] = Kind.FULL_TIME_UPPER_SECONDARY
    key_fields: ClassVar[tuple[str, ...]] = ("fact_date",)
    schemes: ClassVar[frozenset[Scheme]] = frozenset()
    implied_scheme: ClassVar[Scheme | None] = Scheme.TRAINING
    until: Date | None = Field(None, description=N_("last day of full-time attendance"))

    @model_validator(mode="after")
    def _until(self) -> FullTimeUpperSecondary:
        if self.until is not None and self.until < self.fact_date:
            raise ValueError(_("full-time attendance ends before it starts"))
        return self


class ExtendedTraining(RegistrationBase):
    """Chapter 6A's decision on extended training in Norwegian (vedtak om utvidet
    norskopplæring, integreringsforskriften § 43 g): «inntil 6 måneder av gangen» (IMDi);
    registered in NIR, it triggers a grant. When it may be dated: nir_cli.domain.extended."""

    kind: Literal[Kind.EXTENDED_TRAINING] = Kind.EXTENDED_TRAINING
    key_fields: ClassVar[tuple[str, ...]] = ("fact_date",)
    schemes: ClassVar[frozenset[Scheme]] = frozenset()
    implied_scheme: ClassVar[Scheme | None] = Scheme.TRAINING
    months: int = Field(ge=1, le=6, description=N_("months of extended training (1–6)"))


class Course(RegistrationBase):
    """A course completed: parenting guidance or life skills (foreldreveiledning,
    livsmestring), in the programme or in reception."""

    kind: Literal[Kind.COURSE] = Kind.COURSE
    key_fields: ClassVar[tuple[str, ...]] = ("scheme", "course")
    schemes: ClassVar[frozenset[Scheme]] = frozenset({Scheme.PROGRAMME, Scheme.ASYLUM})
    scheme: Scheme = Field(description=N_("programme or asylum (in reception)"))
    course: CourseName = Field(description=N_("parenting or life_skills"))


class CareLeaveTraining(PeriodMixin, RegistrationBase):
    """Training given as follow-up during care leave after birth or adoption, from the leave's
    fourth month (IMDi's NIR list for training: «Omfang av opplæring som oppfølging under
    omsorgspermisjon»; the duty to offer it: «fra og med den fjerde måneden av
    permisjonstiden», the same under both acts)."""

    kind: Literal[Kind.CARE_LEAVE_TRAINING] = Kind.CARE_LEAVE_TRAINING
    key_fields: ClassVar[tuple[str, ...]] = ("scheme", "period")
    schemes: ClassVar[frozenset[Scheme]] = frozenset({Scheme.PROGRAMME, Scheme.TRAINING})
    scheme: Scheme = Field(Scheme.TRAINING, description=N_("training or programme"))
    hours: Hours = Field(gt=0, description=N_("hours of training given in the period"))

    @model_validator(mode="after")
    def _period_ok(self) -> CareLeaveTraining:
        self._period_not_after_fact(self.fact_date)
        return self


class IntegrationMeasure(RegistrationBase):
    """Another integration measure for a resident of a reception centre with a permit, before
    settlement (integreringsloven § 7; IMDi's NIR list for reception: «Hvilke andre
    integreringsfremmende tiltak som er påbegynt eller gjennomført»)."""

    kind: Literal[Kind.INTEGRATION_MEASURE] = Kind.INTEGRATION_MEASURE
    key_fields: ClassVar[tuple[str, ...]] = ("measure", "status")
    schemes: ClassVar[frozenset[Scheme]] = frozenset()
    measure: str = Field(min_length=2, max_length=100, description=N_("the measure, in words"))
    status: MeasureStatus = Field(description=N_("started (påbegynt) or completed (gjennomført)"))


class Reopening(RegistrationBase):
    """The introduction programme reopened after it was ended (NIR: «gjenåpning av
    introduksjonsprogram», registered where the end reason is edited): its months run again
    from the fact date, as after a start."""

    kind: Literal[Kind.REOPENING] = Kind.REOPENING
    schemes: ClassVar[frozenset[Scheme]] = frozenset()
    implied_scheme: ClassVar[Scheme | None] = Scheme.PROGRAMME
    key_fields: ClassVar[tuple[str, ...]] = ("fact_date",)


MODELS: dict[Kind, type[RegistrationBase]] = {
    Kind.CLAIM: Claim,
    Kind.OFFER: Offer,
    Kind.DECISION: DecisionRegistration,
    Kind.EXEMPTION: Exemption,
    Kind.LEAVE: Leave,
    Kind.STOP: Stop,
    Kind.APPEAL: Appeal,
    Kind.START: Start,
    Kind.END: End,
    Kind.HOURS: HoursRegistration,
    Kind.PROGRAMME_CONTENT: ProgrammeContent,
    Kind.ABSENCE: Absence,
    Kind.GOAL: Goal,
    Kind.EDUCATION: Education,
    Kind.TEST_SIGNUP: TestSignup,
    Kind.TEST_RESULT: TestResult,
    Kind.RESERVATION: Reservation,
    Kind.COMPETENCE_MAPPING: CompetenceMapping,
    Kind.CAREER_GUIDANCE: CareerGuidance,
    Kind.INTEGRATION_CONTRACT: IntegrationContract,
    Kind.MOTHER_TONGUE: MotherTongue,
    Kind.INSTRUCTION_LANGUAGE: InstructionLanguage,
    Kind.FULL_TIME_UPPER_SECONDARY: FullTimeUpperSecondary,
    Kind.EXTENDED_TRAINING: ExtendedTraining,
    Kind.COURSE: Course,
    Kind.CARE_LEAVE_TRAINING: CareLeaveTraining,
    Kind.INTEGRATION_MEASURE: IntegrationMeasure,
    Kind.REOPENING: Reopening,
}


def model_for(kind: Kind) -> type[RegistrationBase]:
    return MODELS[kind]


def parse_registration(
    data: dict[str, Any], context: dict[str, Any] | None = None
) -> RegistrationBase:
    """Validate a registration of any kind; `data["kind"]` is a code or a Norwegian name."""
    raw_kind = data.get("kind")
    kind = raw_kind if isinstance(raw_kind, Kind) else Kind.parse(str(raw_kind or ""))
    return MODELS[kind].model_validate({**data, "kind": kind}, context=context)
