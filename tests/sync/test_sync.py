"""nir sync against the real reference registry on a free loopback port."""

from __future__ import annotations

import datetime as dt
import gc
import json
import sqlite3
import threading
from pathlib import Path

import pytest

from nir_cli.registry.faults import Faults
from nir_cli.sandbox.synthetic import people
from nir_cli.store import Store
from nir_cli.store.outbox import PENDING_AFTER as NEXT
from nir_cli.sync.client import RegistryClient
from nir_cli.wire import BatchOut, RecordIn, Role
from tests.conftest import TEST_DUF, CliFn, snapshot
from tests.registry.conftest import Registry
from tests.sync.conftest import EXAMPLES, records, registry_rows


def import_examples(cli: CliFn, profile: str = "test") -> None:
    for name in ("deltakere.csv", "registreringer.csv"):
        assert cli("--profile", profile, "import", str(EXAMPLES / name)).exit_code == 0


def test_import_sync_and_pull_into_a_second_store(
    synced: CliFn, nir_home: Path, live: Registry
) -> None:
    import_examples(synced)
    first = synced("sync", "--format", "json")
    assert first.exit_code == 0, first.stderr
    assert json.loads(first.stdout)["accepted"] == 20
    assert synced("--profile", "second", "sync").exit_code == 0
    a, b = records(nir_home / "data" / "test.db"), records(nir_home / "data" / "second.db")
    assert a == b
    assert len(a["registrations"]) == 14
    assert all(v[0] == v[-1] for v in a["registrations"].values())  # all accepted
    # An edit in the second office reaches the first.
    reg_id = next(iter(b["registrations"]))
    assert (
        synced(
            "--profile", "second", "registration", "withdraw", reg_id, "--reason", "entered twice"
        ).exit_code
        == 0
    )
    assert synced("--profile", "second", "sync").exit_code == 0
    assert synced("sync").exit_code == 0
    assert records(nir_home / "data" / "test.db") == records(nir_home / "data" / "second.db")
    assert set(registry_rows(live).values()) <= {1, 2}
    # What was pulled, a withdrawal among it, was kept in the findings as it came: each store's
    # kept findings are those a fresh computation gives, and the two stores find the same.
    found = {}
    for profile in ("test", "second"):
        checked = synced(
            "--profile", profile, "missing", "--recompute", "--as-of", "2026-12-01",
            "--format", "json",
        )  # fmt: skip
        assert checked.exit_code == 0, checked.stderr
        found[profile] = json.loads(checked.stdout)
    assert found["test"] == found["second"]
    assert found["test"]


