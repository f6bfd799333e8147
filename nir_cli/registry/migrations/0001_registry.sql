-- 0001: the reference registry: users and tokens, records and their versions, the change
-- sequence for pulls, and what each batch and each record version was answered.

CREATE TABLE users (
    username      TEXT PRIMARY KEY,
    municipality  TEXT NOT NULL,
    place         TEXT,
    role          TEXT NOT NULL CHECK (role IN ('superuser', 'deputy', 'user', 'transfer')),
    password_hash TEXT NOT NULL,                 -- argon2id
    disabled      INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT NOT NULL
) STRICT;
CREATE INDEX users_municipality ON users (municipality);

CREATE TABLE tokens (
    token_hash  TEXT PRIMARY KEY,                -- sha256 of the token; the token is never kept
    username    TEXT NOT NULL REFERENCES users (username),
    kind        TEXT NOT NULL CHECK (kind IN ('session', 'machine')),
    name        TEXT,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT
) STRICT;
CREATE UNIQUE INDEX tokens_machine_name ON tokens (username, name)
    WHERE kind = 'machine' AND revoked_at IS NULL;

-- Current state of every record. Ids are the clients' UUIDs and stay unique forever.
CREATE TABLE records (
    id               TEXT PRIMARY KEY,
    municipality     TEXT NOT NULL,
    entity           TEXT NOT NULL CHECK (entity IN ('person', 'registration')),
    person_id        TEXT,
    version          INTEGER NOT NULL,
    body             TEXT NOT NULL,
    withdrawn        INTEGER NOT NULL DEFAULT 0,
    withdrawn_reason TEXT,
    registry_date    TEXT NOT NULL,
    seq              INTEGER NOT NULL
) STRICT;
CREATE INDEX records_municipality ON records (municipality, entity);

CREATE TABLE record_versions (
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    withdrawn   INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    batch_id    TEXT NOT NULL,
    username    TEXT NOT NULL,
    PRIMARY KEY (id, version)
) STRICT;

-- The change sequence pulls page through, per municipality, in commit order.
CREATE TABLE changes (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    version      INTEGER NOT NULL
) STRICT;
CREATE INDEX changes_municipality ON changes (municipality, seq);

-- The answer given to each (record, version, content): a resend gets the same answer; the same
-- id and version with other content is judged afresh (and is then a conflict).
CREATE TABLE record_answers (
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    record_hash TEXT NOT NULL,
    answer      TEXT NOT NULL,
    PRIMARY KEY (id, version, record_hash)
) STRICT;

CREATE TABLE batches (
    batch_id        TEXT PRIMARY KEY,
    municipality    TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body_hash       TEXT NOT NULL,
    response        TEXT NOT NULL,
    username        TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    UNIQUE (municipality, idempotency_key)
) STRICT;
