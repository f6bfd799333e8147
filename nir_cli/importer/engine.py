"""The import loop: one write transaction, chunked rows, all problems, a rejects file.

All-or-nothing by default: any invalid row rolls the whole transaction back. With
`skip_invalid` the valid rows commit and the invalid ones go, unchanged plus an `error`
column, to the rejects file. A dry run does everything and rolls back, so its counts are exact.
A process killed mid-import leaves an uncommitted transaction, which SQLite discards.
"""

from __future__ import annotations

import csv
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from nir_cli.core.collector import fewer_collections
from nir_cli.core.config import Profile
from nir_cli.core.constants import (
    HKDIR,
    IMPORT_CHUNK_ROWS,
    IMPORT_MAX_LISTED_PROBLEMS,
)
from nir_cli.core.errors import InvalidData, UsageError
from nir_cli.core.files import AtomicFile
from nir_cli.core.i18n import _, ngettext
from nir_cli.core.render import CONTROLS, FORMULA_START
from nir_cli.domain.identifiers import redact
from nir_cli.domain.model import Checks
from nir_cli.importer.columns import REJECTS_COLUMN, Columns, FileKind, detect_kind, map_columns
from nir_cli.importer.persons import PersonImporter
from nir_cli.importer.reading import open_source, read_csv
from nir_cli.importer.registrations import RegistrationImporter
from nir_cli.importer.rows import ChunkImporter, ImportSummary, Row
from nir_cli.store import Store

log = logging.getLogger(__name__)


@dataclass
class ImportOptions:
    kind: str | None = None
    dry_run: bool = False
    skip_invalid: bool = False
    rejects: Path | None = None
    encoding: str | None = None
    delimiter: str | None = None
    ignore_unknown_columns: bool = False
    source: str | None = None  # None: the municipality's own; "hkdir": test results from HK-dir


class Run:
    """The bookkeeping of one import: counts, problems and the rejects file."""

    def __init__(self, summary: ImportSummary, columns: Columns, rejects: _Rejects | None) -> None:
        self.summary = summary
        self.columns = columns
        self.rejects = rejects
        self.rejected_lines: set[int] = set()
        self.listed: list[tuple[int, str]] = []

    def warn(self, line: int, column: str, message: str) -> None:
        """A cell kept as it is, but worth a look (a formula, control characters)."""
        self.summary.warning_count += 1
        if len(self.summary.warnings) < IMPORT_MAX_LISTED_PROBLEMS:
            header = self.columns.header_of(column) or column
            self.summary.warnings.append(
                _("{file}:{line}: column {column}: {message}").format(
                    file=self.summary.file, line=line, column=header, message=message
                )
            )

    def reject(self, row: Row, column: str | None, message: str) -> None:
        header = self.columns.header_of(column) if column else None
        message = redact(message)
        if header:
            # The rejects file's error cell: the same words without the file and line.
            cell = _("column {column}: {message}").format(column=redact(header), message=message)
            listed = _("{file}:{line}: column {column}: {message}").format(
                file=self.summary.file, line=row.line, column=redact(header), message=message
            )
        else:
            cell = message
            listed = f"{self.summary.file}:{row.line}: {message}"
        self.summary.problem_count += 1
        if len(self.listed) < IMPORT_MAX_LISTED_PROBLEMS:
            self.listed.append((row.line, listed))
            self.summary.problems = [text for __, text in sorted(self.listed)]
        if row.line not in self.rejected_lines:
            self.rejected_lines.add(row.line)
            self.summary.rejected += 1
            if self.rejects is not None:
                self.rejects.writerow([*row.cells, cell])


def _rows(numbered: Iterable[tuple[int, list[str]]], run: Run) -> Iterator[Row]:
    width = len(run.columns.fields)
    for line, cells in numbered:
        joined = "\t".join(cells)
        if not joined.strip():
            continue  # blank lines and rows of empty cells: Excel leaves them behind
        run.summary.rows += 1
        row = Row(line, cells, {})
        if len(cells) != width:
            run.reject(
                row,
                None,
                ngettext(
                    "{n} field, but the header has {width}",
                    "{n} fields, but the header has {width}",
                    len(cells),
                ).format(n=len(cells), width=width),
            )
            continue
        # One look per row for what a spreadsheet or terminal would act on; cell by cell only
        # when there is something.
        odd = CONTROLS.search(joined) or (QUOTED_FORMULA_CELL.search(joined) is not None)
        for name, cell in zip(run.columns.fields, cells, strict=True):
            if name is not None:
                text = cell.strip()
                if text and odd:
                    text = _looked_at(text, line, name, run)
                if text:
                    row.values[name] = text
        yield row


# `'=…`: a cell nir (or a careful person) neutralised for Excel; the quote is not data.
QUOTED_FORMULA = frozenset(f"'{c}" for c in "=+-@")
# A cell starting so, in a row's cells joined by tabs (which CONTROLS does not look for).
QUOTED_FORMULA_CELL = re.compile(r"(?:^|\t)\s*'[=+\-@]")


