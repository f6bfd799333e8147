-- 0003: sync state: the pull cursor, every run and batch report, in-flight batches, conflicts.

CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,                 -- 'pull_cursor'
    value TEXT NOT NULL
) STRICT;

CREATE TABLE sync_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    dry_run     INTEGER NOT NULL,
    sent        INTEGER NOT NULL DEFAULT 0,
    accepted    INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    conflicts   INTEGER NOT NULL DEFAULT 0,
    pulled      INTEGER NOT NULL DEFAULT 0,
    outcome     TEXT                        -- ok, rejected, conflicts, failed: message
) STRICT;

-- A batch is written here, with its exact payload, before it is sent; after a crash it is sent
-- again byte for byte, so the registry answers it from its idempotency record.
CREATE TABLE sync_batches (
    idempotency_key TEXT PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES sync_runs (id),
    created_at      TEXT NOT NULL,
    payload         TEXT NOT NULL,
    outbox_seqs     TEXT NOT NULL,           -- JSON list of the outbox rows it carries
    state           TEXT NOT NULL DEFAULT 'sending' CHECK (state IN ('sending', 'done')),
    batch_id        TEXT,                    -- the registry's id, once answered
    answered_at     TEXT,
    accepted        INTEGER,
    rejected        INTEGER,
    conflicts       INTEGER,
    report          TEXT                     -- the registry's answer, kept for nir sync show
) STRICT;
CREATE INDEX sync_batches_state ON sync_batches (state, created_at);

CREATE TABLE conflicts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    entity           TEXT NOT NULL,
    entity_id        TEXT NOT NULL,
    local_version    INTEGER NOT NULL,
    registry_version INTEGER NOT NULL,
    registry_body    TEXT NOT NULL,
    registry_withdrawn INTEGER NOT NULL,
    detected_at      TEXT NOT NULL,
    resolved_at      TEXT,
    resolution       TEXT CHECK (resolution IN ('mine', 'theirs'))
) STRICT;
CREATE UNIQUE INDEX conflicts_open ON conflicts (entity, entity_id) WHERE resolved_at IS NULL;

-- Which in-flight batch carries an outbox row (NULL when none).
ALTER TABLE outbox ADD COLUMN batch_key TEXT;
