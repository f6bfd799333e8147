"""What both registry storages write and read of records the same way: the upsert of an
accepted record and its row, and a person's training facts from their query's row. Written
once in SQLite's `?` style; PostgreSQL takes them through `account_statements.pg`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from nir_cli.domain.entitlement import TrainingFacts

# An accepted record, new or a newer version of one the registry holds.
UPSERT_RECORD = (
    "INSERT INTO records (id, municipality, entity, person_id, version, body, withdrawn, "
    "withdrawn_reason, registry_date, seq, person_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version, body = excluded.body, "
    "withdrawn = excluded.withdrawn, withdrawn_reason = excluded.withdrawn_reason, "
    "registry_date = excluded.registry_date, seq = excluded.seq"
)


def record_rows(
    accepted: Sequence[tuple[Any, str]],
    seqs: Iterable[int],
    municipality: str,
    received: str,
    person_keys: dict[str, Any],
) -> list[tuple[Any, ...]]:
    """UPSERT_RECORD's parameters for each accepted record (with its stored body) and the
    change number it was given."""
    return [
        (
            rec.id,
            municipality,
            rec.entity.value,
            rec.person_id,
            rec.version,
            body,
            int(rec.withdrawn),
            rec.withdrawn_reason,
            received[:10],
            seq,
            person_keys.get(rec.id),
        )
        for seq, (rec, body) in zip(seqs, accepted, strict=True)
    ]


def training_facts_of(row: Any) -> TrainingFacts:
    """A person's training facts from their query's row: upper secondary education (None
    when none is registered), the first start of training and the days of training leave."""
    upper = bool(row["upper_secondary"]) if row["educations"] else None
    first_start = row["first_start"]
    return TrainingFacts(
        upper,
        dt.date.fromisoformat(first_start) if first_start else None,
        int(row["leave_days"]),
    )
