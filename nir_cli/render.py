"""The one renderer: rows as a table (tabulate), JSON or CSV."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def _cell(value: Any) -> Any:
    """Nested values in a table or CSV cell: dicts as `key=value`, lists joined, None blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return " ".join(f"{k}={_cell(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(_cell(v)) for v in value)
    return value


def _csv_cell(value: Any) -> Any:
    import json

    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _cell(value)


def render_rows(
    rows: Sequence[dict[str, Any]], fmt: Format, columns: Iterable[str] | None = None
) -> str:
    """Rows (dicts) in the chosen format; `columns` picks and orders the table/CSV columns."""
    import csv
    import io
    import json
    from operator import itemgetter

    if fmt is Format.JSON:
        return json.dumps(list(rows), ensure_ascii=False, indent=2, default=str)
    names = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    if fmt is Format.CSV:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        # Most rows hold only text, numbers and None (which csv writes as blank): written as
        # they are. Rows with anything else, or without some column, go cell by cell.
        plain = {str, int, float, type(None)}
        pick = itemgetter(*names) if len(names) > 1 else None
        for row in rows:
            try:
                values = pick(row) if pick is not None else (row[names[0]],)
            except KeyError:
                values = tuple(row.get(name) for name in names)
            if set(map(type, values)) <= plain:
                writer.writerow(values)
            else:
                writer.writerow(["" if v is None else _csv_cell(v) for v in values])
        return out.getvalue().rstrip("\n")
    from tabulate import tabulate

    if not rows:
        return ""
    table = [[_cell(row.get(name)) for name in names] for row in rows]
    return tabulate(table, headers=names, tablefmt="simple", disable_numparse=True)


def render_one(item: dict[str, Any], fmt: Format) -> str:
    """One object: a field/value table, a JSON object, or a one-row CSV."""
    import json

    if fmt is Format.JSON:
        return json.dumps(item, ensure_ascii=False, indent=2, default=str)
    if fmt is Format.CSV:
        return render_rows([item], fmt)
    from tabulate import tabulate

    return tabulate(
        [[k, _cell(v)] for k, v in item.items()], tablefmt="plain", disable_numparse=True
    )
