-- recon audit trail: schema version 3 -> 4, run inside open()'s write transaction.
-- Adds what `recon apply` records (see schema.sql for the meaning).
ALTER TABLE table_results ADD COLUMN fixup_file TEXT;
ALTER TABLE table_results ADD COLUMN fixup_sha256 TEXT;
CREATE TABLE applies (
  apply_id          TEXT NOT NULL,     -- one `recon apply` invocation
  run_id            TEXT NOT NULL REFERENCES runs(run_id),
  table_name        TEXT NOT NULL,
  started_at        TEXT NOT NULL,
  finished_at       TEXT,
  os_user           TEXT,
  host              TEXT,
  target_endpoint   TEXT,              -- password-free
  strict            INTEGER NOT NULL DEFAULT 0,
  status            TEXT NOT NULL,     -- committed | rolled_back | failed | interrupted | nothing_to_apply
  fixup_file        TEXT,              -- the run's fix-up file the statements are those of
  fixup_sha256      TEXT,              -- its SHA-256 hex, as verified before applying
  statements        INTEGER NOT NULL DEFAULT 0,  -- guarded statements run
  applied           INTEGER NOT NULL DEFAULT 0,  -- touched their row
  conflicts         INTEGER NOT NULL DEFAULT 0,  -- touched no row: the row changed since the check
  skipped           INTEGER NOT NULL DEFAULT 0,  -- not run: repaired by an earlier apply, or no longer open
  repaired          INTEGER NOT NULL DEFAULT 0,  -- applied and equal on both sides when re-read
  still_divergent   INTEGER NOT NULL DEFAULT 0,  -- applied and still different when re-read
  undo_file         TEXT,              -- the undo script, relative to runs.out_dir; NULL when nothing was applied
  undo_sha256       TEXT,
  error             TEXT,              -- password-free
  PRIMARY KEY (apply_id, table_name)
);
CREATE INDEX applies_run ON applies (run_id, table_name);

-- Version 4: what `recon apply` did to each key and what re-reading it found.
CREATE TABLE apply_keys (
  apply_id          TEXT NOT NULL,
  divergence_id     INTEGER NOT NULL REFERENCES divergences(id),
  run_id            TEXT NOT NULL,
  table_name        TEXT NOT NULL,
  key_json          TEXT NOT NULL,
  statement         TEXT NOT NULL,     -- delete | update | insert
  rows              INTEGER NOT NULL,  -- rows the statement touched (0: conflict)
  outcome           TEXT NOT NULL,     -- repaired | still_divergent | conflict | rolled_back
  now_equal         INTEGER,           -- both sides equal when re-read after the apply (NULL: not re-read)
  checked_at        TEXT
);
CREATE INDEX apply_keys_divergence ON apply_keys (divergence_id);

UPDATE schema_version SET version = 4;
