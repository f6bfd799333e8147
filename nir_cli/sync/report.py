"""What a sync did: counted while it runs, kept in sync_runs, shown by nir sync."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Progress = Callable[[str, int, int], None]


@dataclass
class SyncReport:
    run_id: int | None = None
    dry_run: bool = False
    sent: int = 0
    accepted: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    pulled: int = 0  # changes from others, applied here
    echoed: int = 0  # our own pushes coming back from the registry
    skipped: list[str] = field(default_factory=list)
    linked: int = 0  # our person records that became the registry's record of the person
    merged: int = 0  # local persons that became a pulled person of the same DUF number
    same_person: int = 0  # pulled persons of a local person's number with other facts
    batches: int = 0
    waiting_rejected: int = 0
    open_conflicts: int = 0
