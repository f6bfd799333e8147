"""`nir person list --limit N` reads no more than N persons from the store (issue #33: at
100,000 persons `--limit 1` took seconds, building every person first)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nir_cli.store import persons
from tests.conftest import CliFn

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_limit_reads_only_the_rows_it_shows(
    profile: CliFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert profile("import", str(EXAMPLES / "deltakere.csv")).exit_code == 0
    everyone = json.loads(profile("person", "list", "--format", "json").stdout)
    assert len(everyone) > 2
    asked: list[int | None] = []
    listed = persons.listed

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(kwargs.get("limit"))
        return listed(*args, **kwargs)

    monkeypatch.setattr(persons, "listed", counting)
    two = json.loads(profile("person", "list", "--limit", "2", "--format", "json").stdout)
    assert asked == [2]
    assert two == everyone[:2]  # the same first two, in the same order
