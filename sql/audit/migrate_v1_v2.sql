-- recon audit trail: schema version 1 -> 2, run inside open()'s write transaction.
-- Adds the rules engine's columns (see schema.sql for their meaning) and the rechecks table.
-- Rows recorded before the migration keep NULL in the new divergence columns.
ALTER TABLE table_results ADD COLUMN tolerated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE table_results ADD COLUMN in_flight INTEGER NOT NULL DEFAULT 0;
ALTER TABLE table_results ADD COLUMN converged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE table_results ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
ALTER TABLE table_results ADD COLUMN escalated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE table_results ADD COLUMN categories_json TEXT;
ALTER TABLE table_results ADD COLUMN notes_json TEXT;

ALTER TABLE divergences ADD COLUMN columns_idx TEXT;
ALTER TABLE divergences ADD COLUMN key_canon BLOB;
ALTER TABLE divergences ADD COLUMN source_canon BLOB;
ALTER TABLE divergences ADD COLUMN target_canon BLOB;
ALTER TABLE divergences ADD COLUMN finding_category TEXT;
ALTER TABLE divergences ADD COLUMN severity INTEGER;
ALTER TABLE divergences ADD COLUMN action TEXT;
ALTER TABLE divergences ADD COLUMN rule TEXT;
ALTER TABLE divergences ADD COLUMN explanation TEXT;
ALTER TABLE divergences ADD COLUMN fix_columns_idx TEXT;
ALTER TABLE divergences ADD COLUMN status TEXT;
ALTER TABLE divergences ADD COLUMN recheck_attempts INTEGER;
ALTER TABLE divergences ADD COLUMN converged_after_s REAL;

CREATE TABLE rechecks (
  id               INTEGER PRIMARY KEY,
  divergence_id    INTEGER NOT NULL REFERENCES divergences(id),
  run_id           TEXT NOT NULL,
  recheck_id       TEXT NOT NULL,
  checked_at       TEXT NOT NULL,
  status           TEXT NOT NULL,
  finding_category TEXT,
  severity         INTEGER,
  action           TEXT,
  explanation      TEXT,
  source_canon     BLOB,
  target_canon     BLOB
);
CREATE INDEX rechecks_divergence ON rechecks (divergence_id);

UPDATE schema_version SET version = 2;
