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

from nir_cli.registry.storage import now
from nir_cli.store.db import Store
from nir_cli.wire import Role

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
    store: Store, username: str, password: str, municipality: str, place: str | None, role: Role
) -> None:
    with store.write() as conn:
        conn.execute(
            "INSERT INTO users (username, municipality, place, role, password_hash, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (username, municipality, place, role.value, hash_password(password), now()),
        )


def login(store: Store, username: str, password: str) -> tuple[str, str]:
    """A new session token and its expiry; LoginRefused (with Retry-After when locked).

    An unknown user, a wrong password and a disabled user answer alike: the password is
    checked against a dummy hash when there is no user (the same argon2 time), and failures
    are counted and locked out per username whether the user exists or not. Each failure is
    one atomic UPDATE ... RETURNING, so logins racing each other all count; a right password is
    refused while a lock-out holds, checked again inside the transaction that clears it."""
    locked = _locked_for(store, username)
    if locked:
        raise LoginRefused(locked)
    user = store.one("SELECT * FROM users WHERE username = ?", (username,))
    ok: bool = False
    try:
        ok = _HASHER.verify(user["password_hash"] if user else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if user is None or not ok or user["disabled"]:
        failures = _failed(store, username)
        raise LoginRefused(delay=min(1.0, FAILURE_DELAY * failures))
    with store.write() as conn:
        # A lock-out set by failures that raced this login wins over it.
        row = conn.execute(
            "SELECT locked_until FROM login_attempts WHERE username = ?", (username,)
        ).fetchone()
        if row is not None and row["locked_until"] and row["locked_until"] > now():
            raise LoginRefused(_seconds_until(row["locked_until"]))
        conn.execute("DELETE FROM login_attempts WHERE username = ?", (username,))
    return issue_token(store, username, "session", None, dt.timedelta(hours=SESSION_HOURS))


def _seconds_until(moment: str) -> int:
    until = dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return max(1, int((until - _utcnow()).total_seconds()) + 1)


def _locked_for(store: Store, username: str) -> int | None:
    row = store.one("SELECT locked_until FROM login_attempts WHERE username = ?", (username,))
    if row is None or not row["locked_until"] or row["locked_until"] <= now():
        return None
    return _seconds_until(row["locked_until"])


# One statement per failure: counted and, past FREE_FAILURES, locked, whatever races it.
_FAILURE = f"""
INSERT INTO login_attempts (username, failures, locked_until, last_at) VALUES (:u, 1, NULL, :now)
ON CONFLICT (username) DO UPDATE SET
    failures = failures + 1,
    last_at = :now,
    locked_until = CASE WHEN failures + 1 >= {FREE_FAILURES} THEN strftime('%Y-%m-%dT%H:%M:%SZ',
        'now', '+' || min({MAX_LOCK_SECONDS}, {LOCK_SECONDS} * (1 << min(20,
        failures + 1 - {FREE_FAILURES}))) || ' seconds') ELSE locked_until END
RETURNING failures
"""


def _failed(store: Store, username: str) -> int:
    with store.write() as conn:
        failures = conn.execute(_FAILURE, {"u": username, "now": now()}).fetchone()["failures"]
        # Names tried and left alone for a day are forgotten: a spray of made-up names must
        # not grow the table without end.
        conn.execute(
            "DELETE FROM login_attempts WHERE last_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', "
            "'-1 day') AND (locked_until IS NULL OR locked_until < :now)",
            {"now": now()},
        )
    return int(failures)


def issue_token(
    store: Store, username: str, kind: str, name: str | None, lifetime: dt.timedelta
) -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    expires = _iso(_utcnow() + lifetime)
    with store.write() as conn:
        if name is not None:
            conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE username = ? AND name = ? "
                "AND kind = 'machine' AND revoked_at IS NULL",
                (now(), username, name),
            )
        conn.execute(
            "INSERT INTO tokens (token_hash, username, kind, name, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (hash_token(token), username, kind, name, now(), expires),
        )
    return token, expires


def authenticate(store: Store, token: str) -> Caller | None:
    """The caller behind a bearer token, or None when unknown, expired, revoked or disabled."""
    row = store.one(
        "SELECT t.token_hash, t.expires_at, u.* FROM tokens t JOIN users u USING (username) "
        "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? "
        "AND u.disabled = 0",
        (hash_token(token), now()),
    )
    if row is None:
        return None
    return Caller(
        row["username"],
        row["municipality"],
        row["place"],
        Role(row["role"]),
        row["token_hash"],
        row["expires_at"],
    )


def revoke(store: Store, token_hash: str) -> None:
    with store.write() as conn:
        conn.execute("UPDATE tokens SET revoked_at = ? WHERE token_hash = ?", (now(), token_hash))


def tokens_of(store: Store, username: str) -> list[dict[str, Any]]:
    """A user's live tokens (never the tokens themselves)."""
    return store.query(
        "SELECT name, kind, created_at, expires_at FROM tokens WHERE username = ? "
        "AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at",
        (username, now()),
    )


def revoke_named(store: Store, username: str, name: str) -> bool:
    with store.write() as conn:
        done = conn.execute(
            "UPDATE tokens SET revoked_at = ? WHERE username = ? AND name = ? "
            "AND revoked_at IS NULL",
            (now(), username, name),
        ).rowcount
    return bool(done)


USER_FIELDS = "username, municipality, place, role, disabled, created_at"


def users_of(store: Store, municipality: str) -> list[dict[str, Any]]:
    return store.query(
        f"SELECT {USER_FIELDS} FROM users WHERE municipality = ? ORDER BY username", (municipality,)
    )


def user_in(store: Store, municipality: str, username: str) -> dict[str, Any] | None:
    """A user of this municipality; another municipality's user is as good as absent."""
    return store.one(
        f"SELECT {USER_FIELDS} FROM users WHERE username = ? AND municipality = ?",
        (username, municipality),
    )


def username_taken(store: Store, username: str) -> bool:
    return store.one("SELECT 1 AS x FROM users WHERE username = ?", (username,)) is not None


def disable(store: Store, municipality: str, username: str) -> None:
    """Disable a user of this municipality and revoke all their tokens at once."""
    with store.write() as conn:
        conn.execute(
            "UPDATE users SET disabled = 1 WHERE username = ? AND municipality = ?",
            (username, municipality),
        )
        _revoke_all(conn, username)


def _revoke_all(conn: Any, username: str) -> None:
    """Every session and machine token of the user ends now (a reset, a disable, a new role)."""
    conn.execute(
        "UPDATE tokens SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL",
        (now(), username),
    )


def set_password(store: Store, municipality: str, username: str, password: str) -> None:
    """A new password; whoever held the old one is logged out everywhere."""
    with store.write() as conn:
        done = conn.execute(
            "UPDATE users SET password_hash = ? WHERE username = ? AND municipality = ?",
            (hash_password(password), username, municipality),
        ).rowcount
        if done:
            conn.execute("DELETE FROM login_attempts WHERE username = ?", (username,))
        _revoke_all(conn, username)


def set_role(store: Store, municipality: str, username: str, role: Role) -> None:
    """Another role; tokens issued under the old one end at once."""
    with store.write() as conn:
        conn.execute(
            "UPDATE users SET role = ? WHERE username = ? AND municipality = ?",
            (role.value, username, municipality),
        )
        _revoke_all(conn, username)
