"""`nir -v`: what nir does as it goes, on stderr, without a personal number or a name."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from nir_cli.registry.faults import Faults
from tests.conftest import CliFn
from tests.sync.test_sync import import_examples

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

STAMP = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d "


def people_in_examples() -> set[str]:
    """Every DUF number, personal number and name in the example files."""
    with (EXAMPLES / "deltakere.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))[1:]
    return {cell for row in rows for cell in row[:4] if cell}


def assert_no_person(text: str) -> None:
    assert not re.search(r"\d{11}", text), "a DUF or personal number in the messages"
    found = {word for word in people_in_examples() if word in text}
    assert not found, f"personal data in the messages: {sorted(found)}"


def test_verbose_says_what_import_sync_and_the_rules_do(synced: CliFn) -> None:
    imported = synced("-v", "import", str(EXAMPLES / "deltakere.csv"))
    assert imported.exit_code == 0, imported.stderr
    assert re.search(STAMP + r"store .+\.db$", imported.stderr, re.M)
    assert re.search(
        STAMP + r"import: .*deltakere\.csv: persons, encoding utf-8-sig, delimiter ';', "
        r"8 columns$",
        imported.stderr,
        re.M,
    )
    assert re.search(
        r"import: .*: \d+ rows checked in [\d.]+ s; committing$", imported.stderr, re.M
    )
    assert re.search(r"findings of 6 persons kept \([\d.]+ s\)$", imported.stderr, re.M)

    synced("import", str(EXAMPLES / "registreringer.csv"))
    pushed = synced("-v", "sync", "--batch-size", "8")
    assert pushed.exit_code == 0, pushed.stderr
    assert re.search(
        STAMP + r"registry http://127\.0\.0\.1:\d+, token from NIR_TOKEN$", pushed.stderr, re.M
    )
    batches = re.findall(
        r"push: batch (\d+): (\d+) records: (\d+) accepted, 0 rejected, 0 conflicts \([\d.]+ s\)",
        pushed.stderr,
    )
    assert [b[0] for b in batches] == ["1", "2", "3"]
    assert sum(int(b[1]) for b in batches) == sum(int(b[2]) for b in batches) == 20
    assert re.search(r"pull: \d+ changes, up to change \d+$", pushed.stderr, re.M)

    listed = synced("-v", "missing", "--rule", "offer-late")
    assert re.search(STAMP + r"\d+ findings \([\d.]+ s\)$", listed.stderr, re.M)
    for text in (imported.stderr, pushed.stderr, listed.stderr):
        assert_no_person(text)


def test_without_verbose_or_with_quiet_there_is_no_such_message(synced: CliFn) -> None:
    import_examples(synced)
    assert "push: batch" not in synced("sync").stderr
    synced("person", "edit", "202490000003", "--place", "Lade")
    quiet = synced("-q", "-v", "sync")
    assert quiet.exit_code == 0
    assert quiet.stderr == ""


def test_verbose_shows_retries(synced: CliFn, faults: Faults) -> None:
    import_examples(synced)
    faults.unavailable, faults.retry_after, faults.seed = 0.5, 0, 5
    result = synced("-v", "sync", "--batch-size", "4")
    retries = re.findall(
        r"POST /v1/batches: HTTP 503; trying again in [\d.]+ s \(try (\d) of 5\)", result.stderr
    )
    assert retries, result.stderr
    assert all(2 <= int(n) <= 5 for n in retries)
