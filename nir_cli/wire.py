"""The registry API's wire format (/v1): pydantic models shared by client and server.

A neutral module: the client (`nir_cli.sync`) and the registry (`nir_cli.registry`) both import
it, and neither imports the other.

A record is a person or a registration as one version: the client's UUID, the version it
proposes, the registry version it builds on (`base_version`, None for a new record), and its
body: the same fields the domain models validate. The registry answers per record: accepted,
rejected (code, field, message) or conflict (its current version and body).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nir_cli.core.constants import API_VERSION as API_VERSION

# One enum for the store, the wire and the registry (re-exported: the wire speaks of it).
from nir_cli.domain.enums import Entity as Entity

MAX_BATCH_RECORDS = 1000
MAX_VERSION = 2**31 - 1  # far beyond any record's life; keeps every number a SQLite integer


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


# No NUL in any text the registry keeps: PostgreSQL cannot store one, and no name, id or key
# holds one for a reason (refused alike on either database; record bodies: validation.py).
NO_NUL = r"^[^\x00]*$"


class Role(StrEnum):
    SUPERUSER = "superuser"
    DEPUTY = "deputy"
    USER = "user"
    TRANSFER = "transfer"


ADMIN_ROLES = frozenset({Role.SUPERUSER, Role.DEPUTY})


UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class RecordIn(Wire):
    entity: Entity
    id: str = Field(pattern=UUID_PATTERN)
    version: int = Field(ge=1, le=MAX_VERSION, description="the version the client proposes")
    base_version: int | None = Field(
        None, ge=1, le=MAX_VERSION, description="the registry version it builds on"
    )
    person_id: str | None = Field(
        None, pattern=UUID_PATTERN, description="the person of a registration"
    )
    body: dict[str, Any] = Field(description="the fields of the person or registration")
    withdrawn: bool = False
    withdrawn_reason: str | None = Field(None, max_length=500, pattern=NO_NUL)


class BatchMode(StrEnum):
    PER_RECORD = "per-record"
    ALL_OR_NOTHING = "all-or-nothing"


class BatchIn(Wire):
    idempotency_key: str = Field(min_length=8, max_length=100, pattern=NO_NUL)
    mode: BatchMode = BatchMode.PER_RECORD
    validate_only: bool = Field(False, description="check everything, store nothing")
    records: list[RecordIn] = Field(min_length=1, max_length=MAX_BATCH_RECORDS)


class Status(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CONFLICT = "conflict"
    # A person record of a person the municipality has already, with the same facts: it became
    # that person (`person_id`); the client makes its record that one.
    LINKED = "linked"


class RecordError(Wire):
    code: str
    field: str | None = None
    message: str


class Current(Wire):
    version: int
    body: dict[str, Any]
    withdrawn: bool


class RecordResult(Wire):
    id: str
    status: Status
    version: int | None = None
    registry_date: str | None = None
    error: RecordError | None = None
    current: Current | None = None
    person_id: str | None = Field(
        None,
        description="linked: the person record this one became; a conflict of a person with "
        "one the municipality has (same DUF number or fødselsnummer, other facts): that "
        "person's record, whose version and body are `current`",
    )


class BatchOut(Wire):
    batch_id: str
    validate_only: bool
    results: list[RecordResult]


class Change(Wire):
    seq: int
    entity: Entity
    id: str
    version: int
    person_id: str | None
    body: dict[str, Any]
    withdrawn: bool
    withdrawn_reason: str | None
    registry_date: str
    municipality: str | None = Field(
        None,
        description="the municipality that registered it, when another than the caller's: a "
        "moved person's earlier registration, handed over read-only",
    )


class ChangesOut(Wire):
    changes: list[Change]
    next_cursor: int


class TokenRequest(Wire):
    username: str = Field(min_length=1, max_length=100, pattern=NO_NUL)
    password: str = Field(min_length=1, max_length=200, pattern=NO_NUL)


class TokenOut(Wire):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: str


class MachineTokenRequest(Wire):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    # Left out: as long as the registry allows (`serve --max-token-days`).
    days: int | None = Field(None, ge=1, le=3650)
    # The password again: a stolen session must not be able to make a token that outlives it.
    password: str = Field(min_length=1, max_length=200, pattern=NO_NUL)


class TokenInfo(Wire):
    name: str | None
    kind: Literal["session", "machine"]
    created_at: str
    expires_at: str


class Me(Wire):
    username: str
    municipality: str
    place: str | None
    role: Role
    token_expires_at: str


class UserOut(Wire):
    username: str
    municipality: str
    place: str | None
    role: Role
    disabled: bool
    created_at: str


class UserCreate(Wire):
    username: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]{1,99}$")
    password: str = Field(min_length=8, max_length=200, pattern=NO_NUL)
    place: str | None = Field(None, max_length=100, pattern=NO_NUL)
    role: Role = Role.USER


class PasswordReset(Wire):
    password: str = Field(min_length=8, max_length=200, pattern=NO_NUL)


class RoleChange(Wire):
    role: Role


class EntitlementOut(Wire):
    """The suggested entitlement to training of a person the registry holds: the same as
    `nir person show` gives (nir_cli.domain.entitlement.entitlement_view)."""

    entitlement: str
    cost: str
    norwegian_hours: int | None = None
    social_studies_hours: int | None = None
    max_hours: int | None = None
    norwegian_goal: str | None = None
    window_months: int | None = None
    window_start: str | None = None
    window_leave_days: int | None = None
    window_end: str | None = None
    entitlement_note: str | None = None


class FieldProblem(Wire):
    """One thing wrong with a request the registry could not read (a 422 before any record was
    looked at): where (`loc`, as FastAPI gives it), what and its code."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(Wire):
    """Every refusal's body, whichever part of the registry gave it (the limits,
    authentication, a route): `detail` a sentence for a person, in the request's language;
    `errors` each problem of a request that could not be read (422 only). Personal numbers are
    masked anywhere in it. (Below the registry, uvicorn answers a request that is not HTTP
    with a plain-text 400, and more connections than it serves with a plain-text 503.)"""

    detail: str
    errors: list[FieldProblem] | None = None


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()