def test_wire_records_built_in_sql_are_exactly_recordin(profile: CliFn, store_file: Path) -> None:
    """The outbox's records are put together as JSON text by SQLite; every field must be the
    one RecordIn would write, with the same value, for every kind and a withdrawn one."""
    import_examples(profile)
    hours = profile("import", str(EXAMPLES / "timer-2026-01.csv"), "--kind", "hours")
    assert hours.exit_code == 0, hours.stderr
    reg_id = sqlite3.connect(store_file).execute("SELECT id FROM registrations").fetchone()[0]
    withdrawn = profile("registration", "withdraw", reg_id, "--reason", 'feil "dato" æøå')
    assert withdrawn.exit_code == 0, withdrawn.stderr
    store = Store.open(store_file)
    try:
        rows = store.conn.execute(NEXT, {"after": 0}).fetchall()
        plan = [row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {NEXT}", {"after": 0})]
    finally:
        store.close()
    assert len(rows) == 24
    kinds = set()
    for row in rows:
        model = RecordIn.model_validate_json(row[5])
        assert json.loads(row[5]) == json.loads(model.model_dump_json())
        kinds.add(model.body.get("kind", "person"))
    assert kinds == {"person", "claim", "decision", "start", "test-result", "hours"}
    assert any(json.loads(row[5])["withdrawn"] for row in rows)
    # Read in outbox order straight from the (state, seq) index, so nir sync reads only as many
    # rows as a batch needs: no sort of every pending row first.
    assert plan[0].startswith("SEARCH o USING INDEX outbox_state (state=? AND seq>?)"), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


def test_two_batches_on_the_wire_never_carry_a_registration_before_its_person(
    synced: CliFn, faults: Faults, nir_home: Path, live: Registry
) -> None:
    """One record a batch, two batches on the wire, and answers that take a random while: the
    registry takes them in any order, so a registration must wait for its person's batch."""
    for p in people(6, seed=3, today=dt.date(2026, 1, 1)):  # person, claim, person, claim...
        added = synced(
            "person",
            "add",
            "--duf",
            p.duf,
            "--fnr",
            p.fnr,
            "--first-name",
            p.first_name,
            "--last-name",
            p.last_name,
            "--residence-basis",
            p.residence_basis,
            "--permit-date",
            p.permit_date.isoformat(),
        )
        assert added.exit_code == 0, added.stderr
        claim = p.permit_date + dt.timedelta(days=30)
        registered = synced(
            "register", "claim", p.duf, "--date", claim.isoformat(), "--scheme", "training"
        )
        assert registered.exit_code == 0, registered.stderr
    faults.jitter = 0.05
    result = synced("sync", "--batch-size", "1", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["accepted"], report["rejected"], report["conflicts"]) == (12, 0, 0)
    assert set(registry_rows(live).values()) == {1}


def test_a_second_sync_sends_nothing_and_changes_nothing(synced: CliFn, store_file: Path) -> None:
    import_examples(synced)
    synced("sync")
    before = snapshot(store_file)
    again = synced("sync", "--format", "json")
    assert json.loads(again.stdout)["sent"] == 0
    after = snapshot(store_file)
    assert {k: v for k, v in after.items() if not k.startswith("sync_")} == {
        k: v for k, v in before.items() if not k.startswith("sync_")
    }


def test_a_sync_leaves_the_cycle_collector_as_it_found_it(synced: CliFn) -> None:
    """nir sync freezes what exists and lets the collector run less often while it runs; in a
    process that goes on (a script, these tests) both are undone when it ends."""
    import_examples(synced)
    before = gc.get_threshold()
    assert synced("sync").exit_code == 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_dry_run_asks_the_registry_and_stores_nothing(
    synced: CliFn, store_file: Path, live: Registry
) -> None:
    import_examples(synced)
    before = snapshot(store_file)["outbox"]
    result = synced("sync", "--dry-run", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["accepted"] == 20
    assert snapshot(store_file)["outbox"] == before
    assert registry_rows(live) == {}


def test_a_dry_run_in_small_batches_counts_registrations_of_persons_it_sends_too(
    synced: CliFn, store_file: Path, live: Registry
) -> None:
    """Nothing is stored in a dry run, so the persons of the first batches are unknown to the
    registry when their registrations arrive in later ones: that is not a rejection."""
    import_examples(synced)
    result = synced("sync", "--dry-run", "--batch-size", "5", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert (json.loads(result.stdout)["accepted"], json.loads(result.stdout)["rejected"]) == (20, 0)
    assert registry_rows(live) == {}


def test_a_dry_run_asks_about_every_outbox_row_once(
    synced: CliFn, store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_examples(synced)
    asked: list[str] = []
    push = RegistryClient.push

    def spy(self: RegistryClient, batch: str) -> tuple[BatchOut, str]:  # the real push, watched
        asked.extend(r["id"] for r in json.loads(batch)["records"])
        return push(self, batch)

    monkeypatch.setattr(RegistryClient, "push", spy)
    assert synced("sync", "--dry-run", "--batch-size", "3").exit_code == 0
    pending = sqlite3.connect(store_file).execute(
        "SELECT entity_id FROM outbox WHERE state = 'pending'"
    )
    assert sorted(asked) == sorted(row[0] for row in pending)


def test_rejected_records_wait_for_a_correction(synced: CliFn, store_file: Path) -> None:
    # The transfer user belongs to 5001; a person of 5028 is refused by the registry.
    synced(
        "person",
        "add",
        "--duf",
        TEST_DUF,
        "--first-name",
        "Kari",
        "--last-name",
        "N",
        "--birth-date",
        "1990-01-15",
        "--residence-basis",
        "refugee",
        "--permit-date",
        "2025-06-01",
        "--municipality",
        "5028",
    )
    result = synced("sync")
    assert result.exit_code == 65
    assert "wrong_municipality" in result.stderr
    listed = json.loads(synced("rejected", "--format", "json").stdout)
    assert [(r["entity"], r["name"], r["duf"], r["code"]) for r in listed] == [
        ("person", "Kari N", TEST_DUF, "wrong_municipality")
    ]
    assert listed[0]["fix"].startswith(f"nir person edit {TEST_DUF} --municipality")
    table = synced("rejected")
    assert "Kari N" in table.stdout
    assert "nir person edit" in table.stdout
    outbox = snapshot(store_file)["outbox"]
    assert [row[6] for row in outbox] == ["rejected"]
    again = synced("sync")  # not sent again, still reported
    assert again.exit_code == 65
    assert "0 sent" in again.stdout
    assert "1 rejected wait for a correction" in again.stdout
    synced("person", "edit", TEST_DUF, "--municipality", "5001")
    fixed = synced("sync")
    assert fixed.exit_code == 0, fixed.stderr


def test_a_conflict_waits_for_a_person_and_is_resolved(synced: CliFn, nir_home: Path) -> None:
    synced(
        "person",
        "add",
        "--duf",
        TEST_DUF,
        "--first-name",
        "Kari",
        "--last-name",
        "N",
        "--birth-date",
        "1990-01-15",
        "--residence-basis",
        "refugee",
        "--permit-date",
        "2025-06-01",
    )
    synced("sync")
    synced("--profile", "second", "sync")
    synced("person", "edit", TEST_DUF, "--first-name", "Kari Anne")
    synced("--profile", "second", "person", "edit", TEST_DUF, "--last-name", "Nordmann")
    assert synced("sync").exit_code == 0
    clash = synced("--profile", "second", "sync")
    assert clash.exit_code == 5
    assert "conflict person" in clash.stderr
    listed = json.loads(
        synced("--profile", "second", "conflicts", "list", "--format", "json").stdout
    )
    assert len(listed) == 1
    assert listed[0]["name"] == "Kari Nordmann"
    assert listed[0]["duf"] == TEST_DUF
    shown = json.loads(
        synced(
            "--profile", "second", "conflicts", "show", str(listed[0]["id"]), "--format", "json"
        ).stdout
    )
    # Only the fields that differ, side by side.
    assert shown["differences"] == [
        {"field": "first_name", "mine": "Kari", "registry": "Kari Anne"},
        {"field": "last_name", "mine": "Nordmann", "registry": "N"},
    ]
    table = synced("--profile", "second", "conflicts", "show", str(listed[0]["id"]))
    assert "mine" in table.stdout
    assert "registry" in table.stdout
    assert "birth_date" not in table.stdout
    resolved = synced(
        "--profile", "second", "conflicts", "resolve", str(listed[0]["id"]), "--keep", "theirs"
    )
    assert resolved.exit_code == 0
    assert synced("--profile", "second", "sync").exit_code == 0
    assert synced("sync").exit_code == 0
    a, b = records(nir_home / "data" / "test.db"), records(nir_home / "data" / "second.db")
    assert a == b
    assert next(iter(a["persons"].values()))[1:3] == ("Kari Anne", "N")


@pytest.mark.parametrize("unavailable", [1.0])
def test_registry_away_is_exit_75_with_the_outbox_intact(
    synced: CliFn, store_file: Path, faults: Faults, unavailable: float
) -> None:
    import_examples(synced)
    faults.unavailable = unavailable
    faults.retry_after = 0
    before = snapshot(store_file)["outbox"]
    result = synced("sync")
    assert result.exit_code == 75
    assert "did not answer (HTTP 503) after 5 tries" in result.stderr
    assert "the outbox is intact" in result.stderr
    # Every row is still pending; the unanswered batch is remembered, to be sent again first.
    assert snapshot(store_file)["outbox"] == before
    batches = _batches(store_file)
    assert [(state, payload.startswith('{"idempotency_key"')) for state, payload in batches] == [
        ("sending", True)
    ]
    faults.unavailable = 0
    assert synced("sync").exit_code == 0
    # Answered, a batch keeps its report but not its payload: the records are in the store.
    assert [state for state, _ in _batches(store_file)] == ["done"]
    assert {payload for _, payload in _batches(store_file)} == {""}


def _batches(store_file: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(store_file)
    try:
        return conn.execute("SELECT state, payload FROM sync_batches ORDER BY rowid").fetchall()
    finally:
        conn.close()


def test_answers_lost_after_commit_are_recovered_without_duplicates(
    synced: CliFn, faults: Faults, live: Registry, store_file: Path
) -> None:
    import_examples(synced)
    faults.drop_after_commit = 1.0  # every batch is stored, and its answer never arrives
    assert synced("sync", "--batch-size", "7").exit_code == 75
    faults.drop_after_commit = 0.0
    result = synced("sync", "--batch-size", "7")
    assert result.exit_code == 0, result.stderr
    assert set(registry_rows(live).values()) == {1}
    assert len(registry_rows(live)) == 20
    assert {row[6] for row in snapshot(store_file)["outbox"]} == {"accepted"}


def test_flaky_registry_converges(synced: CliFn, faults: Faults, live: Registry) -> None:
    import_examples(synced)
    faults.unavailable, faults.retry_after, faults.drop_after_commit = 0.3, 0, 0.3
    faults.seed = 3
    for _ in range(6):
        if synced("sync", "--batch-size", "4").exit_code == 0:
            break
    faults.unavailable = faults.drop_after_commit = 0
    assert synced("sync").exit_code == 0
    assert set(registry_rows(live).values()) == {1}
    assert len(registry_rows(live)) == 20


def test_slow_answers_past_the_timeout_are_exit_75(
    synced: CliFn, faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nir_cli.core import constants

    import_examples(synced)
    monkeypatch.setattr(constants, "HTTP_READ_TIMEOUT", 0.2)
    monkeypatch.setattr(constants, "RETRY_ATTEMPTS", 2)
    faults.latency = 0.5
    result = synced("sync")
    assert result.exit_code == 75
    assert "ReadTimeout" in result.stderr


def test_one_sync_per_store(synced: CliFn, store_file: Path) -> None:
    from nir_cli.store import Store
    from nir_cli.sync.engine import sync_lock

    import_examples(synced)
    store = Store.open(store_file)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with sync_lock(store):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(5)
    try:
        result = synced("sync")
    finally:
        release.set()
        thread.join()
        store.close()
    assert result.exit_code == 75
    assert "another nir sync is running" in result.stderr


def test_not_logged_in_is_exit_4(synced: CliFn, monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    monkeypatch.delenv("NIR_TOKEN")
    monkeypatch.setattr(keyring, "get_keyring", lambda: NoKeyring())
    result = synced("sync")
    assert result.exit_code == 4
    assert "not logged in" in result.stderr
    assert "--save-to" in result.stderr


def test_a_revoked_token_is_exit_4(synced: CliFn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIR_TOKEN", "not-a-token")
    result = synced("sync")
    assert result.exit_code == 4
    assert "nir auth login" in result.stderr


def test_quiet_sync_prints_nothing_on_success(synced: CliFn) -> None:
    import_examples(synced)
    result = synced("-q", "sync")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_sync_log_and_show(synced: CliFn) -> None:
    import_examples(synced)
    synced("sync", "--batch-size", "8")
    runs = json.loads(synced("sync", "log", "--format", "json").stdout)
    assert runs[0]["sent"] == 20
    batches = json.loads(synced("sync", "show", str(runs[0]["run"]), "--format", "json").stdout)
    assert [b["accepted"] for b in batches] == [8, 8, 4]
    assert all(b["report"]["results"] for b in batches)  # the report as JSON, not a string
    status = json.loads(synced("status", "--format", "json").stdout)
    assert status["last_sync"] is not None
    assert status["pending"] == 0


def test_a_conflicts_differences_are_values_not_defaults() -> None:
    from nir_cli.sync.conflicts import differences

    mine = {
        "kind": "hours",
        "fact_date": "2026-01-31",
        "period": "2026-01",
        "norwegian_hours": 42.5,
        "scheme": "training",
    }
    theirs = {**mine, "norwegian_hours": 40.0, "social_studies_hours": 0.0}
    conflict = {"entity": "registration", "local": mine, "registry_body": theirs}
    assert differences(conflict, show_ids=False) == [
        {"field": "norwegian_hours", "mine": 42.5, "registry": 40.0}
    ]


def test_every_kind_nir_has_syncs_and_pulls_as_it_was(
    synced: CliFn, nir_home: Path, live: Registry
) -> None:
    """Each kind, registered as its --help example says, reaches the registry and the second
    office unchanged: the outbox's JSON, the registry's validation and the pull agree."""
    import shlex

    from nir_cli.commands.register import EXAMPLE_PERSON, EXAMPLE_PERSONS, EXAMPLES
    from tests.conftest import PERSON_ARGS, SIXA_PERSON_ARGS, SIXA_STARTED

    assert synced("person", "add", *PERSON_ARGS).exit_code == 0
    assert synced("person", "add", *SIXA_PERSON_ARGS).exit_code == 0
    for args in SIXA_STARTED:  # what chapter 6A's extended training needs first
        assert synced(*args).exit_code == 0
    for kind, example in EXAMPLES.items():
        who = EXAMPLE_PERSONS.get(kind, EXAMPLE_PERSON)
        done = synced("register", kind.value, who, *shlex.split(example))
        assert done.exit_code == 0, (kind, done.stderr)
    sent = synced("sync", "--format", "json")
    assert sent.exit_code == 0, sent.stderr
    assert json.loads(sent.stdout)["accepted"] == 2 + len(SIXA_STARTED) + len(EXAMPLES)
    assert synced("--profile", "second", "sync").exit_code == 0
    a, b = records(nir_home / "data" / "test.db"), records(nir_home / "data" / "second.db")
    assert a == b
    assert len(a["registrations"]) == len(SIXA_STARTED) + len(EXAMPLES)


def test_the_registry_tells_the_same_entitlement_as_person_show(
    synced: CliFn, live: Registry
) -> None:
    from tests.conftest import PERSON_ARGS

    assert synced("person", "add", *PERSON_ARGS).exit_code == 0
    for kind, *args in (
        ("education", "--date", "2025-09-01", "--upper-secondary", "yes"),
        ("leave", "--date", "2025-10-01", "--scheme", "training", "--until", "2025-10-10",
         "--reason", "illness"),
    ):  # fmt: skip
        assert synced("register", kind, TEST_DUF, *args).exit_code == 0
    assert synced("sync").exit_code == 0
    shown = json.loads(synced("person", "show", TEST_DUF, "--format", "json").stdout)
    live.add_user("5001-reader", "5001", Role.USER)
    session = live.login("5001-reader")
    answer = session.get(f"{live.url}/v1/records/{shown['id']}/entitlement", timeout=10)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body == {key: shown[key] for key in body}
    assert body["window_end"] == "2026-12-11"  # 18 months + 10 days of leave
    # Another municipality's reader sees nothing.
    live.add_user("5028-reader", "5028", Role.USER)
    other = live.login("5028-reader")
    assert (
        other.get(f"{live.url}/v1/records/{shown['id']}/entitlement", timeout=10).status_code == 404
    )
