"""The law's dated facts: one table, read by the code, said out loud when one has ended.

The clock is moved past every end in the table: the commands that judge by the law say once
which fact has ended (and only when nothing follows it), and no rule fails on that date."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from nir_cli.domain import law
from tests.conftest import SIXA_PERSON_ARGS, SIXA_STARTED, TEST_DUF, CliFn

ENDS = sorted({fact.end for fact in law.FACTS if fact.end is not None})
LAPSING = [fact for fact in law.FACTS if fact in law.lapsed(dt.date.max, fact.topic)]


def test_rows_of_one_fact_follow_each_other_without_gaps_or_overlaps() -> None:
    for name, group in itertools.groupby(sorted(law.FACTS, key=lambda f: f.name), lambda f: f.name):
        rows = law.rows(name)
        assert len(rows) == len(list(group))
        for earlier, later in itertools.pairwise(rows):
            assert earlier.end is not None, name
            assert earlier.end == later.start, name


def test_every_fact_that_can_lapse_says_what_to_check() -> None:
    """A fact whose last row ends must say so when it does; else it would lapse silently."""
    for name in {fact.name for fact in law.FACTS}:
        last = law.rows(name)[-1]
        if last.end is not None:
            assert last.lapse, f"{name} ends on {last.end} and says nothing then"
    assert {fact.name for fact in LAPSING} == {"chapter_6a", "extended_training_grant"}


def test_a_value_is_read_on_its_day() -> None:
    assert law.value("intro_hours", dt.date(2011, 12, 31)) == 300
    assert law.value("intro_hours", dt.date(2012, 1, 1)) == 600
    assert law.fact("extended_training_grant", dt.date(2024, 1, 1)) is None
    assert law.catch_up_cutoff(2023) == dt.date(2024, 2, 29)
    assert law.catch_up_cutoff(2031) is None


@pytest.mark.parametrize("end", ENDS, ids=str)
def test_the_rules_run_past_every_end_and_say_what_lapsed(person: CliFn, end: dt.date) -> None:
    person("person", "add", *SIXA_PERSON_ARGS)
    for args in SIXA_STARTED:
        assert person(*args).exit_code == 0
    lapsed = [f for f in law.lapsed(end) if f.end == end]
    for day in (end - dt.timedelta(days=1), end):
        found = person("missing", "--as-of", day.isoformat(), "--recompute", "--format", "json")
        assert found.exit_code == 0, found.stderr
        status = person("status", "--as-of", day.isoformat(), "--format", "json")
        assert status.exit_code == 0, status.stderr
        for fact in lapsed:
            said = fact.lapse.split("{", 1)[0]
            assert (said in found.stderr) is (day >= end), (fact.name, day, found.stderr)
            assert found.stderr.count(said) <= 1


def test_chapter_6a_s_end_is_said_once_and_not_under_quiet(person: CliFn) -> None:
    after = person("missing", "--as-of", "2026-07-01")
    assert after.stderr.count("chapter 6A ended on 1 July 2026 by the rules this nir knows") == 1
    assert "check whether it was extended (docs/domain.md)" in after.stderr
    assert "chapter 6A" not in person("missing", "--as-of", "2026-06-30").stderr
    assert person("-q", "missing", "--as-of", "2026-07-01").stderr == ""
    shown = person("--lang", "nb", "person", "show", TEST_DUF)
    assert "kapittel 6A opphørte 1. juli 2026" in shown.stderr


def test_a_grant_whose_rate_is_not_known_is_left_out_and_said(person: CliFn) -> None:
    known = person("report", "grant-base", "--year", "2023", "--format", "json")
    assert "grant per decision on extended training" not in known.stderr
    unknown = person("report", "grant-base", "--year", "2024", "--format", "json")
    assert "known to this nir only until 1 January 2024" in unknown.stderr
