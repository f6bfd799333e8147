-- 0015: one person, one record (issue #28). The registry keeps one person per DUF number: a
-- person typed here that it has already becomes its record, here too.

-- A conflict over a person the registry has under another record (same DUF number or
-- fødselsnummer, other facts): the registry's record of the person.
ALTER TABLE conflicts ADD COLUMN registry_person_id TEXT;

-- A local person record that became the registry's record of the same person, kept as it was.
CREATE TABLE merged_persons (
    local_id   TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL,      -- the record it became
    body       TEXT NOT NULL,      -- the local record's last version, as JSON
    merged_at  TEXT NOT NULL
) STRICT;

-- What a sync could not apply of what it pulled, for a person to read (`nir sync show RUN
-- --notes`): the command itself says only how many.
ALTER TABLE sync_runs ADD COLUMN notes TEXT;
