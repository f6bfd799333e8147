"""The rows `nir export` writes, streamed: persons, or live registrations with their person's
numbers. Memory stays flat whatever the store's size."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from nir_cli.store.db import Store


def _filters(municipality: str | None, place: str | None, table: str) -> tuple[str, list[str]]:
    clauses, params = [], []
    if municipality:
        clauses.append(f"{table}.municipality = ?")
        params.append(municipality)
    if place:
        clauses.append(f"{table}.place = ?")
        params.append(place)
    return (" AND ".join(clauses) or "1"), params


def persons(
    store: Store, columns: Sequence[str], municipality: str | None, place: str | None
) -> Iterator[dict[str, Any]]:
    where, params = _filters(municipality, place, "persons")
    names = ", ".join(columns)
    for row in store.conn.execute(
        f"SELECT {names} FROM persons WHERE {where} ORDER BY last_name, first_name, id", params
    ):
        yield dict(row)


def registrations(
    store: Store, municipality: str | None, place: str | None
) -> Iterator[dict[str, Any]]:
    """Live registrations with the DUF number and fødselsnummer of their person; `details`
    is the kind's fields as JSON text."""
    where, params = _filters(municipality, place, "r")
    for row in store.conn.execute(
        "SELECT r.id, p.duf, p.fnr, r.kind, r.scheme, r.fact_date AS date, r.details "
        "FROM registrations r JOIN persons p ON p.id = r.person_id "
        f"WHERE r.withdrawn = 0 AND {where} ORDER BY r.person_id, r.fact_date, r.id",
        params,
    ):
        yield dict(row)
