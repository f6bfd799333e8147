"""nir report NAME: results, target groups, grant base, timeliness."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import (
    HTML,
    emit_rows,
    formats_option,
    law_lapsed,
    limit_option,
    municipality_option,
    output_format,
    pass_app,
    say,
)
from nir_cli.core.i18n import _
from nir_cli.core.render import Format

NAMES = ("overview", "results", "target-groups", "programme", "grant-base", "timeliness")


@click.command()
@click.argument("name", type=click.Choice(NAMES), metavar="NAME")
@click.option("--year", type=click.IntRange(1990, 2100), help="Only this year.")
@municipality_option
@click.option("--place", metavar="NAME", help="Only this place.")
@formats_option(HTML)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (whole or not at all) instead of stdout.",
)
@click.option(
    "--with-names",
    is_flag=True,
    help="HTML: add an appendix naming who each finding is about (never a personal number).",
)
@limit_option
@pass_app
def report(
    app: App,
    /,
    name: str,
    year: int | None,
    municipality: str | None,
    place: str | None,
    fmt: str,
    output: Path | None,
    with_names: bool,
) -> None:
    """Show a report: overview, results, target-groups, programme, grant-base or timeliness.

    \b
    overview       all of the below and what nir missing finds, by rule and place: the page
                   a leader reads (--format html -o FILE)
    results        test results (Norskprøven by sub-test and level, other tests passed or
                   failed) and what participants went on to after the programme
    target-groups  persons in the target group by regime, with and without an offer
    programme      the programme's target group: with a claim or offer, started, on time
    grant-base     persons who trigger a norsktilskudd in --year, by grant scheme and basis
    timeliness     per cent of registrations accepted within two months, by kind and month

    --format html writes one self-contained page (no network, charts and their numbers, A4
    print styles) that opens from a mail or a shared drive; personal numbers never appear,
    names only with --with-names. See docs/rules.md for how each is counted and the law
    behind it.

    \b
    Example:
      nir report overview --format html -o rapport.html
      nir report results --year 2026
      nir report grant-base --year 2026 --format csv
      nir report timeliness --place Sentrum --format html -o timeliness.html
    """
    import datetime as dt

    if with_names and fmt != HTML:
        raise click.UsageError(_("--with-names is for --format html (an appendix of the page)"))
    if name == "overview" and fmt == Format.CSV.value:
        raise click.UsageError(
            _("the overview is several tables: use --format json or html, or one report as CSV")
        )
    app.store.verify()  # figures a leader acts on: never from a damaged store
    today = dt.date.today()
    figures = _figures(app, name, year, municipality, place, today)
    if fmt == HTML:
        page = _page(app, name, figures, year, municipality, place, today, with_names)
        _write(app, output, page)
    elif name == "overview":
        _emit_overview(app, figures, fmt, output)
    else:
        rows = figures[_PART[name]]
        if output is not None:
            from nir_cli.core.render import render_rows

            _write(app, output, render_rows(rows, output_format(fmt)) + "\n")
        else:
            emit_rows(rows, fmt, empty=_("nothing to report"))
    law_lapsed(app)
    if name in ("grant-base", "overview"):  # the year's rates: known, or left out and said so
        law_lapsed(app, dt.date(year or today.year, 1, 1), "grants")


# The part of the overview each single report is (nir_cli.rules.overview.PARTS).
_PART = {
    "results": "results",
    "target-groups": "target_groups",
    "programme": "programme",
    "grant-base": "grant_base",
    "timeliness": "timeliness",
}


def _figures(
    app: App,
    name: str,
    year: int | None,
    municipality: str | None,
    place: str | None,
    today: dt.date,
) -> dict[str, list[dict[str, Any]]]:
    register = app.register()
    if name == "overview":
        return register.overview(year=year, municipality=municipality, place=place, as_of=today)
    return {_PART[name]: register.report(name, year=year, municipality=municipality, place=place)}


def _page(
    app: App,
    name: str,
    figures: dict[str, list[dict[str, Any]]],
    year: int | None,
    municipality: str | None,
    place: str | None,
    today: dt.date,
    with_names: bool,
) -> str:
    import datetime as dt

    from nir_cli import __version__
    from nir_cli.domain.municipalities import lookup
    from nir_cli.report_page import Meta, render

    codes = [municipality] if municipality else app.profile.municipalities
    shown = ", ".join(f"{code} {lookup(code).name}" for code in codes)
    if name == "results" and figures.get("results"):  # one report: its own parts
        rows = figures.pop("results")
        figures["test_results"] = [r for r in rows if r["test"] != "programme"]
        figures["activity_after"] = [
            {"activity_after": r["result"], "persons": r["persons"]}
            for r in rows
            if r["test"] == "programme"
        ]
    elif name == "results":
        figures = {"test_results": [], "activity_after": []}
    register = app.register()
    if name == "timeliness":  # the page draws it by month, all kinds together
        figures = {
            "timeliness_by_month": register.timeliness_by_month(
                year=year, municipality=municipality, place=place, as_of=today
            )
        }
    appendix = None
    if with_names:
        appendix = register.named_findings(municipality=municipality, place=place, as_of=today)
    meta = Meta(
        municipality=shown,
        place=place or app.profile.place,
        period=_period(app, year, municipality, place),
        as_of=today,
        made_at=dt.datetime.now().astimezone(),
        version=__version__,
    )
    return render(_TITLES[name](), meta, figures, appendix)


def _period(app: App, year: int | None, municipality: str | None, place: str | None) -> str:
    """The dates the figures come from: the year asked for, and the first and last fact
    date of the registrations they count."""
    from nir_cli.core.i18n import long_date

    found = app.register().fact_dates(year=year, municipality=municipality, place=place)
    if found is None:
        return str(year) if year else _("no registrations")
    first, last = found
    span = f"{long_date(first)} – {long_date(last)}"
    return f"{year}: {span}" if year else span


_TITLES = {
    "overview": lambda: _("NIR report: overview"),
    "results": lambda: _("NIR report: test results and outcomes"),
    "target-groups": lambda: _("NIR report: target groups"),
    "programme": lambda: _("NIR report: the introduction programme"),
    "grant-base": lambda: _("NIR report: grant base"),
    "timeliness": lambda: _("NIR report: registered on time"),
}


def _emit_overview(
    app: App, figures: dict[str, list[dict[str, Any]]], fmt: str, output: Path | None
) -> None:
    import json

    from nir_cli.core.render import render_rows

    if fmt == Format.JSON.value:
        text = json.dumps(figures, ensure_ascii=False, indent=2, default=str) + "\n"
    else:
        from nir_cli.core.headings import heading

        text = "\n".join(
            f"{heading(part)}\n{render_rows(rows, Format.TABLE) or _('nothing to report')}\n"
            for part, rows in figures.items()
        )
    _write(app, output, text)


def _write(app: App, output: Path | None, text: str) -> None:
    """To the file, whole or not at all (0600, never through a link), or to stdout."""
    if output is None:
        click.echo(text, nl=False)
        return
    from nir_cli.core.files import atomic_write

    with atomic_write(output) as handle:
        handle.write(text)
    say(app, _("wrote {path}").format(path=output))
