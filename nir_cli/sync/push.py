"""Pushing the outbox: batches remembered before they are sent, answers applied in one
transaction per batch. See nir_cli.sync.engine for the whole picture.

SYNC_IN_FLIGHT batches (three) are on the wire at a time, so the registry always has the next
one at hand, and the store's work overlaps theirs: while the registry decides batch k, this
process applies the answer to an earlier batch and builds and remembers a later one. The
registry may decide them in any order, so a batch never depends on one still on the wire: a
record whose earlier version is on the wire, or a registration whose person is, waits for a
later batch (nir_cli.sync.selection chooses each batch's rows). Every record is thus built on
the registry version the store has applied.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import uuid
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from nir_cli.core.constants import SYNC_IN_FLIGHT
from nir_cli.domain.enums import Entity
from nir_cli.domain.model import Checks
from nir_cli.domain.person import PersonData
from nir_cli.store import Store, registry_state, sync_log, utc_now
from nir_cli.store import conflicts as conflict_sql
from nir_cli.store import outbox as outbox_sql
from nir_cli.store.merge import merge
from nir_cli.store.persons import PersonVersion
from nir_cli.sync.client import RegistryClient
from nir_cli.sync.crash import crash_point
from nir_cli.sync.report import Progress, SyncReport
from nir_cli.sync.selection import Outbox, Pending, Row
from nir_cli.wire import BatchOut, RecordResult, Status

LENIENT = Checks(today=dt.date.max, allow_synthetic=True, accept_unchecked_duf=True).as_context()

log = logging.getLogger(__name__)


@dataclass
class _Batch:
    key: str
    payload: str
    rows: dict[str, Row]  # by record id: a batch carries one version of a record


def push(
    store: Store,
    client: RegistryClient,
    report: SyncReport,
    batch_size: int,
    dry_run: bool,
    progress: Progress | None,
) -> None:
    if not dry_run:
        for unfinished in sync_log.unfinished_batches(store):
            crash_point("before-resend")
            started = time.monotonic()
            answer, text = client.push(unfinished["payload"])
            crash_point("after-resend")
            rows = outbox_sql.rows_of(store, unfinished["outbox_seqs"])
            _apply(store, rows, unfinished["idempotency_key"], answer, text, report)
            _log_answer("batch from an earlier run, sent again", answer, started)
    total = outbox_sql.count_pending(store)
    outbox = Outbox()
    flights: deque[tuple[_Batch, Future[tuple[BatchOut, str]], float]] = deque()
    with ThreadPoolExecutor(max_workers=SYNC_IN_FLIGHT, thread_name_prefix="nir-push") as wire:
        while True:
            while len(flights) < SYNC_IN_FLIGHT:
                # A dry run stores nothing, so no record waits for one on the wire.
                on_wire = [] if dry_run else [b.rows for b, _, _ in flights]
                selected = outbox.next(store, batch_size, on_wire)
                if not selected:
                    break
                batch = _build(store, selected, dry_run, report.run_id)
                crash_point("before-send")
                flights.append((batch, wire.submit(client.push, batch.payload), time.monotonic()))
            if not flights:
                return
            batch, sent, started = flights.popleft()
            answer, text = sent.result()
            crash_point("after-send")
            if dry_run:
                _tally(store, answer, batch.rows, report)
            else:
                _apply(store, batch.rows, batch.key, answer, text, report)
                crash_point("after-apply")
            report.sent += len(batch.rows)
            report.batches += 1
            _log_answer(f"batch {report.batches}", answer, started)
            if progress is not None:
                progress("push", report.sent, total)


def _log_answer(name: str, answer: BatchOut, started: float) -> None:
    if not log.isEnabledFor(logging.INFO):
        return  # counting the answers is for --verbose only
    counts = dict.fromkeys(Status, 0)
    for result in answer.results:
        counts[result.status] += 1
    log.info(
        "push: %s: %d records: %d accepted, %d rejected, %d conflicts (%.2f s)",
        name,
        len(answer.results),
        counts[Status.ACCEPTED],
        counts[Status.REJECTED],
        counts[Status.CONFLICT],
        time.monotonic() - started,
    )


def _build(store: Store, selected: list[Pending], dry_run: bool, run_id: int | None) -> _Batch:
    """A batch of the selected rows, remembered (committed) before it is sent unless this is a
    dry run: after a crash it is sent again as it was."""
    key = str(uuid.uuid4())
    records = ",".join(row.record for row in selected)
    payload = (
        f'{{"idempotency_key":"{key}","mode":"per-record",'
        f'"validate_only":{"true" if dry_run else "false"},"records":[{records}]}}'
    )
    rows = {row.id: row.row for row in selected}
    if not dry_run:
        crash_point("before-remember")
        with store.write() as conn:
            sync_log.remember_batch(conn, key, run_id, payload, [row.seq for row in selected])
    return _Batch(key=key, payload=payload, rows=rows)


def _apply(
    store: Store,
    rows: dict[str, Row],
    key: str,
    answer: BatchOut,
    text: str,
    report: SyncReport,
) -> None:
    """One batch's answers, in one transaction."""
    counts = dict.fromkeys(Status, 0)
    now = utc_now()
    accepted: dict[Entity, list[tuple[str, int | None, str | None]]] = {e: [] for e in Entity}
    accepted_seqs: list[int] = []
    with store.write() as conn:
        for result in answer.results:
            row = rows[result.id]
            counts[result.status] += 1
            if result.status is Status.ACCEPTED:
                accepted[Entity(row.entity)].append((row.id, result.version, result.registry_date))
                accepted_seqs.append(row.seq)
                continue
            if result.status is Status.LINKED:
                # The registry has this person already, with the same facts: our record
                # becomes its record (store.merge), and so do our registrations of it.
                _link(conn, row.id, result, now)
                accepted_seqs.append(row.seq)
                report.linked += 1
                continue
            if result.status is Status.REJECTED:
                error = result.error.model_dump() if result.error else {}
                outbox_sql.mark_rejected(conn, row.seq, json.dumps(error))
                report.rejected.append(
                    {"entity": row.entity, "id": row.id, "version": row.version, **error}
                )
            else:
                assert result.current is not None
                outbox_sql.mark_conflict(conn, row.seq)
                conflict_sql.record(
                    conn,
                    row.entity,
                    row.id,
                    row.version,
                    result.current.version,
                    result.current.body,
                    result.current.withdrawn,
                    now,
                    registry_person_id=result.person_id,
                )
                report.conflicts.append(
                    {
                        "entity": row.entity,
                        "id": row.id,
                        "version": row.version,
                        "registry_version": result.current.version,
                    }
                )
        for entity, items in accepted.items():
            registry_state.note_pushed(conn, entity, items)
        outbox_sql.mark_accepted(conn, accepted_seqs)
        crash_point("mid-apply")
        sync_log.finish_batch(
            conn,
            key,
            answer.batch_id,
            now,
            (counts[Status.ACCEPTED], counts[Status.REJECTED], counts[Status.CONFLICT]),
            text,
        )
    report.accepted += counts[Status.ACCEPTED]


