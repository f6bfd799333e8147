-- 0004: the registry's remaining guards (issue #29).

-- Failed logins are counted per username *and* client address: a stranger's wrong passwords
-- lock that name out from the stranger's address only, never its owner from theirs (CWE-645).
-- Lock-outs in force at the upgrade are forgotten.
DROP TABLE login_attempts;
CREATE TABLE login_attempts (
    username     TEXT NOT NULL,
    address      TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    locked_until TEXT,
    last_at      TEXT NOT NULL,
    PRIMARY KEY (username, address)
) STRICT;
CREATE INDEX login_attempts_last ON login_attempts (last_at);

-- Usernames are unique whatever their case: "5001-user" and "5001-USER" cannot both exist. A
-- registry holding two such names stops here, naming this index: rename or remove one of
-- each pair (docs/registry-production.md), then start it again.
CREATE UNIQUE INDEX users_username_differs_in_more_than_case ON users (lower(username));
