"""Hypothesis feeds malformed files: wrong encodings, ragged rows, stray quotes, huge fields,
empty files, header only, duplicate headers, duplicate people. Whatever comes in: exit 0 or 65,
never a traceback, and a refused file leaves the store exactly as it was."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TEST_DUF, TEST_FNR, CliFn, examples, snapshot

HEADERS = [
    ["duf", "fornavn", "etternavn", "oppholdsgrunnlag", "tillatelsesdato"],
    ["DUF-nummer", "Type", "Ordning", "Dato"],
    ["duf", "date", "period", "norwegian_hours"],
    ["duf", "fornavn", "Fornavn"],
    ["fnr", "kind", "date", "scheme", "vekt"],
    [],
]
SURROGATES: tuple[Literal["Cs"]] = ("Cs",)  # lone surrogates: not text a file can hold
CELLS = st.one_of(
    st.text(st.characters(exclude_categories=SURROGATES), max_size=12),
    st.sampled_from(
        [
            TEST_DUF,
            TEST_FNR,
            "200205705502",
            "Kari",
            "refugee",
            "flyktning",
            "krav/søknad",
            "training",
            "31.01.2026",
            "2026-01-31",
            "2026-01",
            "12,5",
            "-1",
            '"',
            '"a;b"',
            "",
            " ",
            "\r",
            "\n",
            "ø",
            "x" * 120_000,
        ]
    ),
)


@st.composite
def files(draw: st.DrawFn) -> bytes:
    if draw(st.booleans()) and draw(st.booleans()):
        return draw(st.binary(max_size=300))
    header = draw(st.sampled_from(HEADERS)) or draw(st.lists(CELLS, max_size=5))
    width = len(header)
    rows = draw(
        st.lists(
            st.one_of(st.lists(CELLS, min_size=width, max_size=width), st.lists(CELLS, max_size=7)),
            max_size=6,
        )
    )
    twice = draw(st.booleans())
    if rows and twice:
        rows.append(list(rows[0]))  # the same row twice
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(delimiter.join(row) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=files(),
    kind=st.sampled_from([None, "persons", "registrations", "hours"]),
    skip=st.booleans(),
)
def test_any_file_exits_0_or_65_and_never_half_imports(
    person: CliFn, store_file: Path, data: bytes, kind: str | None, skip: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        path.write_bytes(data)
        args = ["import", str(path)]
        if kind:
            args += ["--kind", kind]
        if skip:
            args += ["--skip-invalid", "--rejects", str(Path(folder) / "rejects.csv")]
        before = snapshot(store_file)
        result = person(*args)
        assert result.exit_code in (0, 65), result.stderr
        assert "Traceback" not in result.stderr
        assert "unexpected error" not in result.stderr
        assert TEST_FNR not in result.stderr
        if result.exit_code == 65:
            assert snapshot(store_file) == before
            # With --skip-invalid, a row's problem never fails the file: only the file itself
            # (its encoding, its header) can, and the valid rows always import.
            if skip:
                assert "invalid row" not in result.stderr, result.stderr
