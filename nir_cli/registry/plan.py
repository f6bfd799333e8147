"""One batch, decided: what each record's answer is, in memory over what the batch touches
(read by `nir_cli.registry.storage.records`), and which records are accepted and which answers
kept for a resend. `nir_cli.registry.storage.Scoped.push` runs it inside one write transaction;
no SQL here."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic_core import to_json

from nir_cli.core.i18n import _
from nir_cli.domain.identifiers import redact, redact_all
from nir_cli.registry import persons
from nir_cli.registry.persons import Identity, Move, People
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
    people: People = field(default_factory=People)  # the persons of the batch's numbers


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
        self.people = touched.people
        self.accepted: list[tuple[RecordIn, str]] = []
        self._records = records
        # What the batch does to the persons, beside its records (storage writes it).
        self.new_persons: list[Identity] = []
        self.links: list[tuple[str, str]] = []  # (alias id, the record it became)
        self.moves: list[Move] = []
        self.renumbered: list[Identity] = []  # persons whose numbers a new version changed
        self.person_keys: dict[str, str] = {}  # accepted person record → the person it is

    @staticmethod
    def touching(records: list[RecordIn]) -> tuple[list[str], list[str]]:
        """The record ids and person ids a batch of `records` needs read."""
        ids = list({r.id for r in records})
        return ids, list({r.person_id for r in records if r.person_id})

    @staticmethod
    def numbers(prepared: Prepared) -> tuple[list[str], list[str]]:
        """The DUF numbers and fødselsnumre of the batch's person records, as validated."""
        dufs, fnrs = set(), set()
        for rec, (_hash, body), checked in zip(
            prepared.batch.records, prepared.forms, prepared.checks, strict=True
        ):
            if rec.entity is Entity.PERSON and checked.problem is None:
                duf, fnr = persons.numbers(json.loads(body))
                dufs.update([duf] if duf else [])
                fnrs.update([fnr] if fnr else [])
        return sorted(dufs), sorted(fnrs)

    def decide(self, rec: RecordIn, record_hash: str, body: str, checked: Checked) -> _Answer:
        current = self.current.get(rec.id)
        if current is not None and current["municipality"] != self.municipality:
            # Ids are unique forever across the registry; say no more than that. An answer
            # about who asked, not what was sent: never kept for a resend (nor given the
            # municipality whose record it is, when it sends that very version later).
            taken = _rejected(rec, "id_taken", "id", _("this id is already used"))
            return _Answer.of(taken, lasting=False)
        answered = self.answers.get((rec.id, rec.version, record_hash))
        if answered is None and (rec.id, rec.version) in self.answered:
            # Answered under the hash an earlier registry kept (of RecordIn's JSON):
            # a batch remembered then and resent now gets its answer, not a conflict.
            legacy = hashlib.sha256(rec.model_dump_json().encode()).hexdigest()
            answered = self.answers.get((rec.id, rec.version, legacy))
        if answered is not None:
            return _Answer(rec.id, RecordResult.model_validate_json(answered).status, answered)
        linked = self.people.aliases.get(rec.id)
        if linked is not None and rec.entity is Entity.PERSON:
            return self._linked(rec, self.current[linked])
        if rec.person_id in self.people.aliases and rec.entity is Entity.REGISTRATION:
            # Sent on a person record that became another: stored on that one.
            rec = rec.model_copy(update={"person_id": self.people.aliases[rec.person_id]})
        refused = _decide(rec, current, checked)
        if refused is not None:
            return _Answer.of(refused)
        problem = Validator.person(rec, checked, self.births)
        if problem is not None:
            # A problem of the record itself lasts; one of the persons the registry has now
            # (no such person yet, born after the fact date) is decided again on a resend.
            return _Answer.of(_rejected(rec, *problem), lasting=checked.problem is not None)
        if rec.entity is Entity.PERSON:
            answer = self._person(rec, body, current)
            if answer is not None:
                return answer
        self.accepted.append((rec, body))
        self.current[rec.id] = {
            "id": rec.id,
            "municipality": self.municipality,
            "entity": rec.entity.value,
            "version": rec.version,
            "body": body,
            "withdrawn": int(rec.withdrawn),
            "person_id": rec.person_id,
            "person_key": self.person_keys.get(rec.id, (current or {}).get("person_key")),
            "registry_date": self.registry_date,
        }
        if rec.entity is Entity.PERSON:
            self.births[rec.id] = checked.birth_date
        return _accepted(rec, self.registry_date)

    def _person(self, rec: RecordIn, body: str, current: dict[str, Any] | None) -> _Answer | None:
        """A person record judged against the registry's persons (nir_cli.registry.persons):
        an answer of its own (linked, conflict, refused), or None to accept it, with what it
        does to the persons noted for storage."""
        data = json.loads(body)
        duf, fnr = persons.numbers(data)
        if current is not None:
            other = persons.renumbered(data, current, self.people)
            if other is not None:
                return _Answer.of(_same_number(rec, data, other), lasting=False)
            key = current.get("person_key")
            if key and (duf, fnr) != persons.numbers(json.loads(current["body"])):
                changed = Identity(key, duf, fnr, self.municipality)
                self.renumbered.append(changed)
                self.people.add(changed)
            return None
        verdict = persons.judge(data, self.municipality, self.people)
        if verdict.kind == "link":
            assert verdict.record is not None
            self.links.append((rec.id, verdict.record["id"]))
            self.people.aliases[rec.id] = verdict.record["id"]
            self.births[verdict.record["id"]] = json.loads(verdict.record["body"]).get("birth_date")
            return self._linked(rec, verdict.record)
        if verdict.kind == "conflict":
            assert verdict.record is not None
            return _Answer.of(_same_person(rec, verdict.record))
        if verdict.kind == "clash":
            assert verdict.identity is not None
            return _Answer.of(_same_number(rec, data, verdict.identity), lasting=False)
        if verdict.kind == "move":
            identity = verdict.identity
            assert identity is not None
            self.moves.append(
                Move(
                    identity.person_id,
                    identity.municipality,
                    self.municipality,
                    persons.moved_on(data, self.registry_date),
                )
            )
            identity.municipality = self.municipality
            self.person_keys[rec.id] = identity.person_id
        else:
            identity = Identity(rec.id, duf, fnr, self.municipality)
            self.new_persons.append(identity)
            self.people.add(identity)
            self.person_keys[rec.id] = rec.id
        self.people.records[identity.person_id] = {
            "id": rec.id,
            "version": rec.version,
            "body": body,
            "withdrawn": int(rec.withdrawn),
            "registry_date": self.registry_date,
        }
        self.people.births[identity.person_id] = data.get("birth_date")
        return None

    def _linked(self, rec: RecordIn, record: dict[str, Any]) -> _Answer:
        return _Answer.of(
            RecordResult(
                id=rec.id,
                status=Status.LINKED,
                version=record["version"],
                registry_date=str(record.get("registry_date") or self.registry_date)[:10],
                person_id=record["id"],
                current=Current(
                    version=record["version"],
                    body=_shown(record["body"]),
                    withdrawn=bool(record["withdrawn"]),
                ),
            )
        )

    def to_remember(
        self, answers: list[_Answer], hashes: list[str]
    ) -> list[tuple[str, int, str, str]]:
        """The answers to give a resend, as (id, version, record hash, answer): every lasting
        answer but a conflict (which may change). An accepted one is kept empty (storage rebuilds it
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
            if answer.status is not Status.CONFLICT and answer.lasting
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
    resend. `lasting`: the same record always earns it, so a resend is given it again; an
    answer about the caller or the persons the registry has now is decided anew."""

    id: str
    status: Status
    json: str
    lasting: bool = True

    @classmethod
    def of(cls, result: RecordResult, lasting: bool = True) -> _Answer:
        if result.error is not None:
            # Redacted whole: a number sent as a field name lands in `field`, not `message`.
            error = RecordError.model_validate(redact_all(result.error.model_dump()))
            result = result.model_copy(update={"error": error})
        return cls(result.id, result.status, result.model_dump_json(), lasting)


