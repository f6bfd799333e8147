"""One batch, decided: what each record's answer is, in memory over what the batch touches
(read by `nir_cli.registry.storage.records`), and which records are accepted and which answers
kept for a resend. `nir_cli.registry.storage.Scoped.push` runs it inside one write transaction;
no SQL here."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, NamedTuple

from pydantic_core import to_json

from nir_cli.i18n import _
from nir_cli.registry.validation import Checked, Validator
from nir_cli.wire import (
    BatchIn,
    BatchMode,
    Change,
    Current,
    Entity,
    RecordError,
    RecordIn,
    RecordResult,
    Status,
)


@dataclass
class Touched:
    """What the registry holds of a batch's records, read before deciding them (by
    `nir_cli.registry.storage.records.touched`)."""

    current: dict[str, dict[str, Any]]  # each record as stored, by id
    answers: list[tuple[str, int, str, str, str | None]]  # id, version, hash, answer, received
    births: dict[str, str | None]  # each named person's birth date, by id


class Plan:
    """What one batch does, decided in memory over what it touches."""

    def __init__(
        self,
        touched: Touched,
        municipality: str,
        records: list[RecordIn],
        registry_date: str,
    ) -> None:
        self.municipality = municipality
        self.registry_date = registry_date
        self.current = touched.current
        self.answers = {
            (record_id, version, record_hash): answer
            or _accepted_json(record_id, version, (received or "")[:10])
            for record_id, version, record_hash, answer, received in touched.answers
        }
        self.answered = {(record_id, version) for record_id, version, _ in self.answers}
        self.births = touched.births
        self.accepted: list[tuple[RecordIn, str]] = []
        self._records = records

    @staticmethod
    def touching(records: list[RecordIn]) -> tuple[list[str], list[str]]:
        """The record ids and person ids a batch of `records` needs read."""
        ids = list({r.id for r in records})
        return ids, list({r.person_id for r in records if r.person_id})

    def decide(self, rec: RecordIn, record_hash: str, body: str, checked: Checked) -> _Answer:
        current = self.current.get(rec.id)
        if current is not None and current["municipality"] != self.municipality:
            # Ids are unique forever across the registry; say no more than that.
            return _Answer.of(_rejected(rec, "id_taken", "id", _("this id is already used")))
        answered = self.answers.get((rec.id, rec.version, record_hash))
        if answered is None and (rec.id, rec.version) in self.answered:
            # Answered under the hash an earlier registry kept (of RecordIn's JSON):
            # a batch remembered then and resent now gets its answer, not a conflict.
            legacy = hashlib.sha256(rec.model_dump_json().encode()).hexdigest()
            answered = self.answers.get((rec.id, rec.version, legacy))
        if answered is not None:
            return _Answer(rec.id, RecordResult.model_validate_json(answered).status, answered)
        refused = _decide(rec, current, self.births, checked)
        if refused is not None:
            return _Answer.of(refused)
        self.accepted.append((rec, body))
        self.current[rec.id] = {
            "id": rec.id,
            "municipality": self.municipality,
            "entity": rec.entity.value,
            "version": rec.version,
            "body": body,
            "withdrawn": int(rec.withdrawn),
        }
        if rec.entity is Entity.PERSON:
            self.births[rec.id] = checked.birth_date
        return _accepted(rec, self.registry_date)

    def to_remember(
        self, answers: list[_Answer], hashes: list[str]
    ) -> list[tuple[str, int, str, str]]:
        """The answers to give a resend, as (id, version, record hash, answer): every answer
        but a conflict (which may change). An accepted one is kept empty (storage rebuilds it
        from the version it made): most answers are that one, and in full each took about 125
        bytes beside the version that already says it."""
        return [
            (
                rec.id,
                rec.version,
                record_hash,
                "" if answer.status is Status.ACCEPTED else answer.json,
            )
            for rec, answer, record_hash in zip(self._records, answers, hashes, strict=True)
            if answer.status is not Status.CONFLICT
        ]


def canonical(rec: RecordIn) -> tuple[str, str]:
    """A record's hash, which says whether a resend is the same record, and its body as stored:
    JSON with the keys sorted, UTF-8 as it is. The hash covers every field of the record."""
    body = to_json(dict(sorted(rec.body.items()))).decode()
    head = to_json(
        [
            rec.entity.value,
            rec.id,
            rec.version,
            rec.base_version,
            rec.person_id,
            rec.withdrawn,
            rec.withdrawn_reason,
        ]
    ).decode()
    return hashlib.sha256(f"{head}{body}".encode()).hexdigest(), body


class _Answer(NamedTuple):
    """One record's answer: a RecordResult as JSON, made once for the response and for a
    resend."""

    id: str
    status: Status
    json: str

    @classmethod
    def of(cls, result: RecordResult) -> _Answer:
        return cls(result.id, result.status, result.model_dump_json())


def _accepted(rec: RecordIn, registry_date: str) -> _Answer:
    return _Answer(rec.id, Status.ACCEPTED, _accepted_json(rec.id, rec.version, registry_date))


def _accepted_json(record_id: str, version: int, registry_date: str) -> str:
    """What RecordResult(status=accepted, ...).model_dump_json() gives, without building the
    model: most answers are this one, and the model costs more than the rest of the record.
    The id matches RecordIn's UUID pattern and the date is ours, so nothing needs escaping."""
    return (
        f'{{"id":"{record_id}","status":"accepted","version":{version},'
        f'"registry_date":"{registry_date}","error":null,"current":null}}'
    )


