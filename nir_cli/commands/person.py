"""nir person add|show|list|edit: participants in the local register."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import (
    DATE,
    CodedChoice,
    asked_limit,
    complete_municipality,
    emit_done,
    emit_one,
    emit_rows,
    format_option,
    given,
    law_lapsed,
    limit_option,
    municipality_option,
    pass_app,
    say,
    show_ids_option,
    words_for,
)
from nir_cli.core.i18n import _
from nir_cli.core.record_ids import short_id
from nir_cli.domain.enums import Regime, ResidenceBasis

LIST_COLUMNS = (
    "id",
    "duf",
    "fnr",
    "first_name",
    "last_name",
    "birth_date",
    "residence_basis",
    "regime",
    "municipality",
    "place",
    "version",
)

PERSON_OPTIONS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("--duf",), {"metavar": "NUMBER", "help": "DUF number (12 digits)."}),
    (
        ("--fnr",),
        {
            "metavar": "NUMBER",
            "help": "Fødselsnummer or D-number (11 digits); synthetic only in test profiles.",
        },
    ),
    (("--first-name",), {"metavar": "NAME", "help": "First name(s)."}),
    (("--last-name",), {"metavar": "NAME", "help": "Last name."}),
    (("--birth-date",), {"type": DATE, "help": "Date of birth (taken from --fnr when left out)."}),
    (
        ("--residence-basis",),
        {"type": CodedChoice(ResidenceBasis), "help": "Residence basis (oppholdsgrunnlag)."},
    ),
    (
        ("--permit-date",),
        {"type": DATE, "help": "Date the residence permit was granted (asylum seekers: none)."},
    ),
    (("--settlement-date",), {"type": DATE, "help": "Date of settlement in the municipality."}),
    (
        ("--population-registration-date",),
        {"type": DATE, "help": "Date registered as resident in the municipality."},
    ),
    (
        ("--arrival-date",),
        {
            "type": DATE,
            "help": "Date of arrival in Norway (decides the act for permits before 2021).",
        },
    ),
    (
        ("--regime",),
        {"type": CodedChoice(Regime), "help": "The act; derived from the dates when left out."},
    ),
    (
        ("--municipality",),
        {
            "metavar": "CODE",
            "shell_complete": complete_municipality,
            "help": "Municipality number (default: the profile's).",
        },
    ),
    (("--place",), {"metavar": "NAME", "help": "Place (default: the profile's)."}),
]
# --permit-date is required too, except of an asylum seeker, who has none: the domain says so.
REQUIRED_FOR_ADD = {"--first-name", "--last-name", "--residence-basis"}


def person_options(*, add: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for names, kwargs in reversed(PERSON_OPTIONS):
            required = add and names[0] in REQUIRED_FOR_ADD
            func = click.option(*names, required=required, **kwargs)(func)
        return click.option(
            "--accept-unchecked-duf",
            is_flag=True,
            help="Accept a DUF number whose check digits do not match.",
        )(func)

    return decorate


@click.group()
def person() -> None:
    """Register and look up participants.

    \b
    Example:
      nir person add --duf 201212345603 --first-name Kari --last-name Nordmann \\
          --birth-date 1990-01-15 --residence-basis refugee --permit-date 2025-06-01
      nir person list
    """


@person.command()
@person_options(add=True)
@format_option
@show_ids_option
@pass_app
def add(app: App, /, accept_unchecked_duf: bool, fmt: str, show_ids: bool, **fields: Any) -> None:
    """Add a participant. Give a DUF number, a fødselsnummer or both.

    The regime (introduksjonsloven, integreringsloven, chapter 6A) is derived from the permit
    and settlement dates unless --regime is given.

    \b
    Example:
      nir person add --duf 201212345603 --first-name Kari --last-name Nordmann \\
          --birth-date 1990-01-15 --residence-basis refugee --permit-date 2025-06-01 \\
          --settlement-date 2025-08-15
    """
    register = app.register(accept_unchecked_duf=accept_unchecked_duf)
    record = register.add_person(**given(**fields))
    say(
        app,
        _("Added {name} ({id}).").format(
            name=f"{record.data.first_name} {record.data.last_name}", id=short_id(record.id)
        ),
    )
    emit_done(record.row(show_ids=show_ids or fmt != "table"), fmt)
    law_lapsed(app)


@person.command()
@person_options(add=False)
@click.argument("person_ref", metavar="PERSON")
@format_option
@show_ids_option
@pass_app
def edit(
    app: App,
    /,
    person_ref: str,
    accept_unchecked_duf: bool,
    fmt: str,
    show_ids: bool,
    **fields: Any,
) -> None:
    """Change a participant's details; the change is a new version that syncs.

    PERSON is a DUF number, a fødselsnummer or a local id.

    \b
    Example:
      nir person edit 201212345603 --settlement-date 2025-09-01
    """
    register = app.register(accept_unchecked_duf=accept_unchecked_duf)
    record = register.edit_person(person_ref, **given(**fields))
    if register.last_changed:
        say(app, _("Saved version {version}.").format(version=record.version))
    else:
        say(app, _("Nothing changed."))
    emit_done(record.row(show_ids=show_ids or fmt != "table"), fmt)
    law_lapsed(app)


@person.command()
@click.argument("person_ref", metavar="PERSON")
@format_option
@show_ids_option
@pass_app
def show(app: App, person_ref: str, fmt: str, show_ids: bool) -> None:
    """Show a participant with the suggested entitlement and the programme's target group.

    PERSON is a DUF number, a fødselsnummer or a local id. The entitlement to training is a
    suggestion from regime, residence basis, age and permit date; whether the person is in the
    introduction programme's target group (integreringsloven § 8) is read from residence
    basis, age at the permit and settlement. The recorded decision is the truth.

    \b
    Example:
      nir person show 201212345603
      nir person show 201212345603 --format json
    """
    register = app.register()
    record = register.person(person_ref)
    with words_for(fmt):
        row = record.row(show_ids=show_ids or fmt != "table")
        row.update(register.entitlement(record))
        row["regime_note"] = record.data.regime_presumption()
        row.update(record.data.programme_target().as_dict())
    emit_one(row, fmt)
    law_lapsed(app)


@person.command(name="list")
@municipality_option
@click.option("--place", metavar="NAME", help="Only this place.")
@click.option("--search", metavar="TEXT", help="Name contains TEXT, or DUF number starts with it.")
@format_option
@limit_option
@show_ids_option
@pass_app
def list_(
    app: App,
    municipality: str | None,
    place: str | None,
    search: str | None,
    fmt: str,
    show_ids: bool,
) -> None:
    """List participants.

    \b
    Example:
      nir person list --place "Trondheim voksenopplæring"
      nir person list --search Nordmann --format json
    """
    records = app.register().persons(
        municipality=municipality, place=place, search=search, limit=asked_limit()
    )
    rows = [r.row(show_ids=show_ids or fmt != "table") for r in records]
    emit_rows(rows, fmt, LIST_COLUMNS if fmt != "json" else None, empty=_("no persons"))
