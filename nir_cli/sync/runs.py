"""The record of past syncs that `nir sync log` and `nir sync show` read."""

from __future__ import annotations

import json
from typing import Any

from nir_cli.store import Store


def recent_runs(store: Store, limit: int) -> list[dict[str, Any]]:
    """The last `limit` sync runs, newest first, with their counts and outcome."""
    return store.query(
        "SELECT r.id AS run, r.started_at, r.finished_at, r.dry_run, r.sent, r.accepted, "
        "r.rejected, r.conflicts, r.pulled, r.outcome FROM sync_runs r ORDER BY r.id DESC "
        "LIMIT ?",
        (limit,),
    )


def batches(store: Store, run_id: int) -> list[dict[str, Any]]:
    """The batches of one run; `report` is the registry's answer as data (None until it
    answered), not the text it came as."""
    rows = store.query(
        "SELECT idempotency_key, batch_id, created_at, answered_at, state, accepted, rejected, "
        "conflicts, report FROM sync_batches WHERE run_id = ? ORDER BY created_at",
        (run_id,),
    )
    for row in rows:
        row["report"] = json.loads(row["report"]) if row["report"] else None
    return rows
