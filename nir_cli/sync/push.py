"""Pushing the outbox: batches remembered before they are sent, answers applied in one
transaction per batch. See nir_cli.sync.engine for the whole picture."""

from __future__ import annotations

import json
import uuid
from typing import Any

from nir_cli.domain.enums import Kind
from nir_cli.domain.registrations import model_for
from nir_cli.store import Store, utc_now
from nir_cli.sync.client import RegistryClient
from nir_cli.sync.crash import crash_point
from nir_cli.sync.report import Progress, SyncReport
from nir_cli.sync.wire import BatchIn, BatchOut, RecordIn, Status


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
            answer = client.push(unfinished["payload"])
            crash_point("after-resend")
            _apply(store, unfinished, answer, report)
    total = _count_pending(store)
    done = 0
    while True:
        rows = store.query(
            "SELECT * FROM outbox WHERE state = 'pending' AND batch_key IS NULL "
            "ORDER BY seq LIMIT ? OFFSET ?",
            (batch_size, done if dry_run else 0),
        )
        if not rows:
            break
        records = _records(store, rows)
        batch = BatchIn(idempotency_key=str(uuid.uuid4()), validate_only=dry_run, records=records)
        payload = batch.model_dump_json()
        if dry_run:
            answer = client.push(payload)
            _tally(answer, records, report)
        else:
            crash_point("before-remember")
            sent = _remember(store, batch.idempotency_key, payload, rows, report.run_id)
            crash_point("before-send")
            answer = client.push(payload)
            crash_point("after-send")
            _apply(store, sent, answer, report, records)
            crash_point("after-apply")
        report.sent += len(rows)
        report.batches += 1
        done += len(rows)
        if progress is not None:
            progress("push", done, total)


def _count_pending(store: Store) -> int:
    row = store.one("SELECT count(*) AS n FROM outbox WHERE state = 'pending'")
    return int(row["n"]) if row else 0


def _records(store: Store, rows: list[dict[str, Any]]) -> list[RecordIn]:
    """The outbox rows' versions as wire records, in outbox order, each based on what the
    registry holds now. Two queries for the whole batch."""
    seqs = [row["seq"] for row in rows]
    marks = _marks(seqs)
    built: dict[int, RecordIn] = {}
    for v in store.query(
        "SELECT o.seq, o.entity_id, o.version, v.body, p.registry_version FROM outbox o "
        "JOIN person_versions v ON v.person_id = o.entity_id AND v.version = o.version "
        f"JOIN persons p ON p.id = o.entity_id WHERE o.entity = 'person' AND o.seq IN ({marks})",
        seqs,
    ):
        built[v["seq"]] = RecordIn(
            entity="person",
            id=v["entity_id"],
            version=v["version"],
            base_version=v["registry_version"],
            body={k: x for k, x in json.loads(v["body"]).items() if x is not None},
        )
    for v in store.query(
        "SELECT o.seq, o.entity_id, o.version, v.kind, v.scheme, v.fact_date, v.details, "
        "v.withdrawn, v.withdrawn_reason, r.person_id, r.registry_version FROM outbox o "
        "JOIN registration_versions v ON v.registration_id = o.entity_id "
        "AND v.version = o.version JOIN registrations r ON r.id = o.entity_id "
        f"WHERE o.entity = 'registration' AND o.seq IN ({marks})",
        seqs,
    ):
        body: dict[str, Any] = {
            "kind": v["kind"],
            "fact_date": v["fact_date"],
            **json.loads(v["details"]),
        }
        if v["scheme"] and "scheme" in model_for(Kind(v["kind"])).model_fields:
            body["scheme"] = v["scheme"]
        built[v["seq"]] = RecordIn(
            entity="registration",
            id=v["entity_id"],
            version=v["version"],
            base_version=v["registry_version"],
            person_id=v["person_id"],
            body=body,
            withdrawn=bool(v["withdrawn"]),
            withdrawn_reason=v["withdrawn_reason"],
        )
    return [built[seq] for seq in seqs]


def _remember(
    store: Store, key: str, payload: str, rows: list[dict[str, Any]], run_id: int | None
) -> dict[str, Any]:
    """Commit the batch before sending it: after a crash it is sent again as it was."""
    seqs = [row["seq"] for row in rows]
    with store.write() as conn:
        conn.execute(
            "INSERT INTO sync_batches (idempotency_key, run_id, created_at, payload, outbox_seqs) "
            "VALUES (?, ?, ?, ?, ?)",
            (key, run_id, utc_now(), payload, json.dumps(seqs)),
        )
        conn.executemany(
            "UPDATE outbox SET batch_key = ? WHERE seq = ?", [(key, seq) for seq in seqs]
        )
    sent = store.one("SELECT * FROM sync_batches WHERE idempotency_key = ?", (key,))
    assert sent is not None
    return sent


