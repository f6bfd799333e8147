"""A person's version body in SQL.

The current version of a person is its persons row: person_versions keeps its body as NULL
(migration 0016), and the body of an earlier version is written out by a trigger when the row
changes. Every reader of a version's body reads it through `body_sql`, which takes the row's
columns, as JSON in PersonData's order, where the body is NULL. The migration's trigger and its
view `person_version_bodies` say the same; tests/store/test_versions.py holds them to it."""

from __future__ import annotations

from nir_cli.domain.person import PersonData

PERSON_COLUMNS = tuple(PersonData.model_fields)


def row_json(person: str = "p") -> str:
    """The persons row `person` as the JSON body of the version it holds."""
    members = ", ".join(f"'{name}', {person}.{name}" for name in PERSON_COLUMNS)
    return f"json_object({members})"


def body_sql(versions: str = "v", person: str = "p") -> str:
    """The body of the person_versions row `versions`, joined to its persons row `person`:
    NULL, never another version's, should a bodiless version not be the row's (the trigger
    person_versions_current_only refuses to write one)."""
    return (
        f"CASE WHEN {versions}.body IS NOT NULL THEN {versions}.body "
        f"WHEN {person}.version = {versions}.version THEN {row_json(person)} END"
    )
