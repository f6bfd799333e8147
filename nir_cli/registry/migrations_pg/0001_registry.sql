-- 0001 (PostgreSQL): the reference registry, as SQLite's 0001: users and tokens, records and
-- their versions, the change feed pulls page through, and what each batch and each record
-- version was answered. Timestamps are ISO 8601 text in UTC, as on SQLite, so both answer
-- byte for byte alike. One difference: the change feed is numbered per municipality by a
-- counter row (change_counters), locked until commit, so a feed is in commit order (see
-- storage/postgres.py).

CREATE TABLE users (
    username      TEXT PRIMARY KEY,
    municipality  TEXT NOT NULL,
    place         TEXT,
    role          TEXT NOT NULL CHECK (role IN ('superuser', 'deputy', 'user', 'transfer')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT NOT NULL
);
CREATE INDEX users_municipality ON users (municipality);

CREATE TABLE tokens (
    token_hash  TEXT PRIMARY KEY,
    username    TEXT NOT NULL REFERENCES users (username),
    kind        TEXT NOT NULL CHECK (kind IN ('session', 'machine')),
    name        TEXT,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE UNIQUE INDEX tokens_machine_name ON tokens (username, name)
    WHERE kind = 'machine' AND revoked_at IS NULL;
CREATE INDEX tokens_username ON tokens (username);

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
    seq              BIGINT NOT NULL
);
CREATE INDEX records_municipality ON records (municipality, entity);
CREATE INDEX records_person ON records (person_id) WHERE person_id IS NOT NULL;

CREATE TABLE record_versions (
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    withdrawn   INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    batch_id    TEXT NOT NULL,
    username    TEXT NOT NULL,
    PRIMARY KEY (id, version)
);

-- Each municipality's changes, numbered 1, 2, ... in the order their transactions committed.
CREATE TABLE changes (
    municipality TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    record_id    TEXT NOT NULL,
    version      INTEGER NOT NULL,
    PRIMARY KEY (municipality, seq)
);
CREATE TABLE change_counters (
    municipality TEXT PRIMARY KEY,
    last_seq     BIGINT NOT NULL
);

CREATE TABLE record_answers (
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    record_hash TEXT NOT NULL,
    answer      TEXT NOT NULL,
    PRIMARY KEY (id, version, record_hash)
);

CREATE TABLE batches (
    batch_id        TEXT PRIMARY KEY,
    municipality    TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body_hash       TEXT NOT NULL,
    response        TEXT NOT NULL,
    username        TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    UNIQUE (municipality, idempotency_key)
);
