-- 0002 (PostgreSQL): failed logins counted per username in a table of their own, as SQLite's
-- 0002: an unknown name and a wrong password answer alike and are locked out alike.

CREATE TABLE login_attempts (
    username     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until TEXT,
    last_at      TEXT NOT NULL
);
CREATE INDEX login_attempts_last ON login_attempts (last_at);

INSERT INTO login_attempts (username, failures, locked_until, last_at)
    SELECT username, failed_logins, locked_until, created_at FROM users WHERE failed_logins > 0;

ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
