"""A participant (deltaker): identity, residence basis, dates, regime and municipality."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from nir_cli.core.i18n import N_, _
from nir_cli.domain import identifiers, municipalities
from nir_cli.domain.entitlement import (
    Suggestion,
    derive_regime,
    regime_presumption,
    suggest,
)
from nir_cli.domain.enums import Regime, ResidenceBasis
from nir_cli.domain.model import Date, DomainModel, checks_of, not_in_future
from nir_cli.domain.programme import ProgrammeTarget, programme_target

# A date that cannot come before the birth date, and what is said when it does.
BEFORE_BIRTH = {
    "permit_date": N_("permit date is before the birth date"),
    "settlement_date": N_("settlement date is before the birth date"),
    "population_registration_date": N_("population registration date is before the birth date"),
    "arrival_date": N_("arrival date is before the birth date"),
}

# No participant alive was born before this: an earlier birth date is a typing error (0001-01-01
# from an empty field, 1090 for 1990), and every deadline computed from it would be wrong.
EARLIEST_BIRTH = dt.date(1900, 1, 1)


class PersonData(DomainModel):
    """What is registered about a person; each change is a new version of it."""

    duf: str | None = Field(None, description=N_("DUF number, 12 digits (UDI's case number)"))
    fnr: str | None = Field(
        None,
        description=N_("fødselsnummer or D-number, 11 digits (synthetic only in test profiles)"),
    )
    first_name: str = Field(min_length=1, max_length=100, description=N_("first name(s)"))
    last_name: str = Field(min_length=1, max_length=100, description=N_("last name"))
    birth_date: Date = Field(description=N_("date of birth"))
    residence_basis: ResidenceBasis = Field(description=N_("residence basis (oppholdsgrunnlag)"))
    permit_date: Date | None = Field(
        None,
        description=N_(
            "date the residence permit was granted (vedtaksdato); an asylum seeker has none"
        ),
    )
    settlement_date: Date | None = Field(
        None, description=N_("date of settlement (bosetting) in the municipality")
    )
    population_registration_date: Date | None = Field(
        None, description=N_("date registered as resident in the municipality (folkeregistrert)")
    )
    arrival_date: Date | None = Field(
        None,
        description=N_(
            "date of arrival in Norway (ankomstdato); decides the act for permits "
            "granted before 2021"
        ),
    )
    regime: Regime | None = Field(
        None, description=N_("the act that applies; derived from the dates when not given")
    )
    municipality: str = Field(description=N_("municipality number (kommunenummer), 4 digits"))
    place: str | None = Field(
        None, max_length=100, description=N_("place (sted): office or centre")
    )

    @classmethod
    def stored(cls, fields: dict[str, Any]) -> PersonData:
        """A person as the store holds it (model_dump(mode="json") of a validated person),
        rebuilt without its checks: they ran when it was written, and they are most of what
        reading a hundred thousand persons cost (the fødselsnummer's check digits among them).
        Dates and codes become their types; tests/domain/test_person_stored.py holds the result
        to a validated reading."""
        values: dict[str, Any] = {
            name: None if fields[name] is None else read(fields[name])
            for name, read in _STORED_READERS.items()
        }
        return cls.model_construct(**values)

    @model_validator(mode="before")
    @classmethod
    def _birth_date_from_fnr(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("birth_date") and data.get("fnr"):
            # Only the birth date the number holds; the fnr validator checks the number (its
            # check digits, once) and reports what is wrong with it.
            number = identifiers.compact_fnr(str(data["fnr"]))
            if len(number) != 11 or not number.isdigit():
                return data
            try:
                return {**data, "birth_date": identifiers.birth_date_of(number)}
            except identifiers.IdentifierError:
                return data
        return data

    @field_validator("duf")
    @classmethod
    def _duf(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        return identifiers.normalize_duf(
            value, accept_unchecked=checks_of(info).accept_unchecked_duf
        )

    @field_validator("fnr")
    @classmethod
    def _fnr(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        checks = checks_of(info)
        return identifiers.normalize_fnr(
            value, allow_synthetic=checks.allow_synthetic, today=checks.today
        ).number

    @field_validator("municipality")
    @classmethod
    def _municipality(cls, value: str) -> str:
        return municipalities.lookup(value).code

    @field_validator(
        "birth_date",
        "permit_date",
        "settlement_date",
        "population_registration_date",
        "arrival_date",
    )
    @classmethod
    def _past(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        return not_in_future(value, info)

    @field_validator("birth_date")
    @classmethod
    def _born_since_1900(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        # Read back as stored (today = date.max), a body is taken as it was accepted.
        if value < EARLIEST_BIRTH and checks_of(info).today != dt.date.max:
            raise ValueError(
                _("{day} is before 1900: check the birth date").format(day=value.isoformat())
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> PersonData:
        if self.duf is None and self.fnr is None:
            raise ValueError(_("give a DUF number or a fødselsnummer (or both)"))
        # The number is checked already (_fnr); only the birth date it holds is needed here.
        if self.fnr is not None and identifiers.birth_date_of(self.fnr) != self.birth_date:
            raise ValueError(_("birth date does not match the fødselsnummer"))
        for name, before_birth in BEFORE_BIRTH.items():
            day = getattr(self, name)
            if day is not None and day < self.birth_date:
                raise ValueError(_(before_birth))
        if self.permit_date is None and self.residence_basis is not ResidenceBasis.ASYLUM_SEEKER:
            raise ValueError(
                _("give the permit date (permit_date): only an asylum seeker has no permit yet")
            )
        if (
            self.arrival_date is not None
            and self.settlement_date is not None
            and self.settlement_date < self.arrival_date
        ):
            raise ValueError(_("settlement date is before the arrival date"))
        if self.regime is None:
            self.regime = derive_regime(
                self.residence_basis, self.permit_date, self.settlement_date, self.arrival_date
            )
        if (
            self.regime is Regime.INTEGRERINGSLOVEN_6A
            and self.residence_basis is not ResidenceBasis.COLLECTIVE_PROTECTION
        ):
            raise ValueError(_("chapter 6A applies to collective protection only"))
        return self

    def regime_presumption(self) -> str | None:
        """Why the regime is presumed rather than known, when it is (see entitlement)."""
        return regime_presumption(
            self.residence_basis, self.permit_date, self.settlement_date, self.arrival_date
        )

    def programme_target(self) -> ProgrammeTarget:
        """Whether the person is in the introduction programme's target group (§ 8)."""
        return programme_target(
            self.residence_basis,
            self.birth_date,
            self.permit_date,
            self.settlement_date,
            self.population_registration_date,
        )

    def suggestion(self, upper_secondary: bool | None = None) -> Suggestion:
        """The entitlement the law suggests; the recorded decision stays the truth."""
        assert self.regime is not None
        return suggest(
            self.regime,
            self.residence_basis,
            self.birth_date,
            self.permit_date,
            upper_secondary=upper_secondary,
            arrival_date=self.arrival_date,
        )


def _stored_reader(annotation: Any) -> Any:
    """How a stored value of a field's type is read back: ISO dates and enum codes to their
    types, text as it is."""
    import enum
    import types
    import typing

    while typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0]
    if annotation is dt.date:
        return dt.date.fromisoformat
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation
    if annotation is str:
        return str
    raise TypeError(f"PersonData.stored cannot read a {annotation!r}")  # a new field's type


_STORED_READERS = {
    name: _stored_reader(field.annotation) for name, field in PersonData.model_fields.items()
}
