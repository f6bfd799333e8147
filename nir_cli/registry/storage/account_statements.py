"""The account statements both storages run: written once, in SQLite's `?` style, and given to
PostgreSQL with its `%s` (`pg`). What the dialects say differently (a lock-out's arithmetic on
timestamps, row locks, byte-order sorting) stays with each storage."""

from __future__ import annotations

import functools

USER_FIELDS = "username, municipality, place, role, disabled, created_at"

ADD_USER = (
    "INSERT INTO users (username, municipality, place, role, password_hash, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
USER = "SELECT * FROM users WHERE username = ?"
# {order}: the dialect's byte-order sort of usernames (SQLite's own; PostgreSQL's COLLATE "C")
USERS_OF = f"SELECT {USER_FIELDS} FROM users WHERE municipality = ? ORDER BY {{order}}"
USER_IN = f"SELECT {USER_FIELDS} FROM users WHERE username = ? AND municipality = ?"
USERNAME_TAKEN = "SELECT 1 AS x FROM users WHERE lower(username) = lower(?)"
DISABLE = "UPDATE users SET disabled = 1 WHERE username = ? AND municipality = ?"
SET_PASSWORD_HASH = "UPDATE users SET password_hash = ? WHERE username = ? AND municipality = ?"
FORGET_FAILURES = "DELETE FROM login_attempts WHERE username = ?"
SET_ROLE = "UPDATE users SET role = ? WHERE username = ? AND municipality = ?"
REVOKE_ALL = "UPDATE tokens SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL"
REPLACE_NAMED = (
    "UPDATE tokens SET revoked_at = ? WHERE username = ? AND name = ? "
    "AND kind = 'machine' AND revoked_at IS NULL"
)
ADD_TOKEN = (
    "INSERT INTO tokens (token_hash, username, kind, name, created_at, expires_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
CALLER = (
    "SELECT t.token_hash, t.expires_at, t.kind, t.created_at AS token_created_at, u.* "
    "FROM tokens t JOIN users u USING (username) "
    "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND u.disabled = 0"
)
REVOKE = "UPDATE tokens SET revoked_at = ? WHERE token_hash = ?"
TOKENS_OF = (
    "SELECT name, kind, created_at, expires_at FROM tokens WHERE username = ? "
    "AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at"
)
REVOKE_NAMED = (
    "UPDATE tokens SET revoked_at = ? WHERE username = ? AND name = ? AND revoked_at IS NULL"
)
LOCKED_UNTIL = "SELECT locked_until FROM login_attempts WHERE username = ? AND address = ?"
CLEAR_FAILURES = "DELETE FROM login_attempts WHERE username = ? AND address = ?"


@functools.cache
def pg(statement: str) -> str:
    """A statement in PostgreSQL's parameter style (psycopg's `%s`). These statements hold
    no `?` or `%` of their own."""
    assert "%" not in statement, statement
    return statement.replace("?", "%s")
