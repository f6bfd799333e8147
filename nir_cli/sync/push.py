"""Pushing the outbox: batches remembered before they are sent, answers applied in one
transaction per batch. See nir_cli.sync.engine for the whole picture.

SYNC_IN_FLIGHT batches (three) are on the wire at a time, so the registry always has the next
one at hand, and the store's work overlaps theirs: while the registry decides batch k, this
process applies the answer to an earlier batch and builds and remembers a later one. The
registry may decide them in any order, so a batch never depends on one still on the wire: a
record whose earlier version is on the wire, or a registration whose person is, waits for a
later batch. Every record is thus built on the registry version the store has applied. The wire
records are built as JSON by SQLite from the stored versions, in the same shape (and key order)
as RecordIn.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, NamedTuple

from nir_cli.domain.registrations import MODELS
from nir_cli.settings import SYNC_IN_FLIGHT
from nir_cli.store import Store, utc_now
from nir_cli.sync.client import RegistryClient
from nir_cli.sync.crash import crash_point
from nir_cli.sync.report import Progress, SyncReport
from nir_cli.sync.wire import BatchOut, RecordResult, Status

log = logging.getLogger(__name__)

# Kinds whose body carries the scheme (for the others it is implied or absent).
_SCHEME_KINDS = ", ".join(
    f"'{kind.value}'" for kind, model in MODELS.items() if "scheme" in model.model_fields
)


def _pending(where: str) -> str:
    """Pending outbox rows (`where` says which), oldest first, as (seq, entity, entity_id,
    version, person_id, record JSON). The JSON is put together as text: ids are UUIDs, versions
    integers, and every other text goes through json_quote. Persons' bodies drop null fields
    (json_patch onto an empty object); a registration's body is kind, fact date, its details
    (stored as a JSON object), then its scheme."""
    return f"""
SELECT o.seq, o.entity, o.entity_id, o.version, r.person_id,
       CASE o.entity
       WHEN 'person' THEN
           '{{"entity":"person","id":"' || o.entity_id || '","version":' || o.version
           || ',"base_version":' || coalesce(p.registry_version, 'null')
           || ',"person_id":null,"body":' || json_patch('{{}}', pv.body)
           || ',"withdrawn":false,"withdrawn_reason":null}}'
       ELSE
           '{{"entity":"registration","id":"' || o.entity_id || '","version":' || o.version
           || ',"base_version":' || coalesce(r.registry_version, 'null')
           || ',"person_id":"' || r.person_id || '","body":{{"kind":' || json_quote(rv.kind)
           || ',"fact_date":' || json_quote(rv.fact_date)
           || CASE WHEN rv.details = '{{}}' THEN ''
                   ELSE ',' || substr(rv.details, 2, length(rv.details) - 2) END
           || CASE WHEN rv.scheme IS NOT NULL AND rv.kind IN ({_SCHEME_KINDS})
                   THEN ',"scheme":' || json_quote(rv.scheme) ELSE '' END
           || '}},"withdrawn":' || CASE WHEN rv.withdrawn THEN 'true' ELSE 'false' END
           || ',"withdrawn_reason":' || json_quote(rv.withdrawn_reason) || '}}'
       END AS record
FROM outbox o
LEFT JOIN registrations r ON o.entity = 'registration' AND r.id = o.entity_id
LEFT JOIN person_versions pv ON o.entity = 'person' AND pv.person_id = o.entity_id
     AND pv.version = o.version
LEFT JOIN persons p ON o.entity = 'person' AND p.id = o.entity_id
LEFT JOIN registration_versions rv ON o.entity = 'registration'
     AND rv.registration_id = o.entity_id AND rv.version = o.version