def _accepted(rec: RecordIn, registry_date: str) -> _Answer:
    return _Answer(rec.id, Status.ACCEPTED, _accepted_json(rec.id, rec.version, registry_date))


def _accepted_json(record_id: str, version: int, registry_date: str) -> str:
    """What RecordResult(status=accepted, ...).model_dump_json() gives, without building the
    model: most answers are this one, and the model costs more than the rest of the record.
    The id matches RecordIn's UUID pattern and the date is ours, so nothing needs escaping."""
    return (
        f'{{"id":"{record_id}","status":"accepted","version":{version},'
        f'"registry_date":"{registry_date}","error":null,"current":null,"person_id":null}}'
    )


def _decide(rec: RecordIn, current: dict[str, Any] | None, checked: Checked) -> RecordResult | None:
    """Why the record is refused against its own current version (a rejection or a conflict),
    or None: the persons decide next."""
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
        if rec.entity is Entity.REGISTRATION and current.get("person_id") != rec.person_id:
            # The registry keeps a registration on its person: a version that moves it to
            # another would leave the two sides disagreeing about whose it is.
            return _rejected(
                rec,
                "invalid",
                "person_id",
                _(
                    "a registration cannot move to another person; withdraw it and register "
                    "it anew for the right person"
                ),
            )
        if rec.base_version != current["version"] or rec.version <= current["version"]:
            return RecordResult(
                id=rec.id,
                status=Status.CONFLICT,
                current=Current(
                    version=current["version"],
                    body=_shown(current["body"]),
                    withdrawn=bool(current["withdrawn"]),
                ),
            )
    return None


def _shown(body: str) -> dict[str, Any]:
    """A stored body as an answer shows it: a personal number anywhere but in the `fnr` field
    (a name typed as one, say) is masked, so no answer echoes one that was sent."""
    return {
        name: redact(value) if isinstance(value, str) and name != "fnr" else value
        for name, value in json.loads(body).items()
    }


def _same_person(rec: RecordIn, record: dict[str, Any]) -> RecordResult:
    """The municipality has this person (same DUF number or fødselsnummer) with other facts."""
    return RecordResult(
        id=rec.id,
        status=Status.CONFLICT,
        person_id=record["id"],
        error=RecordError(
            code="same_person",
            field="duf",
            message=_(
                "the municipality has this person already, with other facts; compare them and "
                "keep one (nir conflicts list)"
            ),
        ),
        current=Current(
            version=record["version"],
            body=_shown(record["body"]),
            withdrawn=bool(record["withdrawn"]),
        ),
    )


def _same_number(rec: RecordIn, body: dict[str, Any], other: Identity) -> RecordResult:
    """The number belongs to a person with other facts whom the caller may not see."""
    duf, _fnr = persons.numbers(body)
    field = "duf" if duf and duf == other.duf else "fnr"
    return _rejected(
        rec,
        "same_number",
        field,
        _(
            "the registry has this number for a person with other facts (another birth date, "
            "DUF number or fødselsnummer); check the number"
        ),
    )


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
        municipality=row.get("owner"),
    )
