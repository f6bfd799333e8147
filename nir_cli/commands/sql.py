"""nir sql: ad-hoc read-only questions to the profile's store."""

from __future__ import annotations

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import emit_rows, format_option, limit_option, pass_app
from nir_cli.core.i18n import _


@click.command()
@click.argument("query", required=False)
@click.option(
    "-p",
    "--param",
    "params",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="A named parameter, used in the query as :NAME (repeatable).",
)
@click.option("--tables", is_flag=True, help="List the tables and views with their columns.")
@click.option("--schema", is_flag=True, help="Print the CREATE statements of the store.")
@format_option
@limit_option
@pass_app
def sql(
    app: App,
    /,
    query: str | None,
    params: tuple[tuple[str, str], ...],
    tables: bool,
    schema: bool,
    fmt: str,
) -> None:
    """Run a read-only SQL query against the profile's store (sqlite-utils).

    The store is opened read-only by SQLite: no query can change it. The views
    current_persons, current_registrations (with deadline and state) and target_group answer
    the common questions; see docs/sql.md. Output as a table, JSON, CSV or for Excel.

    \b
    Example:
      nir sql "SELECT kind, count(*) AS n FROM current_registrations GROUP BY kind"
      nir sql "SELECT duf, kind, deadline FROM current_registrations WHERE state = :s" -p s overdue
      nir sql --tables
      nir sql --schema
    """
    if not (schema or tables or query):
        raise click.UsageError(_("give a QUERY, or --tables or --schema"))
    register = app.register()
    if schema:
        click.echo(register.sql_schema())
        return
    if tables:
        emit_rows(register.sql_relations(), fmt, empty=_("no tables"))
        return
    rows = register.sql(query or "", dict(params))
    emit_rows(rows, fmt, empty=_("no rows"), words=False)  # the query's own names and values
