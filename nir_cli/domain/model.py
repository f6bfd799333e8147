"""The pydantic base of every domain model, and the validation context they share."""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo

from nir_cli.domain.values import parse_bool, parse_date, parse_decimal
from nir_cli.errors import FieldProblem


@dataclass(frozen=True)
class Checks:
    """What validation may accept: depends on the profile and on the user's overrides."""

    today: dt.date = field(default_factory=dt.date.today)
    allow_synthetic: bool = False
    accept_unchecked_duf: bool = False
    accept_implausible: bool = False  # registrations that look wrong (domain.plausibility)

    def as_context(self) -> dict[str, Any]:
        return {"checks": self}


def checks_of(info: ValidationInfo) -> Checks:
    context = info.context or {}
    found = context.get("checks")
    return found if isinstance(found, Checks) else Checks()


def plain_type(annotation: Any) -> Any:
    """`date | None` → date; anything that is not a single type → None."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else None
    return annotation


def _date(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10 and text[4] == "-":
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        return parse_date(text)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    # pydantic would read a number as seconds since 1970: 19750311 is no birth date.
    raise ValueError("a date is written 2026-01-31 or 31.01.2026")


def _number(value: Any) -> Any:
    if isinstance(value, str):
        return parse_decimal(value)
    if isinstance(value, bool):  # pydantic would read true as 1.0
        raise ValueError("a number is written 12 or 12,5")
    return value


def _yes_no(value: Any) -> Any:
    if isinstance(value, str):
        return parse_bool(value)
    return value


# Types that accept what people write as well as the canonical form.
Date = Annotated[dt.date, BeforeValidator(_date)]
Number = Annotated[float, BeforeValidator(_number)]
YesNo = Annotated[bool, BeforeValidator(_yes_no)]


class DomainModel(BaseModel):
    """Base of every domain model: unknown fields refused, text trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def not_in_future(day: dt.date | None, info: ValidationInfo) -> dt.date | None:
    """Facts are things that have happened: a date after today is refused."""
    if day is not None and day > checks_of(info).today:
        raise ValueError(f"{day.isoformat()} is in the future")
    return day


@dataclass(frozen=True)
class Problem:
    """One validation problem: the field (model name) and a message without the value."""

    field: str | None
    message: str


def problems(exc: ValidationError) -> list[Problem]:
    """Plain messages from a pydantic error; never echoes the input (may be a personal number)."""
    found = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = [str(part) for part in error["loc"] if not isinstance(part, int)]
        message = error["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        if error["type"] == "missing":
            message = "is required"
        elif error["type"] == "extra_forbidden":
            message = "is not a field of this kind"
        found.append(Problem(loc[-1] if loc else None, message))
    return found


def invalid_from(exc: ValidationError) -> FieldProblem:
    """Every problem of one validation as one FieldProblem, each with its field in domain
    words; the front ends word the fields for their readers."""
    return FieldProblem.every([(p.field, p.message) for p in problems(exc)] or [(None, str(exc))])
