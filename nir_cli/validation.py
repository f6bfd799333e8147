"""Pydantic's validation errors as FieldProblems, and FieldProblems as the command line
words them."""

from __future__ import annotations

from pydantic import ValidationError

from nir_cli.domain.model import problems
from nir_cli.errors import FieldProblem


def option_name(field: str) -> str:
    """The command-line option of a model field."""
    return "--date" if field == "fact_date" else "--" + field.replace("_", "-")


def invalid_from(exc: ValidationError) -> FieldProblem:
    """Every problem of one validation, each with its field in domain words."""
    return FieldProblem.every([(p.field, p.message) for p in problems(exc)] or [(None, str(exc))])


def worded_as_options(problem: FieldProblem) -> str:
    """A FieldProblem as the command line says it: `--date: ...`, one problem a line."""
    return "\n".join(
        f"{option_name(field)}: {message}" if field else message
        for field, message in problem.problems
    )
