-- 0004 (PostgreSQL): the registry's remaining guards, as SQLite's 0004: failed logins per
-- username and client address; usernames unique whatever their case.
DROP TABLE login_attempts;
CREATE TABLE login_attempts (
    username     TEXT NOT NULL,
    address      TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    locked_until TEXT,
    last_at      TEXT NOT NULL,
    PRIMARY KEY (username, address)
);
CREATE INDEX login_attempts_last ON login_attempts (last_at);

CREATE UNIQUE INDEX users_username_differs_in_more_than_case ON users (lower(username));
