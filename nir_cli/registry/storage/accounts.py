"""Users, tokens and failed logins on SQLite. The policy (argon2, lock-out lengths, who may do
what) is `nir_cli.registry.accounts`'; these are its statements."""

from __future__ import annotations

import sqlite3
from typing import Any

from nir_cli.core.sqlite_file import SQLiteFile
from nir_cli.registry.storage import account_statements as st
from nir_cli.registry.storage.clock import now
from nir_cli.registry.storage.interface import UsernameTaken


class SqliteAccounts:
    """The account statements on one SQLite connection (a `SQLiteFile`)."""

    def __init__(self, store: SQLiteFile) -> None:
        self.store = store

    def add_user(
        self,
        username: str,
        municipality: str,
        place: str | None,
        role: str,
        password_hash: str,
    ) -> None:
        try:
            with self.store.write() as conn:
                conn.execute(
                    st.ADD_USER, (username, municipality, place, role, password_hash, now())
                )
        except sqlite3.IntegrityError:
            raise UsernameTaken(username) from None

    def user(self, username: str) -> dict[str, Any] | None:
        """Everything about a user, the password hash included (for logging in only)."""
        return self.store.one(st.USER, (username,))

    def users_of(self, municipality: str) -> list[dict[str, Any]]:
        return self.store.query(st.USERS_OF.format(order="username"), (municipality,))

    def user_in(self, municipality: str, username: str) -> dict[str, Any] | None:
        """A user of this municipality; another municipality's user is as good as absent."""
        return self.store.one(st.USER_IN, (username, municipality))

    def username_taken(self, username: str) -> bool:
        """Whether a user has this name, whatever its case."""
        return self.store.one(st.USERNAME_TAKEN, (username,)) is not None

    def disable(self, municipality: str, username: str) -> None:
        """Disable a user of this municipality and revoke all their tokens, in one transaction."""
        with self.store.write() as conn:
            conn.execute(st.DISABLE, (username, municipality))
            _revoke_all(conn, username)

    def set_password_hash(self, municipality: str, username: str, password_hash: str) -> None:
        """A new password hash; failed logins are forgotten and every token ends, at once."""
        with self.store.write() as conn:
            done = conn.execute(
                st.SET_PASSWORD_HASH, (password_hash, username, municipality)
            ).rowcount
            if done:
                conn.execute(st.FORGET_FAILURES, (username,))
            _revoke_all(conn, username)

    def set_role(self, municipality: str, username: str, role: str) -> None:
        """Another role; tokens issued under the old one end in the same transaction."""
        with self.store.write() as conn:
            conn.execute(st.SET_ROLE, (role, username, municipality))
            _revoke_all(conn, username)

    # -- tokens --------------------------------------------------------------------------------

    def add_token(
        self,
        token_hash: str,
        username: str,
        kind: str,
        name: str | None,
        expires_at: str,
    ) -> None:
        """A new token (its hash only); a named machine token replaces the live one of that name."""
        with self.store.write() as conn:
            if name is not None:
                conn.execute(st.REPLACE_NAMED, (now(), username, name))
            conn.execute(st.ADD_TOKEN, (token_hash, username, kind, name, now(), expires_at))

    def caller(self, token_hash: str) -> dict[str, Any] | None:
        """The user behind a live token (not expired, not revoked, user not disabled)."""
        return self.store.one(st.CALLER, (token_hash, now()))

    def revoke(self, token_hash: str) -> None:
        with self.store.write() as conn:
            conn.execute(st.REVOKE, (now(), token_hash))

    def tokens_of(self, username: str) -> list[dict[str, Any]]:
        """A user's live tokens (never the tokens themselves)."""
        return self.store.query(st.TOKENS_OF, (username, now()))

    def revoke_named(self, username: str, name: str) -> bool:
        with self.store.write() as conn:
            done = conn.execute(st.REVOKE_NAMED, (now(), username, name)).rowcount
        return bool(done)

    # -- failed logins -------------------------------------------------------------------------

    def locked_until(self, username: str, address: str) -> str | None:
        """When the lock-out of this name from this address ends, if one holds now."""
        row = self.store.one(st.LOCKED_UNTIL, (username, address))
        if row is None or not row["locked_until"] or row["locked_until"] <= now():
            return None
        return str(row["locked_until"])

    def count_failure(
        self,
        username: str,
        address: str,
        free_failures: int,
        lock_seconds: int,
        max_lock_seconds: int,
    ) -> int:
        """One more failed login of this name from this address, counted and (past
        `free_failures`) locked by one atomic statement, whatever races it; the failures so
        far. Pairs tried and left alone for a day are forgotten: a spray of made-up names must
        not grow the table without end."""
        with self.store.write() as conn:
            failures = conn.execute(
                f"""
INSERT INTO login_attempts (username, address, failures, locked_until, last_at)
VALUES (:u, :a, 1, NULL, :now)
ON CONFLICT (username, address) DO UPDATE SET
    failures = failures + 1,
    last_at = :now,
    locked_until = CASE WHEN failures + 1 >= {int(free_failures)}
        THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+' || min({int(max_lock_seconds)},
        {int(lock_seconds)} * (1 << min(20, failures + 1 - {int(free_failures)}))) || ' seconds')
        ELSE locked_until END
RETURNING failures
""",
                {"u": username, "a": address, "now": now()},
            ).fetchone()["failures"]
            conn.execute(
                "DELETE FROM login_attempts WHERE last_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', "
                "'-1 day') AND (locked_until IS NULL OR locked_until < :now)",
                {"now": now()},
            )
        return int(failures)

    def clear_failures(self, username: str, address: str) -> str | None:
        """A right password from this address: its failures are forgotten, unless a lock-out
        set by failures that raced it holds; then when that lock-out ends, and nothing is
        cleared."""
        with self.store.write() as conn:
            row = conn.execute(st.LOCKED_UNTIL, (username, address)).fetchone()
            if row is not None and row["locked_until"] and row["locked_until"] > now():
                return str(row["locked_until"])
            conn.execute(st.CLEAR_FAILURES, (username, address))
        return None


def _revoke_all(conn: sqlite3.Connection, username: str) -> None:
    """Every session and machine token of the user ends now."""
    conn.execute(st.REVOKE_ALL, (now(), username))
