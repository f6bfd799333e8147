"""Importing registrations: validate each row with the domain model, find its person and any
registration it repeats or corrects, then write a chunk's new rows and new versions at once."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass
from typing import Any

from nir_cli.checks import check_against_person, check_plausible
from nir_cli.core.config import Profile
from nir_cli.core.errors import FieldProblem
from nir_cli.core.i18n import _
from nir_cli.core.record_ids import new_id, short_id
from nir_cli.domain.deadlines import two_month_deadline
from nir_cli.domain.enums import Kind
from nir_cli.domain.model import Checks
from nir_cli.domain.order import ORDERED, Seen
from nir_cli.domain.order import problem as order_problem
from nir_cli.domain.plausibility import PersonFacts, facts_of
from nir_cli.domain.registrations import RegistrationBase, parse_registration
from nir_cli.importer.columns import PERSON_ID, PERSON_REF, Columns
from nir_cli.importer.rows import Row, Sink, cached_validation
from nir_cli.store import Store, lookup, utc_now
from nir_cli.store import registrations as sql
from nir_cli.store.records import stored_fields
from nir_cli.store.registrations import Version, natural_key

PERSON_COLUMNS = ("duf", "fnr", PERSON_REF, PERSON_ID)


@dataclass
class Candidate:
    row: Row
    registration: RegistrationBase
    refs: dict[str, str]
    given_id: str | None
    person: dict[str, Any] | None = None
    key: str = ""


class Invalid(Exception):
    def __init__(self, column: str | None, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _signature(kind: str, scheme: str | None, fact_date: str, details: str) -> tuple[str, ...]:
    return (kind, scheme or "", fact_date, details)


@functools.lru_cache(maxsize=4096)
def _deadline(fact_date: str) -> str:
    return two_month_deadline(dt.date.fromisoformat(fact_date)).isoformat()


def _stored(signature: tuple[str, ...]) -> tuple[str, str | None, str, str, str]:
    """A new registration's columns as stored (Version.columns), from its signature: the
    details are turned into JSON once a row, not once for the signature and again to store."""
    kind, scheme, fact_date, details = signature
    return kind, scheme or None, fact_date, _deadline(fact_date), details


def signature_of(reg: RegistrationBase) -> tuple[str, ...]:
    scheme = reg.scheme_value
    return _signature(
        reg.kind.value,
        scheme.value if scheme else None,
        reg.fact_date.isoformat(),
        reg.details_json(),
    )


class RegistrationImporter:
    def __init__(
        self,
        store: Store,
        profile: Profile,
        checks: Checks,
        columns: Columns,
        sink: Sink,
        source_tag: str,
        *,
        from_hkdir: bool = False,
    ) -> None:
        self.store, self.profile, self.columns, self.sink = store, profile, columns, sink
        self.source_tag = source_tag
        self.from_hkdir = from_hkdir
        self.summary = sink.summary
        self.checks = checks
        context = checks.as_context()

        self.validate = cached_validation(
            lambda fields: parse_registration(fields, context=context)
        )

    # -- one chunk ---------------------------------------------------------------------------

    def process(self, rows: list[Row]) -> None:
        self.person_facts: dict[str, PersonFacts] = {}
        # The chunk's rows that order matters for (domain.order), by person and scheme; the
        # file's earlier chunks are in the store by now.
        self.in_order: dict[tuple[str, str], list[Seen]] = {}
        candidates = [c for c in map(self._candidate, rows) if c is not None]
        self._resolve_persons(candidates)
        seen_keys: dict[str, tuple[int, tuple[str, ...]]] = {}
        seen_ids: dict[str, int] = {}
        # A decision on extended training is judged against the person's other registrations
        # (the education background NIR takes first): it is planned after the rest of the chunk
        # is written, so one file may carry both.
        later = {Kind.EXTENDED_TRAINING}
        for group in (
            [c for c in candidates if c.registration.kind not in later],
            [c for c in candidates if c.registration.kind in later],
        ):
            if group:
                self._write(group, seen_keys, seen_ids)

    def _write(
        self,
        candidates: list[Candidate],
        seen_keys: dict[str, tuple[int, tuple[str, ...]]],
        seen_ids: dict[str, int],
    ) -> None:
        by_key, by_id = self._existing(candidates)
        news: list[Version] = []
        changes: list[Version] = []
        for candidate in candidates:
            try:
                self._plan(candidate, by_key, by_id, seen_keys, seen_ids, news, changes)
            except Invalid as problem:
                self.sink.reject(candidate.row, problem.column, problem.message)
        now = utc_now()
        if news:
            sql.insert_new(self.store.conn, news, now, self.source_tag, enqueue=not self.from_hkdir)
        if changes:
            sql.update_existing(
                self.store.conn, changes, now, self.source_tag, enqueue=not self.from_hkdir
            )
        self.summary.created += len(news)
        self.summary.changed += len(changes)

    def _candidate(self, row: Row) -> Candidate | None:
        values = dict(row.values)
        refs = {name: values.pop(name) for name in PERSON_COLUMNS if name in values}
        given_id = values.pop("id", None)
        if self.columns.single_kind is not None:
            kind = values.setdefault("kind", self.columns.single_kind.value)
            if kind != self.columns.single_kind.value:
                values["kind"] = kind  # let the model say if it is another kind
        if not refs:
            self.sink.reject(row, None, _("no person: fill in duf, fnr, person or person_id"))
            return None
        result = self.validate(frozenset(values.items()))
        if isinstance(result, list):
            for column, message in result:
                self.sink.reject(row, column, message)
            return None
        if self.columns.single_kind is not None and result.kind is not self.columns.single_kind:
            self.sink.reject(
                row,
                "kind",
                _("is {kind}, not {expected}").format(
                    kind=result.kind.value, expected=self.columns.single_kind
                ),
            )
            return None
        return Candidate(row, result, refs, given_id)

    # -- lookups, one query per chunk ----------------------------------------------------------

    def _resolve_persons(self, candidates: list[Candidate]) -> None:
        wanted: dict[str, set[str]] = {"duf": set(), "fnr": set(), "id": set()}
        for c in candidates:
            for column, value in c.refs.items():
                wanted[_ref_column(column, value)].add(value)
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for column, values in wanted.items():
            for row in lookup.person_refs(self.store, column, values):
                found[(column, row[column])] = row
        for c in candidates:
            matches = {}
            for column, value in c.refs.items():
                person = found.get((_ref_column(column, value), value))
                if person is None:
                    self.sink.reject(c.row, column, _no_person(column, value))
                    break
                matches[person["id"]] = person
            else:
                if len(matches) > 1:
                    self.sink.reject(c.row, None, _("the person columns name different persons"))
                else:
                    c.person = next(iter(matches.values()))
                    c.key = natural_key(c.person["id"], c.registration)

    def _existing(self, candidates: list[Candidate]) -> tuple[dict[str, Any], dict[str, Any]]:
        live = [c for c in candidates if c.person is not None]
        by_key = {
            r["natural_key"]: r
            for r in lookup.where_in(
                self.store, "registrations", "natural_key", {c.key for c in live}, live_only=True
            )
        }
        by_id = {
            r["id"]: r
            for r in lookup.where_in(
                self.store, "registrations", "id", {c.given_id for c in live if c.given_id}
            )
        }
        return by_key, by_id

    # -- deciding: created, changed, unchanged or invalid -------------------------------------

    def _plan(
        self,
        c: Candidate,
        by_key: dict[str, Any],
        by_id: dict[str, Any],
        seen_keys: dict[str, tuple[int, tuple[str, ...]]],
        seen_ids: dict[str, int],
        news: list[Version],
        changes: list[Version],
    ) -> None:
        if c.person is None:
            return  # already rejected
        reg = c.registration
        person = c.person
        if self.from_hkdir and reg.kind is not Kind.TEST_RESULT:
            raise Invalid("kind", _("HK-dir sends test results only (test-result)"))
        try:
            check_against_person(reg, person["id"], _date(person["birth_date"]), self.store)
            # Accepting implausible rows skips the checks (and the person's facts), all but the
            # one no flag lifts: extended training before the education background.
            if not self.checks.accept_implausible or reg.kind is Kind.EXTENDED_TRAINING:
                check_plausible(self.store, person["id"], self._facts(person), reg, self.checks)
        except FieldProblem as problem:
            raise Invalid(problem.field or "fact_date", problem.problem) from None
        if c.given_id is not None:
            c.given_id = _uuid(c.given_id)
            if c.given_id in seen_ids:
                raise Invalid(
                    "id", _("the same id as line {line}").format(line=seen_ids[c.given_id])
                )
            seen_ids[c.given_id] = c.row.line
        signature = signature_of(reg)
        earlier = seen_keys.get(c.key)
        if earlier is not None:
            if earlier[1] == signature:
                self.summary.unchanged += 1
                return
            raise Invalid(
                None,
                _("the same {key} as line {line} with other values").format(
                    key=reg.describe_key(), line=earlier[0]
                ),
            )
        seen_keys[c.key] = (c.row.line, signature)
        same_key = by_key.get(c.key)
        if c.given_id is None:
            current = same_key
        else:
            current = by_id.get(c.given_id)
            if same_key is not None and same_key["id"] != c.given_id:
                raise Invalid(
                    None,
                    _("{key} is already registered as {id}").format(
                        key=reg.describe_key(), id=short_id(same_key["id"])
                    ),
                )
        if current is None:
            self._in_order(c, reg, person["id"])
            news.append(
                Version(
                    id=c.given_id or new_id(),
                    person_id=person["id"],
                    version=1,
                    registration=reg,
                    municipality=person["municipality"],
                    place=person["place"] or self.profile.place,
                    key=c.key,
                    stored=_stored(signature),
                )
            )
            return
        self._compare(c, current, signature, changes)

    def _in_order(self, c: Candidate, reg: RegistrationBase, person_id: str) -> None:
        """A new start, end, stop, claim or decision against the person's others of its scheme:
        stored, and this chunk's rows before it (domain.order)."""
        scheme = reg.scheme_value
        if reg.kind not in ORDERED or scheme is None:
            return
        key = (person_id, scheme.value)
        rows = self.in_order.setdefault(key, [])
        stored = [
            Seen(Kind(r["kind"]), _date(r["fact_date"]))
            for r in lookup.ordered(self.store, person_id, scheme.value)
        ]
        found = order_problem(reg, [*stored, *rows])
        if found is not None:
            raise Invalid("fact_date", found)
        rows.append(Seen(reg.kind, reg.fact_date, c.row.line))

    def _facts(self, person: dict[str, Any]) -> PersonFacts:
        """The person's facts for the plausibility checks, worked out once a chunk."""
        facts = self.person_facts.get(person["id"])
        if facts is None:
            facts = self.person_facts[person["id"]] = facts_of(person)
        return facts

    def _compare(
        self,
        c: Candidate,
        current: dict[str, Any],
        signature: tuple[str, ...],
        changes: list[Version],
    ) -> None:
        if current["person_id"] != c.person["id"]:  # type: ignore[index]
            raise Invalid("id", _("this registration id belongs to another person"))
        if current["withdrawn"]:
            raise Invalid(
                "id", _("this registration is withdrawn; register it anew without the id")
            )
        stored = _signature(
            current["kind"], current["scheme"], current["fact_date"], current["details"]
        )
        if stored == signature:
            self.summary.unchanged += 1
            return
        if current["source"] == self.source_tag:
            raise Invalid(
                None,
                _("the same {key} as an earlier line with other values").format(
                    key=c.registration.describe_key()
                ),
            )
        merged = self._merged(c, current)
        if signature_of(merged) == stored:
            self.summary.unchanged += 1
            return
        changes.append(
            Version(
                id=current["id"],
                person_id=current["person_id"],
                version=current["version"] + 1,
                registration=merged,
                municipality=current["municipality"],
                place=current["place"],
                base_version=current["registry_version"],
            )
        )

    def _merged(self, c: Candidate, current: dict[str, Any]) -> RegistrationBase:
        """The stored registration with the row's non-blank cells laid over it."""
        values = {k: v for k, v in c.row.values.items() if k not in PERSON_COLUMNS and k != "id"}
        merged = {**stored_fields(current), **values}
        result = self.validate(frozenset((k, str(v)) for k, v in merged.items()))
        if isinstance(result, list):
            column, message = result[0]
            raise Invalid(column, message)
        return result


def _ref_column(column: str, value: str) -> str:
    """Which persons column a reference is looked up in."""
    if column in ("duf", "fnr"):
        return column
    if column == PERSON_REF and value.isdigit():
        return "duf" if len(value) == 12 else "fnr"
    return "id"


def _no_person(column: str, value: str) -> str:
    kind = _ref_column(column, value)
    if kind == "fnr":
        return _("no person with that fødselsnummer")  # never echo a personal number
    if kind == "duf":
        return _("no person with DUF number {duf}").format(duf=value)
    return _("no person with id {id}").format(id=value)


def _uuid(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise Invalid("id", _("is not a registration id (a UUID)")) from None


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
