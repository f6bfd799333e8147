"""nir history PERSON: a person's registrations with deadline and state."""

from __future__ import annotations

import datetime as dt

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import DATE, emit_rows, format_option, limit_option, pass_app, say
from nir_cli.core.i18n import _
from nir_cli.core.record_ids import short_id

COLUMNS = (
    "id",
    "kind",
    "scheme",
    "fact_date",
    "deadline",
    "state",
    "details",
    "version",
    "registry_date",
)


@click.command()
@click.argument("person_ref", metavar="PERSON")
@click.option("--as-of", type=DATE, help="Judge deadlines as of this date (default: today).")
@click.option("--all", "show_withdrawn", is_flag=True, help="Include withdrawn registrations.")
@format_option
@limit_option
@pass_app
def history(
    app: App, person_ref: str, as_of: dt.date | None, show_withdrawn: bool, fmt: str
) -> None:
    """Show a person's registrations with their deadline and sync state.

    State is accepted (the registry holds this version), pending (not yet accepted) or
    overdue (pending past the two-month deadline).

    \b
    Example:
      nir history 201212345603
      nir history 201212345603 --format json --as-of 2026-03-01
    """
    today = as_of or dt.date.today()
    person, records = app.register().person_history(person_ref)
    rows = [r.row(today) for r in records if show_withdrawn or not r.withdrawn]
    if fmt == "table":
        for row in rows:
            row["id"] = short_id(row["id"])
        say(
            app,
            _("{name} ({id}), as of {date}:").format(
                name=f"{person.data.first_name} {person.data.last_name}",
                id=short_id(person.id),
                date=today,
            ),
        )
    emit_rows(rows, fmt, COLUMNS if fmt != "json" else None, empty=_("no registrations yet"))