WHERE o.state = 'pending' AND {where}
ORDER BY o.seq
"""


# The rows after :after, read only as far as a batch needs: through the (state, seq) index,
# with no sort. And the rows :seqs (a JSON list) that waited before (see _Outbox).
_NEXT = _pending("o.seq > :after")
_WAITING = _pending("o.seq IN (SELECT value FROM json_each(:seqs))")


class _Row(NamedTuple):
    """One outbox row in a batch: what its answer is applied to."""

    seq: int
    entity: str
    id: str
    version: int


@dataclass
class _Batch:
    key: str
    payload: str
    rows: dict[str, _Row]  # by record id: a batch carries one version of a record


def push(
    store: Store,
    client: RegistryClient,
    report: SyncReport,
    batch_size: int,
    dry_run: bool,
    progress: Progress | None,
) -> None:
    if not dry_run:
        for unfinished in store.query(
            "SELECT * FROM sync_batches WHERE state = 'sending' ORDER BY created_at"
        ):
            crash_point("before-resend")
            started = time.monotonic()
            answer, text = client.push(unfinished["payload"])
            crash_point("after-resend")
            rows = _sent_rows(store, unfinished)
            _apply(store, rows, unfinished["idempotency_key"], answer, text, report)
            _log_answer("batch from an earlier run, sent again", answer, started)
    total = _count_pending(store)
    outbox = _Outbox()
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


def _count_pending(store: Store) -> int:
    row = store.one("SELECT count(*) AS n FROM outbox WHERE state = 'pending'")
    return int(row["n"]) if row else 0


class _Outbox:
    """The pending outbox rows to send next, in order: a cursor through the outbox.

    A row waits while a record of the same id (an earlier version), or a registration's person,
    is on the wire. Each batch takes first the rows that waited before (read again by their
    seq), then reads on after the last row read: it never reads again a row it sent, nor walks
    past the rows on the wire."""

    def __init__(self) -> None:
        self.after = 0  # the last row read by _NEXT
        self.waiting: set[int] = set()

    def next(self, store: Store, size: int, on_wire: list[dict[str, _Row]]) -> list[Any]:
        """Up to `size` pending rows, in order, that depend on none on the wire."""
        wire_ids = {record_id for rows in on_wire for record_id in rows}
        taken: list[Any] = []
        waited: set[int] = set()
        earlier = sorted(self.waiting)
        kept: set[int] = set()
        if earlier:
            last = _read(
                store, _WAITING, {"seqs": json.dumps(earlier)}, size, wire_ids, taken, waited
            )
            if len(taken) == size:  # those after the last one read wait on
                kept = {seq for seq in earlier if seq > last}
        if len(taken) < size:
            last = _read(store, _NEXT, {"after": self.after}, size, wire_ids, taken, waited)
            self.after = max(self.after, last)
        # A row that waited and is not read again is no longer pending (superseded): dropped.
        self.waiting = waited | kept
        return taken


def _read(
    store: Store,
    sql: str,
    params: dict[str, Any],
    size: int,
    wire_ids: set[str],
    taken: list[Any],
    waited: set[int],
) -> int:
    """Rows of `sql` into `taken`, or `waited` when they depend on one on the wire, until
    `taken` holds `size`; the seq of the last row read (0 for none)."""
    last = 0
    cursor = store.conn.execute(sql, params)
    try:
        for row in cursor:
            last = row[0]
            if row[2] in wire_ids or row[4] in wire_ids:
                waited.add(last)
                continue
            taken.append(row)
            if len(taken) == size:
                break
    finally:
        cursor.close()
    return last


def _build(store: Store, selected: list[Any], dry_run: bool, run_id: int | None) -> _Batch:
    """A batch of the selected rows, remembered (committed) before it is sent unless this is a
    dry run: after a crash it is sent again as it was."""
    key = str(uuid.uuid4())
    records = ",".join(row[5] for row in selected)
    payload = (
        f'{{"idempotency_key":"{key}","mode":"per-record",'
        f'"validate_only":{"true" if dry_run else "false"},"records":[{records}]}}'
    )
    rows = {row[2]: _Row._make(row[:4]) for row in selected}
    if not dry_run:
        crash_point("before-remember")
        with store.write() as conn:
            conn.execute(
                "INSERT INTO sync_batches (idempotency_key, run_id, created_at, payload, "
                "outbox_seqs) VALUES (?, ?, ?, ?, ?)",
                (key, run_id, utc_now(), payload, json.dumps([row[0] for row in selected])),
            )
    return _Batch(key=key, payload=payload, rows=rows)


def _sent_rows(store: Store, sent: dict[str, Any]) -> dict[str, _Row]:
    """The outbox rows a remembered batch carries."""
    return {
        row[2]: _Row._make(row)
        for row in store.conn.execute(
            "SELECT seq, entity, entity_id, version FROM outbox "
            "WHERE seq IN (SELECT value FROM json_each(?))",
            (sent["outbox_seqs"],),
        )
    }


def _apply(
    store: Store,
    rows: dict[str, _Row],
    key: str,
    answer: BatchOut,
    text: str,
    report: SyncReport,
) -> None:
    """One batch's answers, in one transaction."""
    counts = {Status.ACCEPTED: 0, Status.REJECTED: 0, Status.CONFLICT: 0}
    now = utc_now()
    accepted: dict[str, list[tuple[Any, ...]]] = {"person": [], "registration": []}
    accepted_seqs: list[int] = []
    with store.write() as conn:
        for result in answer.results:
            row = rows[result.id]
            counts[result.status] += 1
            if result.status is Status.ACCEPTED:
                accepted[row.entity].append(
                    (result.version, result.registry_date, row.id, result.version)
                )
                accepted_seqs.append(row.seq)
                continue
            if result.status is Status.REJECTED:
                error = result.error.model_dump() if result.error else {}
                conn.execute(
                    "UPDATE outbox SET state = 'rejected', last_error = ?, "
                    "attempts = attempts + 1 WHERE seq = ? AND state = 'pending'",
                    (json.dumps(error), row.seq),
                )
                report.rejected.append(
                    {"entity": row.entity, "id": row.id, "version": row.version, **error}
                )
            else:
                assert result.current is not None
                conn.execute(
                    "UPDATE outbox SET state = 'conflict' WHERE seq = ? AND state = 'pending'",
                    (row.seq,),
                )
                conn.execute(
                    "INSERT INTO conflicts (entity, entity_id, local_version, registry_version, "
                    "registry_body, registry_withdrawn, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (entity, entity_id) WHERE resolved_at IS NULL DO UPDATE SET "
                    "local_version = excluded.local_version, "
                    "registry_version = excluded.registry_version, "
                    "registry_body = excluded.registry_body, "
                    "registry_withdrawn = excluded.registry_withdrawn",
                    (
                        row.entity,
                        row.id,
                        row.version,
                        result.current.version,
                        json.dumps(result.current.body),
                        int(result.current.withdrawn),
                        now,
                    ),
                )
                report.conflicts.append(
                    {
                        "entity": row.entity,
                        "id": row.id,
                        "version": row.version,
                        "registry_version": result.current.version,
                    }
                )
        for entity, table in (("person", "persons"), ("registration", "registrations")):
            conn.executemany(
                f"UPDATE {table} SET registry_version = ?, registry_date = ? WHERE id = ? "
                "AND (registry_version IS NULL OR registry_version < ?)",
                accepted[entity],
            )
        # A row superseded while on the wire is accepted too; its newer version has a row
        # of its own, still pending.
        conn.execute(
            "UPDATE outbox SET state = CASE WHEN state IN ('pending', 'superseded') "
            "THEN 'accepted' ELSE state END, last_error = NULL "
            "WHERE seq IN (SELECT value FROM json_each(?))",
            (json.dumps(accepted_seqs),),
        )
        crash_point("mid-apply")
        # Answered, the payload is not needed again: it repeated what the version tables hold.
        conn.execute(
            "UPDATE sync_batches SET state = 'done', batch_id = ?, answered_at = ?, accepted = ?, "
            "rejected = ?, conflicts = ?, report = ?, payload = '' WHERE idempotency_key = ?",
            (
                answer.batch_id,
                now,
                counts[Status.ACCEPTED],
                counts[Status.REJECTED],
                counts[Status.CONFLICT],
                text,
                key,
            ),
        )
    report.accepted += counts[Status.ACCEPTED]


def _person_sent_too(store: Store, row: _Row, result: RecordResult) -> bool:
    """A registration refused only because its person, itself in the outbox, is not stored."""
    if row.entity != "registration" or result.error is None:
        return False
    if result.error.code != "unknown_person":
        return False
    return (
        store.one(
            "SELECT 1 AS found FROM registrations r JOIN outbox o ON o.entity = 'person' "
            "AND o.entity_id = r.person_id AND o.state = 'pending' WHERE r.id = ?",
            (row.id,),
        )
        is not None
    )


def _tally(store: Store, answer: BatchOut, rows: dict[str, _Row], report: SyncReport) -> None:
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
