"""The pydantic base of every domain model, and the validation context they share."""

from __future__ import annotations

import datetime as dt
import re
import types
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo

from nir_cli.core.errors import FieldProblem
from nir_cli.core.i18n import _, ngettext
from nir_cli.domain.enums import Coded
from nir_cli.domain.values import allowed_values, parse_bool, parse_date, parse_decimal


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
    raise ValueError(_("a date is written 2026-01-31 or 31.01.2026"))


def _number(value: Any) -> Any:
    if isinstance(value, str):
        return parse_decimal(value)
    if isinstance(value, bool):  # pydantic would read true as 1.0
        raise ValueError(_("a number is written 12 or 12,5"))
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
        raise ValueError(_("{day} is in the future").format(day=day.isoformat()))
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
        found.append(Problem(loc[-1] if loc else None, _message(error)))
    return found


# pydantic's error types, grouped by the message nir gives for them.
_NOT_A_DATE = ("date_", "datetime_")
_NOT_A_WHOLE_NUMBER = frozenset({"int_parsing", "int_type", "int_from_float", "int_parsing_size"})
_NOT_A_NUMBER = frozenset(
    {"float_parsing", "float_type", "finite_number", "decimal_parsing", "decimal_type"}
)
_NOT_YES_OR_NO = frozenset({"bool_parsing", "bool_type"})
_QUOTED = re.compile(r"'([^']*)'")


def _message(error: Any) -> str:
    """nir's own words for a pydantic error, in the language in use; pydantic's (English)
    message where nir has none."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        # Raised by nir's own validators: worded (and translated) where raised.
        message: str = error["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        return message
    if kind == "missing":
        return _("is required")
    if kind == "extra_forbidden":
        return _("is not a field of this kind")
    if kind in ("enum", "literal_error") and "expected" in ctx:
        return _("is not one of: {allowed}").format(allowed=_allowed(str(ctx["expected"])))
    if kind == "greater_than_equal":
        return _("Input should be greater than or equal to {limit}").format(
            limit=_limit(ctx.get("ge"))
        )
    if kind == "greater_than":
        return _("Input should be greater than {limit}").format(limit=_limit(ctx.get("gt")))
    if kind == "less_than_equal":
        return _("Input should be less than or equal to {limit}").format(
            limit=_limit(ctx.get("le"))
        )
    if kind == "less_than":
        return _("Input should be less than {limit}").format(limit=_limit(ctx.get("lt")))
    if kind == "string_too_short" and "min_length" in ctx:
        n = int(ctx["min_length"])
        return ngettext(
            "String should have at least {n} character",
            "String should have at least {n} characters",
            n,
        ).format(n=n)
    if kind == "string_too_long" and "max_length" in ctx:
        n = int(ctx["max_length"])
        return ngettext(
            "String should have at most {n} character",
            "String should have at most {n} characters",
            n,
        ).format(n=n)
    if kind == "string_type":
        return _("is not text")
    if kind.startswith(_NOT_A_DATE):
        return _("is not a date: use 2026-01-31 or 31.01.2026")
    if kind in _NOT_A_WHOLE_NUMBER:
        return _("is not a whole number")
    if kind in _NOT_A_NUMBER:
        return _("is not a number")
    if kind in _NOT_YES_OR_NO:
        return _("is not yes or no")
    return str(error["msg"])


def _limit(value: object) -> str:
    """A bound as pydantic writes it: 744.0 as 744."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _allowed(expected: str) -> str:
    """The values pydantic's "expected" lists ("'a', 'b' or 'c'"), as nir lists a closed set:
    through the enum they belong to, when one of nir's has exactly these codes."""
    codes = _QUOTED.findall(expected)
    members: list[object] = list(_closed_set(tuple(codes)) or codes)
    return allowed_values(members)


def _closed_set(codes: tuple[str, ...]) -> type[Coded] | None:
    """The enum of nir's domain whose codes are `codes`, in order; None when none is."""
    pending: list[type[Coded]] = list(Coded.__subclasses__())
    while pending:
        cls = pending.pop()
        if tuple(member.value for member in cls) == codes:
            return cls
        pending.extend(cls.__subclasses__())
    return None


def invalid_from(exc: ValidationError) -> FieldProblem:
    """Every problem of one validation as one FieldProblem, each with its field in domain
    words; the front ends word the fields for their readers."""
    return FieldProblem.every([(p.field, p.message) for p in problems(exc)] or [(None, str(exc))])
