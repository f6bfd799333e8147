"""Importing persons: match each row to a stored person by id, DUF number or fødselsnummer;
new persons get version 1, changed ones a new version, both with their outbox rows."""

from __future__ import annotations

import uuid
from typing import Any

from nir_cli.core.config import Profile
from nir_cli.core.i18n import N_, _
from nir_cli.core.record_ids import new_id
from nir_cli.domain.model import Checks
from nir_cli.domain.person import PersonData
from nir_cli.importer.columns import Columns
from nir_cli.importer.rows import Row, Sink, cached_validation
from nir_cli.store import Store, lookup, utc_now
from nir_cli.store import persons as sql
from nir_cli.store.persons import PERSON_COLUMNS, PersonVersion

IDENTIFYING = ("id", "duf", "fnr")

# Whole sentences per number column (the words around the number's name differ by language).
REGISTERED_WITH_ANOTHER = {
    "duf": N_("this person is registered with another DUF number; give the id column to change it"),
    "fnr": N_(
        "this person is registered with another fødselsnummer; give the id column to change it"
    ),
}
SAME_AS_LINE = {
    "duf": N_("the same DUF number as line {line} with other values"),
    "fnr": N_("the same fødselsnummer as line {line} with other values"),
}


class PersonImporter:
    def __init__(
        self,
        store: Store,
        profile: Profile,
        checks: Checks,
        columns: Columns,
        sink: Sink,
        source_tag: str,
    ) -> None:
        self.store, self.profile, self.sink, self.source_tag = store, profile, sink, source_tag
        self.summary = sink.summary
        context = checks.as_context()

        self.validate = cached_validation(
            lambda fields: PersonData.model_validate(fields, context=context)
        )

    def process(self, rows: list[Row]) -> None:
        existing = self._existing(rows)
        news: list[PersonVersion] = []
        changes: list[PersonVersion] = []
        seen: dict[str, tuple[int, PersonData]] = {}
        for row in rows:
            problem = self._plan(row, existing, seen, news, changes)
            if isinstance(problem, list):  # every field's problem, each under its column
                for column, message in problem:
                    self.sink.reject(row, column, message)
            elif problem is not None:
                self.sink.reject(row, *problem)
        now = utc_now()
        if news:
            sql.insert_new(self.store.conn, news, now, self.source_tag)
        if changes:
            sql.update_existing(self.store.conn, changes, now, self.source_tag)
        self.summary.created += len(news)
        self.summary.changed += len(changes)

    def _existing(self, rows: list[Row]) -> dict[tuple[str, str], dict[str, Any]]:
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for column in IDENTIFYING:
            values = {row.values[column] for row in rows if column in row.values}
            for person in lookup.where_in(self.store, "persons", column, values):
                found[(column, person[column])] = person
        return found

    def _plan(
        self,
        row: Row,
        existing: dict[tuple[str, str], dict[str, Any]],
        seen: dict[str, tuple[int, PersonData]],
        news: list[PersonVersion],
        changes: list[PersonVersion],
    ) -> tuple[str | None, str] | list[tuple[str | None, str]] | None:
        matches = {}
        for column in IDENTIFYING:
            value = row.values.get(column)
            person = existing.get((column, value)) if value else None
            if person is not None:
                matches[person["id"]] = person
        if len(matches) > 1:
            return None, _("the id, DUF number and fødselsnummer belong to different persons")
        current = next(iter(matches.values()), None)
        if current is not None and "id" not in row.values:
            for column in ("duf", "fnr"):
                given = row.values.get(column)
                if given and current[column] and given != current[column]:
                    return column, _(REGISTERED_WITH_ANOTHER[column])
        fields = {k: v for k, v in row.values.items() if k != "id"}
        if current is None:
            defaults = {"municipality": self.profile.municipality}
            if self.profile.place:
                defaults["place"] = self.profile.place
            fields = {**defaults, **fields}
        else:
            fields = {**_stored(current), **fields}
        result = self.validate(frozenset(fields.items()))
        if isinstance(result, list):
            return result
        if result.municipality not in self.profile.municipalities:
            return "municipality", _("{municipality} is not in profile {profile!r}").format(
                municipality=result.municipality, profile=self.profile.name
            )
        for column in ("duf", "fnr"):
            value = getattr(result, column)
            earlier = seen.get(f"{column}:{value}") if value else None
            if earlier is None:
                continue
            line, data = earlier
            if data == result:
                self.summary.unchanged += 1
                return None
            return column, _(SAME_AS_LINE[column]).format(line=line)
        for column in ("duf", "fnr"):
            if getattr(result, column):
                seen[f"{column}:{getattr(result, column)}"] = (row.line, result)
        if current is None:
            try:
                person_id = str(uuid.UUID(row.values["id"])) if "id" in row.values else None
            except ValueError:
                return "id", _("is not a person id (a UUID)")
            news.append(PersonVersion(person_id or new_id(), 1, result))
            return None
        if self.validate(frozenset(_stored(current).items())) == result:
            self.summary.unchanged += 1
            return None
        if current["source"] == self.source_tag:
            return None, _("the same person as an earlier line with other values")
        changes.append(
            PersonVersion(
                current["id"], current["version"] + 1, result, current["registry_version"]
            )
        )
        return None


def _stored(person: dict[str, Any]) -> dict[str, str]:
    return {name: person[name] for name in PERSON_COLUMNS if person[name] is not None}
