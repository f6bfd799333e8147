"""CSV and JSON out, with the column names `nir import` reads, so an export re-imports as
`0 created, 0 changed`. Streams row by row: memory stays flat."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from nir_cli.core.headings import heading, word
from nir_cli.core.i18n import norwegian, norwegian_month
from nir_cli.core.render import CsvWriter, excel_cell, strip_controls
from nir_cli.importer.columns import FileKind, registration_fields
from nir_cli.store import Store, export
from nir_cli.store.persons import PERSON_COLUMNS

REGISTRATION_HEAD = ("id", "duf", "fnr", "kind", "scheme", "date")


def columns(kind: FileKind) -> list[str]:
    if kind is FileKind.PERSONS:
        return ["id", *PERSON_COLUMNS]
    return [*REGISTRATION_HEAD, *registration_fields()]


def rows(
    store: Store, kind: FileKind, *, municipality: str | None = None, place: str | None = None
) -> Iterator[dict[str, Any]]:
    """Persons, or live (not withdrawn) registrations, as flat dicts of export columns."""
    if kind is FileKind.PERSONS:
        yield from export.persons(store, ["id", *PERSON_COLUMNS], municipality, place)
        return
    for row in export.registrations(store, municipality, place):
        row.update(json.loads(row.pop("details")))
        yield row


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}" if value == round(value, 6) else repr(value)
    return str(value)


class _Clean:
    """Passes the writer's lines on without control characters (NUL, ESC, U+202E, ...): one
    look per line, not per cell."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, text: str) -> int:
        return self.out.write(strip_controls(text))


def write_csv(
    out: TextIO, kind: FileKind, records: Iterator[dict[str, Any]], *, excel: bool = False
) -> int:
    """CSV with a header, without control characters; `excel`: `;`, CRLF, decimal commas,
    dd.mm.yyyy and formulas neutralised, for Norwegian Excel (the caller writes the BOM);
    nir import reads both back. Returns the number of rows."""
    names = columns(kind)
    writer = CsvWriter(
        _Clean(out), delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n"
    )
    count = 0
    if excel and norwegian():
        # Bokmål headings and value names for a person in Excel; nir import reads them back.
        writer.writerow([heading(name) for name in names])
        for record in records:
            writer.writerow([excel_cell(_word(name, record.get(name))) for name in names])
            count += 1
        return count
    writer.writerow(names)
    cell = excel_cell if excel else _cell
    for record in records:
        writer.writerow([cell(record.get(name)) for name in names])
        count += 1
    return count


def _word(column: str, value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    if column == "period":
        return norwegian_month(value)
    return word(column, value)


def write_json(out: TextIO, records: Iterator[dict[str, Any]]) -> int:
    """A JSON array written element by element."""
    count = 0
    out.write("[")
    for record in records:
        out.write(",\n  " if count else "\n  ")
        out.write(
            json.dumps({k: v for k, v in record.items() if v is not None}, ensure_ascii=False)
        )
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count
