-- recon audit trail: schema version 5 -> 6, run inside open()'s write transaction.
-- Adds each run's job and rule file SHA-256 digests, and the record of `recon audit prune` (see
-- schema.sql for the meaning).
ALTER TABLE runs ADD COLUMN job_sha256 TEXT;
ALTER TABLE runs ADD COLUMN rule_files_json TEXT;
CREATE TABLE prunes (
  id                INTEGER PRIMARY KEY,
  pruned_at         TEXT NOT NULL,
  keep              TEXT NOT NULL,     -- the --keep given, e.g. "90d"
  cutoff            TEXT NOT NULL,     -- runs started before this were removed (but those kept, below)
  runs              INTEGER NOT NULL,  -- runs removed, with their tables, ranges, divergences, rechecks, applies
  divergences       INTEGER NOT NULL,
  rechecks          INTEGER NOT NULL,
  applies           INTEGER NOT NULL,
  run_ids_json      TEXT NOT NULL,     -- JSON array of the removed run ids
  os_user           TEXT NOT NULL,
  host              TEXT NOT NULL
);
UPDATE schema_version SET version = 6;
