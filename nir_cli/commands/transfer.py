"""nir import FILE and nir export: CSV in, CSV or JSON out."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import emit_one, law_lapsed, municipality_option, pass_app, say, warn
from nir_cli.core.i18n import _, ngettext

if TYPE_CHECKING:
    pass


def _a_file(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Completion: the shell lists the files (FILE may also be - for stdin)."""
    from click.shell_completion import CompletionItem

    return [CompletionItem(incomplete, type="file")]


@click.command(name="import")
@click.argument("file", metavar="FILE", shell_complete=_a_file)
@click.option(
    "--kind",
    metavar="persons|registrations|KIND",
    help="What the file holds (detected from the header when left out).",
)
@click.option(
    "--dry-run", is_flag=True, help="Validate and count what would change; write nothing."
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import the valid rows; write the invalid ones to the rejects file.",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rejects file for --skip-invalid [default: FILE.rejects.csv].",
)
@click.option("--encoding", metavar="NAME", help="Force an encoding (default: UTF-8, else cp1252).")
@click.option("--delimiter", metavar="CHAR", help="Force the delimiter: ';', ',' or tab.")
@click.option("--ignore-unknown-columns", is_flag=True, help="Skip columns nir does not know.")
@click.option(
    "--accept-unchecked-duf",
    is_flag=True,
    help="Accept DUF numbers whose check digits do not match.",
)
@click.option(
    "--source",
    type=click.Choice(["hkdir"]),
    help="Whose file it is: hkdir for test results from HK-dir, kept and never sent to NIR "
    "(which has them from HK-dir).",
)
@click.option(
    "--accept-implausible",
    is_flag=True,
    help="Accept registrations that look wrong for their person (a programme decision outside "
    "its target group, a fact after the training window, ...).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Summary format.",
)
@pass_app
def import_(
    app: App,
    /,
    file: str,
    kind: str | None,
    dry_run: bool,
    skip_invalid: bool,
    rejects: Path | None,
    encoding: str | None,
    delimiter: str | None,
    ignore_unknown_columns: bool,
    accept_unchecked_duf: bool,
    source: str | None,
    accept_implausible: bool,
    fmt: str,
) -> None:
    """Import persons or registrations from a CSV file (- reads stdin).

    All or nothing: one invalid row and nothing is written (exit 65), with every problem listed
    as FILE:LINE: column COLUMN: message. Importing the same file again changes nothing. See
    docs/import.md for the columns, in Norwegian or English.

    \b
    Example:
      nir import deltakere.csv
      nir import timer-januar.csv --kind hours --dry-run
      nir import registreringer.csv --skip-invalid --rejects avvist.csv
      nir import proveresultater.csv --source hkdir
      nir export registrations | nir import --dry-run -
    """
    register = app.register(
        accept_unchecked_duf=accept_unchecked_duf, accept_implausible=accept_implausible
    )
    with _progress(app) as progress:
        summary = register.import_file(
            file,
            progress=progress,
            kind=kind,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            rejects=rejects,
            encoding=encoding,
            delimiter=delimiter,
            ignore_unknown_columns=ignore_unknown_columns,
            source=source,
        )
    for problem in summary.problems:
        warn(problem)
    if summary.problem_count > len(summary.problems):
        n = summary.problem_count - len(summary.problems)
        warn(ngettext("... and {n} more problem", "... and {n} more problems", n).format(n=n))
    for note in summary.warnings:
        warn(note)
    if summary.warning_count > len(summary.warnings):
        n = summary.warning_count - len(summary.warnings)
        warn(
            ngettext(
                "... and {n} more cell to look at", "... and {n} more cells to look at", n
            ).format(n=n)
        )
    if summary.rejects_file:
        # Exit 0 (the valid rows are in), but never silent, not even with --quiet.
        warn(
            ngettext(
                "{n} invalid rows skipped; they are in {file} with the reason: fix them there "
                "and import that file",
                "{n} invalid rows skipped; they are in {file} with the reason: fix them there "
                "and import that file",
                summary.rejected,
            ).format(n=summary.rejected, file=summary.rejects_file)
        )
    if fmt == "json":
        emit_one(summary.as_dict(), "json")
    elif not app.quiet:
        if dry_run:
            line = ngettext(
                "{file}: {n} {kind} rows: dry run, nothing written: would be {counts}",
                "{file}: {n} {kind} rows: dry run, nothing written: would be {counts}",
                summary.rows,
            )
        else:
            line = ngettext(
                "{file}: {n} {kind} rows: {counts}",
                "{file}: {n} {kind} rows: {counts}",
                summary.rows,
            )
        click.echo(
            line.format(
                file=summary.file, n=summary.rows, kind=_holds(summary.kind), counts=summary.line()
            )
        )
    law_lapsed(app)


