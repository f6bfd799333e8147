"""nir report NAME: results, target groups, grant base, timeliness."""

from __future__ import annotations

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import (
    emit_rows,
    format_option,
    law_lapsed,
    limit_option,
    municipality_option,
    pass_app,
)
from nir_cli.i18n import _

NAMES = ("results", "target-groups", "programme", "grant-base", "timeliness")


@click.command()
@click.argument("name", type=click.Choice(NAMES), metavar="NAME")
@click.option("--year", type=click.IntRange(1990, 2100), help="Only this year.")
@municipality_option
@click.option("--place", metavar="NAME", help="Only this place.")
@format_option
@limit_option
@pass_app
def report(
    app: App, /, name: str, year: int | None, municipality: str | None, place: str | None, fmt: str
) -> None:
    """Show a report: results, target-groups, programme, grant-base or timeliness.

    \b
    results        test results (Norskprøven by sub-test and level, other tests passed or
                   failed) and what participants went on to after the programme
    target-groups  persons in the target group by regime, with and without an offer
    programme      the programme's target group: with a claim or offer, started, on time
    grant-base     persons who trigger a norsktilskudd in --year, by grant scheme and basis
    timeliness     share of registrations accepted within two months, by kind and month

    See docs/rules.md for how each is counted and the law behind it.

    \b
    Example:
      nir report results --year 2026
      nir report grant-base --year 2026 --format csv
      nir report timeliness --place Sentrum
    """
    import datetime as dt

    from nir_cli.rules.reports import run

    app.store.verify()  # figures a leader acts on: never from a damaged store
    rows = run(app.store, name, year=year, municipality=municipality, place=place)
    emit_rows(rows, fmt, empty=_("nothing to report"))
    law_lapsed(app)
    if name == "grant-base":  # the year's rates: known, or left out and said so
        law_lapsed(app, dt.date(year or dt.date.today().year, 1, 1), "grants")
