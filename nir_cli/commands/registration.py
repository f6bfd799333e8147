"""nir registration show|edit|withdraw|versions: one registration by its id."""

from __future__ import annotations

import datetime as dt

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import (
    DATE,
    emit_one,
    emit_rows,
    format_option,
    limit_option,
    pass_app,
    say,
)
from nir_cli.core.errors import UsageError
from nir_cli.core.i18n import _
from nir_cli.core.record_ids import short_id


@click.group()
def registration() -> None:
    """Look at, correct or withdraw one registration by its id (or its short id).

    \b
    Example:
      nir registration show 3f2a9c1e
      nir registration edit 3f2a9c1e --set norwegian-hours=40
      nir registration withdraw 3f2a9c1e --reason "registered on the wrong person"
    """


@registration.command()
@click.argument("registration_id", metavar="ID")
@format_option
@pass_app
def show(app: App, registration_id: str, fmt: str) -> None:
    """Show one registration.

    \b
    Example:
      nir registration show 3f2a9c1e --format json
    """
    emit_one(app.register().registration(registration_id).row(dt.date.today()), fmt)


def _parse_sets(pairs: tuple[str, ...]) -> dict[str, str]:
    changes = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(
                _("--set {pair!r}: use FIELD=VALUE, e.g. --set norwegian-hours=40").format(
                    pair=pair
                )
            )
        changes[name.strip().lstrip("-").replace("-", "_")] = value
    return changes


@registration.command()
@click.argument("registration_id", metavar="ID")
@click.option("--date", "fact_date", type=DATE, help="Correct the fact date.")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Correct a field (the option name of nir register KIND), repeatable.",
)
@click.option(
    "--accept-implausible",
    is_flag=True,
    help="Accept a correction that looks wrong for the person.",
)
@format_option
@pass_app
def edit(
    app: App,
    registration_id: str,
    fact_date: dt.date | None,
    sets: tuple[str, ...],
    accept_implausible: bool,
    fmt: str,
) -> None:
    """Correct a registration entered wrongly: a new version that syncs like any other.

    \b
    Example:
      nir registration edit 3f2a9c1e --date 2026-01-30
      nir registration edit 3f2a9c1e --set norwegian-hours=40 --set social-studies-hours=6
    """

    changes: dict[str, object] = dict(_parse_sets(sets))
    if fact_date is not None:
        changes["fact_date"] = fact_date
    if not changes:
        raise UsageError(_("nothing to change: give --date or --set FIELD=VALUE"))
    register = app.register(accept_implausible=accept_implausible)
    rec = register.edit_fields(registration_id, changes)
    if register.last_changed:
        say(app, _("Saved version {version}.").format(version=rec.version))
    else:
        say(app, _("Nothing changed."))
    emit_one(rec.row(dt.date.today()), fmt)


@registration.command()
@click.argument("registration_id", metavar="ID")
@click.option("--reason", required=True, help="Why it is withdrawn (kept with the version).")
@format_option
@pass_app
def withdraw(app: App, registration_id: str, reason: str, fmt: str) -> None:
    """Withdraw a registration entered by mistake: a new version, marked withdrawn, that syncs.

    \b
    Example:
      nir registration withdraw 3f2a9c1e --reason "registered on the wrong person"
    """
    rec = app.register().withdraw(registration_id, reason)
    say(
        app,
        _("Withdrew {id} (version {version}).").format(id=short_id(rec.id), version=rec.version),
    )
    emit_one(rec.row(dt.date.today()), fmt)


@registration.command()
@click.argument("registration_id", metavar="ID")
@format_option
@limit_option
@pass_app
def versions(app: App, registration_id: str, fmt: str) -> None:
    """List every version of a registration, oldest first.

    \b
    Example:
      nir registration versions 3f2a9c1e
    """
    emit_rows(app.register().versions(registration_id), fmt)