def _holds(kind: str) -> str:
    """What a file holds, as a person reads it: persons, registrations or a kind."""
    from nir_cli.core.headings import heading, word

    return heading(kind) if kind in ("persons", "registrations") else word("kind", kind)


@contextmanager
def _progress(app: App) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal and not --quiet; nothing otherwise."""
    if not sys.stderr.isatty() or app.quiet:
        yield None
        return
    done = 0
    with click.progressbar(length=1, label=_("importing"), file=sys.stderr) as bar:

        def update(position: int, size: int) -> None:
            nonlocal done
            bar.length = max(size, 1)
            bar.update(position - done)
            done = position

        yield update


@click.command()
@click.argument(
    "what",
    # The Norwegian names too (deltakere, registreringer), as the help of a bokmål reader says.
    type=click.Choice(["persons", "registrations", "deltakere", "registreringer"]),
    metavar="persons|registrations",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--excel", is_flag=True, help="For Norwegian Excel: ';' delimiter, decimal commas and a BOM."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (mode 0600) instead of stdout.",
)
@municipality_option
@click.option("--place", metavar="NAME", help="Only this place.")
@pass_app
def export(
    app: App,
    /,
    what: str,
    fmt: str,
    excel: bool,
    output: Path | None,
    municipality: str | None,
    place: str | None,
) -> None:
    """Export persons or registrations as CSV or JSON, with the columns nir import reads.

    Exports are for systems: personal numbers are included unmasked, so treat the file with
    care. Withdrawn registrations are left out.

    \b
    Example:
      nir export persons --excel -o deltakere.csv
      nir export registrations --format json > registreringer.json
    """
    app.store.verify()  # a file for another system: never from a damaged store
    register = app.register()
    kind = register.file_kind(what)
    with _output(output, excel) as handle:
        count = register.export(
            kind,
            handle,
            excel=excel,
            json=fmt == "json",
            municipality=municipality,
            place=place,
        )
    say(app, _exported(kind, count, output))


def _exported(kind: str, count: int, output: Path | None) -> str:
    if kind == "persons" and output is None:
        said = ngettext("Exported {n} person.", "Exported {n} persons.", count)
    elif kind == "persons":
        said = ngettext("Exported {n} person to {path}.", "Exported {n} persons to {path}.", count)
    elif output is None:
        said = ngettext("Exported {n} registration.", "Exported {n} registrations.", count)
    else:
        said = ngettext(
            "Exported {n} registration to {path}.", "Exported {n} registrations to {path}.", count
        )
    return said.format(n=count, path=output)


@contextmanager
def _output(path: Path | None, excel: bool) -> Iterator[TextIO]:
    """The export's destination: stdout, or a 0600 file written whole or not at all (never
    through a symbolic link); with a BOM for Excel."""
    encoding = "utf-8-sig" if excel else "utf-8"
    if path is None:
        # UTF-8 whatever the locale (cron often runs with LANG=C).
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="")
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()
        return
    from nir_cli.core.files import atomic_write

    with atomic_write(path, encoding=encoding, newline="") as handle:
        yield handle