def _looked_at(text: str, line: int, name: str, run: Run) -> str:
    """The cell's value: kept as it is (warned about when it holds control characters or
    starts like a formula), but for the `'` of a neutralised formula, which is dropped."""
    if text[:2] in QUOTED_FORMULA:
        text = text[1:]
    if text.startswith(FORMULA_START):
        run.warn(
            line,
            name,
            _("starts with {character!r}: kept as text, never run as a formula").format(
                character=text[0]
            ),
        )
    if CONTROLS.search(text):
        run.warn(line, name, _("holds control characters: kept as they are"))
    return text


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def import_file(
    store: Store,
    profile: Profile,
    name: str,
    options: ImportOptions,
    checks: Checks,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import persons or registrations from a CSV file (`-` for stdin); see the module doc."""
    if options.skip_invalid and options.rejects is None and name == "-":
        raise UsageError(_("--skip-invalid with stdin needs --rejects FILE"))
    summary = ImportSummary(file=name if name != "-" else "<stdin>", dry_run=options.dry_run)
    if options.source not in (None, HKDIR):
        raise UsageError(
            _("--source: {source!r} is not a source nir knows; use {hkdir}").format(
                source=options.source, hkdir=HKDIR
            )
        )
    source_tag = f"{options.source or 'import'}:{uuid.uuid4()}"
    with (
        open_source(name, store.path.parent) as source,
        read_csv(source, encoding=options.encoding, delimiter=options.delimiter) as csv_file,
    ):
        file_kind, single_kind = detect_kind(csv_file.header, options.kind)
        columns = map_columns(
            csv_file.header, file_kind, single_kind, summary.file, options.ignore_unknown_columns
        )
        summary.kind = single_kind.value if single_kind else file_kind.value
        if options.source == HKDIR and file_kind is FileKind.PERSONS:
            raise UsageError(_("--source hkdir: HK-dir sends test results, not persons"))
        started = time.monotonic()
        log.info(
            "import: %s: %s, encoding %s, delimiter %r, %d columns",
            summary.file,
            summary.kind,
            csv_file.encoding,
            csv_file.delimiter,
            len(csv_file.header),
        )
        rejects_path = None
        if options.skip_invalid and not options.dry_run:
            rejects_path = options.rejects or Path(f"{name}.rejects.csv")
        with _rejects_file(rejects_path, csv_file.header, csv_file.delimiter) as writer:
            run = Run(summary, columns, writer)
            importer = _importer(store, profile, checks, columns, run, source_tag, options.source)
            with store.write(commit=not options.dry_run), fewer_collections():
                for chunk in _chunks(_rows(csv_file.rows, run), IMPORT_CHUNK_ROWS):
                    importer.process(chunk)
                    run.rejected_lines.clear()  # a row's problems all arise within its chunk
                    if progress is not None:
                        progress(csv_file.position(), csv_file.size)
                refused = bool(summary.problem_count) and not options.skip_invalid
                if options.dry_run:
                    outcome = "rolling back (dry run)"
                elif refused:
                    outcome = "rolling back (invalid rows)"
                else:
                    outcome = "committing"
                log.info(
                    "import: %s: %d rows checked in %.1f s; %s",
                    summary.file,
                    summary.rows,
                    time.monotonic() - started,
                    outcome,
                )
                if refused:
                    raise _all_or_nothing(summary)
        if rejects_path is not None and summary.rejected:
            summary.rejects_file = str(rejects_path)
        elif rejects_path is not None:
            rejects_path.unlink(missing_ok=True)
    return summary


def _importer(
    store: Store,
    profile: Profile,
    checks: Checks,
    columns: Columns,
    run: Run,
    source_tag: str,
    source: str | None,
) -> ChunkImporter:
    if columns.kind is FileKind.PERSONS:
        return PersonImporter(store, profile, checks, columns, run, source_tag)
    return RegistrationImporter(
        store, profile, checks, columns, run, source_tag, from_hkdir=source == HKDIR
    )


def _all_or_nothing(summary: ImportSummary) -> InvalidData:
    lines = list(summary.problems)
    more = summary.problem_count - len(lines)
    if more > 0:
        lines.append(
            ngettext("... and {n} more problem", "... and {n} more problems", more).format(n=more)
        )
    headline = ngettext(
        "{n} invalid row in {file}; nothing was imported",
        "{n} invalid rows in {file}; nothing was imported",
        summary.rejected,
    ).format(n=summary.rejected, file=summary.file)
    return InvalidData(
        "\n".join([headline, *lines]),
        hint=_("fix them and import again, or import the valid rows with --skip-invalid"),
    )


class _Rejects:
    """Writes rejected rows beside their error; renamed into place only on success."""

    def __init__(self, path: Path, header: list[str], delimiter: str) -> None:
        self.file = AtomicFile(path, encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.file.handle, delimiter=delimiter)
        self.writer.writerow([*header, REJECTS_COLUMN])

    def writerow(self, row: list[str]) -> None:
        self.writer.writerow(row)

    def finish(self, ok: bool) -> None:
        if ok:
            self.file.commit()
        else:
            self.file.discard()


@contextmanager
def _rejects_file(
    path: Path | None, header: list[str], delimiter: str
) -> Iterator[_Rejects | None]:
    """The rejects file, kept only when the import itself succeeds."""
    if path is None:
        yield None
        return
    rejects = _Rejects(path, header, delimiter)
    try:
        yield rejects
    except BaseException:
        rejects.finish(ok=False)
        raise
    rejects.finish(ok=True)
