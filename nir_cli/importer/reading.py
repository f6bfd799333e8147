"""Reading real-world CSV files: strict decoding, delimiter detection, rows with line numbers.

Files come from Excel in Norwegian locale and from case systems: `;`, `,` or tab delimited,
UTF-8 with or without BOM, or Windows-1252. Decoding is strict: UTF-8 first, then cp1252, and
anything else is refused with the byte offset. Never latin-1 guessing, which accepts any byte.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from nir_cli.core.errors import FieldProblem, InputMissing, InvalidData
from nir_cli.core.i18n import _

SCAN_CHUNK = 1 << 20
DELIMITERS = (";", "\t", ",")
CANDIDATE_ENCODINGS = ("utf-8-sig", "cp1252")
MAX_FIELD = 100_000


@dataclass(frozen=True)
class Source:
    """A file to import: its name for messages and a path on disk."""

    name: str
    path: Path


@contextmanager
def open_source(name: str, spool_dir: Path) -> Iterator[Source]:
    """A named file, or `-` for stdin spooled to a private temporary file (read twice)."""
    if name != "-":
        path = Path(name)
        if not path.is_file():
            raise InputMissing(_("{file}: no such file").format(file=name))
        yield Source(name, path)
        return
    spool_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".import-", suffix=".csv", dir=spool_dir)
    try:
        with os.fdopen(fd, "wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle)
        yield Source("<stdin>", Path(tmp))
    finally:
        Path(tmp).unlink(missing_ok=True)


def _first_error(path: Path, encoding: str) -> int | None:
    """Byte offset of the first byte `encoding` cannot decode, or None when all decode."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(SCAN_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return offset + exc.start
    return None


def detect_encoding(source: Source, forced: str | None = None) -> str:
    """The encoding to read with, checked over the whole file before anything is imported."""
    if forced:
        try:
            codecs.lookup(forced)
        except LookupError:
            raise FieldProblem(
                "encoding", _("unknown encoding {encoding!r}").format(encoding=forced)
            ) from None
        bad = _first_error(source.path, forced)
        if bad is not None:
            raise InvalidData(
                _("{file}: byte offset {offset} is not valid {encoding}").format(
                    file=source.name, offset=bad, encoding=forced
                )
            )
        return forced
    errors = {}
    for encoding in CANDIDATE_ENCODINGS:
        bad = _first_error(source.path, encoding)
        if bad is None:
            return encoding
        errors[encoding] = bad
    raise InvalidData(
        _(
            "{file}: not UTF-8 (invalid byte at offset {utf8}) and not "
            "Windows-1252 (undefined byte at offset {cp1252})"
        ).format(file=source.name, utf8=errors["utf-8-sig"], cp1252=errors["cp1252"]),
        hint=_("save the file as UTF-8 (Excel: 'CSV UTF-8'), or name its encoding with --encoding"),
    )


def detect_delimiter(header_line: str, forced: str | None = None) -> str:
    """The delimiter the header line uses most: `;` (Norwegian Excel), tab or `,`."""
    if forced:
        named = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ","}
        delimiter = named.get(forced.lower(), forced)
        if len(delimiter) != 1:
            raise FieldProblem(
                "delimiter",
                _("{delimiter!r} is not one character (or tab)").format(delimiter=forced),
            )
        return delimiter
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class CsvFile:
    """An open CSV file: header cells, delimiter, encoding, and rows with their line numbers."""

    source: Source
    encoding: str
    delimiter: str
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    position: Callable[[], int]
    size: int


@contextmanager
def read_csv(
    source: Source, *, encoding: str | None = None, delimiter: str | None = None
) -> Iterator[CsvFile]:
    """Open a file for streaming; memory stays flat whatever its size."""
    chosen = detect_encoding(source, encoding)
    size = source.path.stat().st_size
    binary: BinaryIO = source.path.open("rb")
    try:
        text = io.TextIOWrapper(binary, encoding=chosen, newline="")
        first = text.readline()
        if not first.strip():
            raise InvalidData(
                _("{file}: the file is empty; the first line must be a header").format(
                    file=source.name
                )
            )
        sep = detect_delimiter(first, delimiter)
        text.seek(0)
        csv.field_size_limit(MAX_FIELD)
        reader = csv.reader(text, delimiter=sep, strict=True)
        header = _next_row(reader, source)
        if header is None:
            raise InvalidData(
                _("{file}: the file is empty; the first line must be a header").format(
                    file=source.name
                )
            )

        def rows() -> Iterator[tuple[int, list[str]]]:
            start = reader.line_num + 1
            while True:
                row = _next_row(reader, source)
                if row is None:
                    return
                yield start, row
                start = reader.line_num + 1

        yield CsvFile(source, chosen, sep, header, rows(), binary.tell, size)
    finally:
        binary.close()


def _next_row(reader: Iterator[list[str]], source: Source) -> list[str] | None:
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        line = getattr(reader, "line_num", 0)
        raise InvalidData(
            _("{file}:{line}: malformed CSV: {error}").format(
                file=source.name, line=line, error=exc
            ),
            hint=_("check the quotes on that line; nothing was imported"),
        ) from None
