"""The one renderer: rows as a table (tabulate), JSON or CSV, plain or for Excel.

What it writes for people is made safe to open: control characters (NUL, ESC, bidi overrides
such as U+202E) are left out of tables and CSV, so a name cannot move a terminal's cursor or
turn text around; CSV for Excel also neutralises cells Excel would run as a formula, the OWASP
way (a leading `'`). JSON keeps every value exactly: it escapes what it must itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Any

from nir_cli.core.i18n import norwegian_date, norwegian_month

# C0 controls but tab, newline and carriage return; DEL; bidi embeddings, overrides, isolates.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# A cell Excel (or LibreOffice) would read as a formula or command.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MONTH_COLUMNS = frozenset({"month", "period"})


def strip_controls(text: str) -> str:
    return CONTROLS.sub("", text)


def neutralise_formula(text: str) -> str:
    """`=1+1` → `'=1+1`: shown as text in Excel, never run."""
    return "'" + text if text.startswith(FORMULA_START) else text


def excel_cell(value: Any) -> str:
    """One value as Norwegian Excel reads it: dd.mm.yyyy, decimal comma, yes/no (ja/nei under
    bokmål), no formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, float):
        return (f"{value:g}" if value == round(value, 6) else repr(value)).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict | list | tuple):
        value = _csv_cell(value)
    text = str(value)
    dated = norwegian_date(text)
    if dated != text:
        return dated
    return neutralise_formula(strip_controls(text))


def _spoken(column: str, value: Any) -> Any:
    """A table cell under bokmål: Norwegian names for codes, dd.mm.yyyy, decimal comma."""
    from nir_cli.core.headings import FLAGS, word

    if isinstance(value, str):
        if column in MONTH_COLUMNS:
            return norwegian_month(value)
        if value.endswith("Z") and norwegian_date(value) != value:
            return _local_time(value)
        return norwegian_date(word(column, value)) if value else value
    if isinstance(value, float) and not isinstance(value, bool):
        return (f"{value:g}" if value == round(value, 6) else repr(value)).replace(".", ",")
    if isinstance(value, list | tuple):
        return [_spoken(column, v) for v in value]
    if isinstance(value, dict):  # a registration's details: each field named and valued in words
        from nir_cli.core.headings import heading

        return "; ".join(f"{heading(key)}: {_cell(_spoken(key, v))}" for key, v in value.items())
    if isinstance(value, bool) or (column in FLAGS and value in (0, 1)):
        return _yes_no(bool(value))
    return value


def _local_time(stamp: str) -> str:
    """A UTC timestamp (`...Z`) as the clock on the wall reads it: 29.11.2026 17:13:03."""
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return norwegian_date(stamp)
    return moment.strftime("%d.%m.%Y %H:%M:%S")


def _speaking() -> bool:
    from nir_cli.core.i18n import norwegian

    return norwegian()


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    EXCEL = "excel"  # CSV for Norwegian Excel: ';', CRLF, decimal comma, dd.mm.yyyy, a BOM


# A column holding a share in per cent (0-100): `share_on_time_pct`.
PERCENT_SUFFIX = "_pct"


def percent_text(value: Any) -> str:
    """A per cent figure as a reader writes it: `93.3 %`, under bokmål `93,3 %` (a
    no-break space before the sign, as Norwegian and SI typography have it); blank for None."""
    if value is None:
        return ""
    text = f"{float(value):.1f}".removesuffix(".0")
    return f"{text.replace('.', ',') if _speaking() else text}\u00a0%"


def _yes_no(value: bool) -> str:
    from nir_cli.core.i18n import _

    return _("yes") if value else _("no")