def _link(conn: Any, local_id: str, result: RecordResult, now: str) -> None:
    """Our person record became the registry's record `result.person_id` (same facts)."""
    assert result.current is not None
    assert result.person_id is not None
    data = PersonData.model_validate(result.current.body, context=LENIENT)
    into = PersonVersion(result.person_id, result.current.version, data)
    merge(conn, local_id, into, result.registry_date or now[:10], now)


def _person_sent_too(store: Store, row: Row, result: RecordResult) -> bool:
    """A registration refused only because its person, itself in the outbox, is not stored."""
    if row.entity != "registration" or result.error is None:
        return False
    if result.error.code != "unknown_person":
        return False
    return outbox_sql.person_pending(store, row.id)


def _tally(store: Store, answer: BatchOut, rows: dict[str, Row], report: SyncReport) -> None:
    """A dry run's answers: counted and listed, nothing applied.

    A validate-only batch stores nothing, so a registration whose person is in an earlier
    batch of the same dry run is unknown to the registry. The registry checks the person last,
    so such a registration passed every other check: it counts as accepted."""
    for result in answer.results:
        row = rows[result.id]
        if result.status is Status.ACCEPTED or _person_sent_too(store, row, result):
            report.accepted += 1
        elif result.status is Status.REJECTED and result.error:
            report.rejected.append(
                {
                    "entity": row.entity,
                    "id": row.id,
                    "version": row.version,
                    **result.error.model_dump(),
                }
            )
        elif result.current is not None:
            report.conflicts.append(
                {
                    "entity": row.entity,
                    "id": row.id,
                    "version": row.version,
                    "registry_version": result.current.version,
                }
            )
