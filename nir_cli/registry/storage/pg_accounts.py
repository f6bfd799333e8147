"""Users, tokens and failed logins on PostgreSQL: the statements of `storage/accounts.py`
(SQLite's), each write one transaction; the policy is `nir_cli.registry.accounts`'."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nir_cli.registry.storage import account_statements as st
from nir_cli.registry.storage.account_statements import pg
from nir_cli.registry.storage.clock import now
from nir_cli.registry.storage.interface import UsernameTaken

UTC_TEXT = """to_char({moment}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


class PgAccounts:
    """Users, tokens and failed logins on PostgreSQL: the statements of
    `storage/accounts.py`, each write one transaction."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def _one(self, sql: str, params: Sequence[Any]) -> dict[str, Any] | None:
        row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def add_user(
        self, username: str, municipality: str, place: str | None, role: str, password_hash: str
    ) -> None:
        from psycopg.errors import UniqueViolation

        try:
            self.conn.execute(
                pg(st.ADD_USER), (username, municipality, place, role, password_hash, now())
            )
        except UniqueViolation:
            raise UsernameTaken(username) from None

    def user(self, username: str) -> dict[str, Any] | None:
        return self._one(pg(st.USER), (username,))

    def users_of(self, municipality: str) -> list[dict[str, Any]]:
        by_bytes = pg(st.USERS_OF).format(order='username COLLATE "C"')  # as SQLite sorts
        return list(self.conn.execute(by_bytes, (municipality,)).fetchall())

    def user_in(self, municipality: str, username: str) -> dict[str, Any] | None:
        return self._one(pg(st.USER_IN), (username, municipality))

    def username_taken(self, username: str) -> bool:
        return self._one(pg(st.USERNAME_TAKEN), (username,)) is not None

    def disable(self, municipality: str, username: str) -> None:
        with self.conn.transaction():
            self.conn.execute(pg(st.DISABLE), (username, municipality))
            self._revoke_all(username)

    def set_password_hash(self, municipality: str, username: str, password_hash: str) -> None:
        with self.conn.transaction():
            done = self.conn.execute(
                pg(st.SET_PASSWORD_HASH), (password_hash, username, municipality)
            ).rowcount
            if done:
                self.conn.execute(pg(st.FORGET_FAILURES), (username,))
            self._revoke_all(username)

    def set_role(self, municipality: str, username: str, role: str) -> None:
        with self.conn.transaction():
            self.conn.execute(pg(st.SET_ROLE), (role, username, municipality))
            self._revoke_all(username)

    def _revoke_all(self, username: str) -> None:
        self.conn.execute(pg(st.REVOKE_ALL), (now(), username))

    def add_token(
        self, token_hash: str, username: str, kind: str, name: str | None, expires_at: str
    ) -> None:
        with self.conn.transaction():
            if name is not None:
                self.conn.execute(pg(st.REPLACE_NAMED), (now(), username, name))
            self.conn.execute(
                pg(st.ADD_TOKEN), (token_hash, username, kind, name, now(), expires_at)
            )

    def caller(self, token_hash: str) -> dict[str, Any] | None:
        return self._one(pg(st.CALLER), (token_hash, now()))

    def revoke(self, token_hash: str) -> None:
        self.conn.execute(pg(st.REVOKE), (now(), token_hash))

    def tokens_of(self, username: str) -> list[dict[str, Any]]:
        return list(self.conn.execute(pg(st.TOKENS_OF), (username, now())).fetchall())

    def revoke_named(self, username: str, name: str) -> bool:
        done = self.conn.execute(pg(st.REVOKE_NAMED), (now(), username, name)).rowcount
        return bool(done)

    def locked_until(self, username: str, address: str) -> str | None:
        row = self._one(pg(st.LOCKED_UNTIL), (username, address))
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
        `free_failures`) locked by one atomic statement, as on SQLite; pairs left alone for a
        day are forgotten."""
        free, lock, most = int(free_failures), int(lock_seconds), int(max_lock_seconds)
        # On this machine's clock (the `now` the times are compared with), not the server's.
        clock = "(%(clock)s::timestamptz AT TIME ZONE 'UTC')"
        until = UTC_TEXT.format(
            moment=f"{clock} + make_interval(secs => LEAST({most}, {lock} * "
            f"(1::bigint << LEAST(20, login_attempts.failures + 1 - {free}))))"
        )
        a_day_ago = UTC_TEXT.format(moment=f"{clock} - interval '1 day'")
        with self.conn.transaction():
            row = self.conn.execute(
                f"""
INSERT INTO login_attempts (username, address, failures, locked_until, last_at)
VALUES (%(u)s, %(a)s, 1, NULL, %(now)s)
ON CONFLICT (username, address) DO UPDATE SET
    failures = login_attempts.failures + 1,
    last_at = %(now)s,
    locked_until = CASE WHEN login_attempts.failures + 1 >= {free} THEN {until}
        ELSE login_attempts.locked_until END
RETURNING failures
""",
                {"u": username, "a": address, "now": now(), "clock": now()},
            ).fetchone()
        # The sweep on its own, after the count, skipping rows another login holds: in the same
        # transaction, two failures on two names could lock each other's rows (a deadlock).
        self.conn.execute(
            "DELETE FROM login_attempts WHERE (username, address) IN (SELECT username, address "
            f"FROM login_attempts WHERE last_at < {a_day_ago} AND (locked_until IS NULL OR "
            "locked_until < %(now)s) FOR UPDATE SKIP LOCKED)",
            {"now": now(), "clock": now()},
        )
        return int(row["failures"])

    def clear_failures(self, username: str, address: str) -> str | None:
        with self.conn.transaction():
            row = self._one(pg(st.LOCKED_UNTIL) + " FOR UPDATE", (username, address))
            if row is not None and row["locked_until"] and row["locked_until"] > now():
                return str(row["locked_until"])
            self.conn.execute(pg(st.CLEAR_FAILURES), (username, address))
        return None
