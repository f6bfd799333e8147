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


def render_rows(rows: Sequence[Any], fmt: Format, columns: Iterable[str] | None = None) -> str:
    """Rows (dicts, or named tuples) in the chosen format; `columns` picks and orders the
    table/CSV columns. Named tuples go to CSV by position, as they are: a long list never
    becomes dicts, and their values are text, numbers or None."""
    from operator import itemgetter

    named = bool(rows) and hasattr(rows[0], "_fields")
    if named and fmt is not Format.CSV:
        rows = [row._asdict() for row in rows]
        named = False
    if fmt is Format.JSON:
        import json

        return json.dumps(list(rows), ensure_ascii=False, indent=2, default=str)
    fields = list(rows[0]._fields if named else rows[0]) if rows else []
    names = list(columns) if columns is not None else fields
    if fmt is Format.CSV:
        if named:
            positions = [fields.index(name) for name in names]
            pick = itemgetter(*positions) if len(positions) > 1 else None
            return _csv(names, (pick(row) if pick else (row[positions[0]],) for row in rows), True)
        return _csv(names, (_values(row, names) for row in rows))
    from tabulate import tabulate

    if not rows:
        return ""
    table = [[_cell(row.get(name)) for name in names] for row in rows]
    return tabulate(table, headers=names, tablefmt="simple", disable_numparse=True)


def _values(row: dict[str, Any], names: list[str]) -> tuple[Any, ...]:
    try:
        return tuple(row[name] for name in names)
    except KeyError:
        return tuple(row.get(name) for name in names)


def _csv(names: list[str], rows: Iterable[Sequence[Any]], plain_values: bool = False) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    if plain_values:
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    # Most rows hold only text, numbers and None (which csv writes as blank): written as they
    # are. Rows with anything else go cell by cell.
    plain = {str, int, float, type(None)}
    for values in rows:
        if set(map(type, values)) <= plain:
            writer.writerow(values)
        else:
            writer.writerow(["" if v is None else _csv_cell(v) for v in values])
    return out.getvalue().rstrip("\n")


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
