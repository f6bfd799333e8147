-- 0001: persons, registrations, their version histories, and the transactional outbox.
-- Identifiers are TEXT everywhere; STRICT tables refuse type guessing.

CREATE TABLE persons (
    id                           TEXT PRIMARY KEY,      -- client-generated UUID
    version                      INTEGER NOT NULL,      -- local version, 1, 2, ...
    duf                          TEXT,
    fnr                          TEXT,
    first_name                   TEXT NOT NULL,
    last_name                    TEXT NOT NULL,
    birth_date                   TEXT NOT NULL,
    residence_basis              TEXT NOT NULL,
    permit_date                  TEXT NOT NULL,
    settlement_date              TEXT,
    population_registration_date TEXT,
    regime                       TEXT NOT NULL,
    municipality                 TEXT NOT NULL,
    place                        TEXT,
    created_at                   TEXT NOT NULL,         -- entry date of version 1 (UTC)
    entry_date                   TEXT NOT NULL,         -- entry date of this version (UTC)
    source                       TEXT NOT NULL,         -- 'cli' or 'import:<id>' of this version
    registry_date                TEXT,                  -- when the registry accepted registry_version
    registry_version             INTEGER                -- the version the registry holds
) STRICT;
CREATE UNIQUE INDEX persons_duf ON persons (duf) WHERE duf IS NOT NULL;
CREATE UNIQUE INDEX persons_fnr ON persons (fnr) WHERE fnr IS NOT NULL;
CREATE INDEX persons_municipality ON persons (municipality, place);

CREATE TABLE person_versions (
    person_id   TEXT NOT NULL REFERENCES persons (id),
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,                          -- JSON of the person as of this version
    entry_date  TEXT NOT NULL,
    source      TEXT NOT NULL,
    PRIMARY KEY (person_id, version)
) STRICT;

CREATE TABLE registrations (
    id               TEXT PRIMARY KEY,                  -- client-generated UUID
    person_id        TEXT NOT NULL REFERENCES persons (id),
    kind             TEXT NOT NULL,
    scheme           TEXT,
    fact_date        TEXT NOT NULL,
    deadline         TEXT NOT NULL,                     -- two_month_deadline(fact_date), for indexes
    natural_key      TEXT NOT NULL,                     -- person id | kind | key fields
    details          TEXT NOT NULL,                     -- JSON of the kind's own fields
    version          INTEGER NOT NULL,
    withdrawn        INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),
    withdrawn_reason TEXT,
    municipality     TEXT NOT NULL,
    place            TEXT,
    created_at       TEXT NOT NULL,
    entry_date       TEXT NOT NULL,
    source           TEXT NOT NULL,
    registry_date    TEXT,
    registry_version INTEGER
) STRICT;
-- One live registration per person and natural key: a second one is a correction, not a copy.
CREATE UNIQUE INDEX registrations_natural_key ON registrations (natural_key) WHERE withdrawn = 0;
CREATE INDEX registrations_person ON registrations (person_id, kind, fact_date);
CREATE INDEX registrations_deadline ON registrations (deadline);
CREATE INDEX registrations_municipality ON registrations (municipality, place);

CREATE TABLE registration_versions (
    registration_id  TEXT NOT NULL REFERENCES registrations (id),
    version          INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    scheme           TEXT,
    fact_date        TEXT NOT NULL,
    details          TEXT NOT NULL,
    withdrawn        INTEGER NOT NULL,
    withdrawn_reason TEXT,
    entry_date       TEXT NOT NULL,
    source           TEXT NOT NULL,
    PRIMARY KEY (registration_id, version)
) STRICT;

-- One row per version to send, written in the same transaction as the change it records.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    entity       TEXT NOT NULL CHECK (entity IN ('person', 'registration')),
    entity_id    TEXT NOT NULL,
    version      INTEGER NOT NULL,
    base_version INTEGER,                               -- the registry version it builds on
    created_at   TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'accepted', 'rejected', 'conflict', 'superseded')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    UNIQUE (entity, entity_id, version)
) STRICT;
CREATE INDEX outbox_state ON outbox (state, seq);
