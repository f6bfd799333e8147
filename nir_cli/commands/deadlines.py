"""nir overdue, nir missing and nir status: what is late, what is lacking, what waits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import (
    DATE,
    emit_one,
    emit_rows,
    format_option,
    law_lapsed,
    limit_option,
    municipality_option,
    output_format,
    pass_app,
    say,
    words_for,
)
from nir_cli.core.errors import ExitCode, FindingsDiffered
from nir_cli.core.i18n import _, ngettext, norwegian
from nir_cli.core.render import Format

OVERDUE_COLUMNS = (
    "person",
    "duf",
    "kind",
    "scheme",
    "fact_date",
    "deadline",
    "days_overdue",
    "state",
)
MISSING_COLUMNS = ("person", "duf", "rule", "scheme", "since", "deadline", "detail")


def scope_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--as-of, --municipality, --place and --fail-on-findings."""
    for decorator in reversed(
        [
            click.option("--as-of", type=DATE, help="Judge as of this date (default: today)."),
            municipality_option,
            click.option("--place", metavar="NAME", help="Only this place."),
            click.option(
                "--fail-on-findings",
                is_flag=True,
                help="Exit 3 when anything is listed (for cron alerts).",
            ),
        ]
    ):
        func = decorator(func)
    return func


def _finish(rows: Sequence[Any], fail_on_findings: bool) -> None:
    if rows and fail_on_findings:
        click.get_current_context().exit(ExitCode.FINDINGS)


@click.command()
@scope_options
@click.option(
    "--within",
    type=click.IntRange(0, 366),
    metavar="DAYS",
    help="Also list registrations due in the next DAYS days.",
)
@format_option
@limit_option
@pass_app
def overdue(
    app: App,
    /,
    as_of: dt.date | None,
    municipality: str | None,
    place: str | None,
    fail_on_findings: bool,
    within: int | None,
    fmt: str,
) -> None:
    """List registrations past their two-month deadline that the registry has not accepted.

    days_overdue is negative for registrations due in the next --within days.

    \b
    Example:
      nir overdue
      nir overdue --within 14 --place Sentrum
      nir overdue --as-of 2026-03-01 --format csv > overdue.csv
      nir -q overdue --fail-on-findings > o.txt || mail -s "NIR overdue" leder@kommune.no < o.txt
    """
    today = as_of or dt.date.today()
    rows = app.register().overdue(today, within=within, municipality=municipality, place=place)
    emit_rows(
        rows,
        fmt,
        OVERDUE_COLUMNS if fmt != "json" else None,
        empty=_("nothing overdue as of {date}").format(date=today),
    )
    _finish(rows, fail_on_findings)


@click.command()
@scope_options
@click.option(
    "--rule",
    "rule_ids",
    multiple=True,
    metavar="ID",
    help="Only this rule (repeatable); see --list-rules.",
)
@click.option("--list-rules", is_flag=True, help="Show the rules and exit.")
@click.option(
    "--recompute",
    is_flag=True,
    help="Compute every finding afresh and check the kept ones against it (exit 1 if they differ).",
)
@format_option
@limit_option
@pass_app
def missing(
    app: App,
    /,
    as_of: dt.date | None,
    municipality: str | None,
    place: str | None,
    fail_on_findings: bool,
    rule_ids: tuple[str, ...],
    list_rules: bool,
    recompute: bool,
    fmt: str,
) -> None:
    """List data-consistency findings: which registration each person lacks, since when, and
    the deadline it breaks.

    The findings are kept up to date as registrations are written; --recompute checks them
    against a fresh computation over every person.

    \b
    Example:
      nir missing --municipality 5001
      nir missing --rule claim-without-decision --as-of 2026-03-01
      nir missing --recompute
      nir missing --list-rules
    """
    if list_rules:
        from nir_cli.register import Register

        with words_for(fmt):
            rows = Register.rules()
        # A reader of bokmål gets the Norwegian description only; scripts get both.
        table_in_bokmal = norwegian() and output_format(fmt) is Format.TABLE
        emit_rows(rows, fmt, [c for c in rows[0] if c != "english"] if table_in_bokmal else None)
        return
    today = as_of or dt.date.today()
    # A finding's detail is a sentence for a person: in words for a table or Excel, in English
    # for JSON and CSV, so a script gets the same answer in every locale.
    differed: FindingsDiffered | None = None
    with words_for(fmt):
        try:
            findings = app.register().missing(
                today,
                rules=list(rule_ids) or None,
                municipality=municipality,
                place=place,
                recompute=recompute,
            )
        except FindingsDiffered as exc:
            # The fresh findings are the answer; the difference is said, and fails the run.
            findings, differed = exc.findings, exc
    emit_rows(
        findings,
        fmt,
        MISSING_COLUMNS if fmt != "json" else None,
        empty=_("no findings as of {date}").format(date=today),
    )
    if findings and fmt == "table":
        n, persons = len(findings), len({f.person_id for f in findings})
        if persons == 1:
            counted = ngettext("{n} finding for 1 person.", "{n} findings for 1 person.", n)
        else:
            counted = ngettext(
                "{n} finding for {persons} persons.", "{n} findings for {persons} persons.", n
            )
        say(app, counted.format(n=n, persons=persons))
    law_lapsed(app, today)
    if differed is not None:
        raise differed
    if recompute:
        say(app, _("Checked: the kept findings equal a fresh computation over every person."))
    _finish(findings, fail_on_findings)


@click.command()
@click.option("--as-of", type=DATE, help="Judge as of this date (default: today).")
@click.option(
    "--check",
    is_flag=True,
    help="Check the whole store file first (SQLite's quick_check): a damaged store is 78.",
)
@format_option
@pass_app
def status(app: App, /, as_of: dt.date | None, check: bool, fmt: str) -> None:
    """Show what is pending, overdue, due soon, missing, and when the last sync ran.

    \b
    Example:
      nir status
      nir status --format json
      nir status --check
    """
    if check:
        app.store.verify()
    counts = app.register().status(as_of)
    counts["profile"] = app.profile.name
    counts["last_sync"] = counts["last_sync"] or (_("never") if fmt == "table" else None)
    emit_one(counts, fmt)
    law_lapsed(app, as_of)