def _decide(
    rec: RecordIn,
    current: dict[str, Any] | None,
    births: dict[str, str | None],
    checked: Checked,
) -> RecordResult | None:
    """Why the record is refused (a rejection or a conflict), or None: it is accepted."""
    if current is None and rec.base_version is not None:
        return _rejected(
            rec,
            "unknown_record",
            "base_version",
            _("the registry has no earlier version of this record"),
        )
    if current is not None:
        if current["entity"] != rec.entity.value:
            return _rejected(rec, "wrong_entity", "entity", _("the id belongs to another kind"))
        if rec.base_version != current["version"] or rec.version <= current["version"]:
            return RecordResult(
                id=rec.id,
                status=Status.CONFLICT,
                current=Current(
                    version=current["version"],
                    body=json.loads(current["body"]),
                    withdrawn=bool(current["withdrawn"]),
                ),
            )
    problem = Validator.person(rec, checked, births)
    return _rejected(rec, *problem) if problem is not None else None


def _rejected(rec: RecordIn, code: str, field: str | None, message: str) -> RecordResult:
    return RecordResult(
        id=rec.id,
        status=Status.REJECTED,
        error=RecordError(code=code, field=field, message=message),
    )


def not_applied(answer: _Answer) -> _Answer:
    if answer.status is Status.ACCEPTED:
        return _Answer.of(
            RecordResult(
                id=answer.id,
                status=Status.REJECTED,
                error=RecordError(
                    code="batch_rejected",
                    message=_("another record of this all-or-nothing batch failed"),
                ),
            )
        )
    return answer


@dataclass(frozen=True)
class Prepared:
    """A batch checked on its own (`prepare`), ready to be stored."""

    batch: BatchIn
    forms: list[tuple[str, str]]  # each record's hash and body as stored
    checks: list[Checked]
    body_hash: str


def prepare(batch: BatchIn, validator: Validator, municipality: str) -> Prepared:
    """What a batch's records are on their own: each one's hash and body as stored, and what is
    wrong with it. Needs no lock: app processes and threads do this side by side."""
    raw = [canonical(r) for r in batch.records]
    header = f"{batch.idempotency_key}|{batch.mode.value}|{batch.validate_only}|"
    body_hash = hashlib.sha256(
        (header + "".join(record_hash for record_hash, _ in raw)).encode()
    ).hexdigest()
    checks = [
        # PostgreSQL cannot store a NUL: refused alike on either database (its JSON escape is
        # the only way one reaches the canonical body).
        Checked(("invalid", None, _("text may not contain NUL characters")))
        if "\\u0000" in body
        else validator.body(municipality, r)
        for r, (_hash, body) in zip(batch.records, raw, strict=True)
    ]
    # The hash is of what was sent (a resend is recognised byte for byte); what is stored is
    # the normalised body, so values compare as values, never as text.
    forms = [
        (record_hash, checked.body or body)
        for (record_hash, body), checked in zip(raw, checks, strict=True)
    ]
    return Prepared(batch, forms, checks, body_hash)


def decide(prepared: Prepared, touched: Touched, municipality: str, received: str) -> Decided:
    """Every record of the batch decided in order over what it touches (later records see the
    earlier ones); all-or-nothing turns every answer into not-applied when one fails."""
    batch = prepared.batch
    plan = Plan(touched, municipality, batch.records, received[:10])
    answers = [
        plan.decide(rec, record_hash, body, checked)
        for rec, (record_hash, body), checked in zip(
            batch.records, prepared.forms, prepared.checks, strict=True
        )
    ]
    applied = not (
        batch.mode is BatchMode.ALL_OR_NOTHING
        and any(a.status is not Status.ACCEPTED for a in answers)
    )
    if not applied:
        answers = [not_applied(a) for a in answers]
    hashes = [record_hash for record_hash, _ in prepared.forms]
    return Decided(plan, answers, applied, plan.to_remember(answers, hashes) if applied else [])


@dataclass(frozen=True)
class Decided:
    plan: Plan
    answers: list[_Answer]
    applied: bool  # False: all-or-nothing and something failed; nothing is written
    remember: list[tuple[str, int, str, str]]  # the answers to keep for a resend

    def response(self, batch_id: str, validate_only: bool) -> str:
        """The BatchOut as JSON, from answers that are JSON already."""
        results = ",".join(a.json for a in self.answers)
        only = "true" if validate_only else "false"
        return f'{{"batch_id":"{batch_id}","validate_only":{only},"results":[{results}]}}'


class IdempotencyMismatch(Exception):
    """The idempotency key was used before with another batch."""


def change_of(row: dict[str, Any]) -> Change:
    """A row of the change feed (change, record and version joined) as the wire has it, the
    same from either database."""
    return Change(
        seq=row["seq"],
        entity=Entity(row["entity"]),
        id=row["record_id"],
        version=row["version"],
        person_id=row["person_id"],
        body=json.loads(row["body"]),
        withdrawn=bool(row["withdrawn"]),
        withdrawn_reason=row["withdrawn_reason"],
        registry_date=row["received_at"][:10],
    )