def _apply(
    store: Store,
    sent: dict[str, Any],
    answer: BatchOut,
    report: SyncReport,
    sent_records: list[RecordIn] | None = None,
) -> None:
    """One batch's answers, in one transaction."""
    if sent_records is None:  # a batch sent again after a crash: read what it carried
        sent_records = BatchIn.model_validate_json(sent["payload"]).records
    records = {r.id: r for r in sent_records}
    seqs = json.loads(sent["outbox_seqs"])
    outbox = {
        (r["entity_id"], r["version"]): r["seq"]
        for r in store.query(
            f"SELECT seq, entity_id, version FROM outbox WHERE seq IN ({_marks(seqs)})",
            seqs,
        )
    }
    counts = {Status.ACCEPTED: 0, Status.REJECTED: 0, Status.CONFLICT: 0}
    now = utc_now()
    accepted: dict[str, list[tuple[Any, ...]]] = {"persons": [], "registrations": []}
    accepted_seqs: list[tuple[Any, ...]] = []
    with store.write() as conn:
        for result in answer.results:
            record = records[result.id]
            table = "persons" if record.entity.value == "person" else "registrations"
            seq = outbox.get((record.id, record.version))
            counts[result.status] += 1
            if result.status is Status.ACCEPTED:
                accepted[table].append(
                    (result.version, result.registry_date, record.id, result.version)
                )
                accepted_seqs.append((seq,))
            elif result.status is Status.REJECTED:
                error = result.error.model_dump() if result.error else {}
                conn.execute(
                    "UPDATE outbox SET state = 'rejected', last_error = ?, "
                    "attempts = attempts + 1 WHERE seq = ? AND state = 'pending'",
                    (json.dumps(error), seq),
                )
                report.rejected.append(
                    {
                        "entity": record.entity.value,
                        "id": record.id,
                        "version": record.version,
                        **error,
                    }
                )
            else:
                assert result.current is not None
                conn.execute(
                    "UPDATE outbox SET state = 'conflict' WHERE seq = ? AND state = 'pending'",
                    (seq,),
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
                        record.entity.value,
                        record.id,
                        record.version,
                        result.current.version,
                        json.dumps(result.current.body),
                        int(result.current.withdrawn),
                        now,
                    ),
                )
                report.conflicts.append(
                    {
                        "entity": record.entity.value,
                        "id": record.id,
                        "version": record.version,
                        "registry_version": result.current.version,
                    }
                )
        for table, rows in accepted.items():
            conn.executemany(
                f"UPDATE {table} SET registry_version = ?, registry_date = ? WHERE id = ? "
                "AND (registry_version IS NULL OR registry_version < ?)",
                rows,
            )
        conn.executemany(
            "UPDATE outbox SET state = 'accepted', last_error = NULL "
            "WHERE seq = ? AND state IN ('pending', 'superseded')",
            accepted_seqs,
        )
        crash_point("mid-apply")
        conn.execute(f"UPDATE outbox SET batch_key = NULL WHERE seq IN ({_marks(seqs)})", seqs)
        conn.execute(
            "UPDATE sync_batches SET state = 'done', batch_id = ?, answered_at = ?, accepted = ?, "
            "rejected = ?, conflicts = ?, report = ? WHERE idempotency_key = ?",
            (
                answer.batch_id,
                now,
                counts[Status.ACCEPTED],
                counts[Status.REJECTED],
                counts[Status.CONFLICT],
                answer.model_dump_json(),
                sent["idempotency_key"],
            ),
        )
    report.accepted += counts[Status.ACCEPTED]


def _marks(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


def _tally(answer: BatchOut, records: list[RecordIn], report: SyncReport) -> None:
    """A dry run's answers: counted and listed, nothing applied."""
    by_id = {r.id: r for r in records}
    for result in answer.results:
        record = by_id[result.id]
        if result.status is Status.ACCEPTED:
            report.accepted += 1
        elif result.status is Status.REJECTED and result.error:
            report.rejected.append(
                {
                    "entity": record.entity.value,
                    "id": record.id,
                    "version": record.version,
                    **result.error.model_dump(),
                }
            )
        elif result.current is not None:
            report.conflicts.append(
                {
                    "entity": record.entity.value,
                    "id": record.id,
                    "version": record.version,
                    "registry_version": result.current.version,
                }
            )
