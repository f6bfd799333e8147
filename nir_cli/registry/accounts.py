"""Users and tokens: argon2 password hashes, tokens stored only as sha256, expiry, revocation,
and failed logins slowed down and then refused for a while."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from nir_cli.registry.storage.interface import Session, UsernameTaken
from nir_cli.wire import Role

__all__ = ["UsernameTaken"]  # raised by create_user, from the storage

SESSION_HOURS = 12
FREE_FAILURES = 5  # failed logins before a lock-out
LOCK_SECONDS = 30  # the first lock-out; doubles with each failure after, up to:
MAX_LOCK_SECONDS = 900
FAILURE_DELAY = 0.2  # seconds per failure, up to one second, before answering
_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("a password nobody has")


@dataclass(frozen=True)
class Caller:
    username: str
    municipality: str
    place: str | None
    role: Role
    token_hash: str
    expires_at: str
    token_kind: str = "session"  # or "machine"


class LoginRefused(Exception):
    """A refused login: `retry_after` while locked out; `delay`, the seconds to wait before
    answering a failure (slower with each), spent by the caller outside any shared slot."""

    def __init__(self, retry_after: int | None = None, delay: float = 0.0) -> None:
        super().__init__("login refused")
        self.retry_after = retry_after
        self.delay = delay


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _iso(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def create_user(
    store: Session, username: str, password: str, municipality: str, place: str | None, role: Role
) -> None:
    store.accounts.add_user(username, municipality, place, role.value, hash_password(password))


def login(store: Session, username: str, password: str, address: str) -> tuple[str, str]:
    """A new session token and its expiry; LoginRefused (with Retry-After when locked).

    An unknown user, a wrong password and a disabled user answer alike: the password is
    checked against a dummy hash when there is no user (the same argon2 time), and failures
    are counted and locked out per username and client address whether the user exists or
    not, so a stranger's wrong passwords lock the name out from the stranger's address only.
    Each failure is one atomic UPDATE ... RETURNING, so logins racing each other all count; a
    right password is refused while a lock-out holds, checked again inside the transaction
    that clears it."""
    check_password(store, username, password, address)
    return issue_token(store, username, "session", None, dt.timedelta(hours=SESSION_HOURS))


def check_password(store: Session, username: str, password: str, address: str) -> None:
    """The user's password, as a login checks it (locked out, counted, slowed down alike):
    LoginRefused unless it is right. Making a machine token asks for it again."""
    locked = store.accounts.locked_until(username, address)
    if locked:
        raise LoginRefused(_seconds_until(locked))
    user = store.accounts.user(username)
    ok: bool = False
    try:
        ok = _HASHER.verify(user["password_hash"] if user else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if user is None or not ok or user["disabled"]:
        failures = store.accounts.count_failure(
            username, address, FREE_FAILURES, LOCK_SECONDS, MAX_LOCK_SECONDS
        )
        raise LoginRefused(delay=min(1.0, FAILURE_DELAY * failures))
    # A lock-out set by failures that raced this login wins over it.
    raced = store.accounts.clear_failures(username, address)
    if raced is not None:
        raise LoginRefused(_seconds_until(raced))


def _seconds_until(moment: str) -> int:
    until = dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return max(1, int((until - _utcnow()).total_seconds()) + 1)


def issue_token(
    store: Session, username: str, kind: str, name: str | None, lifetime: dt.timedelta
) -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    expires = _iso(_utcnow() + lifetime)
    store.accounts.add_token(hash_token(token), username, kind, name, expires)
    return token, expires


def authenticate(store: Session, token: str, longest: dt.timedelta | None = None) -> Caller | None:
    """The caller behind a bearer token, or None when unknown, expired, revoked or disabled.
    `longest`: the most a machine token may live now; one made for longer (before the
    registry set its limit, or when it allowed more) ends when that much has passed."""
    row = store.accounts.caller(hash_token(token))
    if row is None:
        return None
    if longest is not None and row["kind"] == "machine":
        made = dt.datetime.fromisoformat(str(row["token_created_at"]).replace("Z", "+00:00"))
        if made + longest <= _utcnow():
            return None
    return Caller(
        row["username"],
        row["municipality"],
        row["place"],
        Role(row["role"]),
        row["token_hash"],
        row["expires_at"],
        row["kind"],
    )


def revoke(store: Session, token_hash: str) -> None:
    store.accounts.revoke(token_hash)


def tokens_of(store: Session, username: str) -> list[dict[str, Any]]:
    """A user's live tokens (never the tokens themselves)."""
    return store.accounts.tokens_of(username)


def revoke_named(store: Session, username: str, name: str) -> bool:
    return store.accounts.revoke_named(username, name)


def users_of(store: Session, municipality: str) -> list[dict[str, Any]]:
    return store.accounts.users_of(municipality)


def user_in(store: Session, municipality: str, username: str) -> dict[str, Any] | None:
    """A user of this municipality; another municipality's user is as good as absent."""
    return store.accounts.user_in(municipality, username)


def username_taken(store: Session, username: str) -> bool:
    return store.accounts.username_taken(username)


def disable(store: Session, municipality: str, username: str) -> None:
    """Disable a user of this municipality and revoke all their tokens at once."""
    store.accounts.disable(municipality, username)


def set_password(store: Session, municipality: str, username: str, password: str) -> None:
    """A new password; whoever held the old one is logged out everywhere."""
    store.accounts.set_password_hash(municipality, username, hash_password(password))


def set_role(store: Session, municipality: str, username: str, role: Role) -> None:
    """Another role; tokens issued under the old one end at once."""
    store.accounts.set_role(municipality, username, role.value)
