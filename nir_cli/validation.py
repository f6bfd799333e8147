"""Turning pydantic validation errors into the one-line InvalidData the user sees."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from nir_cli.domain.model import problems
from nir_cli.errors import InvalidData


def option_name(field: str) -> str:
    """The command-line option of a model field."""
    return "--date" if field == "fact_date" else "--" + field.replace("_", "-")


def invalid_from(exc: ValidationError, name: Callable[[str], str] = option_name) -> InvalidData:
    """All problems of one validation, `--field: message`, joined on one line each."""
    found = problems(exc)
    lines = [f"{name(p.field)}: {p.message}" if p.field else p.message for p in found]
    first = found[0].field if found else None
    return InvalidData("\n".join(lines), field=first)
