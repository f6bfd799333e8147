"""CSV and JSON listings are written a few thousand rows at a time (issue #33): the pieces,
joined, are the text the whole list makes at once, for any rows and any split."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nir_cli.core import render
from nir_cli.core.render import Format, render_chunks, render_rows
from tests.conftest import examples

VALUES = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**6),
    st.text(max_size=12),  # controls, quotes, separators, newlines, carriage returns
    st.floats(allow_nan=False, allow_infinity=False),
)
ROWS = st.lists(st.fixed_dictionaries({"a": VALUES, "b": VALUES, "c": VALUES}), max_size=40)


class Pair(NamedTuple):
    a: Any
    b: Any


@settings(max_examples=examples(200), deadline=None)
@given(rows=ROWS, chunk=st.integers(1, 7))
def test_json_pieces_are_the_stdlib_s_text(rows: list[dict[str, Any]], chunk: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "CHUNK_ROWS", chunk)
        pieces = list(render_chunks(rows, Format.JSON))
    assert all(piece.endswith("\n") for piece in pieces)
    whole = "".join(pieces)
    assert whole == json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n"
    assert render_rows(rows, Format.JSON) + "\n" == whole


@settings(max_examples=examples(200), deadline=None)
@given(rows=ROWS, chunk=st.integers(1, 7))
def test_csv_pieces_make_one_file_whatever_the_split(
    rows: list[dict[str, Any]], chunk: int
) -> None:
    whole_at_once = render_rows(rows, Format.CSV, ["a", "b", "c"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "CHUNK_ROWS", chunk)
        pieces = list(render_chunks(rows, Format.CSV, ["a", "b", "c"]))
    assert len(pieces) == max(1, -(-len(rows) // chunk))  # the header with the first rows
    assert "".join(pieces) == whole_at_once + "\n"
    read = list(csv.reader(io.StringIO(whole_at_once, newline="")))
    assert read[0] == ["a", "b", "c"]
    assert len(read) == len(rows) + 1  # a carriage return in a cell never splits its row
    for line, row in zip(read[1:], rows, strict=True):
        assert line[0] == render.strip_controls("" if row["a"] is None else f"{row['a']}")


def test_named_rows_go_by_position_and_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "CHUNK_ROWS", 2)
    rows = [Pair(n, f"x{n}") for n in range(5)]
    assert list(render_chunks(rows, Format.CSV, ["b", "a"])) == [
        "b,a\nx0,0\nx1,1\n",
        "x2,2\nx3,3\n",
        "x4,4\n",
    ]
    assert json.loads("".join(render_chunks(rows, Format.JSON))) == [r._asdict() for r in rows]


CELLS = st.one_of(
    st.none(),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),  # blanks at the ends, other whitespace, line breaks, escapes
    st.sampled_from(["Ærlig Øvre", "  å ", "\u00a0x\u2003", "True", "1.50", "-", "\x01"]),
)


@settings(max_examples=examples(300), deadline=None)
@given(
    headers=st.lists(st.text(max_size=8), min_size=1, max_size=4),
    data=st.data(),
)
def test_the_simple_table_is_tabulate_s(headers: list[str], data: st.DataObject) -> None:
    from tabulate import tabulate

    table = data.draw(st.lists(st.lists(CELLS, min_size=len(headers), max_size=len(headers))))
    drawn = render.simple_table(headers, table)
    if drawn is None:  # left to tabulate: only what it must lay out itself
        cells = [*headers, *(f"{c}" for line in table for c in line if c is not None)]
        assert not table or any(render._drawn_by_tabulate(c) for c in cells)
        return
    assert drawn == tabulate(table, headers=headers, tablefmt="simple", disable_numparse=True)


def test_a_plain_table_is_drawn_without_tabulate() -> None:
    drawn = render.simple_table(["h1", "header2", "n"], [["a", None, 1], ["bbbbbbbb", " x ", 22]])
    assert drawn == (
        "h1        header2    n\n"
        "--------  ---------  ---\n"
        "a                    1\n"
        "bbbbbbbb  x          22"
    )


def test_a_carriage_return_in_a_cell_is_quoted_so_the_row_stays_whole() -> None:
    """nir export and the listings write "\\n" line ends; the csv module then leaves a bare
    "\\r" unquoted, and a reader would split the row there."""
    out = io.StringIO(newline="")
    writer = render.CsvWriter(out, lineterminator="\n")
    writer.writerow(["Kari\rAnne", 1, None])
    writer.writerow(["Ola", 2, None])
    assert out.getvalue() == '"Kari\rAnne","1",""\nOla,2,\n'
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [
        ["Kari\rAnne", "1", ""],
        ["Ola", "2", ""],
    ]
