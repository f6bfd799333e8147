"""The kept findings (migration 0012) stay true under any writes: after any history of
registrations written, changed, withdrawn and deleted, in any number of transactions, the
findings kept as they were written are those a fresh computation over every person gives, on
any date. (That the fresh computation answers as the rules did before findings were kept, and
as the law asks, is for the scenario tables in test_scenarios.py.)"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nir_cli.core.errors import FindingsDiffered
from nir_cli.rules.findings import missing
from nir_cli.rules.kept import recompute
from nir_cli.services.stores import open_store
from nir_cli.store import Store
from tests.conftest import examples, store_before

SCHEMES = [None, "training", "programme", "asylum"]
# The kinds the facts count come often; a few others, less often.
KINDS = [
    "claim", "offer", "decision", "start", "end", "hours", "absence", "goal", "education",
] * 3 + ["test-signup", "test-result", "exemption", "leave"]  # fmt: skip
PERSONS = [
    # id, regime, residence basis, birth, permit, settlement
    ("p0", "integreringsloven", "refugee", "1990-01-01", "2023-02-10", "2023-03-01"),
    ("p1", "integreringsloven_6a", "collective_protection", "1985-06-30", "2024-03-31", None),
    ("p2", "introduksjonsloven", "family_of_refugee", "2000-12-31", "2021-08-31", "2021-11-30"),
]


def _day(offset: int) -> str:
    return (dt.date(2023, 1, 1) + dt.timedelta(days=offset)).isoformat()


TURNS = [
    (dt.date(2023 + m // 12, m % 12 + 1, 1) - dt.date(2023, 1, 1)).days + delta
    for m in range(24)
    for delta in (-1, 0)
    if m or delta == 0
]


@st.composite
def registration(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(KINDS))
    # Two years of dates, most of them close to a month's turn, where the rules change answer.
    day = _day(draw(st.one_of(st.integers(0, 730), st.sampled_from(TURNS))))
    details: dict[str, Any] = {}
    if kind == "decision":
        details["outcome"] = draw(st.sampled_from(["granted", "refused", "postponed"]))
    if kind == "end":
        details["reason"] = draw(st.sampled_from([None, "completed", "goal_reached", "moved"]))
    if kind == "education":
        details["upper_secondary"] = draw(st.booleans())
    if kind == "goal":
        details["level"] = draw(st.sampled_from(["A2", "B1"]))
    if kind in ("test-signup", "test-result"):
        details["test"] = "norskprove"
        details["test_date"] = day
        details["reading"] = draw(st.sampled_from(["A2", "B1", "B2"]))
    if kind == "exemption":
        details["exemption_from"] = "tests"
    return {
        "person_id": draw(st.sampled_from([p[0] for p in PERSONS[:2]] * 3 + [PERSONS[2][0]])),
        "kind": kind,
        "scheme": draw(st.sampled_from(SCHEMES)),
        "fact_date": day,
        "details": json.dumps({k: v for k, v in details.items() if v is not None}),
        "withdrawn": draw(st.sampled_from([0, 0, 0, 1])),
    }


# Registrations written, then changed (corrected, withdrawn and restored, deleted), then more
# written.
@st.composite
def months_of(draw: st.DrawFn) -> list[tuple[str, dict[str, Any]]]:
    """A start and a run of monthly hours or absence from its month, now and then with a month
    left out, a month before the start, or an end: what the monthly rules look at."""
    person = draw(st.sampled_from([p[0] for p in PERSONS]))
    scheme, kind = draw(
        st.sampled_from([("training", "hours"), ("asylum", "hours"), ("programme", "absence")])
    )
    first = dt.date(2023, 1, 1) + dt.timedelta(days=draw(st.integers(0, 600)))
    months = draw(st.integers(1, 8))
    skip = draw(st.one_of(st.none(), st.integers(-1, months - 1)))
    rows = [("start", first.isoformat())]
    for index in range(-1 if skip == -1 else 0, months):
        if index == skip and skip != -1:
            continue
        month = dt.date(
            first.year + (first.month - 1 + index) // 12, (first.month - 1 + index) % 12 + 1, 1
        )
        rows.append((kind, (month.replace(day=28)).isoformat()))
    if draw(st.booleans()):
        rows.append(("end", (first + dt.timedelta(days=31 * months)).isoformat()))
    return [
        (
            "insert",
            {
                "person_id": person,
                "kind": k,
                "scheme": scheme,
                "fact_date": day,
                "details": json.dumps({"reason": "completed"} if k == "end" else {}),
                "withdrawn": 0,
            },
        )
        for k, day in rows
    ]


inserts = st.lists(
    st.one_of(st.tuples(st.just("insert"), registration()).map(lambda op: [op]), months_of()),
    min_size=1,
    max_size=30,
).map(lambda groups: [op for group in groups for op in group])
changes = st.lists(
    st.one_of(
        st.tuples(st.just("update"), st.integers(0, 50), registration()),
        st.tuples(st.just("withdraw"), st.integers(0, 50), st.sampled_from([0, 1])),
        st.tuples(st.just("delete"), st.integers(0, 50)),
    ),
    max_size=15,
)
operations = st.tuples(inserts, changes, inserts).map(
    lambda parts: [*parts[0], *parts[1], *parts[2]]
)


def _natural_key(row: dict[str, Any]) -> str:
    if row["kind"] in ("hours", "absence"):
        # Unique per person, kind, scheme and month among live registrations, as in the domain.
        return f"{row['person_id']}|{row['kind']}|{row['scheme'] or ''}|{row['fact_date'][:7]}"
    return f"{row['person_id']}|{row['kind']}|{uuid.uuid4()}"


def _apply(conn: sqlite3.Connection, op: tuple[Any, ...]) -> None:
    ids = [r[0] for r in conn.execute("SELECT id FROM registrations ORDER BY id")]
    pick = ids[op[1] % len(ids)] if ids and op[0] != "insert" else None
    try:
        if op[0] == "insert":
            row = op[1]
            conn.execute(
                "INSERT INTO registrations (id, person_id, kind, scheme, fact_date, deadline, "
                "natural_key, details, version, withdrawn, municipality, created_at, entry_date, "
                "source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, '5001', 'x', 'x', 'test')",
                (
                    str(uuid.uuid4()), row["person_id"], row["kind"], row["scheme"],
                    row["fact_date"], row["fact_date"], _natural_key(row), row["details"],
                    row["withdrawn"],
                ),
            )  # fmt: skip
        elif op[0] == "update" and pick:
            row = op[2]
            conn.execute(
                "UPDATE registrations SET person_id = ?, kind = ?, scheme = ?, fact_date = ?, "
                "natural_key = ?, details = ?, version = version + 1 WHERE id = ?",
                (
                    row["person_id"], row["kind"], row["scheme"], row["fact_date"],
                    _natural_key(row), row["details"], pick,
                ),
            )  # fmt: skip
        elif op[0] == "withdraw" and pick:
            conn.execute("UPDATE registrations SET withdrawn = ? WHERE id = ?", (op[2], pick))
        elif op[0] == "delete" and pick:
            conn.execute("DELETE FROM registrations WHERE id = ?", (pick,))
    except sqlite3.IntegrityError:
        pass  # a second live registration for a month: refused, and the statement undone


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("facts") / "empty.db"
    store = Store.open(path, create=True)
    with store.write() as conn:
        for person in PERSONS:
            _person(conn, person)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


def _kept(store: Store, day: str) -> list[tuple[Any, ...]]:
    return [tuple(f) for f in missing(store, dt.date.fromisoformat(day))]


@settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ops=operations,
    transactions=st.integers(1, 4),
    as_of=st.lists(st.integers(0, 1000).map(_day), min_size=1, max_size=3),
)
def test_kept_findings_stay_true(
    empty_store: Path,
    tmp_path: Path,
    ops: list[tuple[Any, ...]],
    transactions: int,
    as_of: list[str],
) -> None:
    path = tmp_path / f"{uuid.uuid4()}.db"
    shutil.copy(empty_store, path)
    store = Store.open(path)
    try:
        size = -(-len(ops) // transactions)
        for first in range(0, len(ops), size):
            with store.write() as conn:
                for op in ops[first : first + size]:
                    _apply(conn, op)
        kept = {day: _kept(store, day) for day in as_of}
        with store.write() as conn:
            checked = recompute(conn)
        assert checked.differing == {}
        for day in as_of:
            assert kept[day] == _kept(store, day), day
    finally:
        store.close()


def test_a_write_around_store_write_is_counted_before_the_next_read(tmp_path: Path) -> None:
    """A registration written outside Store.write (autocommit) leaves its person noted; the
    next read computes their findings before it answers."""
    path = tmp_path / "around.db"
    store = Store.open(path, create=True)
    with store.write() as conn:
        _person(conn, PERSONS[0])
    claim = {"person_id": "p0", "kind": "claim", "scheme": "training", "fact_date": _day(10)}
    store.conn.execute(
        "INSERT INTO registrations (id, person_id, kind, scheme, fact_date, deadline, "
        "natural_key, details, version, municipality, created_at, entry_date, source) "
        "VALUES ('c0', 'p0', 'claim', 'training', ?, ?, ?, '{}', 1, '5001', 'x', 'x', 'test')",
        (claim["fact_date"], claim["fact_date"], _natural_key(claim)),
    )
    assert store.one("SELECT count(*) AS n FROM findings_dirty") == {"n": 1}
    found = {f.rule for f in missing(store, dt.date(2024, 1, 1))}
    assert "offer-late" in found
    assert store.one("SELECT count(*) AS n FROM findings_dirty") == {"n": 0}
    store.close()


def test_findings_of_other_rules_are_computed_again(tmp_path: Path) -> None:
    """A store whose findings were kept by other rules (an older nir) has them computed again
    at its next read, not read as they are."""
    path = tmp_path / "stamp.db"
    store = Store.open(path, create=True)
    with store.write() as conn:
        _person(conn, PERSONS[0])
    before = missing(store, dt.date(2024, 1, 1))
    assert before
    store.conn.execute("DELETE FROM findings")  # what another nir's rules might have left
    store.conn.execute("UPDATE findings_state SET rules = 'older'")
    assert missing(store, dt.date(2024, 1, 1)) == before
    store.close()


def test_recompute_says_loudly_when_the_kept_findings_were_wrong(tmp_path: Path) -> None:
    path = tmp_path / "wrong.db"
    store = Store.open(path, create=True)
    with store.write() as conn:
        _person(conn, PERSONS[0])
    right = missing(store, dt.date(2024, 1, 1))
    store.conn.execute("UPDATE findings SET fires_from = '9999-01-01'")  # a bug's work
    assert missing(store, dt.date(2024, 1, 1)) == []
    with pytest.raises(FindingsDiffered) as raised:
        missing(store, dt.date(2024, 1, 1), recompute=True)
    assert raised.value.findings == right
    assert "no-claim-or-offer (1)" not in str(raised.value)  # a row kept and a row computed
    assert "no-claim-or-offer (2)" in str(raised.value)
    assert missing(store, dt.date(2024, 1, 1)) == right
    assert missing(store, dt.date(2024, 1, 1), recompute=True) == right
    store.close()


def _person(conn: sqlite3.Connection, person: tuple[str | None, ...]) -> None:
    pid, regime, basis, birth, permit, settlement = person
    conn.execute(
        "INSERT INTO persons (id, version, first_name, last_name, birth_date, "
        "residence_basis, permit_date, settlement_date, regime, municipality, "
        "created_at, entry_date, source) "
        "VALUES (?, 1, 'Test', 'Person', ?, ?, ?, ?, ?, '5001', 'x', 'x', 'test')",
        (pid, birth, basis, permit, settlement, regime),
    )


def test_the_migration_keeps_the_findings_of_a_store_that_had_none(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = store_before(path, 12)
    for person in PERSONS:
        _person(conn, person)
    claim = {"person_id": "p0", "kind": "claim", "scheme": "training", "fact_date": _day(10)}
    conn.execute(
        "INSERT INTO registrations (id, person_id, kind, scheme, fact_date, deadline, "
        "natural_key, details, version, municipality, created_at, entry_date, source) "
        "VALUES ('c0', 'p0', 'claim', 'training', ?, ?, ?, '{}', 1, '5001', 'x', 'x', 'test')",
        (claim["fact_date"], claim["fact_date"], _natural_key(claim)),
    )
    conn.close()
    store = open_store(path)  # the register's opener: its writes keep findings
    try:
        assert store.one("SELECT count(*) AS n FROM findings_dirty") == {"n": 0}
        kept = store.query("SELECT rule, person_id FROM findings ORDER BY 1, 2")
        assert {"rule": "offer-late", "person_id": "p0"} in kept
        with store.write() as conn:
            assert recompute(conn).differing == {}
        names = {r["name"] for r in store.query("SELECT name FROM sqlite_schema")}
        assert "rule_facts" not in names
    finally:
        store.close()


def test_the_latest_schema_has_every_trigger_that_marks_a_person(tmp_path: Path) -> None:
    """A migration that makes persons or registrations anew drops their triggers without a
    word: the kept findings would then go stale. Every one must be there at the latest schema."""
    store = Store.open(tmp_path / "triggers.db", create=True)
    try:
        names = {
            r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        for table in ("registration", "person"):
            for event in ("insert", "update", "delete"):
                assert f"findings_{table}_{event}" in names
    finally:
        store.close()


def test_a_conflict_clause_on_the_write_does_not_defeat_the_marking(tmp_path: Path) -> None:
    """The triggers mark with NOT EXISTS, so an outer INSERT OR REPLACE / OR FAIL (another
    tool's upsert) neither fails on a person marked already nor goes unmarked."""
    store = Store.open(tmp_path / "conflict.db", create=True)
    with store.write() as conn:
        _person(conn, PERSONS[0])
    claim = {"person_id": "p0", "kind": "claim", "scheme": "training", "fact_date": _day(10)}
    row = (claim["fact_date"], claim["fact_date"], _natural_key(claim))
    sql = (
        "INSERT OR {how} INTO registrations (id, person_id, kind, scheme, fact_date, deadline, "
        "natural_key, details, version, municipality, created_at, entry_date, source) "
        "VALUES ('{id}', 'p0', 'claim', 'training', ?, ?, ?, '{{}}', 1, '5001', 'x', 'x', 't')"
    )
    with store.write() as conn:
        conn.execute(sql.format(how="FAIL", id="c1"), row)
        conn.execute(sql.format(how="FAIL", id="c2"), (*row[:2], row[2] + "x"))
        conn.execute(sql.format(how="REPLACE", id="c1"), row)
    assert "offer-late" in {f.rule for f in missing(store, dt.date(2024, 1, 1))}
    with store.write() as conn:
        assert recompute(conn).differing == {}
    store.close()


def test_the_rules_stamp_is_the_same_in_every_process() -> None:
    """A stamp that changed from one process to the next would compute every finding again
    at every write."""
    code = "from nir_cli.rules.kept import _code_stamp; print(_code_stamp())"
    stamps = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    }
    assert len(stamps) == 1