def _cell(value: Any) -> Any:
    """Nested values in a table or CSV cell: dicts as `key=value`, lists joined, None blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"  # CSV keeps the codes; a table in words: _spoken()
    if isinstance(value, dict):
        return " ".join(f"{k}={_cell(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(_cell(v)) for v in value)
    if isinstance(value, str):
        # One line per row in a table: a newline or tab inside a value is a space.
        return strip_controls(value).replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return value


def _csv_cell(value: Any) -> Any:
    import json

    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _cell(value)


# Rows a CSV or JSON listing writes at a time: a listing of 100,000 rows is written as it is
# made, a few thousand rows at a time, and never held whole as one text.
CHUNK_ROWS = 5000


def render_rows(
    rows: Sequence[Any], fmt: Format, columns: Iterable[str] | None = None, *, words: bool = True
) -> str:
    """Rows (dicts, or named tuples) in the chosen format; `columns` picks and orders the
    table/CSV columns. Named tuples go to CSV by position, as they are: a long list never
    becomes dicts, and their values are text, numbers or None. `words=False` keeps a table's
    headings and values as they are under bokmål too (`nir sql`: the reader's own aliases)."""
    if fmt in (Format.CSV, Format.JSON):
        return "".join(render_chunks(rows, fmt, columns)).rstrip("\n")
    if fmt is Format.EXCEL:
        rows = _as_dicts(rows)
        names = list(columns) if columns is not None else (list(rows[0]) if rows else [])
        return _excel(names, rows)
    from tabulate import tabulate

    if not rows:
        return ""
    rows = _as_dicts(rows)
    names = list(columns) if columns is not None else list(rows[0])
    headers, table = table_cells(rows, names, words=words)
    simple = simple_table(headers, table)
    if simple is not None:
        return simple
    return tabulate(table, headers=headers, tablefmt="simple", disable_numparse=True)


def simple_table(headers: list[str], table: list[list[Any]]) -> str | None:
    """tabulate's "simple" table with `disable_numparse`, drawn without it where that is
    plain: every cell its text (`f"{value}"`, None blank) stripped and left-aligned, each
    column as wide as its widest cell or its heading and two, two spaces between columns,
    lines without trailing blanks. tabulate types every cell of every column first, which was
    most of the 4.5 s a table of 100,000 rows took. None where tabulate must draw it: wide
    characters measured by wcwidth, a line break or an escape in a cell; no rows.
    tests/test_render.py holds the two to the same text."""
    import tabulate

    if not table or tabulate.WIDE_CHARS_MODE or any(_drawn_by_tabulate(h) for h in headers):
        return None
    columns: list[list[str]] = [[] for _ in headers]
    for line in table:
        for column, value in zip(columns, line, strict=True):
            text = "" if value is None else f"{value}"
            if _drawn_by_tabulate(text):
                return None
            column.append(text.strip())
    widths = [
        max(len(h) + tabulate.MIN_PADDING, max(map(len, column), default=0))
        for h, column in zip(headers, columns, strict=True)
    ]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += (
        "  ".join(text.ljust(w) for text, w in zip(cells, widths, strict=True)).rstrip()
        for cells in zip(*columns, strict=True)
    )
    return "\n".join(lines)


# What tabulate reads as a line break (str.splitlines' breaks) or the start of an escape code.
_LAID_OUT = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029\x1b]")


def _drawn_by_tabulate(text: str) -> bool:
    """Text tabulate measures or lays out its own way: lines, escape codes, its row marker."""
    return _LAID_OUT.search(text) is not None or text == "\x01"


def render_chunks(
    rows: Sequence[Any], fmt: Format, columns: Iterable[str] | None = None
) -> Iterator[str]:
    """CSV or JSON of the rows, CHUNK_ROWS rows a piece, each piece ending in a newline: what
    `render_rows` gives, joined, with a newline after it. A table is not streamed: its column
    widths need every row."""
    if fmt is Format.JSON:
        yield from _json_chunks(rows)
        return
    assert fmt is Format.CSV, fmt
    named = bool(rows) and hasattr(rows[0], "_fields")
    fields = list(rows[0]._fields if named else rows[0]) if rows else []
    names = list(columns) if columns is not None else fields
    if named:
        from operator import itemgetter

        positions = [fields.index(name) for name in names]
        pick = itemgetter(*positions) if len(positions) > 1 else None
        yield from _csv(names, (pick(row) if pick else (row[positions[0]],) for row in rows), True)
        return
    yield from _csv(names, (_values(row, names) for row in rows))


def _as_dicts(rows: Sequence[Any]) -> Sequence[Any]:
    if rows and hasattr(rows[0], "_fields"):
        return [row._asdict() for row in rows]
    return rows


def _json_chunks(rows: Sequence[Any]) -> Iterator[str]:
    """`json.dumps(rows, indent=2)` as the stdlib writes it, a few thousand rows at a time:
    each row is dumped alone and moved in by one level (JSON text holds no raw newline)."""
    import json

    if not rows:
        yield "[]\n"
        return
    named = hasattr(rows[0], "_fields")
    for start in range(0, len(rows), CHUNK_ROWS):
        items = [
            json.dumps(row._asdict() if named else row, ensure_ascii=False, indent=2, default=str)
            for row in rows[start : start + CHUNK_ROWS]
        ]
        piece = ",\n".join("  " + item.replace("\n", "\n  ") for item in items)
        first, last = start == 0, start + CHUNK_ROWS >= len(rows)
        yield ("[\n" if first else "") + piece + ("\n]\n" if last else ",\n")


