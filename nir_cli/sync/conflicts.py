"""Conflicts the registry reported: a record changed there since the version ours builds on.

Resolving keeps mine or theirs as a new local version whose base is the registry's version, so
the next sync sends it and the registry accepts it. Nothing is overwritten silently.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from nir_cli.core.errors import InvalidData, NotFound
from nir_cli.core.i18n import _
from nir_cli.domain.enums import Entity
from nir_cli.domain.identifiers import mask
from nir_cli.domain.model import Checks
from nir_cli.domain.person import PersonData
from nir_cli.domain.registrations import parse_registration
from nir_cli.store import Store, utc_now
from nir_cli.store import conflicts as conflict_sql
from nir_cli.store import persons as person_sql
from nir_cli.store import registrations as registration_sql
from nir_cli.store.merge import merge
from nir_cli.store.persons import PersonVersion
from nir_cli.store.records import from_row as registration_from_row
from nir_cli.store.registrations import Version

LENIENT = Checks(today=dt.date.max, allow_synthetic=True, accept_unchecked_duf=True).as_context()
SOURCE = "conflict"


class Keep(StrEnum):
    MINE = "mine"
    THEIRS = "theirs"


def open_conflicts(store: Store) -> list[dict[str, Any]]:
    return conflict_sql.open_ones(store)


def listing(store: Store, *, show_ids: bool) -> list[dict[str, Any]]:
    """Open conflicts with whose record each is (name, DUF, fødselsnummer masked unless
    `show_ids`), for a person to pick one to look at."""
    rows = conflict_sql.listing(store)
    if not show_ids:
        for row in rows:
            row["fnr"] = mask(row["fnr"]) if row["fnr"] else None
    return rows


def differences(conflict: dict[str, Any], *, show_ids: bool) -> list[dict[str, Any]]:
    """The fields where our version and the registry's differ: field, mine, registry."""
    mine = _normalised(conflict["entity"], conflict["local"] or {})
    theirs = _normalised(conflict["entity"], conflict["registry_body"] or {})
    out = []
    for name in dict.fromkeys([*mine, *theirs]):
        a, b = mine.get(name), theirs.get(name)
        if a == b or (a is not None and b is not None and str(a) == str(b)):
            continue
        if name == "fnr" and not show_ids:
            a, b = (mask(a) if a else a), (mask(b) if b else b)
        out.append({"field": name, "mine": a, "registry": b})
    return out


def get(store: Store, conflict_id: int) -> dict[str, Any]:
    row = conflict_sql.one(store, conflict_id)
    if row is None:
        raise NotFound(
            _("no conflict {id}").format(id=conflict_id), hint=_("see: nir conflicts list")
        )
    local = conflict_sql.local_row(store, row["entity"], row["entity_id"])
    row["local"] = _local_body(row["entity"], local) if local else None
    return row


def _normalised(entity: str, body: dict[str, Any]) -> dict[str, Any]:
    """A body as its model writes it (defaults filled in, codes and ISO dates), so two sides
    differ only where their values do."""
    try:
        model = (
            PersonData.model_validate(body, context=LENIENT)
            if entity == "person"
            else parse_registration(body, context=LENIENT)
        )
    except ValueError:  # a body this nir cannot read: compared as it is
        return body
    return model.model_dump(mode="json", exclude_none=True)


def _local_body(entity: str, local: dict[str, Any]) -> dict[str, Any]:
    if entity == "person":
        from nir_cli.store.persons import PERSON_COLUMNS

        return {name: local[name] for name in PERSON_COLUMNS if local[name] is not None}
    reg = registration_from_row(local).registration
    return {
        "kind": reg.kind.value,
        "fact_date": reg.fact_date.isoformat(),
        **({"scheme": reg.scheme_value.value} if reg.scheme_value else {}),
        **reg.details(),
    }


def resolve(store: Store, conflict_id: int, keep: Keep) -> int:
    """Resolve a conflict; returns the new local version (sent at the next sync)."""
    conflict = get(store, conflict_id)
    if conflict["resolved_at"]:
        raise InvalidData(
            _("conflict {id} is resolved already ({resolution})").format(
                id=conflict_id, resolution=conflict["resolution"]
            )
        )
    entity_id = conflict["entity_id"]
    registry_version = conflict["registry_version"]
    now = utc_now()
    if conflict["entity"] == "person" and conflict.get("registry_person_id"):
        return _one_person(store, conflict, keep, now)
    if conflict["entity"] == "person":
        local = conflict_sql.local_row(store, Entity.PERSON, entity_id)
        assert local is not None
        body = conflict["local"] if keep is Keep.MINE else conflict["registry_body"]
        data = PersonData.model_validate(body, context=LENIENT)
        version = int(max(local["version"], registry_version)) + 1
        person = PersonVersion(entity_id, version, data, registry_version, local["version"])
        with store.write() as conn:
            person_sql.set_registry_version(conn, entity_id, registry_version)
            person_sql.update_existing(conn, [person], now, SOURCE)
            _close(conn, conflict_id, keep, now)
        return version
    local = conflict_sql.local_row(store, Entity.REGISTRATION, entity_id)
    assert local is not None
    current = registration_from_row(local)
    if keep is Keep.MINE:
        registration, withdrawn, reason = (
            current.registration,
            current.withdrawn,
            current.withdrawn_reason,
        )
    else:
        registration = parse_registration(conflict["registry_body"], context=LENIENT)
        withdrawn, reason = bool(conflict["registry_withdrawn"]), None
    version = max(current.version, int(registry_version)) + 1
    new = Version(
        id=entity_id,
        person_id=current.person_id,
        version=version,
        registration=registration,
        municipality=current.municipality,
        place=current.place,
        withdrawn=withdrawn,
        withdrawn_reason=reason,
        base_version=registry_version,
        previous_version=current.version,
    )
    with store.write() as conn:
        registration_sql.set_registry_version(conn, entity_id, registry_version)
        registration_sql.update_existing(conn, [new], now, SOURCE)
        _close(conn, conflict_id, keep, now)
    return version


def _one_person(store: Store, conflict: dict[str, Any], keep: Keep, now: str) -> int:
    """A local person the registry has under another record, with other facts: the local
    record becomes the registry's (its registrations too, store.merge); keeping mine makes my
    facts a new version of that record, sent at the next sync. Returns the record's version."""
    person_id = conflict["registry_person_id"]
    registry_version = int(conflict["registry_version"])
    theirs = PersonData.model_validate(conflict["registry_body"], context=LENIENT)
    into = PersonVersion(person_id, registry_version, theirs)
    version = registry_version
    with store.write() as conn:
        merge(conn, conflict["entity_id"], into, now[:10], now)
        if keep is Keep.MINE:
            mine = PersonData.model_validate(conflict["local"], context=LENIENT)
            current = person_sql.versions_of(conn, person_id)
            version = int(current["version"]) + 1
            person_sql.update_existing(
                conn,
                [
                    PersonVersion(
                        person_id, version, mine, current["registry_version"], current["version"]
                    )
                ],
                now,
                SOURCE,
            )
        _close(conn, conflict["id"], keep, now)
    return version


def _close(conn: Any, conflict_id: int, keep: Keep, now: str) -> None:
    conflict_sql.close(conn, conflict_id, keep.value, now)
