"""A FieldProblem as the command line words it: each field as the option that sets it. The
importer words the same problems as FILE:LINE and the file's column, the registry as a record's
rejection."""

from __future__ import annotations

from nir_cli.core.errors import FieldProblem


def option_name(field: str) -> str:
    """The command-line option of a model field."""
    return "--date" if field == "fact_date" else "--" + field.replace("_", "-")


# Fields no option sets: their problems are said without a prefix.
NOT_OPTIONS = frozenset({"kind"})


def worded_as_options(problem: FieldProblem) -> str:
    """`--date: ...`, one problem a line."""
    return "\n".join(
        f"{option_name(field)}: {message}" if field and field not in NOT_OPTIONS else message
        for field, message in problem.problems
    )
