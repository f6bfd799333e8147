"""Users, tokens and failed logins on PostgreSQL: the statements of `storage/accounts.py`
(SQLite's), each write one transaction; the policy is `nir_cli.registry.accounts`'."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nir_cli.registry.storage.clock import now
from nir_cli.registry.storage.interface import UsernameTaken

UTC_TEXT = """to_char({moment}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""

USER_FIELDS = "username, municipality, place, role, disabled, created_at"


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
                "INSERT INTO users (username, municipality, place, role, password_hash, "
                "created_at) VALUES (%s, %s, %s, %s, %s, %s)",
                (username, municipality, place, role, password_hash, now()),
            )
        except UniqueViolation:
            raise UsernameTaken(username) from None

    def user(self, username: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM users WHERE username = %s", (username,))

    def users_of(self, municipality: str) -> list[dict[str, Any]]:
        return list(
            self.conn.execute(
                f"SELECT {USER_FIELDS} FROM users WHERE municipality = %s "
                'ORDER BY username COLLATE "C"',  # byte order, as SQLite sorts
                (municipality,),
            ).fetchall()
        )

    def user_in(self, municipality: str, username: str) -> dict[str, Any] | None:
        return self._one(
            f"SELECT {USER_FIELDS} FROM users WHERE username = %s AND municipality = %s",
            (username, municipality),
        )

    def username_taken(self, username: str) -> bool:
        sql = "SELECT 1 AS x FROM users WHERE lower(username) = lower(%s)"
        return self._one(sql, (username,)) is not None

    def disable(self, municipality: str, username: str) -> None:
        with self.conn.transaction():
            self.conn.execute(
                "UPDATE users SET disabled = 1 WHERE username = %s AND municipality = %s",
                (username, municipality),
            )
            self._revoke_all(username)

    def set_password_hash(self, municipality: str, username: str, password_hash: str) -> None:
        with self.conn.transaction():
            done = self.conn.execute(
                "UPDATE users SET password_hash = %s WHERE username = %s AND municipality = %s",
                (password_hash, username, municipality),
            ).rowcount
            if done:
                self.conn.execute("DELETE FROM login_attempts WHERE username = %s", (username,))
            self._revoke_all(username)

    def set_role(self, municipality: str, username: str, role: str) -> None:
        with self.conn.transaction():
            self.conn.execute(
                "UPDATE users SET role = %s WHERE username = %s AND municipality = %s",
                (role, username, municipality),
            )
            self._revoke_all(username)

    def _revoke_all(self, username: str) -> None:
        self.conn.execute(
            "UPDATE tokens SET revoked_at = %s WHERE username = %s AND revoked_at IS NULL",
            (now(), username),
        )

    def add_token(
        self, token_hash: str, username: str, kind: str, name: str | None, expires_at: str
    ) -> None:
        with self.conn.transaction():
            if name is not None:
                self.conn.execute(
                    "UPDATE tokens SET revoked_at = %s WHERE username = %s AND name = %s "
                    "AND kind = 'machine' AND revoked_at IS NULL",
                    (now(), username, name),
                )
            self.conn.execute(
                "INSERT INTO tokens (token_hash, username, kind, name, created_at, expires_at) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                (token_hash, username, kind, name, now(), expires_at),
            )

    def caller(self, token_hash: str) -> dict[str, Any] | None:
        return self._one(
            "SELECT t.token_hash, t.expires_at, t.kind, t.created_at AS token_created_at, u.* "
            "FROM tokens t "
            "JOIN users u USING (username) WHERE t.token_hash = %s AND t.revoked_at IS NULL "
            "AND t.expires_at > %s AND u.disabled = 0",
            (token_hash, now()),
        )

    def revoke(self, token_hash: str) -> None:
        self.conn.execute(
            "UPDATE tokens SET revoked_at = %s WHERE token_hash = %s", (now(), token_hash)
        )

    def tokens_of(self, username: str) -> list[dict[str, Any]]:
        return list(
            self.conn.execute(
                "SELECT name, kind, created_at, expires_at FROM tokens WHERE username = %s "
                "AND revoked_at IS NULL AND expires_at > %s ORDER BY created_at",
                (username, now()),
            ).fetchall()
        )

    def revoke_named(self, username: str, name: str) -> bool:
        done = self.conn.execute(
            "UPDATE tokens SET revoked_at = %s WHERE username = %s AND name = %s "
            "AND revoked_at IS NULL",
            (now(), username, name),
        ).rowcount
        return bool(done)

    def locked_until(self, username: str, address: str) -> str | None:
        row = self._one(
            "SELECT locked_until FROM login_attempts WHERE username = %s AND address = %s",
            (username, address),
        )
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
            row = self._one(
                "SELECT locked_until FROM login_attempts WHERE username = %s AND address = %s "
                "FOR UPDATE",
                (username, address),
            )
            if row is not None and row["locked_until"] and row["locked_until"] > now():
                return str(row["locked_until"])
            self.conn.execute(
                "DELETE FROM login_attempts WHERE username = %s AND address = %s",
                (username, address),
            )
        return None
