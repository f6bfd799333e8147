"""Registrations and persons the registry refused, with what to do about each.

A rejected record waits in the outbox with the registry's reason until a corrected version is
sent (BRIEF 2.5): this lists them for the person who must correct them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from nir_cli.core.i18n import _
from nir_cli.core.record_ids import short_id
from nir_cli.domain.identifiers import mask
from nir_cli.store import Store, sync_log


@dataclass(frozen=True)
class Rejection:
    """One refused record: whose, what, why, and the command that fixes it."""

    entity: str
    id: str
    version: int
    name: str
    duf: str | None
    fnr: str | None
    kind: str | None
    scheme: str | None
    fact_date: str | None
    code: str | None
    field: str | None
    reason: str
    fix: str

    def row(self, *, show_ids: bool) -> dict[str, Any]:
        out = asdict(self)
        if not show_ids:
            out["fnr"] = mask(self.fnr) if self.fnr else None
        return out


def _fix(entity: str, record_id: str, duf: str | None, field: str | None) -> str:
    if entity == "person":
        option = f"--{field.replace('_', '-')} VALUE" if field else "--FIELD VALUE"
        return f"nir person edit {duf or record_id} {option}"
    short = short_id(record_id)
    if field == "fact_date":
        edit = f"nir registration edit {short} --date DATE"
    else:
        name = field.replace("_", "-") if field else "FIELD"
        edit = f"nir registration edit {short} --set {name}=VALUE"
    # Commands, like the codes: the same in every language (and in --format json).
    return f"{edit}, or nir registration withdraw {short} --reason TEXT"


def rejections(store: Store) -> list[Rejection]:
    """Every record the registry refused that still waits for a correction, oldest first."""
    found = []
    for row in sync_log.rejected(store):
        error = json.loads(row["last_error"] or "{}")
        field = error.get("field")
        found.append(
            Rejection(
                entity=row["entity"],
                id=row["entity_id"],
                version=row["version"],
                name=f"{row['first_name'] or ''} {row['last_name'] or ''}".strip(),
                duf=row["duf"],
                fnr=row["fnr"],
                kind=row["kind"],
                scheme=row["scheme"],
                fact_date=row["fact_date"],
                code=error.get("code"),
                field=field,
                reason=error.get("message") or _("no reason given"),
                fix=_fix(row["entity"], row["entity_id"], row["duf"], field),
            )
        )
    return found