def table_cells(
    rows: Sequence[dict[str, Any]], names: Sequence[str], *, words: bool = True
) -> tuple[list[str], list[list[Any]]]:
    """A table's headings and cells as a person reads them (the terminal's table and the HTML
    report's alike): under bokmål Norwegian headings, names for codes, dd.mm.yyyy and decimal
    commas (unless `words` is False); shares as `93,3 %`."""
    if words and _speaking():
        from nir_cli.core.headings import heading

        table = [[_cell(_spoken(name, row.get(name))) for name in names] for row in rows]
        headers = [heading(name) for name in names]
    else:
        table = [[_cell(row.get(name)) for name in names] for row in rows]
        headers = list(names)
    for i, name in enumerate(names):
        if name.endswith(PERCENT_SUFFIX):  # a share is read as "93,3 %", JSON keeps 93.3
            for line, row in zip(table, rows, strict=True):
                line[i] = percent_text(row.get(name))
    return headers, table


def _values(row: dict[str, Any], names: list[str]) -> tuple[Any, ...]:
    try:
        return tuple(row[name] for name in names)
    except KeyError:
        return tuple(row.get(name) for name in names)


def _excel(names: list[str], rows: Sequence[dict[str, Any]]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    if _speaking():
        # Norwegian headings and value names, which `nir import` reads back.
        from nir_cli.core.headings import heading, word

        writer.writerow([heading(name) for name in names])
        writer.writerows(
            [excel_cell(_excel_word(name, row.get(name), word)) for name in names] for row in rows
        )
    else:
        writer.writerow(names)
        writer.writerows([excel_cell(row.get(name)) for name in names] for row in rows)
    return "\ufeff" + out.getvalue()


def _excel_word(column: str, value: Any, word: Any) -> Any:
    return word(column, value) if isinstance(value, str) and value else value


class CsvWriter:
    """csv.writer, but a row with a carriage return in a text cell is quoted whole: with "\n"
    line ends the csv module leaves a cell holding a bare "\r" unquoted, and a reader takes
    the "\r" for the end of the row (a name pasted from Windows would split its row)."""

    def __init__(self, out: Any, **options: Any) -> None:
        import csv

        self._plain = csv.writer(out, **options)
        self._quoted = csv.writer(out, quoting=csv.QUOTE_ALL, **options)

    def writerow(self, values: Sequence[Any]) -> None:
        if any(isinstance(v, str) and "\r" in v for v in values):
            self._quoted.writerow(values)
        else:
            self._plain.writerow(values)


def _csv(
    names: list[str], rows: Iterable[Sequence[Any]], plain_values: bool = False
) -> Iterator[str]:
    import csv
    import io
    from itertools import islice

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    careful = CsvWriter(out, lineterminator="\n")
    writer.writerow(names)
    # Most rows hold only text, numbers and None (which csv writes as blank): written as they
    # are. Rows with anything else go cell by cell.
    plain = {str, int, float, type(None)}
    rows = iter(rows)
    while True:
        block = list(islice(rows, CHUNK_ROWS))
        start = out.tell()
        if plain_values:
            writer.writerows(block)
            if "\r" in out.getvalue()[start:]:  # rare: written again, row by row
                out.seek(start)
                out.truncate()
                for values in block:
                    careful.writerow(values)
        else:
            for values in block:
                if set(map(type, values)) <= plain:
                    careful.writerow(values)
                else:
                    careful.writerow(["" if v is None else _csv_cell(v) for v in values])
        # One pass over each piece's text: cheaper than looking at every cell.
        text = out.getvalue()
        if text:
            yield strip_controls(text)
        if len(block) < CHUNK_ROWS:
            return
        out.seek(0)
        out.truncate()


def render_one(item: dict[str, Any], fmt: Format) -> str:
    """One object: a field/value table, a JSON object, or a one-row CSV."""
    import json

    if fmt is Format.JSON:
        return json.dumps(item, ensure_ascii=False, indent=2, default=str)
    if fmt in (Format.CSV, Format.EXCEL):
        return render_rows([item], fmt)
    from tabulate import tabulate

    if _speaking():
        from nir_cli.core.headings import heading

        pairs = [[heading(k), _cell(_spoken(k, v))] for k, v in item.items()]
    else:
        pairs = [[k, _cell(v)] for k, v in item.items()]
    return tabulate(pairs, tablefmt="plain", disable_numparse=True)
